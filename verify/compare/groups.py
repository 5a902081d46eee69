"""Claim groups, the sides of each, and omissions."""

from __future__ import annotations

from collections import deque

import numpy as np

from verify.compare.match import (
    connected_groups,
    most_central,
)
from verify.compare.verdict import (
    make_finding,
    quote,
)
from verify.records import Finding, PreparedClaim, Thresholds
from verify.store.rows import sha256
from verify.times import group_timelines


def finding_links(findings: list[Finding]) -> dict[str, list[tuple[str, bool]]]:
    """Each claim's neighbours through pair findings, and whether the link turns a side over (a
    contradiction, or a source reversing itself); in finding id order, so sides never depend on
    the order the engine found them in."""
    links: dict[str, list[tuple[str, bool]]] = {}
    for f in sorted((f for f in findings if f["kind"] != "omission"), key=lambda f: f["id"]):
        a, b = f["claims"][:2]
        flip = f["kind"] == "contradiction" or f["evidence"].get("revision", {}).get("change") == "reversal"
        links.setdefault(a, []).append((b, flip))
        links.setdefault(b, []).append((a, flip))
    return links


def sides(label: str, links: dict, members: set[str] | None = None) -> dict[str, bool]:
    """Breadth-first from ``label`` (within ``members``): each claim reached, True on the label's side."""
    side, queue = {label: True}, deque([label])
    while queue:
        current = queue.popleft()
        for other, flip in links.get(current, []):
            if other not in side and (members is None or other in members):
                side[other] = side[current] != flip
                queue.append(other)
    return side


def claim_groups(claims: list[PreparedClaim], vectors: np.ndarray, findings: list[Finding]) -> list[dict]:
    """Claims joined by pair findings (omissions are left out), labelled by their most central
    claim. ``against`` lists the group's claims on the other side of the label: agreement and
    partial findings keep a side, contradictions flip it (breadth-first from the label)."""
    findings = [f for f in findings if f["kind"] != "omission"]
    index = {c["id"]: n for n, c in enumerate(claims)}
    edges = [(index[f["claims"][0]], index[f["claims"][1]]) for f in findings]
    links = finding_links(findings)
    groups = []
    for members in connected_groups(len(claims), edges):
        central = claims[most_central(members, vectors)]
        label = central["id"]
        ids = [claims[i]["id"] for i in members]
        side = sides(label, links)
        groups.append(
            {
                "id": group_id(ids),
                "label": central["text"],
                "label_claim": label,
                "claims": ids,
                "against": [c for c in ids if not side.get(c, True)],
                "sources": sorted({claims[i]["source"] for i in members}),
                "outlets": sorted({claims[i]["outlet"] for i in members}),
            }
        )
    groups.sort(key=lambda g: (-len(g["sources"]), g["id"]))
    group_timelines(groups, {c["id"]: c for c in claims}, findings)
    return groups


def negative_report_texts(claims: list[PreparedClaim]) -> dict[int, str]:
    """What each negative report says is missing, with the place named just before it when it
    names none itself: 'the loss of the town' after a sentence on Saraqeb -> '... (Saraqeb)'."""
    out = {}
    for i, claim in enumerate(claims):
        if not claim["negative"]:
            continue
        text = claim["assertion"]
        previous = claims[i - 1] if i and claims[i - 1]["document_id"] == claim["document_id"] else None
        if not claim["places"] and previous and previous["places"]:
            text += " (" + ", ".join(sorted({p["name"] for p in previous["places"]})) + ")"
        out[i] = text
    return out


def _cited_groups(claims, groups, vectors, negative_vectors, thresholds) -> dict[str, dict[str, tuple]]:
    """For each negative report, the one group it speaks of (the most similar, above the threshold):
    {group id: {source: (claim index, similarity)}}."""
    by_id = {c["id"]: i for i, c in enumerate(claims)}
    cited: dict[str, dict[str, tuple]] = {}
    for i, vector in negative_vectors.items():
        best = None
        for group in groups:
            similarity = float(np.max(vectors[[by_id[c] for c in group["claims"]]] @ vector))
            if similarity >= thresholds.negative_report_similarity and (best is None or similarity > best[1]):
                best = (group["id"], similarity)
        if best:
            cited.setdefault(best[0], {}).setdefault(claims[i]["source"], (i, best[1]))
    return cited


def omissions(
    claims, vectors, negative_vectors, groups, findings: list[Finding], thresholds: Thresholds
) -> list[Finding]:
    """A source that covers the story (publishes a document in it) but says nothing of a group
    that several other sources state omits it; an explicit negative report is cited as proof."""
    by_id = {c["id"]: i for i, c in enumerate(claims)}
    covering = sorted({c["outlet"] for c in claims})
    stating: dict[str, str] = {}
    for f in findings:
        if f["kind"] in ("agreement", "partial"):
            for cid in f["claims"]:
                stating.setdefault(cid, f["kind"])
    names = {c["source"]: c["source_name"] for c in claims}
    reports_by_group = _cited_groups(claims, groups, vectors, negative_vectors, thresholds)
    out = []
    for group in groups:
        told = [c for c in group["claims"] if c not in group["against"]]  # what the label's side says
        told.sort(key=lambda c: c != group["label_claim"])
        sources_stating = sorted({claims[by_id[c]]["source"] for c in told if c in stating})
        reports = reports_by_group.get(group["id"], {})
        silent = [s for s in covering if s not in group["sources"] and s not in group["outlets"]]
        # A negative report is direct evidence, even from a source that states other parts of the group.
        omitters = set(reports)
        if len(sources_stating) >= thresholds.omission_min_sources:
            omitters |= set(silent) - set(sources_stating)
        label = claims[by_id[group["label_claim"]]]
        for source in sorted(omitters):
            negative = reports.get(source)
            confidence = min(
                thresholds.omission_max_confidence,
                thresholds.omission_confidence + thresholds.omission_per_source * len(sources_stating),
            )
            evidence = {"stated_by": sources_stating, "group": group["id"], "similarity": None, "negative_report": None}
            citation = ""
            if negative:
                report = claims[negative[0]]
                proof = min(1.0, negative[1] / thresholds.negative_report_full)
                confidence = max(
                    confidence,
                    round(thresholds.negative_report_confidence + thresholds.negative_report_bonus * proof, 3),
                )
                evidence["negative_report"] = {
                    "claim": report["id"],
                    "text": report["text"],
                    "outlet": report["outlet"],
                    "similarity": round(negative[1], 4),
                }
                citation = f"; {report['outlet']} notes: {quote(report['text'])}"
            name = names.get(source, source)
            others = [s for s in sources_stating if s != source]
            summary = f"{name} does not report what {', '.join(others) or 'others'} state"
            if negative:
                summary += f" ({claims[negative[0]]['outlet']} says so)"
            reason = (
                f"{name} does not report what {', '.join(others) or 'others'} state: {quote(label['text'])}{citation}"
            )
            confidence = round(confidence, 3)
            named = group["claims"]
            out.append(
                make_finding(
                    "omission", told, others, confidence, reason, summary, evidence, thresholds, [source], named
                )
            )
    return out


def group_id(claim_ids: list[str]) -> str:
    return "g-" + sha256("|".join(sorted(claim_ids)))[:10]
