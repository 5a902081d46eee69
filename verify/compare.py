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

from .claims import extract_claims, prepare, sentence_claim
from .clashes import (
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
from .engines import make_engine
from .errors import VerifyError
from .judge import NLICache, judge_model_info, judge_verdicts, one_sided_hedge
from .match import Candidate, candidate_pairs, claim_names, claim_vectors, connected_groups, most_central
from .models import Embedder, NLIModel, load_embedder, load_nli_model
from .records import FINDING_KINDS, ModelInfo, Thresholds
from .sources import SourceIndex, bundled_index

CHECKS = (
    "similarity",
    "tfidf",
    "names",
    "numbers",
    "dates",
    "places",
    "actors",
    "polarity",
    "control",
    "hedging",
    "nli",
)
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
        return {"thresholds": self.thresholds.as_dict(), "models": [m.as_dict() for m in self.models],
                "checks": self.checks, "stats": self.stats, "findings": self.findings, "groups": self.groups}  # fmt: skip


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


def pair_evidence(a: dict, b: dict, similarity: float, tfidf: float, thresholds: Thresholds) -> dict:
    """What the structured checks find on one pair: clashes (with spans), hedges, differing figures."""
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
    return {"similarity": round(similarity, 4), "tfidf": round(tfidf, 4), "clashes": clashes,
            "hedges": {"left": a["signals"]["hedges"], "right": b["signals"]["hedges"]},
            "differing_figures": differing_figures(a, b), "same_outcome": same_outcome(a, b)}  # fmt: skip


def checks_kind(evidence: dict, thresholds: Thresholds) -> str | None:
    """The kind the structured checks and similarity give without the NLI model (the ablation)."""
    if evidence["clashes"]:
        return "contradiction"
    if evidence["similarity"] < thresholds.partial:
        return None
    if (
        evidence["similarity"] >= thresholds.agreement
        and not one_sided_hedge(evidence)
        and not evidence["differing_figures"]
    ):
        return "agreement"
    return "partial"


def judge_pair(a: dict, b: dict, similarity: float, tfidf: float, thresholds: Thresholds) -> dict | None:
    """The structured checks on one pair: {kind (the checks' alone), evidence}, or None when the
    pair is neither clashing nor similar enough for the NLI model to read (:mod:`verify.judge`
    then gives the kind and confidence)."""
    evidence = pair_evidence(a, b, similarity, tfidf, thresholds)
    kind = checks_kind(evidence, thresholds)
    if kind is None and similarity < thresholds.nli_similarity:
        return None
    return {"kind": kind, "evidence": evidence}


# -- reasons ---------------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quote(text: str, limit: int = 90) -> str:
    return f"'{shorten(text, limit)}'"


def clash_words(kind_of_clash: str, found, na: str, nb: str) -> str:
    """One structured clash in words."""
    if kind_of_clash == "numbers":
        unit = f" ({found[0]['unit']})" if found[0]["unit"] else ""
        return f"{na} gives {found[0]['left']}, {nb} gives {found[0]['right']}{unit}"
    if kind_of_clash == "dates":
        return f"{na} dates it {found[0]['left']}, {nb} {found[0]['right']}"
    if kind_of_clash == "control":
        return f"{na}: '{found['left']}' ({found['left_actor']}); {nb}: '{found['right']}' ({found['right_actor']})"
    if kind_of_clash == "polarity":
        negating = na if found["left"] else nb
        return f"{negating} negates it ({', '.join(repr(w) for w in (found['left'] or found['right']))})"
    if kind_of_clash == "places":
        return f"{na} places it in {', '.join(found['left'])}, {nb} in {', '.join(found['right'])}"
    return f"{na} credits {found['left']}, {nb} credits {found['right']}"


def shared_relays(a: dict, b: dict) -> list[str]:
    """Relays both claims came through ("X via AFP" and "Y via AFP"): their agreement is not two
    independent confirmations. The outlet publishing both is not counted: it quotes both."""
    via_a, via_b = set(a.get("via") or []), set(b.get("via") or [])
    return sorted(via_a & via_b | via_a & {b["outlet"]} | via_b & {a["outlet"]})


def summary_for(kind: str, a: dict, b: dict, evidence: dict) -> str:
    """What clashes or agrees, naming the sources, without quoting the claims."""
    summary = _summary(kind, a, b, evidence)
    if kind in ("agreement", "partial") and (shared := shared_relays(a, b)):
        summary += f" (both through {', '.join(shared)}: not independent confirmations)"
    return summary


def _summary(kind: str, a: dict, b: dict, evidence: dict) -> str:
    na, nb = a["source_name"], b["source_name"]
    clashes = evidence.get("clashes") or {}
    if kind == "contradiction":
        parts = [clash_words(name, found, na, nb) for name, found in clashes.items()]
        return "; ".join(parts) or "the judge reads them as contradictory"
    if clashes:  # a clash the judge reads as two compatible statements
        parts = "; ".join(clash_words(name, found, na, nb) for name, found in clashes.items())
        return f"{na} and {nb} differ ({parts}), but the judge reads the statements as compatible"
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


def model_reading(evidence: dict) -> str:
    """What the NLI model read, both ways: 'NLI: contradiction 0.91 / 0.64'."""
    nli = evidence.get("nli")
    if not nli:
        return ""
    there, back = nli["left_to_right"], nli["right_to_left"]
    label = max(("entailment", "neutral", "contradiction"), key=lambda k: there[k] + back[k])
    return f"NLI reads {label} ({there[label]:.2f} one way, {back[label]:.2f} the other)"


def reason_for(kind: str, a: dict, b: dict, evidence: dict) -> str:
    """One readable sentence: the summary, what the model read, then both claims quoted."""
    reading = model_reading(evidence)
    return (f"{summary_for(kind, a, b, evidence)}{'; ' + reading if reading else ''} — "
            f"{a['source_name']}: {_quote(a['text'])} vs {b['source_name']}: {_quote(b['text'])}")  # fmt: skip


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
        Candidate(*_in_id_order(claims, pool[c.left], pool[c.right]), c.similarity, c.score, c.shared_names)
        for c in candidate_pairs(
            vectors[pool],
            [claims[i]["source"] for i in pool],
            [names[i] for i in pool],
            thresholds.top_k,
            thresholds.match_floor,
            thresholds.name_boost,
        )  # fmt: skip
    ]
    clock.lap("checks")
    tfidf = [tfidf_cosine(claims[c.left], claims[c.right]) for c in candidates]
    pairs = [(c.left, c.right, c.similarity, tfidf[n]) for n, c in enumerate(candidates)]
    checked = [(n, v) for n, v in enumerate(runner.judge(claims, pairs, thresholds)) if v is not None]
    clock.lap("nli")
    nli = NLICache(nli_model or load_nli_model(), store)
    settled = judge_verdicts([(claims[pairs[n][0]], claims[pairs[n][1]], v["evidence"]) for n, v in checked],
                             nli, thresholds)  # fmt: skip
    kept = [(candidates[n], v) for (n, _), v in zip(checked, settled, strict=True) if v is not None]
    clock.lap("findings")
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
    models = [runner.info, nli.model.info, judge_model_info()]
    stats = {"claims": len(claims), "candidates": len(candidates), "embedded": n_embedded,
             "nli_pairs": len(checked), "nli_computed": nli.computed, "truncated": sum(len(c["text"]) > MAX_CLAIM_CHARS for c in claims),
             "engine": runner.name, "seconds": round(time.perf_counter() - started, 3),
             "stage_seconds": clock.seconds}  # fmt: skip
    return Comparison(claims, findings, groups, thresholds, models, list(CHECKS), stats)


