"""Running a report: choosing documents, comparing, recording the run, repeating one."""

from __future__ import annotations

import time

from verify.compare.groups import claim_groups
from verify.compare.judge import judge_model_info
from verify.compare.match import claim_vectors
from verify.compare.reuse import comparison_key
from verify.compare.story import Comparison, compare, prepared
from verify.compare.verdict import CHECKS
from verify.errors import VerifyError
from verify.ingest.readers import check_date
from verify.models.embedder import load_embedder
from verify.models.nli import load_nli_model
from verify.records import ModelInfo, Report, Thresholds
from verify.report.document import build_report
from verify.store.decisions import latest_decisions
from verify.store.rows import canonical
from verify.store.runs import recorded_run, report_runs, source_names, stored_findings

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
) -> Report:
    """Compare the chosen documents, record the run and its findings, and return the report.

    ``deliver(report)``, when given, writes the report out; the run is recorded complete only
    after it returns (a failed write leaves the run aborted)."""
    chosen = select_documents(store, story, documents, since)
    thresholds = thresholds or Thresholds()
    claims = store.claims(documents=[d["id"] for d in chosen])
    if not claims:
        raise VerifyError("the chosen documents hold no claims to compare")
    with recorded_run(store, "report", chosen, thresholds.as_dict(), story=story, argv=argv) as recording:
        run, key = recording.run, None
        if not (nli_model or embedder):  # the bundled models: an earlier run with them may be repeated
            key = comparison_key(run["thresholds"], [load_embedder().info, load_nli_model().info, judge_model_info()])
        earlier = repeatable_run(store, run, key) if key else None
        if earlier:
            comparison = repeated_comparison(store, earlier, claims, thresholds)
        else:
            comparison = compare(
                store, thresholds=thresholds, embedder=embedder, nli_model=nli_model, claims=claims, engine=engine
            )
        models = [m.as_dict() for m in comparison.models]
        run = recording.complete(comparison.findings, models, len(claims), comparison.stats, key)
        report = build_report(store, comparison, run, latest_decisions(store), story)
        if deliver:
            deliver(report)
    return report


def repeatable_run(store, run: dict, key: str) -> dict | None:
    """The latest complete report run with the same ``key`` and the same inputs as ``run`` (as a
    set), whose sources still have the names its reasons quote, or None."""
    inputs = {canonical(i) for i in run["inputs"]}
    found = report_runs(store, key)  # newest first; the first that fits is taken, older runs are not decoded
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
    findings = stored_findings(store, previous["id"])
    ready = prepared(claims)
    vectors, embedded = claim_vectors(store, [c["assertion"] for c in ready], load_embedder())
    groups = claim_groups(ready, vectors, findings)
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
    return Comparison(ready, findings, groups, thresholds, models, list(CHECKS), stats)
