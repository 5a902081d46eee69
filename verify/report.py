"""Reports: a comparison's findings as a JSON document (the contract), and as terminal, Markdown,
CSV and self-contained HTML views of that document.

:func:`build_report` makes the JSON document (``verify/schemas/report.schema.json`` describes
it); every other format renders from it, so all formats say the same thing.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

from .audit import (
    aborting,
    completed_run,
    latest_decisions,
    record_run,
    run_findings,
    run_summary,
    source_names,
    start_run,
)
from .compare import Comparison, claim_groups, compare, finding_links, prepare_all, sides
from .errors import VerifyError
from .ingest import check_date
from .judge import comparison_key, judge_model_info
from .match import claim_vectors
from .models import load_embedder, load_nli_model
from .output import csv_text, markdown_text
from .records import FINDING_KINDS, ModelInfo, Thresholds, claim_json
from .store import FINDING_CONTENT, canonical, json_text
from .times import timelines
from .verdict import CHECKS, shorten

SCHEMA = "verify.report/1"
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
) -> dict:
    """The report document for a completed run of ``comparison``."""
    decisions = decisions or {}
    claims = {c["id"]: c for c in comparison.claims}
    document_ids = sorted({c["document_id"] for c in comparison.claims})
    documents = [store.document(d) for d in document_ids]
    source_ids = sorted({c["source"] for c in comparison.claims} | {c["outlet"] for c in comparison.claims})
    sources = [store.source(s) for s in source_ids]
    findings = []
    for f in comparison.findings:
        decision = decisions.get(f["id"])
        findings.append(
            {**f, "spans": highlight_spans(f, claims), "decision": _decision_view(decision) if decision else None}
        )
    return {
        "schema": SCHEMA,
        "run": run_summary(run, story=story, checks=comparison.checks, stats=comparison.stats),
        "sources": [
            {"id": s["id"], "name": s["name"], "kind": s["kind"], "registered": bool(s["registered"])} for s in sources
        ],
        "documents": [
            {k: d[k] for k in ("id", "sha256", "outlet", "story", "title", "url", "published", "path")}
            for d in documents
        ],
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


def coverage_matrix(comparison) -> dict:
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
    rows = []
    for group in comparison.groups:  # each group's own sources, and those that omit it; the rest: none
        against = set(group["against"])
        by_source: dict[str, list[str]] = {}
        for c in group["claims"]:
            by_source.setdefault(claims[c]["source"], []).append(c)
        cells = dict.fromkeys(omitting.get(group["id"], ()), "omits")
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


def disputes(comparison) -> list[dict]:
    """The claim groups with contradictions in them: the sources on the side of the group's label
    claim, the sources on the other side (a source that says both is on both), and the
    contradiction findings. Many pair findings often tell one dispute."""
    source_of = {c["id"]: c["source"] for c in comparison.claims}
    group_of = {c: g["id"] for g in comparison.groups for c in g["claims"]}
    found: dict[str, list[str]] = {}
    for f in comparison.findings:
        if f["kind"] == "contradiction":  # both claims are in one group: the finding joined them
            found.setdefault(group_of[f["claims"][0]], []).append(f["id"])
    out = []
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


def without_dismissed(report: dict) -> dict:
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


def regroup(groups: list[dict], findings: list[dict]) -> list[dict]:
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
        out.append(
            {
                **group,
                "claims": claims,
                "against": [c for c in claims if not side[c]],
                "timeline": [e for e in group["timeline"] if e["claim"] in side],
            }
        )
    return out


def filter_findings(
    report: dict, kinds=None, source=None, min_confidence=None, hide_dismissed=False, limit=None
) -> dict:
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


def to_json(report: dict) -> str:
    """Compact JSON (orjson: a 10,000-claim report, 33 MB, in a third of the standard library's time)."""
    return json_text(report) + "\n"


CSV_COLUMNS = (
    "id",
    "kind",
    "confidence",
    "sources",
    "omitted_by",
    "reason",
    "claims",
    "claim_texts",
    "decision",
    "run_id",
)


def to_csv(report: dict) -> str:
    texts = {c["id"]: c["text"] for c in report["claims"]}
    return csv_text(
        CSV_COLUMNS,
        (
            [
                f["id"],
                f["kind"],
                f"{f['confidence']:.3f}",
                ";".join(f["sources"]),
                ";".join(f["omitted_by"]),
                f["reason"],
                ";".join(f["claims"]),
                " || ".join(texts[c] for c in f["claims"][:2] if f["kind"] != "omission") or texts[f["claims"][0]],
                f["decision"]["decision"] if f["decision"] else "",
                report["run"]["id"],
            ]
            for f in report["findings"]
        ),
    )


def mark_spans(text: str, spans: list[list[int]], before: str, after: str, escape=lambda s: s) -> str:
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out += [escape(text[cursor:start]), before, escape(text[start:end]), after]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def to_markdown(report: dict) -> str:
    run = report["run"]
    claims = {c["id"]: c for c in report["claims"]}
    names = {s["id"]: s["name"] for s in report["sources"]}
    lines = [
        f"# verify report{': ' + markdown_text(run['story']) if run['story'] else ''}",
        "",
        f"Run `{run['id']}` · {run['started_at']} · verify {run['tool_version']} · "
        f"{len(report['documents'])} documents · {len(report['sources'])} sources",
        "",
    ]
    matrix = report["matrix"]
    if matrix["rows"]:
        lines += [
            "## Coverage",
            "",
            "| claim group | " + " | ".join(map(markdown_text, matrix["sources"])) + " |",
            "|---|" + "---|" * len(matrix["sources"]),
        ]
        for row in matrix["rows"]:
            cells = " | ".join(CELL_SYMBOLS[row["cells"][s]] for s in matrix["sources"])
            lines.append(f"| {markdown_text(shorten(row['label'], 70))} | {cells} |")
        lines += [
            "",
            "Legend: " + ", ".join(f"{CELL_SYMBOLS[k]} {v}" for k, v in CELL_WORDS.items() if k != "none"),
            "",
        ]
    shown = {f["id"] for f in report["findings"]}
    if listed := [d for d in report["disputes"] if shown & set(d["findings"])]:
        lines += [
            f"## Disputes ({len(listed)})",
            "",
            "| claim group | stated by | contradicted by | findings |",
            "|---|---|---|---:|",
        ]
        for d in listed:
            lines.append(
                f"| {markdown_text(shorten(d['label'], 70))} | {markdown_text(', '.join(d['stated_by']))} | "
                f"{markdown_text(', '.join(d['contradicted_by']))} | {len(d['findings'])} |"
            )
        lines.append("")
    if told := timelines(report):
        lines += [f"## Timelines ({len(told)})", "", "| claim group | timeline |", "|---|---|"]
        lines += [f"| {markdown_text(shorten(g['label'], 70))} | {markdown_text(line)} |" for g, line in told]
        lines.append("")
    for kind in KIND_ORDER:
        group = [f for f in report["findings"] if f["kind"] == kind]
        if not group:
            continue
        lines += [f"## {KIND_TITLES[kind]} ({len(group)})", ""]
        for f in group:
            decided = (
                f" — reviewer: **{f['decision']['decision']}** ({markdown_text(f['decision']['note'])})"
                if f["decision"]
                else ""
            )
            lines += [
                f"### `{f['id']}` · confidence {f['confidence']:.2f}{decided}",
                "",
                markdown_text(f["reason"]),
                "",
                f"*{confidence_basis(f)}*",
                "",
            ]
            cited = f["claims"][:2] if kind != "omission" else f["claims"][:3]
            for cid in cited:
                c = claims[cid]
                text = mark_spans(c["text"], f["spans"].get(cid, []), "**", "**", markdown_text)
                lines.append(
                    f"- **{markdown_text(names.get(c['source'], c['source']))}** (via {markdown_text(c['outlet'])}, "
                    f"document `{c['document_id']}`, chars {c['start']}–{c['end']}): {text}"
                )
            if kind == "omission":
                lines.append(f"- omitted by: {markdown_text(', '.join(names.get(s, s) for s in f['omitted_by']))}")
            lines.append("")
    return "\n".join(lines)


def confidence_basis(finding: dict) -> str:
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


# -- running a report ------------------------------------------------------------------------


def select_documents(
    store, story: str | None = None, documents: list[str] | None = None, since: str | None = None
) -> list[dict]:
    """The stored documents a report compares: a story's, chosen ids, or those published or
    ingested on or after ``since`` (YYYY-MM-DD)."""
    store.check_known(story=story)
    chosen = store.documents(story)
    if documents:
        known = {d["id"] for d in chosen}
        unknown = [d for d in documents if d not in known]
        if unknown:
            raise VerifyError(f"unknown document {unknown[0]!r}; list them with `verify documents`")
        chosen = [d for d in chosen if d["id"] in documents]
    if since:
        day = check_date(since, "--since")
        chosen = [d for d in chosen if (d["published"] or d["ingested_at"][:10]) >= day]
    if not chosen:
        raise VerifyError("no documents to report on: ingest documents first (verify ingest ...)")
    return chosen


def run_report(
    store,
    story=None,
    documents=None,
    since=None,
    thresholds=None,
    nli_model=None,
    embedder=None,
    argv=None,
    engine: str = "local",
    deliver=None,
) -> dict:
    """Compare the chosen documents, record the run and its findings, and return the report.

    ``deliver(report)``, when given, writes the report out; the run is recorded complete only
    after it returns (a failed write leaves the run aborted)."""
    chosen = select_documents(store, story, documents, since)
    thresholds = thresholds or Thresholds()
    claims = store.claims(documents=[d["id"] for d in chosen])
    if not claims:
        raise VerifyError("the chosen documents hold no claims to compare")
    run = start_run(store, "report", chosen, thresholds.as_dict(), story=story, argv=argv)
    with aborting(store, run):
        key = None
        if not (nli_model or embedder):  # the bundled models: an earlier run with them may be repeated
            key = comparison_key(run["thresholds"], [load_embedder().info, load_nli_model().info, judge_model_info()])
        earlier = repeatable_run(store, run, key) if key else None
        if earlier:
            comparison = repeated_comparison(store, earlier, claims, thresholds)
        else:
            comparison = compare(
                store, thresholds=thresholds, embedder=embedder, nli_model=nli_model, claims=claims, engine=engine
            )
        run = completed_run(run, comparison.findings, [m.as_dict() for m in comparison.models], len(claims))
        report = build_report(store, comparison, run, latest_decisions(store), story)
        if deliver:
            deliver(report)
        record_run(store, run, comparison.findings, comparison.stats, key)
    return report


def repeatable_run(store, run: dict, key: str) -> dict | None:
    """The latest complete report run with the same ``key`` and the same inputs as ``run`` (as a
    set), whose sources still have the names its reasons quote, or None."""
    inputs = {canonical(i) for i in run["inputs"]}
    found = store.iter_rows(  # newest first; the first that fits is taken, older runs are not decoded
        "SELECT runs.id, runs.inputs, runs.models, run_stats.stats, run_stats.source_names FROM runs"
        " JOIN run_stats ON run_stats.run_id = runs.id"
        " WHERE run_stats.comparison_key = ? AND runs.command = 'report' AND runs.status = 'complete'"
        " ORDER BY runs.started_at DESC, runs.id DESC",
        [key],
    )
    names = source_names(store, [i["id"] for i in run["inputs"]])
    for previous in found:
        if {canonical(i) for i in previous["inputs"]} == inputs and previous["source_names"] == names:
            return previous
    return None


def repeated_comparison(store, previous: dict, claims: list[dict], thresholds: Thresholds) -> Comparison:
    """The comparison ``previous`` made of exactly these inputs, rebuilt from what it stored:
    its findings, and the groups they make. Comparing is deterministic, so it would find the same
    again; the new run records the same findings (by reference) and names the run it repeats in
    ``stats.repeats``."""
    started = time.perf_counter()
    findings = [{k: row[k] for k in FINDING_CONTENT} for row in run_findings(store, previous["id"])]
    prepare_all(claims)
    vectors, embedded = claim_vectors(store, [c["assertion"] for c in claims], load_embedder())
    groups = claim_groups(claims, vectors, findings)
    seconds = round(time.perf_counter() - started, 3)
    stats = previous["stats"] | {
        "embedded": embedded,
        "nli_computed": 0,
        "nli_both_ways": 0,
        "seconds": seconds,
        "stage_seconds": {"repeat": seconds},
        "repeats": previous["id"],
    }
    models = [ModelInfo(**m) for m in previous["models"]]
    return Comparison(claims, findings, groups, thresholds, models, list(CHECKS), stats)
