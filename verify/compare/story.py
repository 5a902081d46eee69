"""Comparing a story's claims: candidates, the checks, the judge, findings and revisions."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import cast

from verify.claims.assertion import prepare
from verify.claims.words import tfidf_cosine
from verify.compare.engines import Engine, make_engine
from verify.compare.groups import claim_groups, negative_report_texts, omissions
from verify.compare.judge import judge_model_info, judge_verdicts
from verify.compare.match import (
    Candidate,
    NeighbourCache,
    candidate_pairs,
    claim_vectors,
    labelled,
    name_labels,
    raw_names,
)
from verify.compare.reuse import NLICache, VerdictCache
from verify.compare.verdict import (
    CHECKS,
    pair_finding,
    revision_finding,
)
from verify.errors import VerifyError
from verify.models.embedder import Embedder, load_embedder
from verify.models.nli import NLIModel, load_nli_model
from verify.records import FINDING_KINDS, ClaimTime, Finding, ModelInfo, PreparedClaim, Thresholds
from verify.sources import SourceIndex
from verify.times import claim_time

# Longer claims are cut to the model's 256 tokens when embedded; the CLI warns about them.
MAX_CLAIM_CHARS = 1_200


@dataclass
class Comparison:
    """The result of :func:`compare`: findings, claim groups and what produced them."""

    claims: list[PreparedClaim]
    findings: list[Finding]
    groups: list[dict]
    thresholds: Thresholds
    models: list[ModelInfo]
    checks: list[str]
    stats: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """`verify compare --json`: what produced the findings, then the findings and groups."""
        return {
            "thresholds": self.thresholds.as_dict(),
            "models": [m.as_dict() for m in self.models],
            "checks": self.checks,
            "stats": self.stats,
            "findings": self.findings,
            "groups": self.groups,
        }


class Stopwatch:
    """Seconds spent in each named stage, for the stats a run reports."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def lap(self, name: str | None) -> None:
        """End the current stage and start ``name`` (None: just end)."""
        now = time.perf_counter()
        if self._current:
            label, since = self._current
            self.seconds[label] = round(self.seconds.get(label, 0.0) + now - since, 4)
        self._current = (name, now) if name else None


# -- the whole comparison --------------------------------------------------------------------


def select_claims(store, story=None, documents=None) -> list[dict]:
    store.check_known(story=story)
    for document in documents or ():
        store.check_known(document=document)
    claims = store.claims(story=story, documents=documents)
    if not claims:
        raise VerifyError("no claims to compare: ingest documents first (verify ingest ...)")
    return claims


def compare(
    store,
    story: str | None = None,
    documents: list[str] | None = None,
    thresholds: Thresholds | None = None,
    embedder: Embedder | None = None,
    nli_model: NLIModel | None = None,
    claims: list[dict] | None = None,
    engine: str = "local",
    reuse: bool = True,
) -> Comparison:
    """Compare the stored claims (of a story, or of chosen documents) across sources.

    ``engine`` is where embedding and pair judging run: "local" (this process) or "ray".
    ``reuse=False`` searches every claim's neighbours and judges every pair again, instead of
    taking what earlier comparisons found (embeddings and NLI readings still come from the caches)."""
    started = time.perf_counter()
    clock = Stopwatch()
    thresholds = thresholds or Thresholds()
    rows = claims if claims is not None else select_claims(store, story, documents)
    if len({c["source"] for c in rows}) < 2:
        raise VerifyError("only one source in these documents: there is nothing to compare it with")
    runner = make_engine(engine, embedder or load_embedder())
    clock.lap("prepare")
    ready = prepared(rows)
    clock.lap("embed")
    vectors, n_embedded = claim_vectors(store, [c["assertion"] for c in ready], runner)
    clock.lap("match")
    raw = raw_names(ready, SourceIndex(store.sources()))
    labels = name_labels(raw)
    names = labelled(raw, labels)
    # Negative reports are not assertions to match; they serve as omission evidence below.
    pool = [i for i, c in enumerate(ready) if not c["negative"]]
    pooled = [ready[i] for i in pool]

    def search(kind: str, documents: list[str] | None = None) -> tuple[list[Candidate], int]:
        """The candidate pairs of one neighbour search (see :func:`candidate_pairs`), reusing and
        keeping its lists in the store; and how many claims' lists were known before."""
        cache = NeighbourCache(store, runner.info.sha256, thresholds, pooled, [raw[i] for i in pool], labels, kind)
        known = cache.known() if reuse else None
        found, lists = candidate_pairs(
            vectors[pool],
            [c["source"] for c in pooled],
            [names[i] for i in pool],
            thresholds.top_k,
            thresholds.match_floor,
            thresholds.name_boost,
            known,
            documents=documents,
        )
        cache.keep(lists)
        return found, 0 if known is None else len(known.columns)

    found, n_known_lists = search("neighbours")
    # A source against itself, in its other documents: what it said before or after (revisions).
    found_again, _ = search("revisions", documents=[c.get("document_id") or "" for c in pooled])
    # only dated documents tell which account came later: undated ones are placed by ingestion, no clock
    dated = [c["time"]["basis"] == "published" for c in pooled]
    found_again = [c for c in found_again if dated[c.left] and dated[c.right]]
    candidates = [
        Candidate(*_in_id_order(ready, pool[c.left], pool[c.right]), c.similarity, c.score, c.shared_names)
        for c in found + found_again
    ]
    clock.lap("checks")
    nli = NLICache(nli_model or load_nli_model(), store)
    verdict_cache = VerdictCache(store, [runner.info, nli.model.info, judge_model_info()], thresholds)
    outcomes, n_known = _judge_candidates(ready, candidates, runner, nli, thresholds, verdict_cache, reuse, clock)
    kept = [(c, verdict) for c, (_, verdict) in zip(candidates, outcomes, strict=True) if verdict is not None]
    clock.lap("findings")
    findings: list[Finding] = []
    for cand, verdict in kept:
        verdict["evidence"]["shared_names"] = [x.split(":", 1)[1] for x in cand.shared_names]
        a, b = ready[cand.left], ready[cand.right]
        if a["source"] != b["source"]:
            findings.append(pair_finding(verdict, a, b, thresholds))
        elif revision := revision_finding(verdict, a, b, thresholds):
            findings.append(revision)
    findings = consecutive_revisions(findings)
    clock.lap("groups and omissions")
    groups = claim_groups(ready, vectors, findings)
    negative_texts = negative_report_texts(ready)
    negative_matrix, n_more = claim_vectors(store, list(negative_texts.values()), runner)
    n_embedded += n_more
    negative_vectors = dict(zip(negative_texts, negative_matrix, strict=True))
    findings += omissions(ready, vectors, negative_vectors, groups, findings, thresholds)
    findings.sort(key=lambda f: (FINDING_KINDS.index(f["kind"]), -f["confidence"], f["id"]))
    clock.lap(None)
    models = [runner.info, nli.model.info, judge_model_info()]
    stats = {
        "claims": len(ready),
        "candidates": len(candidates),
        "revision_candidates": len(found_again),
        "neighbours_known": n_known_lists,
        "embedded": n_embedded,
        "verdicts_known": n_known,
        "nli_pairs": sum(read for read, _ in outcomes),
        "nli_computed": nli.computed,
        "nli_both_ways": nli.both_ways,
        "truncated": sum(len(c["text"]) > MAX_CLAIM_CHARS for c in ready),
        "engine": runner.name,
        "seconds": round(time.perf_counter() - started, 3),
        "stage_seconds": clock.seconds,
    }
    return Comparison(ready, findings, groups, thresholds, models, list(CHECKS), stats)