def _in_id_order(claims: list[dict], i: int, j: int) -> tuple[int, int]:
    """A pair's claims by id, so that a finding reads the same whatever order the claims were listed in."""
    return (i, j) if claims[i]["id"] <= claims[j]["id"] else (j, i)


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


def _groups(claims: list[dict], vectors: np.ndarray, edges, findings: list[dict]) -> list[dict]:
    """Claims joined by findings, labelled by their most central claim. ``against`` lists the
    group's claims on the other side of the label: agreement and partial findings keep a side,
    contradictions flip it (breadth-first from the label)."""
    links: dict[str, list[tuple[str, bool]]] = {}
    for f in sorted(findings, key=lambda f: f["id"]):  # sides never depend on the engine's finding order
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
            confidence = min(thresholds.omission_max_confidence,
                             thresholds.omission_confidence + thresholds.omission_per_source * len(sources_stating))  # fmt: skip
            evidence = {"stated_by": sources_stating, "group": group["id"],
                        "similarity": None, "negative_report": None}  # fmt: skip
            citation = ""
            if negative:
                report = claims[negative[0]]
                proof = min(1.0, negative[1] / thresholds.negative_report_full)
                confidence = max(confidence, round(thresholds.negative_report_confidence
                                                   + thresholds.negative_report_bonus * proof, 3))  # fmt: skip
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


def passage_claims(text: str, index: SourceIndex, published: str | None, prefix: str) -> list[dict]:
    """A passage split into claims as ingest splits a document; the whole text when it holds none."""
    document = {"id": prefix, "text": text, "outlet": "text", "published": published}
    claims = extract_claims(document, index)[0] or [sentence_claim(text, index, published, f"{prefix}.0")]
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
    claims = [(sentence_claim(h, index, None, f"h{n}"), sentence_claim(p, index, None, f"p{n}"))
              for n, (p, h) in enumerate(items)]  # fmt: skip
    vectors = (embedder or load_embedder()).encode([c["assertion"] for pair in claims for c in pair])
    out = []
    for n, (hypothesis, premise) in enumerate(claims):
        similarity = float(vectors[2 * n] @ vectors[2 * n + 1])
        lexical = tfidf_cosine(hypothesis, premise)
        out.append((hypothesis, premise, pair_evidence(hypothesis, premise, similarity, lexical, thresholds)))
    return out


