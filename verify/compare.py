"""Comparison: matched claims become agreements, partial agreements, contradictions and omissions.

Each candidate pair (from :mod:`verify.match`) goes through structured checks — numbers, dates,
places, actors, polarity, control verbs, hedging — plus embedding similarity, TF-IDF cosine and,
where a local NLI model is configured, its probabilities. Every finding carries the evidence a
person needs to judge it, a one-sentence reason, the thresholds that produced it and a confidence.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import numpy as np

from .claims import claim_spans, extract_claims, prepare, sentence_claims
from .clashes import tfidf_cosine
from .engines import make_engine
from .errors import VerifyError
from .judge import NLICache, VerdictCache, judge_model_info, judge_verdicts
from .match import (
    Candidate,
    NeighbourCache,
    candidate_pairs,
    claim_vectors,
    connected_groups,
    labelled,
    most_central,
    name_labels,
    raw_names,
)
from .models import Embedder, NLIModel, load_embedder, load_nli_model
from .records import FINDING_KINDS, ModelInfo, Thresholds
from .sources import SourceIndex, bundled_index
from .times import claim_time, group_timelines
from .verdict import CHECKS, finding_id, model_reading, pair_evidence, pair_finding, quote, reason_for, revision_finding

# Longer claims are cut to the model's 256 tokens when embedded; the CLI warns about them.
MAX_CLAIM_CHARS = 1_200


@dataclass
class Comparison:
    """The result of :func:`compare`: findings, claim groups and what produced them."""

    claims: list[dict]
    findings: list[dict]
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

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def lap(self, name: str | None) -> None:
        """End the current stage and start ``name`` (None: just end)."""
        now = time.perf_counter()
        if self._current:
            label, since = self._current
            self.seconds[label] = round(self.seconds.get(label, 0.0) + now - since, 4)
        self._current = (name, now) if name else None


def group_id(claim_ids: list[str]) -> str:
    return "g-" + hashlib.sha256("|".join(sorted(claim_ids)).encode()).hexdigest()[:10]


# -- the whole comparison --------------------------------------------------------------------


def select_claims(store, story=None, documents=None) -> list[dict]:
    store.check_known(story=story)
    if documents:
        unknown = [d for d in documents if not store.document(d)]
        if unknown:
            raise VerifyError(f"unknown document {unknown[0]!r}; list them with `verify documents`")
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
    claims = claims if claims is not None else select_claims(store, story, documents)
    if len({c["source"] for c in claims}) < 2:
        raise VerifyError("only one source in these documents: there is nothing to compare it with")
    runner = make_engine(engine, embedder or load_embedder())
    clock.lap("prepare")
    prepare_all(claims)
    clock.lap("embed")
    vectors, n_embedded = claim_vectors(store, [c["assertion"] for c in claims], runner)
    clock.lap("match")
    raw = raw_names(claims, SourceIndex(store.sources()))
    labels = name_labels(raw)
    names = labelled(raw, labels)
    # Negative reports are not assertions to match; they serve as omission evidence below.
    pool = [i for i, c in enumerate(claims) if not c["negative"]]
    pooled = [claims[i] for i in pool]

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
    found_again, _ = search("revisions", documents=[c["document_id"] for c in pooled])
    # only dated documents tell which account came later: undated ones are placed by ingestion, no clock
    dated = [c["time"]["basis"] == "published" for c in pooled]
    found_again = [c for c in found_again if dated[c.left] and dated[c.right]]
    candidates = [
        Candidate(*_in_id_order(claims, pool[c.left], pool[c.right]), c.similarity, c.score, c.shared_names)
        for c in found + found_again
    ]
    clock.lap("checks")
    nli = NLICache(nli_model or load_nli_model(), store)
    verdict_cache = VerdictCache(store, [runner.info, nli.model.info, judge_model_info()], thresholds)
    outcomes, n_known = _judge_candidates(claims, candidates, runner, nli, thresholds, verdict_cache, reuse, clock)
    kept = [(c, verdict) for c, (_, verdict) in zip(candidates, outcomes, strict=True) if verdict is not None]
    clock.lap("findings")
    findings = []
    for cand, verdict in kept:
        verdict["evidence"]["shared_names"] = [x.split(":", 1)[1] for x in cand.shared_names]
        a, b = claims[cand.left], claims[cand.right]
        if a["source"] != b["source"]:
            findings.append(pair_finding(verdict, a, b, thresholds))
        elif revision := revision_finding(verdict, a, b, thresholds):
            findings.append(revision)
    findings = consecutive_revisions(findings)
    clock.lap("groups and omissions")
    groups = claim_groups(claims, vectors, findings)
    negative_texts = negative_report_texts(claims)
    negative_matrix, n_more = claim_vectors(store, list(negative_texts.values()), runner)
    n_embedded += n_more
    negative_vectors = dict(zip(negative_texts, negative_matrix, strict=True))
    findings += _omissions(claims, vectors, negative_vectors, groups, findings, thresholds)
    findings.sort(key=lambda f: (FINDING_KINDS.index(f["kind"]), -f["confidence"], f["id"]))
    clock.lap(None)
    models = [runner.info, nli.model.info, judge_model_info()]
    stats = {
        "claims": len(claims),
        "candidates": len(candidates),
        "revision_candidates": len(found_again),
        "neighbours_known": n_known_lists,
        "embedded": n_embedded,
        "verdicts_known": n_known,
        "nli_pairs": sum(read for read, _ in outcomes),
        "nli_computed": nli.computed,
        "nli_both_ways": nli.both_ways,
        "truncated": sum(len(c["text"]) > MAX_CLAIM_CHARS for c in claims),
        "engine": runner.name,
        "seconds": round(time.perf_counter() - started, 3),
        "stage_seconds": clock.seconds,
    }
    return Comparison(claims, findings, groups, thresholds, models, list(CHECKS), stats)


def consecutive_revisions(findings: list[dict]) -> list[dict]:
    """Findings without the revisions that skip a step: a toll of 9, then 22, then 33 is revised
    twice (9 to 22, 22 to 33), not also from 9 to 33."""
    steps = {tuple(f["claims"]) for f in findings if f["kind"] == "revision"}
    later = {}
    for earlier, then in steps:
        later.setdefault(earlier, set()).add(then)
    skipping = {(a, c) for a, c in steps if any(c in later.get(b, ()) for b in later.get(a, ()))}
    return [f for f in findings if f["kind"] != "revision" or tuple(f["claims"]) not in skipping]


def prepare_all(claims: list[dict]) -> None:
    """Give each claim what comparing reads: its assertion and signals, and its time (stored
    claims come with it)."""
    for claim in claims:
        prepare(claim)
        claim.setdefault("time", claim_time(claim))


def _judge_candidates(
    claims, candidates, runner, nli: NLICache, thresholds, cache: VerdictCache, reuse: bool, clock: Stopwatch
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


def _in_id_order(claims: list[dict], i: int, j: int) -> tuple[int, int]:
    """A pair's claims by id, so that a finding reads the same whatever order the claims were listed in."""
    return (i, j) if claims[i]["id"] <= claims[j]["id"] else (j, i)


