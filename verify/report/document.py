"""The report document: findings, groups, the coverage matrix and disputes, as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any, Final, cast

from verify.compare.groups import finding_links, sides
from verify.records import (
    FINDING_KINDS,
    Cell,
    Dispute,
    Finding,
    Group,
    Matrix,
    MatrixRow,
    Report,
    claim_json,
    document_json,
)
from verify.store.rows import json_text
from verify.store.runs import run_summary

SCHEMA: Final = "verify.report/1"
KIND_ORDER = FINDING_KINDS
KIND_TITLES = {
    "contradiction": "Contradictions",
    "revision": "Revisions (a source changed its account)",
    "omission": "Omissions",
    "partial": "Partial agreements",
    "agreement": "Agreements",
}
CELL_SYMBOLS = {"states": "✓", "contradicts": "✗", "partial": "~", "omits": "·", "none": " "}
CELL_WORDS = {
    "states": "states it",
    "contradicts": "contradicts it",
    "partial": "in part or hedged",
    "omits": "omits it",
    "none": "no claim",
}


def build_report(
    store, comparison, run: dict, decisions: dict[str, dict] | None = None, story: str | None = None
) -> Report:
    """The report document for a completed run of ``comparison``."""
    decisions = decisions or {}
    claims = {c["id"]: c for c in comparison.claims}
    document_ids = sorted({c["document_id"] for c in comparison.claims})
    documents = [store.document(d) for d in document_ids]
    source_ids = sorted({c["source"] for c in comparison.claims} | {c["outlet"] for c in comparison.claims})
    sources = [store.source(s) for s in source_ids]
    findings: list[Finding] = []
    for f in comparison.findings:
        decision = decisions.get(f["id"])
        shown = {"spans": highlight_spans(f, claims), "decision": _decision_view(decision) if decision else None}
        findings.append(cast(Finding, f | shown))
    return {
        "schema": SCHEMA,
        "run": run_summary(run, story=story, checks=comparison.checks, stats=comparison.stats),
        "sources": [
            {"id": s["id"], "name": s["name"], "kind": s["kind"], "registered": bool(s["registered"])} for s in sources
        ],
        "documents": [document_json(d) for d in documents],
        "claims": [claim_json(c) for c in comparison.claims],
        "groups": comparison.groups,
        "matrix": coverage_matrix(comparison),
        "disputes": disputes(comparison),
        "findings": findings,
    }


def relay_chain(claim: dict, names: dict) -> str:
    """'Syrian Observatory for Human Rights via AFP via The New Arab': who said it, through whom."""
    return " via ".join(names.get(s, s) for s in [claim["source"], *(claim.get("via") or []), claim["outlet"]])


def _decision_view(row: dict) -> dict:
    return {k: row[k] for k in ("id", "decision", "note", "reviewer", "decided_at")}


def highlight_spans(finding: dict, claims: dict[str, dict]) -> dict[str, list[list[int]]]:
    """Character spans, per claim, of the values that clash (numbers, dates, verbs, negations)."""
    if finding["kind"] not in ("contradiction", "revision"):
        return {}
    left, right = finding["claims"]
    spans: dict[str, list[list[int]]] = {left: [], right: []}
    for name, found in finding["evidence"].get("clashes", {}).items():
        for clash in found if isinstance(found, list) else [found]:
            if "left_span" in clash:
                spans[left].append(clash["left_span"])
                spans[right].append(clash["right_span"])
            elif name == "polarity":
                for cid, words in ((left, clash["left"]), (right, clash["right"])):
                    text = claims[cid]["text"]
                    for word in words:
                        at = text.find(word)
                        if at >= 0:
                            spans[cid].append([at, at + len(word)])
    return {cid: sorted(s) for cid, s in spans.items() if s}


def coverage_matrix(comparison) -> Matrix:
    """One row per claim group, one column per source: states, contradicts, partial, omits or none.

    A source states the group if one of its claims is on the label's side (partial if only
    through partial findings, or hedged); it contradicts it if its claims are all on the other
    side (the group's ``against``)."""
    claims = {c["id"]: c for c in comparison.claims}
    agreeing = {c for f in comparison.findings if f["kind"] == "agreement" for c in f["claims"]}
    omitting: dict[str, set[str]] = {}
    for f in comparison.findings:
        if f["kind"] == "omission":
            omitting.setdefault(f["evidence"]["group"], set()).update(f["omitted_by"])
    rows: list[MatrixRow] = []
    for group in comparison.groups:  # each group's own sources, and those that omit it; the rest: none
        against = set(group["against"])
        by_source: dict[str, list[str]] = {}
        for c in group["claims"]:
            by_source.setdefault(claims[c]["source"], []).append(c)
        cells: dict[str, Cell] = dict.fromkeys(omitting.get(group["id"], ()), "omits")
        for source, own in by_source.items():
            with_label = [c for c in own if c not in against]
            if with_label:
                full = any(c in agreeing for c in with_label)
                hedged = all(claims[c].get("hedged") for c in with_label)
                cells[source] = "states" if full or (group["label_claim"] in with_label and not hedged) else "partial"
            else:
                cells[source] = "contradicts"
        rows.append({"group": group["id"], "label": group["label"], "cells": cells})
    columns = sorted({s for row in rows for s in row["cells"]})
    for row in rows:
        row["cells"] = {s: row["cells"].get(s, "none") for s in columns}
    return {"sources": columns, "rows": rows, "legend": CELL_WORDS}


def disputes(comparison) -> list[Dispute]:
    """The claim groups with contradictions in them: the sources on the side of the group's label
    claim, the sources on the other side (a source that says both is on both), and the
    contradiction findings. Many pair findings often tell one dispute."""
    source_of = {c["id"]: c["source"] for c in comparison.claims}
    group_of = {c: g["id"] for g in comparison.groups for c in g["claims"]}
    found: dict[str, list[str]] = {}
    for f in comparison.findings:
        if f["kind"] == "contradiction":  # both claims are in one group: the finding joined them
            found.setdefault(group_of[f["claims"][0]], []).append(f["id"])
    out: list[Dispute] = []
    for group in comparison.groups:
        if group["id"] not in found:
            continue
        against = set(group["against"])
        out.append(
            {
                "group": group["id"],
                "label": group["label"],
                "stated_by": sorted({source_of[c] for c in set(group["claims"]) - against}),
                "contradicted_by": sorted({source_of[c] for c in against}),
                "findings": found[group["id"]],
            }
        )
    return out


def without_dismissed(report: Report) -> Report:
    """The report as a reader wants it once reviewers have dismissed findings: those findings
    gone, and the groups, coverage matrix and disputes made again from the findings that remain
    (``dismissed`` counts what was left out). The run keeps them all."""
    dismissed = {f["id"] for f in report["findings"] if f["decision"] and f["decision"]["decision"] == "dismiss"}
    if not dismissed:
        return report
    kept = [f for f in report["findings"] if f["id"] not in dismissed]
    remaining = SimpleNamespace(claims=report["claims"], findings=kept, groups=regroup(report["groups"], kept))
    return {
        **report,
        "groups": remaining.groups,
        "findings": kept,
        "matrix": coverage_matrix(remaining),
        "disputes": disputes(remaining),
        "dismissed": len(dismissed),
    }


def regroup(groups: list[Group], findings: list[Finding]) -> list[Group]:
    """Each group without the claims that only dismissed findings joined to it: the claims
    reached from its label through the findings that remain, each on its side (a contradiction,
    or a reversal, flips it). A group left with one claim goes."""
    links = finding_links(findings)
    out = []
    for group in groups:
        side = sides(group["label_claim"], links, set(group["claims"]))
        if len(side) < 2:
            continue
        claims = [c for c in group["claims"] if c in side]
        kept = {
            "claims": claims,
            "against": [c for c in claims if not side[c]],
            "timeline": [e for e in group["timeline"] if e["claim"] in side],
        }
        out.append(cast(Group, group | kept))
    return out


def filter_findings(
    report: Report, kinds=None, source=None, min_confidence=None, hide_dismissed=False, limit=None
) -> Report:
    """A view of the report with only the findings asked for (the run keeps them all); without
    the dismissed ones (see :func:`without_dismissed`) when ``hide_dismissed``."""
    if hide_dismissed:
        report = without_dismissed(report)
    kept = []
    for f in report["findings"]:
        if kinds and f["kind"] not in kinds:
            continue
        if source and source not in f["sources"] and source not in f["omitted_by"]:
            continue
        if min_confidence is not None and f["confidence"] < min_confidence:
            continue
        kept.append(f)
    kept.sort(key=lambda f: (KIND_ORDER.index(f["kind"]), -f["confidence"], f["id"]))
    return {**report, "findings": kept[:limit] if limit else kept}


# -- text formats ----------------------------------------------------------------------------


def to_json(report: Report) -> str:
    """Compact JSON (orjson: a 10,000-claim report, 33 MB, in a third of the standard library's time)."""
    return json_text(report) + "\n"


def mark_spans(text: str, spans: list[list[int]], before: str, after: str, escape=lambda s: s) -> str:
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out += [escape(text[cursor:start]), before, escape(text[start:end]), after]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def confidence_basis(finding: Mapping[str, Any]) -> str:
    """What a finding's confidence rests on, in words: the calibrated judge of a pair, or a rule."""
    evidence = finding["evidence"]
    if judged := evidence.get("judge"):
        readings = [r for r in evidence["nli"].values() if r]  # each direction read
        entailment, contradiction = (
            "/".join(f"{r[label]:.2f}" for r in readings) for label in ("entailment", "contradiction")
        )
        return (
            f"calibrated judge (NLI + checks): states {judged['agree']:.2f} · compatible "
            f"{judged['neutral']:.2f} · contradicts {judged['contradict']:.2f}; NLI entailment "
            f"{entailment}, contradiction {contradiction}"
        )
    if stance := evidence.get("stance"):  # findings recorded before the judge
        return (
            f"learned stance (FNC-1): disputes {stance['disagree']:.2f} · states or reports "
            f"{stance['agree'] + stance['discuss']:.2f} · unrelated {stance['unrelated']:.2f}"
        )
    return "confidence set by rule: how many sources state it, and any negative report (not calibrated)"
