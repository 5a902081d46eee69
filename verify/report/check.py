"""`verify check`: a draft's claims against the store, each supported, contradicted or unsupported."""

from __future__ import annotations

from typing import Any, Final, cast

import numpy as np

from verify.claims.assertion import prepare
from verify.claims.extract import extract_claims
from verify.claims.words import tfidf_cosine
from verify.compare.judge import judge_model_info, judge_verdicts, load_calibration
from verify.compare.match import claim_vectors
from verify.compare.reuse import NLICache
from verify.compare.stance import Voice, load_stance_model, stance_model_info, voice_features
from verify.compare.verdict import judge_pair, pair_finding
from verify.errors import VerifyError
from verify.models.embedder import load_embedder
from verify.models.nli import load_in_background, load_nli_model
from verify.records import (
    CHECK_STATUSES,
    Check,
    CheckEvidence,
    CheckResult,
    CheckStatus,
    DraftClaim,
    Finding,
    Thresholds,
)
from verify.report.run import select_documents
from verify.sources import SourceIndex
from verify.store.rows import sha256
from verify.store.runs import recorded_run, run_summary

SCHEMA: Final = "verify.check/1"


def check_draft(
    store,
    text: str,
    story: str | None = None,
    thresholds: Thresholds | None = None,
    embedder=None,
    argv=None,
    name: str = "draft",
    min_confidence: float | None = None,
    deliver=None,
) -> Check:
    """Check every claim of ``text`` against the stored documents (of ``story``). A claim is
    contradicted when a contradiction reaches ``min_confidence`` (default: the judge's calibrated
    bar, :attr:`verify.judge.Calibration.contradiction_confidence`). ``deliver(result)``, when
    given, writes the result out before the run is recorded complete."""
    if not text.strip():
        raise VerifyError(f"{name} is empty: nothing to check")
    thresholds = thresholds or Thresholds()
    embedder = embedder or load_embedder()
    loading = load_in_background(embedder, load_nli_model())  # new text always needs both models
    chosen = select_documents(store, story)
    sha = sha256(text)
    draft = {"id": f"draft-{sha[:12]}", "text": text, "outlet": "draft", "published": None}
    index = SourceIndex(store.sources())
    draft_claims = [prepare(dict(c, source_name="draft")) for c in extract_claims(draft, index)[0]]
    if not draft_claims:
        raise VerifyError(f"{name} holds no checkable claims (sentences of four words or more)")
    stored = [c for c in store.claim_assertions([d["id"] for d in chosen]) if not c["negative"]]
    if not stored:
        raise VerifyError("the stored documents hold no claims to check against")
    stored = _read_in_full(store, stored, {c["document_id"] for c in stored if c["assertion"] is None})
    if min_confidence is None:
        min_confidence = load_calibration().contradiction_confidence
    settings = thresholds.as_dict() | {"min_confidence": min_confidence}
    with recorded_run(store, "check", chosen, settings, story=story, argv=argv) as recording:
        results, findings = _judge(store, draft_claims, stored, thresholds, embedder, min_confidence, loading)
        models = [m.as_dict() for m in (embedder.info, load_nli_model().info, judge_model_info(), stance_model_info())]
        run = recording.complete(findings, models, len(stored) + len(draft_claims))
        counts = {s: sum(r["status"] == s for r in results) for s in CHECK_STATUSES}
        result: Check = {
            "schema": SCHEMA,
            "run": run_summary(run, story=story),
            "draft": {"name": name, "sha256": sha, "claims": len(draft_claims)},
            "results": results,
            "summary": counts,
            "min_confidence": min_confidence,
        }
        if deliver:
            deliver(result)
    return result


def judge_claims(
    claims, vectors, stored, stored_vectors, thresholds: Thresholds, store=None, similarity=None, nli_model=None
) -> list[tuple[int, int, dict]]:
    """Each claim against its nearest stored claims: (claim, stored claim, verdict) for every pair the
    judge relates, the stored claim read as the premise (NLI results cached in ``store``).
    ``similarity`` is ``vectors @ stored_vectors.T`` when the caller has it already."""
    similarity = vectors @ stored_vectors.T if similarity is None else similarity
    checked = []
    for i, claim in enumerate(claims):
        for j in np.argsort(-similarity[i], kind="stable")[: thresholds.top_k]:
            if similarity[i, j] < thresholds.match_floor - thresholds.name_boost:
                break
            lexical = tfidf_cosine(claim, stored[j])
            if verdict := judge_pair(claim, stored[j], float(similarity[i, j]), lexical, thresholds):
                checked.append((i, int(j), verdict))
    verdicts = judge_verdicts(
        [(claims[i], stored[j], v["evidence"]) for i, j, v in checked],
        NLICache(nli_model or load_nli_model(), store),
        thresholds,
        premise="right_to_left",
    )
    return [(i, j, verdict) for (i, j, _), verdict in zip(checked, verdicts, strict=True) if verdict is not None]