def finding_links(findings: list[dict]) -> dict[str, list[tuple[str, bool]]]:
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
    side, queue = {label: True}, [label]
    while queue:
        current = queue.pop(0)
        for other, flip in links.get(current, []):
            if other not in side and (members is None or other in members):
                side[other] = side[current] != flip
                queue.append(other)
    return side


def claim_groups(claims: list[dict], vectors: np.ndarray, findings: list[dict]) -> list[dict]:
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


def negative_report_texts(claims: list[dict]) -> dict[int, str]:
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


def _omissions(claims, vectors, negative_vectors, groups, findings, thresholds: Thresholds) -> list[dict]:
    """A source that covers the story (publishes a document in it) but says nothing of a group
    that several other sources state omits it; an explicit negative report is cited as proof."""
    by_id = {c["id"]: i for i, c in enumerate(claims)}
    covering = sorted({c["outlet"] for c in claims})
    stating = {}
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
            out.append(
                {
                    "id": finding_id("omission", group["claims"], [source]),
                    "kind": "omission",
                    "claims": told,
                    "sources": others,
                    "omitted_by": [source],
                    "confidence": round(confidence, 3),
                    "evidence": evidence,
                    "reason": f"{name} does not report what {', '.join(others) or 'others'} state: "
                    f"{quote(label['text'])}{citation}",
                    "summary": summary,
                    "thresholds": thresholds.as_dict(),
                }
            )
    return out


def passage_claims(text: str, index: SourceIndex, published: str | None, prefix: str) -> list[dict]:
    """A passage split into claims as ingest splits a document; the whole text when it holds none."""
    document = {"id": prefix, "text": text, "outlet": "text", "published": published}
    claims = extract_claims(document, index)[0] or sentence_claims([text], index, published, [f"{prefix}.0"])
    for claim in claims:
        claim.setdefault("source_name", "the text")
    return claims