def consecutive_revisions(findings: list[Finding]) -> list[Finding]:
    """Findings without the revisions that skip a step: a toll of 9, then 22, then 33 is revised
    twice (9 to 22, 22 to 33), not also from 9 to 33."""
    steps = {tuple(f["claims"]) for f in findings if f["kind"] == "revision"}
    later: dict[str, set[str]] = {}
    for earlier, then in steps:
        later.setdefault(earlier, set()).add(then)
    skipping = {(a, c) for a, c in steps if any(c in later.get(b, ()) for b in later.get(a, ()))}
    return [f for f in findings if f["kind"] != "revision" or tuple(f["claims"]) not in skipping]


def prepared(claims: list[dict]) -> list[PreparedClaim]:
    """Each claim with what comparing reads: its assertion and signals, and its time (stored
    claims come with all three, and come back as they are)."""
    ready = [prepare(claim) for claim in claims]
    return [claim if "time" in claim else {**claim, "time": cast(ClaimTime, claim_time(claim))} for claim in ready]


def _judge_candidates(
    claims, candidates, runner: Engine, nli: NLICache, thresholds, cache: VerdictCache, reuse: bool, clock: Stopwatch
) -> tuple[list[tuple[bool, dict | None]], int]:
    """Each candidate's outcome, (read by the NLI model, verdict or None), and how many came from
    ``cache``: the others are checked, the pairs worth it read by the NLI model, and kept."""
    keys = [cache.pair(claims[c.left], claims[c.right]) for c in candidates]
    judged_before = cache.known(keys) if reuse else {}
    todo = [n for n, key in enumerate(keys) if key not in judged_before]
    pairs = [
        (c.left, c.right, c.similarity, tfidf_cosine(claims[c.left], claims[c.right]))
        for c in (candidates[n] for n in todo)
    ]
    checked = [(n, v) for n, v in zip(todo, runner.judge(claims, pairs, thresholds), strict=True) if v is not None]
    clock.lap("nli")
    verdicts = judge_verdicts(
        [(claims[candidates[n].left], claims[candidates[n].right], v["evidence"]) for n, v in checked], nli, thresholds
    )
    outcomes = {n: (False, None) for n in todo} | {n: (True, v) for (n, _), v in zip(checked, verdicts, strict=True)}
    cache.keep([(keys[n], read, verdict) for n, (read, verdict) in outcomes.items()])
    outcomes |= {n: judged_before[key] for n, key in enumerate(keys) if key in judged_before}
    return [outcomes[n] for n in range(len(candidates))], len(judged_before)


def _in_id_order(claims: list[PreparedClaim], i: int, j: int) -> tuple[int, int]:
    """A pair's claims by id, so that a finding reads the same whatever order the claims were listed in."""
    return (i, j) if claims[i]["id"] <= claims[j]["id"] else (j, i)