def _judge(
    store, draft_claims, stored, thresholds, embedder, min_confidence, loading
) -> tuple[list[CheckResult], list[Finding]]:
    stored_vectors, _ = claim_vectors(store, [c["assertion"] for c in stored], embedder)  # cached, as a rule
    loading.result()
    draft_vectors, _ = claim_vectors(store, [c["assertion"] for c in draft_claims], embedder)
    similarity = draft_vectors @ stored_vectors.T
    nearest = np.argsort(-similarity, axis=1, kind="stable")[:, : thresholds.top_k]
    stored = _read_in_full(store, stored, {stored[j]["document_id"] for j in nearest.ravel()})
    matched = judge_claims(draft_claims, draft_vectors, stored, stored_vectors, thresholds, store, similarity)
    by_claim: dict[int, list] = {}
    for i, j, verdict in matched:
        by_claim.setdefault(i, []).append((j, verdict))
    results: list[CheckResult] = []
    findings: list[Finding] = []
    for i, claim in enumerate(draft_claims):
        evidence: list[CheckEvidence] = []
        for j, verdict in by_claim.get(i, []):
            finding = pair_finding(verdict, claim, stored[j], thresholds)
            findings.append(finding)
            evidence.append(
                {
                    "finding": finding["id"],
                    "kind": verdict["kind"],
                    "claim": stored[j]["id"],
                    "source": stored[j]["source"],
                    "source_name": stored[j]["source_name"],
                    "text": stored[j]["text"],
                    "confidence": verdict["confidence"],
                    "reason": finding["reason"],
                    "clashes": verdict["evidence"].get("clashes", {}),
                }
            )
        against = sorted(
            {e["source"] for e in evidence if e["kind"] == "contradiction" and e["confidence"] >= min_confidence}
        )
        behind = sorted({e["source"] for e in evidence if e["kind"] != "contradiction"} - set(against))
        status: CheckStatus = (
            "contradicted"
            if against
            else "supported"
            if len(behind) >= 2
            else "single-source"
            if behind
            else "unsupported"
        )
        results.append(
            {
                "claim": cast(DraftClaim, {k: claim[k] for k in ("id", "text", "start", "end")}),
                "status": status,
                "supported_by": behind,
                "contradicted_by": against,
                "evidence": evidence,
                "documents": [],
            }
        )
    _document_stances(results, draft_claims, draft_vectors, similarity, stored, stored_vectors, thresholds.top_k)
    return results, findings


def _read_in_full(store, stored: list[Any], documents: set[str]) -> list[Any]:
    """``stored`` with its (id, assertion) rows that belong to ``documents`` replaced by the full,
    prepared claims: the judge and the stance model read every field, of the claims near the
    draft only."""
    if not documents:
        return stored
    full = {c["id"]: prepare(c) for c in store.claims(documents=sorted(documents))}
    return [full.get(claim["id"], claim) for claim in stored]


def _document_stances(results, claims, vectors, similarity, stored, stored_vectors, top_k: int) -> None:
    """Fill each result's ``documents``: the learned stance of each document holding one of the
    claim's nearest stored claims (calibrated probabilities that it agrees, disagrees, discusses
    or is unrelated), every row read by the stance model in one batch."""
    model = load_stance_model()
    rows_of: dict[str, list[int]] = {}
    for n, c in enumerate(stored):
        rows_of.setdefault(c["document_id"], []).append(n)
    voices = {}  # each document's cues and vectors, gathered once for all the draft's claims
    asked, x = [], []
    for i, claim in enumerate(claims):
        nearest = np.argsort(-similarity[i], kind="stable")[:top_k]
        for document_id in dict.fromkeys(stored[j]["document_id"] for j in nearest):
            rows = rows_of[document_id]
            if document_id not in voices:
                voices[document_id] = Voice.of([stored[n] for n in rows], stored_vectors[rows])
            asked.append((i, document_id, stored[rows[0]]["outlet"]))
            x.append(voice_features(claim, vectors[i], voices[document_id]))
    probabilities = model.probabilities(np.array(x)) if x else np.zeros((0, len(model.labels)))
    for (i, document_id, outlet), p in zip(asked, probabilities, strict=True):
        results[i]["documents"].append(
            {
                "document": document_id,
                "outlet": outlet,
                "stance": model.labels[int(p.argmax())],
                "probabilities": dict(zip(model.labels, np.round(p, 4).tolist(), strict=True)),
            }
        )


def exit_code(result: Check, strict: bool = False) -> int:
    """0: nothing contradicted; 1: something is (or, with ``strict``, something is unsupported)."""
    summary = result["summary"]
    return 1 if summary["contradicted"] or strict and summary["unsupported"] else 0
