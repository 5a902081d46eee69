"""The claim-pair judge: one calibrated verdict per pair of claims.

verify's own NLI model (:func:`verify.models.load_nli_model`) reads each pair in both directions.
The structured checks (numbers, dates, control verbs, polarity, places, actors, hedging) say what
clashes, and similarity says how close the two claims are. One multinomial logistic regression,
calibrated on held-in labelled pairs (``bench/train_nli.py --calibrate`` writes
``verify/data/judge.json``), turns all of it into three probabilities: the premise *states* the
hypothesis (agree), is *compatible* without stating it (neutral), or *contradicts* it. The kind
of finding follows from them, and its confidence is the probability of the class it rests on.

NLI outputs are cached in the store's ``nli`` table by model and by the pair's text (content
addressed), so a warm run reads only new pairs.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import orjson

from .errors import VerifyError
from .models import NLI_LABELS, NLIModel
from .records import JudgeScores, ModelInfo, Thresholds, required_keys
from .store import canonical, json_text, sha256

CALIBRATION_FILE = Path(__file__).parent / "data" / "judge.json"
VERDICTS = required_keys(JudgeScores)  # the premise states, is compatible with, contradicts
CLASH_CHECKS = ("numbers", "dates", "control", "polarity", "places", "actors")
FEATURES = (
    ("entailment", "neutral", "contradiction")  # NLI, premise -> hypothesis (log-odds)
    + ("entailment_back", "neutral_back", "contradiction_back")  # hypothesis -> premise
    + ("entailment_both", "contradiction_both")  # the weaker of the two directions
    + ("similarity", "tfidf")
    + CLASH_CHECKS
    + ("one_sided_hedge", "differing_figures", "dates_of_one_outcome")
)
LOGIT_LIMIT = 8.0


def _logits(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return np.clip(np.log(p / (1 - p)), -LOGIT_LIMIT, LOGIT_LIMIT)


def one_sided_hedge(evidence: dict) -> bool:
    """One claim hedges ("reportedly", "is said to") and the other does not."""
    hedges = evidence.get("hedges", {})
    return bool(hedges.get("left")) != bool(hedges.get("right"))


def _check_features(evidence: dict) -> list[float]:
    clashes = evidence.get("clashes", {})
    return [
        evidence["similarity"],
        evidence["tfidf"],
        *(float(bool(clashes.get(check))) for check in CLASH_CHECKS),
        float(one_sided_hedge(evidence)),
        float(bool(evidence.get("differing_figures"))),
        float(bool(clashes.get("dates")) and bool(evidence.get("same_outcome"))),  # the same capture, two dates
    ]


def feature_rows(forward: np.ndarray, backward: np.ndarray, evidences: list[dict], checks=None) -> np.ndarray:
    """The judge's inputs, a row per pair (:data:`FEATURES`): NLI both ways (``forward``: premise to
    hypothesis, ``backward``: the other way, each (pairs, 3)), similarity and what clashes
    (``checks``: those columns, when the caller has them already)."""
    if not evidences:
        return np.zeros((0, len(FEATURES)))
    forward = np.asarray(forward, dtype=float).reshape(-1, len(NLI_LABELS))
    backward = np.asarray(backward, dtype=float).reshape(-1, len(NLI_LABELS))
    weaker = np.minimum(forward, backward)[:, [0, 2]]  # entailment and contradiction both ways
    if checks is None:
        checks = np.array([_check_features(e) for e in evidences], dtype=float)
    return np.hstack([_logits(np.hstack([forward, backward, weaker])), checks])


@dataclass(frozen=True)
class Calibration:
    """The fitted decision: logistic-regression weights over :data:`FEATURES`, per verdict."""

    coefficients: np.ndarray  # (verdicts, features)
    intercepts: np.ndarray
    mean: np.ndarray  # feature standardisation
    scale: np.ndarray
    contradiction_confidence: float  # verify check's default bar for "contradicted"
    sha256: str
    meta: dict

    @classmethod
    def load(cls, path: Path = CALIBRATION_FILE) -> Calibration:
        raw = path.read_bytes()
        data = json.loads(raw)
        if tuple(data["features"]) != FEATURES or tuple(data["verdicts"]) != VERDICTS:
            raise VerifyError(f"{path} was fitted for other features: run bench/train_nli.py --calibrate")
        return cls(
            np.array(data["coefficients"]),
            np.array(data["intercepts"]),
            np.array(data["mean"]),
            np.array(data["scale"]),
            data["contradiction_confidence"],
            hashlib.sha256(raw).hexdigest(),
            data.get("meta", {}),
        )

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        """(pairs, verdicts) probabilities for rows of :func:`feature_rows`."""
        if len(rows) == 0:
            return np.zeros((0, len(VERDICTS)))
        z = ((np.asarray(rows, dtype=float) - self.mean) / self.scale) @ self.coefficients.T + self.intercepts
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


@cache
def load_calibration() -> Calibration:
    return Calibration.load()


def decide(probabilities: np.ndarray, evidence: dict, thresholds: Thresholds):
    """(kind, confidence) from a pair's verdict probabilities, or None when the pair is unrelated.

    The most probable verdict decides: contradicts -> contradiction, when at least
    ``thresholds.contradiction_floor`` (more likely than not by default) and the claims are about
    one thing (as similar as ``thresholds.clash_similarity``, or a check finds what clashes: two
    unrelated statements never contradict each other);
    states -> agreement, or partial when one side hedges or gives other figures; otherwise partial
    when "states" beats "compatible", or when the claims are as similar as a partial agreement and
    "states" beats "contradicts" (or one side qualifies the other). The
    confidence is the probability that the kind is right: of "contradicts", of "states", and for
    a partial agreement of "does not contradict"."""
    agree, neutral, contradict = (float(p) for p in probabilities)
    about_one_thing = evidence["similarity"] >= thresholds.clash_similarity or bool(evidence.get("clashes"))
    if contradict >= max(agree, neutral) and contradict >= thresholds.contradiction_floor and about_one_thing:
        return "contradiction", contradict
    qualified = one_sided_hedge(evidence) or bool(evidence.get("differing_figures"))
    if agree >= max(neutral, contradict) and not qualified:
        return "agreement", agree
    if agree >= neutral or (evidence["similarity"] >= thresholds.partial and (agree >= contradict or qualified)):
        return "partial", agree + neutral
    return None


class NLICache:
    """NLI probabilities per (premise, hypothesis), computed once per model and cached in the store."""

    def __init__(self, model: NLIModel, store=None):
        self.model = model
        self.store = store
        self.computed = 0

    @staticmethod
    def key(premise: str, hypothesis: str) -> str:
        return hashlib.sha256(f"{premise}\0{hypothesis}".encode()).hexdigest()[:32]

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """(pairs, :data:`NLI_LABELS`) probabilities; each distinct pair is read once."""
        out = np.zeros((len(pairs), len(NLI_LABELS)), dtype=np.float32)
        keys = [self.key(p, h) for p, h in pairs]
        known = self._cached(sorted(set(keys)))
        todo = {}
        for n, key in enumerate(keys):
            if key in known:
                out[n] = known[key]
            else:
                todo.setdefault(key, []).append(n)
        if todo:
            first = [rows[0] for rows in todo.values()]
            computed = self.model.predict([pairs[n][0] for n in first], [pairs[n][1] for n in first])
            for rows, values in zip(todo.values(), computed, strict=True):
                out[rows] = values
            self.computed += len(first)
            self._save(list(todo), computed)
        return out

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        if self.store is None:
            return {}
        out = {}
        for start in range(0, len(keys), 900):
            chunk = keys[start : start + 900]
            rows = self.store.conn.execute(
                f"SELECT pair, probabilities FROM nli WHERE model_hash = ? AND pair IN ({','.join('?' * len(chunk))})",
                [self.model.info.sha256, *chunk],
            )
            out.update({pair: np.frombuffer(p, dtype=np.float32) for pair, p in rows})
        return out

    def _save(self, keys: list[str], probabilities: np.ndarray) -> None:
        if self.store is None:
            return
        model = self.model.info.sha256
        with self.store.transaction():
            self.store.conn.executemany(
                "INSERT OR IGNORE INTO nli (model_hash, pair, probabilities) VALUES (?, ?, ?)",
                [
                    (model, key, np.asarray(p, dtype=np.float32).tobytes())
                    for key, p in zip(keys, probabilities, strict=True)
                ],
            )


def comparison_key(thresholds: dict, models: list[ModelInfo]) -> str:
    """What a comparison's verdicts rest on besides the claims: verify's version, the thresholds,
    and the models (role, SHA-256 and runtime of each)."""
    from . import __version__

    return sha256(
        canonical(
            {
                "thresholds": thresholds,
                "models": sorted([m.role, m.sha256, m.runtime] for m in models),
                "tool_version": __version__,
            }
        )
    )


class VerdictCache:
    """Each candidate pair's outcome, kept in the store by the pair's claim ids and by everything
    else it rests on (:func:`comparison_key`): left unread by the checks, read and unrelated, or a
    verdict (compressed JSON). A verdict reads the two claims' stored text, cue and facts, never
    who the sources are (reasons, which name them, are written afterwards), and claims never
    change under their ids, so a comparison judges only the pairs that no earlier one has."""

    def __init__(self, store, models: list[ModelInfo], thresholds: Thresholds):
        self.store = store
        self.key = comparison_key(thresholds.as_dict(), models)[:16]

    @staticmethod
    def pair(left: dict, right: dict) -> str:
        return f"{left['id']} {right['id']}"

    def known(self, pairs: list[str]) -> dict[str, tuple[bool, dict | None]]:
        """{pair: (read by the NLI model, verdict or None)} for the pairs judged before."""
        out = {}
        for start in range(0, len(pairs), 900):
            chunk = pairs[start : start + 900]
            rows = self.store.conn.execute(
                f"SELECT pair, verdict FROM verdicts WHERE key = ? AND pair IN ({','.join('?' * len(chunk))})",
                [self.key, *chunk],
            )
            out.update(
                {
                    pair: (verdict is not None, verdict and orjson.loads(zlib.decompress(verdict)))
                    for pair, verdict in rows
                }
            )
        return out

    def keep(self, outcomes: list[tuple[str, bool, dict | None]]) -> None:
        """Store (pair, read, verdict) outcomes; call before a verdict's evidence is extended."""
        with self.store.transaction():
            self.store.conn.executemany(
                "INSERT OR IGNORE INTO verdicts (key, pair, verdict) VALUES (?, ?, ?)",
                [
                    (self.key, pair, zlib.compress(json_text(verdict).encode(), 1) if read else None)
                    for pair, read, verdict in outcomes
                ],
            )


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
    figures in digits on both sides (:func:`verify.facts.in_digits`)."""
    from .facts import in_digits

    texts = [(in_digits(a["assertion"]), in_digits(b["assertion"])) for a, b, _ in pairs]
    scores = cache.probabilities(texts + [(b, a) for a, b in texts])
    return scores[: len(pairs)], scores[len(pairs) :]


def judge_verdicts(
    pairs: list[tuple[dict, dict, dict]], cache: NLICache, thresholds: Thresholds, premise: str = "both"
) -> list[dict | None]:
    """Settle each (left claim, right claim, evidence) pair: NLI in both directions, then the
    calibrated decision. ``premise`` says which claim is the evidence: "both" for two sources'
    claims (both orderings' probabilities are averaged), "right_to_left" when the right claim is
    stored evidence judged against a draft's left claim. Returns {kind, confidence, evidence}
    per pair, or None for an unrelated pair."""
    if premise not in DIRECTIONS:
        raise ValueError(f"premise must be one of {DIRECTIONS}")
    forward, backward = both_ways(pairs, cache)
    calibration = load_calibration()

    evidences = [e for _, _, e in pairs]
    checks = np.array([_check_features(e) for e in evidences], dtype=float)

    def probabilities(reverse: bool) -> np.ndarray:
        first, second = (backward, forward) if reverse else (forward, backward)
        return calibration.probabilities(feature_rows(first, second, evidences, checks))

    if premise == "both":
        verdict_probabilities = (probabilities(False) + probabilities(True)) / 2
    else:
        verdict_probabilities = probabilities(premise == "right_to_left")
    out = []
    readings, judged = nli_evidence(forward, backward), np.round(verdict_probabilities, 4).tolist()
    for evidence, reading, p, rounded in zip(evidences, readings, verdict_probabilities, judged, strict=True):
        evidence["nli"] = reading
        evidence["judge"] = dict(zip(VERDICTS, rounded, strict=True))
        decided = decide(p, evidence, thresholds)
        out.append(
            None if decided is None else {"kind": decided[0], "confidence": round(decided[1], 3), "evidence": evidence}
        )
    return out


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
