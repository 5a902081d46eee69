"""`verify judge`: passages and hypotheses read sentence by sentence."""

from __future__ import annotations

import numpy as np

from verify.claims.extract import claim_spans, extract_claims, sentence_claims
from verify.claims.words import tfidf_cosine
from verify.compare.judge import judge_pairs
from verify.compare.reuse import NLICache
from verify.compare.verdict import (
    model_reading,
    pair_evidence,
    reason_for,
)
from verify.errors import VerifyError
from verify.models.embedder import Embedder, load_embedder
from verify.models.nli import NLIModel, load_nli_model
from verify.records import Judgement, PreparedClaim, Support, Thresholds, VerdictKind
from verify.sources import SourceIndex, bundled_index


def passage_claims(text: str, index: SourceIndex, published: str | None, prefix: str) -> list[PreparedClaim]:
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
    from verify.ingest.readers import json_object, jsonl_lines

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
SUPPORT: dict[VerdictKind, Support] = {
    "agreement": "supported",
    "partial": "partial",
    "contradiction": "contradicted",
    "unrelated": "unsupported",
}


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
) -> list[Judgement]:
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
            ranked = np.argsort(-similarities, kind="stable")[:PASSAGE_UNITS]
            chosen[n].append((h, [(int(u), float(similarities[u])) for u in ranked]))
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
    read = judge_pairs(pairs, NLICache(nli_model or load_nli_model(), store), thresholds, premise="right_to_left")
    judged: dict[tuple[int, int], list[tuple]] = {}
    for slot, (claim, premise, _), (evidence, verdict) in zip(slots, pairs, read, strict=True):
        judged.setdefault(slot, []).append(((claim, premise, evidence), verdict))
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


def _item_verdict(decided: list[tuple[tuple[PreparedClaim, PreparedClaim, dict], dict | None]]) -> Judgement:
    """One verdict for a hypothesis from its claims' (pair, verdict): a contradiction if any claim
    is contradicted, an agreement if every claim is supported, partial if some are."""
    kinds: list[VerdictKind] = [verdict["kind"] if verdict else "unrelated" for _, verdict in decided]
    kind: VerdictKind
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
        (claim, premise, evidence), verdict = max(deciding, key=lambda d: d[1]["confidence"] if d[1] else 0.0)
    else:  # the claim with the weakest support decides how sure the whole is
        (claim, premise, evidence), verdict = min(deciding, key=lambda d: d[0][2]["judge"]["agree"])
    confidence = verdict["confidence"] if verdict else round(evidence["judge"]["neutral"], 3)
    if kind == "partial" and len(decided) > 1:  # the share of claims left unsupported lowers it
        confidence = round(confidence * sum(k != "unrelated" for k in kinds) / len(kinds), 3)
    hypothesis_claim, premise_claim = (
        PreparedClaim({**claim, "source_name": "the hypothesis"}),
        PreparedClaim({**premise, "source_name": "the premise"}),
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
