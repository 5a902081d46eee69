"""Comparison: matched claims become agreements, partial agreements, contradictions and omissions.

Each candidate pair (from :mod:`verify.match`) goes through structured checks — numbers, dates,
places, actors, polarity, control verbs, hedging — plus embedding similarity, TF-IDF cosine and,
where a local NLI model is configured, its probabilities. Every finding carries the evidence a
person needs to judge it, a one-sentence reason, the thresholds that produced it and a confidence.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field, fields
from functools import cache

import numpy as np

from .checks import (
    actor_clash,
    control_clash,
    date_clashes,
    differing_figures,
    number_clashes,
    place_clash,
    polarity_clash,
    same_outcome,
    tfidf_cosine,
)
from .claims import prepare, sentence_claim
from .engines import make_engine
from .errors import VerifyError
from .match import Candidate, candidate_pairs, claim_names, claim_vectors, connected_groups, most_central
from .models import Embedder, ModelInfo, NLIModel, load_embedder
from .sources import SourceIndex, bundled_index
from .stance import attach_confidences, stance_model_info

# Finding kinds, in the order reports show them: contradictions first.
FINDING_KINDS = ("contradiction", "omission", "partial", "agreement")
CHECKS = ("similarity", "tfidf", "names", "numbers", "dates", "places", "actors", "polarity", "control", "hedging")
# Longer claims are cut to the model's 256 tokens when embedded; the CLI warns about them.
MAX_CLAIM_CHARS = 1_200


@dataclass(frozen=True)
class Thresholds:
    """Every number that decides a finding. Recorded with each run and each finding."""

    top_k: int = 8  # neighbours searched per claim
    match_floor: float = 0.45  # boosted similarity a pair needs to be compared at all
    name_boost: float = 0.06  # added per shared name (at most two)
    same_event: float = 0.5  # similarity from which opposed outcome verbs are a contradiction
    clash_similarity: float = 0.4  # similarity from which the same quantity or event differing is one
    agreement: float = 0.68  # similarity from which two claims agree
    partial: float = 0.6  # similarity from which one claim partly supports the other
    polarity_similarity: float = 0.62  # one negates what the other asserts
    place_similarity: float = 0.75  # the same event placed in two towns
    omission_min_sources: int = 3  # sources that must state a group before silence is an omission
    negative_report_similarity: float = 0.3  # a negative report cites a group at this similarity

    def as_dict(self) -> dict:
        return dict(_threshold_items(self))


@cache
def _threshold_items(thresholds: Thresholds) -> tuple:
    return tuple((f.name, getattr(thresholds, f.name)) for f in fields(thresholds))


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


# -- one pair --------------------------------------------------------------------------------


def judge_pair(a: dict, b: dict, similarity: float, tfidf: float, thresholds: Thresholds, nli=None) -> dict | None:
    """Compare two claims. Returns {kind, evidence} or None (not the same assertion); the confidence
    comes later, from the learned stance model (:func:`verify.stance.finding_confidences`)."""
    evidence = {"similarity": round(similarity, 4), "tfidf": round(tfidf, 4)}
    if nli is not None:
        evidence["nli"] = {"left_to_right": nli[0], "right_to_left": nli[1]}
    clashes = {}
    if similarity >= thresholds.clash_similarity:
        if found := number_clashes(a, b):
            clashes["numbers"] = found
        if (similarity >= thresholds.polarity_similarity or same_outcome(a, b)) and (found := date_clashes(a, b)):
            clashes["dates"] = found
    if similarity >= thresholds.same_event and (found := control_clash(a, b)):
        clashes["control"] = found
    if similarity >= thresholds.polarity_similarity and (found := polarity_clash(a, b)):
        clashes["polarity"] = found
    if similarity >= thresholds.place_similarity:
        if found := place_clash(a, b):
            clashes["places"] = found
        if found := actor_clash(a, b):
            clashes["actors"] = found
    nli_contradiction = nli is not None and max(p.get("contradiction", 0) for p in nli) > 0.5
    if clashes or (nli_contradiction and similarity >= thresholds.same_event):
        evidence["clashes"] = clashes
        return {"kind": "contradiction", "evidence": evidence}
    if similarity < thresholds.partial:
        return None
    hedges = {"left": a["signals"]["hedges"], "right": b["signals"]["hedges"]}
    evidence["hedges"] = hedges
    one_sided_hedge = bool(hedges["left"]) != bool(hedges["right"])
    evidence["differing_figures"] = differing_figures(a, b)
    if similarity >= thresholds.agreement and not one_sided_hedge and not evidence["differing_figures"]:
        return {"kind": "agreement", "evidence": evidence}
    return {"kind": "partial", "evidence": evidence}


# -- reasons ---------------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(text: str, limit: int = 90) -> str:
    return f"'{shorten(text, limit)}'"


def summary_for(kind: str, a: dict, b: dict, evidence: dict) -> str:
    """What clashes or agrees, naming the sources, without quoting the claims."""
    na, nb = a["source_name"], b["source_name"]
    if kind == "contradiction":
        clashes = evidence.get("clashes", {})
        parts = []
        for c in clashes.get("numbers", [])[:1]:
            unit = f" ({c['unit']})" if c["unit"] else ""
            parts.append(f"{na} gives {c['left']}, {nb} gives {c['right']}{unit}")
        for c in clashes.get("dates", [])[:1]:
            parts.append(f"{na} dates it {c['left']}, {nb} {c['right']}")
        if c := clashes.get("control"):
            parts.append(f"{na}: '{c['left']}' ({c['left_actor']}); {nb}: '{c['right']}' ({c['right_actor']})")
        if c := clashes.get("polarity"):
            negating = na if c["left"] else nb
            words = ", ".join(f"'{w}'" for w in (c["left"] or c["right"]))
            parts.append(f"{negating} negates it ({words})")
        if c := clashes.get("places"):
            parts.append(f"{na} places it in {', '.join(c['left'])}, {nb} in {', '.join(c['right'])}")
        if c := clashes.get("actors"):
            parts.append(f"{na} credits {c['left']}, {nb} credits {c['right']}")
        return "; ".join(parts) or "the NLI model judges them contradictory"
    if kind == "partial":
        hedges = evidence.get("hedges", {})
        if evidence.get("differing_figures"):
            d = evidence["differing_figures"][0]
            return f"{na} and {nb} report it with different figures ({d['left']} vs {d['right']} {d['unit']})"
        if hedges.get("left") or hedges.get("right"):
            who, words = (na, hedges["left"]) if hedges.get("left") else (nb, hedges["right"])
            return f"{na} and {nb} report the same thing, but {who} hedges it ({', '.join(words)})"
        return f"{nb} supports only part of {na}'s claim"
    return f"{na} and {nb} agree"


def reason_for(kind: str, a: dict, b: dict, evidence: dict) -> str:
    """One readable sentence: the summary, then both claims quoted."""
    return (f"{summary_for(kind, a, b, evidence)} — {a['source_name']}: {_quote(a['text'])} vs "
            f"{b['source_name']}: {_quote(b['text'])}")  # fmt: skip


def finding_id(kind: str, claims: list[str], omitted_by: list[str] | None = None) -> str:
    key = f"{kind}|{'|'.join(sorted(claims))}|{'|'.join(sorted(omitted_by or []))}"
    return "f-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def group_id(claim_ids: list[str]) -> str:
    return "g-" + hashlib.sha256("|".join(sorted(claim_ids)).encode()).hexdigest()[:10]


# -- the whole comparison --------------------------------------------------------------------


def select_claims(store, story=None, documents=None) -> list[dict]:
    if story is not None and story not in store.stories():
        raise VerifyError(f"unknown story {story!r}; stories in this store: {', '.join(store.stories()) or 'none'}")
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
) -> Comparison:
    """Compare the stored claims (of a story, or of chosen documents) across sources.

    ``engine`` is where embedding and pair judging run: "local" (this process) or "ray"."""
    started = time.perf_counter()
    clock = Stopwatch()
    thresholds = thresholds or Thresholds()
    claims = claims if claims is not None else select_claims(store, story, documents)
    if len({c["source"] for c in claims}) < 2:
        raise VerifyError("only one source in these documents: there is nothing to compare it with")
    runner = make_engine(engine, embedder or load_embedder())
    clock.lap("prepare")
    for claim in claims:
        prepare(claim)
    clock.lap("embed")
    vectors, n_embedded = claim_vectors(store, [c["assertion"] for c in claims], runner)
    clock.lap("match")
    names = claim_names(claims, SourceIndex(store.sources()))
    # Negative reports are not assertions to match; they serve as omission evidence below.
    pool = [i for i, c in enumerate(claims) if not c["negative"]]
    candidates = [
        Candidate(pool[c.left], pool[c.right], c.similarity, c.score, c.shared_names)
        for c in candidate_pairs(
            vectors[pool],
            [claims[i]["source"] for i in pool],
            [names[i] for i in pool],
            thresholds.top_k,
            thresholds.match_floor,
            thresholds.name_boost,
        )  # fmt: skip
    ]
    clock.lap("judge")
    tfidf = [tfidf_cosine(claims[c.left], claims[c.right]) for c in candidates]
    pairs = [(c.left, c.right, c.similarity, tfidf[n]) for n, c in enumerate(candidates)]
    verdicts = runner.judge(claims, pairs, thresholds)
    nli_pairs = _settle_with_nli(nli_model, claims, pairs, verdicts, thresholds) if nli_model else 0
    kept = [(cand, verdict) for cand, verdict in zip(candidates, verdicts, strict=True) if verdict is not None]
    clock.lap("confidence")
    attach_confidences(claims, vectors, [(c.left, c.right, v) for c, v in kept], store)
    findings, edges = [], []
    for cand, verdict in kept:
        verdict["evidence"]["shared_names"] = [x.split(":", 1)[1] for x in cand.shared_names]
        edges.append((cand.left, cand.right))
        findings.append(pair_finding(verdict, claims[cand.left], claims[cand.right], thresholds))
    clock.lap("groups and omissions")
    groups = _groups(claims, vectors, edges, findings)
    negative_texts = negative_report_texts(claims)
    negative_matrix, n_more = claim_vectors(store, list(negative_texts.values()), runner)
    n_embedded += n_more
    negative_vectors = dict(zip(negative_texts, negative_matrix, strict=True))
    findings += _omissions(claims, vectors, negative_vectors, groups, findings, thresholds)
    findings.sort(key=lambda f: (FINDING_KINDS.index(f["kind"]), -f["confidence"], f["id"]))
    clock.lap(None)
    models = [runner.info, stance_model_info()] + ([nli_model.info] if nli_model else [])
    checks = list(CHECKS) + (["nli"] if nli_model else [])
    stats = {"claims": len(claims), "candidates": len(candidates), "embedded": n_embedded,
             "nli_pairs": nli_pairs, "truncated": sum(len(c["text"]) > MAX_CLAIM_CHARS for c in claims),
             "engine": runner.name, "seconds": round(time.perf_counter() - started, 3),
             "stage_seconds": clock.seconds}  # fmt: skip
    return Comparison(claims, findings, groups, thresholds, models, checks, stats)


def pair_finding(verdict: dict, a: dict, b: dict, thresholds: Thresholds) -> dict:
    claims = [a["id"], b["id"]]
    return {
        "id": finding_id(verdict["kind"], claims),
        "kind": verdict["kind"],
        "claims": claims,
        "sources": sorted({a["source"], b["source"]}),
        "omitted_by": [],
        "confidence": verdict["confidence"],
        "reason": reason_for(verdict["kind"], a, b, verdict["evidence"]),
        "summary": summary_for(verdict["kind"], a, b, verdict["evidence"]),
        "evidence": verdict["evidence"],
        "thresholds": thresholds.as_dict(),
    }


def _settle_with_nli(nli_model, claims, pairs, verdicts, thresholds: Thresholds) -> int:
    """Run the NLI model only on the pairs the cheaper checks cannot settle: similar enough to be
    one event, and not already a contradiction by a structured clash. Updates ``verdicts``;
    returns how many pairs reached the model."""
    unsettled = [n for n, (_, _, similarity, _) in enumerate(pairs)
                 if similarity >= thresholds.same_event and (verdicts[n] is None or verdicts[n]["kind"] != "contradiction")]  # fmt: skip
    if not unsettled:
        return 0
    lefts = [claims[pairs[n][0]]["assertion"] for n in unsettled]
    rights = [claims[pairs[n][1]]["assertion"] for n in unsettled]
    scores = zip(nli_model.predict(lefts, rights), nli_model.predict(rights, lefts), strict=True)
    for n, nli in zip(unsettled, scores, strict=True):
        a, b, similarity, lexical = pairs[n]
        verdicts[n] = judge_pair(claims[a], claims[b], similarity, lexical, thresholds, nli)
    return len(unsettled)


def _groups(claims: list[dict], vectors: np.ndarray, edges, findings: list[dict]) -> list[dict]:
    """Claims joined by findings, labelled by their most central claim. ``against`` lists the
    group's claims on the other side of the label: agreement and partial findings keep a side,
    contradictions flip it (breadth-first from the label)."""
    links: dict[str, list[tuple[str, bool]]] = {}
    for f in findings:
        a, b = f["claims"]
        flip = f["kind"] == "contradiction"
        links.setdefault(a, []).append((b, flip))
        links.setdefault(b, []).append((a, flip))
    groups = []
    for members in connected_groups(len(claims), edges):
        central = claims[most_central(members, vectors)]
        label = central["id"]
        ids = [claims[i]["id"] for i in members]
        side, queue = {label: True}, [label]
        while queue:
            current = queue.pop(0)
            for other, flip in links.get(current, []):
                if other not in side:
                    side[other] = side[current] != flip
                    queue.append(other)
        groups.append({"id": group_id(ids), "label": central["text"], "label_claim": label, "claims": ids,
                       "against": [c for c in ids if not side.get(c, True)],
                       "sources": sorted({claims[i]["source"] for i in members}),
                       "outlets": sorted({claims[i]["outlet"] for i in members})})  # fmt: skip
    groups.sort(key=lambda g: (-len(g["sources"]), g["id"]))
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
            confidence = min(0.9, 0.25 + 0.12 * len(sources_stating))
            evidence = {"stated_by": sources_stating, "group": group["id"],
                        "similarity": None, "negative_report": None}  # fmt: skip
            citation = ""
            if negative:
                report = claims[negative[0]]
                confidence = max(confidence, round(0.8 + 0.15 * min(1.0, negative[1] / 0.6), 3))
                evidence["negative_report"] = {"claim": report["id"], "text": report["text"],
                                               "outlet": report["outlet"], "similarity": round(negative[1], 4)}  # fmt: skip
                citation = f"; {report['outlet']} notes: {_quote(report['text'])}"
            name = names.get(source, source)
            others = [s for s in sources_stating if s != source]
            summary = f"{name} does not report what {', '.join(others) or 'others'} state"
            if negative:
                summary += f" ({claims[negative[0]]['outlet']} says so)"
            out.append({"id": finding_id("omission", group["claims"], [source]), "kind": "omission",
                        "claims": told, "sources": others, "omitted_by": [source],
                        "confidence": round(confidence, 3), "evidence": evidence,
                        "reason": f"{name} does not report what {', '.join(others) or 'others'} state: "
                                  f"{_quote(label['text'])}{citation}",
                        "summary": summary, "thresholds": thresholds.as_dict()})  # fmt: skip
    return out


def compare_texts(
    claim_text: str,
    evidence_text: str,
    published: str | None = None,
    thresholds: Thresholds | None = None,
    embedder: Embedder | None = None,
    index: SourceIndex | None = None,
) -> dict:
    """Judge one claim against one piece of evidence, with the same checks as :func:`compare`.

    Returns {kind: agreement|partial|contradiction|unrelated, confidence, reason, evidence}."""
    thresholds = thresholds or Thresholds()
    embedder = embedder or load_embedder()
    index = index or bundled_index()
    a = prepare(sentence_claim(claim_text, index, published, "claim"))
    b = prepare(sentence_claim(evidence_text, index, published, "evidence"))
    a["source_name"], b["source_name"] = "claim", "evidence"
    vectors = embedder.encode([a["assertion"], b["assertion"]])
    similarity = float(vectors[0] @ vectors[1])
    lexical = tfidf_cosine(a, b)
    verdict = judge_pair(a, b, similarity, lexical, thresholds) if similarity >= thresholds.clash_similarity else None
    if verdict is None:
        verdict = {"kind": "unrelated", "evidence": {"similarity": round(similarity, 4), "tfidf": round(lexical, 4)}}
    attach_confidences([a, b], vectors, [(0, 1, verdict)])
    if verdict["kind"] == "unrelated":
        return verdict | {"reason": "no matching assertion"}
    verdict["reason"] = reason_for(verdict["kind"], a, b, verdict["evidence"])
    return verdict
