"""What each page of the desk shows, read from the store: plain data, no HTML (the templates
render it, escaped). Every function here works from Python too."""

from __future__ import annotations

from verify.compare.verdict import clash_words
from verify.errors import VerifyError
from verify.records import Report, Thresholds
from verify.report.document import build_report, highlight_spans, without_dismissed
from verify.report.run import repeated_comparison
from verify.store.chain import verify_chain
from verify.store.decisions import decisions, latest_decisions
from verify.store.runs import run, run_findings, runs
from verify.times import shown


class NotFound(VerifyError):
    """A story, finding or run the store does not hold (the page answers 404)."""


def stories(store) -> list[dict]:
    """Each story: its documents, outlets, claims, last report run and findings still open (not
    confirmed or dismissed in that run)."""
    decided = latest_decisions(store)
    out = []
    for story in sorted(store.stories()):
        documents = store.documents(story)
        last = store.latest_run("report", story)
        findings = run_findings(store, last["id"]) if last else []
        open_findings = [f for f in findings if decided.get(f["id"], {}).get("decision") not in ("confirm", "dismiss")]
        out.append(
            {
                "story": story,
                "documents": len(documents),
                "outlets": sorted({d["outlet"] for d in documents}),
                "claims": store.claim_count(story),
                "run": last,
                "findings": len(findings),
                "open": len(open_findings),
                "contradictions": sum(f["kind"] == "contradiction" for f in open_findings),
            }
        )
    return out


def story_report(store, story: str, show_dismissed: bool = False) -> Report | None:
    """The report document of the story's latest report run, rebuilt from what the run stored
    (no model reads anything again), with the reviewers' latest decisions; None before any report.
    Dismissed findings leave the findings, the coverage matrix and the disputes unless
    ``show_dismissed``."""
    if story not in store.stories():
        raise NotFound(f"unknown story {story!r}")
    run = store.latest_run("report", story)
    if run is None:
        return None
    claims = store.claims(documents=[i["id"] for i in run["inputs"]])
    comparison = repeated_comparison(store, run, claims, Thresholds(**run["thresholds"]))
    report = build_report(store, comparison, run, latest_decisions(store), story)
    return report if show_dismissed else without_dismissed(report)


def finding_page(store, finding_id: str) -> dict:
    """A finding as its latest run recorded it, its claims inside their paragraphs, and every
    decision on it, newest first."""
    finding = store.latest_finding(finding_id)
    if finding is None:
        raise NotFound(f"unknown finding {finding_id!r}")
    documents = sorted({c.rsplit(".", 1)[0] for c in finding["claims"]})  # a claim id is "<document>.<position>"
    claims = {c["id"]: c for c in store.claims(documents=documents) if c["id"] in finding["claims"]}
    spans = highlight_spans(finding, claims)
    names = {s["id"]: s["name"] for s in store.sources()}
    cited = []
    for claim_id in finding["claims"]:
        claim = claims.get(claim_id)
        if claim is None:
            continue
        document = store.document(claim["document_id"])
        cited.append(
            {
                "claim": claim,
                "source_name": names.get(claim["source"], claim["source"]),
                "relays": [names.get(r, r) for r in claim.get("via") or []],
                "outlet_name": names.get(claim["outlet"], claim["outlet"]),
                "document": document,
                "reported": shown(claim["time"]["reported"]),
                "paragraph": paragraph(document["text"], claim, spans.get(claim_id, [])),
            }
        )
    history = sorted(decisions(store, [finding_id]), key=lambda d: (d["decided_at"], d["id"]), reverse=True)
    named = [c["source_name"] for c in cited] + ["the first", "the second"]
    clashes = [
        (name, clash_words(name, found, named[0], named[1]))
        for name, found in (finding["evidence"].get("clashes") or {}).items()
    ]
    return {
        "finding": finding,
        "claims": cited,
        "clashes": clashes,
        "decisions": history,
        "run": run(store, finding["run_id"]),
    }


def paragraph(text: str, claim: dict, spans: list[list[int]]) -> dict:
    """The paragraph around a claim in its document: the words before and after it, and the
    claim's own words as (text, clashing) pieces."""
    if text[claim["start"] : claim["end"]] != claim["text"]:
        before, after = "", ""
    else:
        start = text.rfind("\n", 0, claim["start"]) + 1
        end = text.find("\n", claim["end"])
        before, after = text[start : claim["start"]], text[claim["end"] : len(text) if end < 0 else end]
    pieces, at = [], 0
    for left, right in sorted(spans):
        if left >= at:
            pieces += [(claim["text"][at:left], False), (claim["text"][left:right], True)]
            at = right
    pieces.append((claim["text"][at:], False))
    return {"before": before, "pieces": [p for p in pieces if p[0]], "after": after}


def document_page(store, document_id: str) -> dict:
    """A stored document: its metadata, its text, and its claims with who makes each."""
    document = store.document(document_id)
    if document is None:
        raise NotFound(f"unknown document {document_id!r}")
    return {"document": document, "claims": store.claims(document=document_id)}


def audit_page(store) -> dict:
    """Every run, newest first, and what `audit verify` says of the chain now."""
    chain = verify_chain(store)
    return {
        "runs": list(reversed(runs(store))),
        "chain": {"ok": chain.ok, "entries": chain.entries, "problem": chain.problem, "head": chain.head},
    }


def run_page(store, run_id: str) -> dict:
    try:
        record = run(store, run_id)
    except VerifyError as exc:
        raise NotFound(str(exc)) from exc
    return {"run": record, "findings": run_findings(store, run_id)}
