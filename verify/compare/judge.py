"""The claim-pair judge: one calibrated verdict per pair of claims.

verify's own NLI model (:func:`verify.models.load_nli_model`) reads each pair in both directions,
and similarity says how close the two claims are. A multinomial logistic regression fitted on
real labelled pairs (``bench/train_nli.py --calibrate`` writes ``verify/data/judge.json``) turns
that reading into three probabilities: the premise *states* the hypothesis (agree), is
*compatible* without stating it (neutral), or *contradicts* it. A clash the structured checks
find (numbers, dates, control, outcomes, polarity, places, actors) then raises "contradicts" to
its check's floor: how often such a clash is a real contradiction on real news pairs, so a check
moves the verdict as far as its precision on real text earns and no further. The kind of finding
follows from the probabilities, and its confidence is the probability of the class it rests on.

NLI outputs are cached in the store's ``nli`` table by model and by the pair's text (content
addressed), so a warm run reads only new pairs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from verify.compare.reuse import NLICache
from verify.errors import VerifyError
from verify.models.nli import NLI_LABELS
from verify.records import JudgeScores, ModelInfo, PreparedClaim, Thresholds, required_keys

CALIBRATION_FILE = Path(__file__).parents[1] / "data" / "judge.json"
VERDICTS = required_keys(JudgeScores)  # the premise states, is compatible with, contradicts
CONTRADICT = VERDICTS.index("contradict")
CLASH_CHECKS = ("numbers", "dates", "control", "outcome", "polarity", "places", "actors")
FEATURES = (  # the reading: what the NLI model and similarity say, before any check
    ("entailment", "neutral", "contradiction")  # NLI, premise -> hypothesis (log-probabilities)
    + ("entailment_back", "neutral_back", "contradiction_back")  # hypothesis -> premise
    + ("similarity", "tfidf", "one_sided_hedge", "differing_figures")
)
SMALLEST_PROBABILITY = 1e-6


def one_sided_hedge(evidence: dict) -> bool:
    """One claim hedges ("reportedly", "is said to") and the other does not."""
    hedges = evidence.get("hedges", {})
    return bool(hedges.get("left")) != bool(hedges.get("right"))


def _similarity_features(evidence: dict) -> list[float]:
    return [
        evidence["similarity"],
        evidence["tfidf"],
        float(one_sided_hedge(evidence)),
        float(bool(evidence.get("differing_figures"))),
    ]


def feature_rows(forward: np.ndarray, backward: np.ndarray, evidences: list[dict]) -> np.ndarray:
    """The reading, a row per pair (:data:`FEATURES`): the NLI model's log-probabilities both ways
    (``forward``: premise to hypothesis, ``backward``: the other way, each (pairs, 3)) and
    similarity."""
    if not evidences:
        return np.zeros((0, len(FEATURES)))
    readings = [np.asarray(p, dtype=float).reshape(-1, len(NLI_LABELS)) for p in (forward, backward)]
    similarity = np.array([_similarity_features(e) for e in evidences], dtype=float)
    return np.hstack([np.log(np.clip(np.hstack(readings), SMALLEST_PROBABILITY, 1)), similarity])


@dataclass(frozen=True)
class Calibration:
    """The fitted decision: logistic-regression weights over the reading (:data:`FEATURES`), per
    verdict, and each check's floor: how often a pair where the check finds a clash contradicts,
    measured on real news pairs (bench/facts.py's labels). A clash raises "contradicts" to its
    check's floor, never higher: above it only the reading takes a pair."""

    coefficients: np.ndarray  # (verdicts, features)
    intercepts: np.ndarray
    mean: np.ndarray  # feature standardisation
    scale: np.ndarray
    check_floors: dict[str, float]
    contradiction_confidence: float  # verify check's default bar for "contradicted"
    sha256: str
    meta: dict

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        raw = path.read_bytes()
        data = json.loads(raw)
        floors = data.get("check_floors", {})
        if (
            tuple(data["features"]) != FEATURES
            or tuple(data["verdicts"]) != VERDICTS
            or set(floors) != set(CLASH_CHECKS)
        ):
            raise VerifyError(f"{path} was fitted for other features: run bench/train_nli.py --calibrate")
        return cls(
            np.array(data["coefficients"]),
            np.array(data["intercepts"]),
            np.array(data["mean"]),
            np.array(data["scale"]),
            floors,
            data["contradiction_confidence"],
            hashlib.sha256(raw).hexdigest(),
            data.get("meta", {}),
        )

    def floor(self, evidence: dict) -> float:
        """The probability of "contradicts" the pair's clashes guarantee: the highest floor of the
        checks that found one (0 without a clash)."""
        return max((self.check_floors[name] for name in evidence.get("clashes") or {}), default=0.0)

    def probabilities(self, rows: np.ndarray, evidences: list[dict]) -> np.ndarray:
        """(pairs, verdicts) probabilities for rows of :func:`feature_rows` and the pairs'
        evidence: the reading's, with "contradicts" raised to the clashes' floor (the other two
        scaled down in proportion)."""
        if len(rows) == 0:
            return np.zeros((0, len(VERDICTS)))
        z = ((np.asarray(rows, dtype=float) - self.mean) / self.scale) @ self.coefficients.T + self.intercepts
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        raised = np.maximum(p[:, CONTRADICT], [self.floor(e) for e in evidences])
        p *= ((1 - raised) / np.maximum(1 - p[:, CONTRADICT], SMALLEST_PROBABILITY))[:, None]
        p[:, CONTRADICT] = raised
        return p


@cache
def load_calibration() -> Calibration:
    return Calibration.load()


def decide(probabilities: np.ndarray, evidence: dict, thresholds: Thresholds):
    """(kind, confidence) from a pair's verdict probabilities, or None when the pair is unrelated.

    The most probable verdict decides:
    - contradicts -> a contradiction when at least ``thresholds.contradiction_floor`` (more likely
      than not), or ``thresholds.nli_contradiction`` when no check found a clash (on real news
      pairs the NLI reading alone is seldom right, bench/README.md), and the claims are about one
      thing (a clash, or as similar as ``thresholds.nli_similarity``: two unrelated statements
      never contradict each other); more likely than not but short of that, no finding;
    - states -> an agreement, or partial when one side hedges, gives other figures or counts
      something else (:func:`verify.compare.clashes.unlike_figures`);
    - otherwise partial when "states" beats "compatible", when the claims are as similar as
      ``thresholds.partial`` and "states" beats "contradicts" (or one side qualifies the other),
      or when they are as similar as ``thresholds.agreement`` and "compatible" beats "contradicts".

    The confidence is the probability that the kind is right: of "contradicts", of "states", and
    for a partial agreement of "does not contradict"."""
    agree, neutral, contradict = (float(p) for p in probabilities)
    clash = bool(evidence.get("clashes"))
    about_one_thing = clash or evidence["similarity"] >= thresholds.nli_similarity
    floor = (
        thresholds.contradiction_floor if clash else max(thresholds.contradiction_floor, thresholds.nli_contradiction)
    )
    if contradict >= max(agree, neutral) and contradict >= thresholds.contradiction_floor:
        # "contradicts" more likely than not: a contradiction when sure enough, else no finding
        # (not a partial agreement whose confidence, 1 - contradicts, would say it is likely wrong)
        return ("contradiction", contradict) if contradict >= floor and about_one_thing else None
    qualified = (
        one_sided_hedge(evidence) or bool(evidence.get("differing_figures")) or bool(evidence.get("unlike_figures"))
    )
    if agree >= max(neutral, contradict) and not qualified:
        return "agreement", agree
    similarity = evidence["similarity"]
    if (
        agree >= neutral
        or (similarity >= thresholds.partial and (agree >= contradict or qualified))
        or (similarity >= thresholds.agreement and contradict < neutral)
    ):
        return "partial", agree + neutral
    return None


def nli_evidence(forward: np.ndarray, backward: np.ndarray) -> list[dict]:
    """The NLI reading of each pair (rows of ``forward`` and ``backward``) as a finding's evidence keeps it."""
    there, back = (
        np.round(np.asarray(p, dtype=float).reshape(-1, len(NLI_LABELS)), 4).tolist() for p in (forward, backward)
    )
    return [
        {"left_to_right": dict(zip(NLI_LABELS, f, strict=True)), "right_to_left": dict(zip(NLI_LABELS, b, strict=True))}
        for f, b in zip(there, back, strict=True)
    ]


DIRECTIONS = ("both", "left_to_right", "right_to_left")


def both_ways(pairs: list[tuple[dict, dict, dict]], cache: NLICache) -> tuple[np.ndarray, np.ndarray]:
    """NLI probabilities of each (left, right, _) pair read left to right, and right to left, with
    figures in digits on both sides (:func:`verify.claims.quantities.in_digits`)."""
    from verify.claims.quantities import in_digits

    texts = [(in_digits(a["assertion"]), in_digits(b["assertion"])) for a, b, _ in pairs]
    scores = cache.probabilities(texts + [(b, a) for a, b in texts])
    return scores[: len(pairs)], scores[len(pairs) :]


class Judged(NamedTuple):
    """A pair as the judge read it: its evidence with the NLI reading and the judge's scores
    added (a new dict), and its verdict, or None for an unrelated pair."""

    evidence: dict
    verdict: dict | None


def judge_verdicts(
    pairs: list[tuple[PreparedClaim, PreparedClaim, dict]],
    cache: NLICache,
    thresholds: Thresholds,
    premise: str = "both",
) -> list[dict | None]:
    """Each pair's verdict ({kind, confidence, evidence}), or None for an unrelated pair: see :func:`judge_pairs`."""
    return [judged.verdict for judged in judge_pairs(pairs, cache, thresholds, premise)]


def judge_pairs(
    pairs: list[tuple[PreparedClaim, PreparedClaim, dict]],
    cache: NLICache,
    thresholds: Thresholds,
    premise: str = "both",
) -> list[Judged]:
    """Settle each (left claim, right claim, evidence) pair: NLI from the premise's side, then the
    other way where that can change the verdict (:func:`second_reading_needed`), then the
    calibrated decision. ``premise`` says which claim is the evidence: "both" for two sources'
    claims (both orderings' probabilities are averaged; the left claim is read first),
    "right_to_left" when the right claim is stored evidence judged against a draft's left claim.
    Figures are in digits on both sides (:func:`verify.claims.quantities.in_digits`). The pairs
    given are not changed."""
    from verify.claims.quantities import in_digits

    if premise not in DIRECTIONS:
        raise ValueError(f"premise must be one of {DIRECTIONS}")
    calibration = load_calibration()
    evidences = [e for _, _, e in pairs]
    right_first = premise == "right_to_left"
    texts = [(in_digits(a["assertion"]), in_digits(b["assertion"])) for a, b, _ in pairs]
    first = cache.probabilities([(b, a) if right_first else (a, b) for a, b in texts])

    def probabilities(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Verdict probabilities from the premise's reading (``first``) and the other one."""
        ordered = calibration.probabilities(feature_rows(first, second, evidences), evidences)
        if premise != "both":
            return ordered
        return (ordered + calibration.probabilities(feature_rows(second, first, evidences), evidences)) / 2

    read_back = (
        second_reading_needed(first, probabilities, evidences, thresholds)
        if premise == "both"  # a draft's pairs are few, and its verdicts block publication: both ways
        else np.ones(len(pairs), dtype=bool)
    )
    second = first.copy()
    cache.both_ways += int(read_back.sum())
    if read_back.any():
        todo = np.flatnonzero(read_back)
        second[todo] = cache.probabilities([texts[n] if right_first else texts[n][::-1] for n in todo])
    verdict_probabilities = probabilities(first, second)
    forward, backward = (second, first) if right_first else (first, second)
    readings = nli_evidence(forward, backward)
    for reading, again in zip(readings, read_back, strict=True):
        if not again:
            reading["left_to_right" if right_first else "right_to_left"] = None
    out = []
    judged = np.round(verdict_probabilities, 4).tolist()
    for given, reading, p, rounded in zip(evidences, readings, verdict_probabilities, judged, strict=True):
        evidence = given | {"nli": reading, "judge": dict(zip(VERDICTS, rounded, strict=True))}
        decided = decide(p, evidence, thresholds)
        verdict = None if decided is None else {"kind": decided[0], "confidence": round(decided[1], 3)}
        out.append(Judged(evidence, verdict and verdict | {"evidence": evidence}))
    return out


def second_reading_needed(
    first: np.ndarray, probabilities, evidences: list[dict], thresholds: Thresholds
) -> np.ndarray:
    """Which pairs need the other direction read: those whose verdict kind is not the same
    whatever that reading says. Stand-ins for it: the first reading (the other direction read
    alike), and readings over the whole range of the three labels: each label as sure as
    ``thresholds.second_reading``, each even mix of two of those, and all three even (the
    decision's regions need not be convex, so the mixes count). A pair is settled when every
    stand-in gives one kind. At 1 every pair is read both ways."""
    if thresholds.second_reading >= 1 or len(first) == 0:
        return np.ones(len(first), dtype=bool)
    labels = len(NLI_LABELS)
    rest = (1 - thresholds.second_reading) / (labels - 1)
    corners = np.where(np.eye(labels, dtype=bool), thresholds.second_reading, rest)
    mixes = [(corners[i] + corners[j]) / 2 for i in range(labels) for j in range(i + 1, labels)]
    alternatives = [first] + [np.tile(r, (len(first), 1)) for r in [*corners, *mixes, corners.mean(axis=0)]]
    kinds = [
        [
            (decided or (None,))[0]
            for decided in map(decide, probabilities(first, second), evidences, [thresholds] * len(first))
        ]
        for second in alternatives
    ]
    return np.array([len(set(column)) > 1 for column in zip(*kinds, strict=True)])


@cache
def judge_model_info() -> ModelInfo:
    """The calibrated decision, as a run records it (role "judge")."""
    calibration = load_calibration()
    return ModelInfo(
        "judge",
        "verify claim-pair judge (logistic regression over NLI and checks)",
        "verify",
        calibration.meta.get("version"),
        str(CALIBRATION_FILE),
        calibration.sha256,
        {CALIBRATION_FILE.name: calibration.sha256},
    )