def parse_pairs(text: str, where: str) -> list[dict]:
    """{id, premise, hypothesis} of each JSON Lines line of ``text`` (`verify judge`'s input),
    each checked; errors name ``where`` and the line. A line without an id gets its number."""
    from .ingest import json_object, jsonl_lines

    pairs = []
    for number, line in jsonl_lines(text):
        row = json_object(line, f"{where} line {number}")
        for name in ("premise", "hypothesis"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise VerifyError(f"{where} line {number}: {name!r} must be a non-empty string")
        pairs.append({"id": row.get("id", number), "premise": row["premise"], "hypothesis": row["hypothesis"]})
    if not pairs:
        raise VerifyError(f"{where} holds no pairs to judge")
    return pairs


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

    The premise is split into claims (plus the whole passage when it holds several); each claim of
    the hypothesis is judged against them as `verify check` judges a draft claim. The hypothesis is
    a contradiction if any of its claims is contradicted, an agreement only if all agree. Returns
    per item {kind: agreement|partial|contradiction|unrelated, confidence, scores, reason, claims}."""
    thresholds = thresholds or Thresholds()
    embedder = embedder or load_embedder()
    index = index or bundled_index()
    units, wanted = [], []  # (premise units, hypothesis claims) per item
    for n, (premise, hypothesis) in enumerate(items):
        premises = passage_claims(premise, index, published, f"p{n}")
        if len(premises) > 1:
            whole = sentence_claim(premise, index, published, f"p{n}.all")
            premises.append(whole | {"source_name": "the passage"})
        units.append(premises)
        wanted.append(passage_claims(hypothesis, index, published, f"h{n}"))
    texts = [c["assertion"] for group in (*units, *wanted) for c in group]
    vectors = dict(zip(map(id, (c for group in (*units, *wanted) for c in group)), embedder.encode(texts), strict=True))
    pairs, slots = [], []
    for n in range(len(items)):
        for h, claim in enumerate(wanted[n]):
            for premise in units[n]:
                similarity = float(vectors[id(claim)] @ vectors[id(premise)])
                evidence = pair_evidence(claim, premise, similarity, tfidf_cosine(claim, premise), thresholds)
                pairs.append((claim, premise, evidence))
                slots.append((n, h))
    verdicts = judge_verdicts(pairs, NLICache(nli_model or load_nli_model(), store), thresholds,
                              premise="right_to_left")  # fmt: skip
    judged: dict[tuple[int, int], list[tuple]] = {}
    for slot, pair, verdict in zip(slots, pairs, verdicts, strict=True):
        judged.setdefault(slot, []).append((pair, verdict))
    return [_item_verdict([_claim_verdict(judged[(n, h)]) for h in range(len(wanted[n]))]) for n in range(len(items))]


def _claim_verdict(judged: list[tuple]) -> tuple:
    """A hypothesis claim against every premise unit: the strongest support decides, unless a
    contradiction is more probable than that support. Returns (pair, verdict or None)."""
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
    """One verdict for a hypothesis from its claims' (pair, verdict): any contradiction, or all agreeing."""
    kinds = [verdict["kind"] if verdict else "unrelated" for _, verdict in decided]
    if "contradiction" in kinds:
        kind = "contradiction"
    elif all(k == "agreement" for k in kinds):
        kind = "agreement"
    elif any(k in ("agreement", "partial") for k in kinds):
        kind = "partial"
    else:
        kind = "unrelated"
    deciding = [d for d, k in zip(decided, kinds, strict=True) if k == kind]
    if kind == "contradiction":
        (claim, premise, evidence), verdict = max(deciding, key=lambda d: d[1]["confidence"])
    else:  # the claim with the weakest support decides how sure the whole is
        (claim, premise, evidence), verdict = min(deciding, key=lambda d: d[0][2]["judge"]["agree"])
    confidence = verdict["confidence"] if verdict else round(evidence["judge"]["neutral"], 3)
    claim["source_name"], premise["source_name"] = "the hypothesis", "the premise"
    if kind == "unrelated":
        reason = f"the premise neither states nor contradicts it; {model_reading(evidence)}"
    else:
        reason = reason_for(kind, claim, premise, evidence)
    return {"kind": kind, "confidence": confidence, "scores": evidence["nli"]["right_to_left"], "reason": reason,
            "claims": [{"text": pair[0]["text"], "kind": k} for (pair, _), k in zip(decided, kinds, strict=True)]}  # fmt: skip