def text_pairs_evidence(
    items: list[tuple[str, str]],
    thresholds: Thresholds | None = None,
    embedder: Embedder | None = None,
    index: SourceIndex | None = None,
) -> list[tuple]:
    """(hypothesis claim, premise claim, evidence) for each (premise, hypothesis), each text read
    as one claim: what the judge is calibrated on."""
    thresholds = thresholds or Thresholds()
    index = index or bundled_index()
    texts = [text for premise, hypothesis in items for text in (hypothesis, premise)]
    made = sentence_claims(texts, index, None, [f"{side}{n}" for n in range(len(items)) for side in "hp"])
    claims = list(zip(made[::2], made[1::2], strict=True))
    vectors = (embedder or load_embedder()).encode([c["assertion"] for pair in claims for c in pair])
    out = []
    for n, (hypothesis, premise) in enumerate(claims):
        similarity = float(vectors[2 * n] @ vectors[2 * n + 1])
        lexical = tfidf_cosine(hypothesis, premise)
        out.append((hypothesis, premise, pair_evidence(hypothesis, premise, similarity, lexical, thresholds)))
    return out


def parse_pairs(text: str, where: str) -> list[dict]:
    """{id, line, premise, hypothesis} of each JSON Lines line of ``text`` (`verify judge`'s input),
    each checked; errors name ``where`` and the line. A line without an id gets its number."""
    from .ingest import json_object, jsonl_lines

    pairs = []
    for number, line in jsonl_lines(text):
        row = json_object(line, f"{where} line {number}")
        for name in ("premise", "hypothesis"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise VerifyError(f"{where} line {number}: {name!r} must be a non-empty string")
        if "id" in row and (isinstance(row["id"], bool) or not isinstance(row["id"], str | int)):
            raise VerifyError(f'{where} line {number}: "id" must be a string or a whole number')
        pairs.append(
            {"id": row.get("id", number), "line": number, "premise": row["premise"], "hypothesis": row["hypothesis"]}
        )
    if not pairs:
        raise VerifyError(f"{where} holds no pairs to judge")
    return pairs


PASSAGE_WINDOW = 2  # premise sentences read together as one unit, beside each sentence alone
PASSAGE_UNITS = 6  # premise units read against each hypothesis claim: the most similar ones
SUPPORT = {"agreement": "supported", "partial": "partial", "contradiction": "contradicted", "unrelated": "unsupported"}


def premise_units(premise: str, index: SourceIndex) -> list[str]:
    """A premise as the judge reads it: the text of each claim, then windows of PASSAGE_WINDOW
    consecutive claims (a fact told over two sentences); the whole text when it holds no claim."""
    texts = [premise[start:end] for start, end, _ in claim_spans(premise, index)] or [premise]
    starts = range(len(texts) - PASSAGE_WINDOW + 1)
    return texts + [" ".join(texts[i : i + PASSAGE_WINDOW]) for i in starts]


def judge_texts(
    items: list[tuple[str, str]],
    published: str | None = None,
    thresholds: Thresholds | None = None,
    embedder: Embedder | None = None,
    nli_model: NLIModel | None = None,
    index: SourceIndex | None = None,
    store=None,
) -> list[dict]:
    """Judge each (premise, hypothesis): does the premise (a sentence or a passage) state, leave
    open or contradict the hypothesis (one claim or several)?

    The premise is read sentence by sentence and in short windows (:func:`premise_units`); each
    claim of the hypothesis is judged against the units most similar to it, as `verify check`
    judges a draft claim, and takes its strongest support and its strongest contradiction
    (SummaC-style). A claim nothing supports is unsupported, not contradicted. The hypothesis is a
    contradiction if any claim is contradicted, an agreement only if every claim is supported.
    Returns per item {kind: agreement|partial|contradiction|unrelated, confidence, scores, reason,
    claims}, ``claims`` giving each claim's support and the premise text that decided it."""
    thresholds = thresholds or Thresholds()
    embedder = embedder or load_embedder()
    index = index or bundled_index()
    units = [premise_units(premise, index) for premise, _ in items]
    wanted = [passage_claims(hypothesis, index, published, f"h{n}") for n, (_, hypothesis) in enumerate(items)]
    unit_vectors = embedder.encode([text for texts in units for text in texts])
    claim_vectors = embedder.encode([c["assertion"] for claims in wanted for c in claims])
    chosen: list[list[tuple[int, list]]] = []  # per item and claim: (claim index, its units by similarity)
    unit_at = claim_at = 0
    for n in range(len(items)):
        vectors = unit_vectors[unit_at : unit_at + len(units[n])]
        unit_at += len(units[n])
        chosen.append([])
        for h in range(len(wanted[n])):
            similarities = vectors @ claim_vectors[claim_at]
            claim_at += 1
            best = np.argsort(-similarities, kind="stable")[:PASSAGE_UNITS]
            chosen[n].append((h, [(int(u), float(similarities[u])) for u in best]))
    # only the units some claim reads become claims (parsed, their facts read): cost stays linear in the premise
    needed = sorted({(n, u) for n, per_claim in enumerate(chosen) for _, best in per_claim for u, _ in best})
    made = sentence_claims([units[n][u] for n, u in needed], index, published, [f"p{n}.{u}" for n, u in needed])
    premise_claims = {key: claim | {"source_name": "the premise"} for key, claim in zip(needed, made, strict=True)}
    pairs, slots = [], []
    for n, per_claim in enumerate(chosen):
        for h, best in per_claim:
            claim = wanted[n][h]
            for u, similarity in best:
                premise = premise_claims[(n, u)]
                evidence = pair_evidence(claim, premise, similarity, tfidf_cosine(claim, premise), thresholds)
                pairs.append((claim, premise, evidence))
                slots.append((n, h))
    verdicts = judge_verdicts(
        pairs, NLICache(nli_model or load_nli_model(), store), thresholds, premise="right_to_left"
    )
    judged: dict[tuple[int, int], list[tuple]] = {}
    for slot, pair, verdict in zip(slots, pairs, verdicts, strict=True):
        judged.setdefault(slot, []).append((pair, verdict))
    return [_item_verdict([_claim_verdict(judged[(n, h)]) for h in range(len(wanted[n]))]) for n in range(len(items))]


def _claim_verdict(judged: list[tuple]) -> tuple:
    """A hypothesis claim against the premise units it was read with: the strongest support
    decides, unless a contradiction is more probable than that support. Returns (pair, verdict or None)."""
    support = max(judged, key=lambda j: j[0][2]["judge"]["agree"])
    clash = max(judged, key=lambda j: j[0][2]["judge"]["contradict"])
    if (
        clash[1]
        and clash[1]["kind"] == "contradiction"
        and (clash[0][2]["judge"]["contradict"] > support[0][2]["judge"]["agree"])
    ):
        return clash
    return support


def _item_verdict(decided: list[tuple]) -> dict:
    """One verdict for a hypothesis from its claims' (pair, verdict): a contradiction if any claim
    is contradicted, an agreement if every claim is supported, partial if some are."""
    kinds = [verdict["kind"] if verdict else "unrelated" for _, verdict in decided]
    if "contradiction" in kinds:
        kind, deciding_kinds = "contradiction", {"contradiction"}
    elif all(k == "agreement" for k in kinds):
        kind, deciding_kinds = "agreement", {"agreement"}
    elif any(k in ("agreement", "partial") for k in kinds):
        kind, deciding_kinds = "partial", {"agreement", "partial"}
    else:
        kind, deciding_kinds = "unrelated", {"unrelated"}
    deciding = [d for d, k in zip(decided, kinds, strict=True) if k in deciding_kinds]
    if kind == "contradiction":
        (claim, premise, evidence), verdict = max(deciding, key=lambda d: d[1]["confidence"])
    else:  # the claim with the weakest support decides how sure the whole is
        (claim, premise, evidence), verdict = min(deciding, key=lambda d: d[0][2]["judge"]["agree"])
    confidence = verdict["confidence"] if verdict else round(evidence["judge"]["neutral"], 3)
    if kind == "partial" and len(decided) > 1:  # the share of claims left unsupported lowers it
        confidence = round(confidence * sum(k != "unrelated" for k in kinds) / len(kinds), 3)
    hypothesis_claim, premise_claim = (
        dict(claim, source_name="the hypothesis"),
        dict(premise, source_name="the premise"),
    )
    if kind == "unrelated":
        reason = f"the premise neither states nor contradicts it; {model_reading(evidence)}"
    else:
        reason = reason_for(kind, hypothesis_claim, premise_claim, evidence)
    if kind == "partial":
        unsupported = kinds.count("unrelated")
        reason += f" ({unsupported} of {len(kinds)} claims unsupported)" if unsupported else ""
    return {
        "kind": kind,
        "confidence": confidence,
        "scores": evidence["nli"]["right_to_left"],
        "reason": reason,
        "claims": [
            {"text": c["text"], "kind": k, "support": SUPPORT[k], "premise": p["text"], "judge": e["judge"]}
            for ((c, p, e), _), k in zip(decided, kinds, strict=True)
        ],
    }
