"""Stance: does a document agree with a claim, contradict it, merely report it, or ignore it?

The evidence is verify's own: embedding similarities between the claim and the document's
claims, word overlap, refuting and hedging cues, attribution, and the structured checks of
:mod:`verify.compare` (numbers, dates, control verbs, polarity) against the closest claims. A
small gradient-boosted tree model, trained on FNC-1's training split by ``bench/train_stance.py``,
turns that evidence into probabilities, calibrated by temperature scaling. The model ships as
JSON (``verify/data/stance_model.json``) and is evaluated here with numpy: no pickles.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from verify import __version__
from verify.claims.words import term_weights, text_weights, weights_cosine, words
from verify.compare.clashes import control_clash, date_clashes, number_clashes, polarity_clash
from verify.models.files import combined_sha256, file_sha256
from verify.records import STANCES, ModelInfo, PreparedClaim

LABELS = STANCES
# FNC-1's scoring: points for predicting column t when the truth is row g.
FNC_POINTS = np.array([[1.0, 0.25, 0.25, 0.0], [0.25, 1.0, 0.25, 0.0], [0.25, 0.25, 1.0, 0.0], [0.0, 0.0, 0.0, 0.25]])
REFUTING_RE = re.compile(
    r"\b(?:fake|fraud|hoax|false|deny|denies|denied|denial|not|despite|nope|doubt|doubts|bogus|debunk\w*"
    r"|prank\w*|retract\w*|untrue|baseless|fabricat\w*|rumou?rs?|myth|misleading|no evidence|never)\b",
    re.IGNORECASE,
)
DISCUSS_RE = re.compile(
    r"\b(?:reportedly|allegedly|alleged|according|claims?|claimed|said|says|reports?|reported"
    r"|unconfirmed|unverified|suggests?|may|might|could|apparently|purportedly|believed|appears?|seems?"
    r"|possibly|sources?|speculat\w*|if true)\b",
    re.IGNORECASE,
)
FEATURES = (
    "max_similarity",
    "top3_similarity",
    "lead_similarity",
    "mean_similarity",
    "share_above_040",
    "share_above_055",
    "best_position",
    "log_sentences",
    "token_overlap",
    "best_token_overlap",
    "bigram_overlap",
    "claim_refuting",
    "claim_hedging",
    "claim_question",
    "claim_negations",
    "claim_numbers",
    "body_refuting_rate",
    "body_hedging_rate",
    "top3_refuting",
    "top3_hedging",
    "top3_negations",
    "top3_attributed",
    "top3_negative_reports",
    "refuting_similarity",
    "hedging_similarity",
    "number_clashes",
    "date_clashes",
    "control_clashes",
    "polarity_clash",
    "claim_hedged_signal",
    "body_tfidf",
    "top3_plain_agreeing",
    "claim_words",
)
MODEL_FILE = "data/stance_model.json"


def _bigrams(words: list[str]) -> set[tuple[str, str]]:
    return set(zip(words, words[1:], strict=False))


class Cues(NamedTuple):
    words: list[str]
    refuting: int
    hedging: int


def cues(claim: Mapping[str, Any]) -> Cues:
    """The claim's words and refuting and hedging cue counts."""
    return _cues(claim["assertion"], claim["text"])


@lru_cache(maxsize=1 << 16)
def _cues(assertion: str, text: str) -> Cues:
    return Cues(words(assertion), len(REFUTING_RE.findall(text)), len(DISCUSS_RE.findall(text)))


@dataclass
class Voice:
    """The claims one source makes in one document, read as FNC-1 reads an article body; what
    does not depend on the claim read against it is computed once."""

    claims: list[PreparedClaim]
    vectors: np.ndarray
    words: list[str]
    word_set: set[str]
    bigrams: set[tuple[str, str]]
    weights: tuple[dict[str, float], float]
    refuting: np.ndarray
    hedging: np.ndarray

    @classmethod
    def of(cls, claims: list[PreparedClaim], vectors: np.ndarray) -> Voice:
        claim_cues = [cues(c) for c in claims]
        body_words = [w for c in claim_cues for w in c.words]
        return cls(
            claims,
            vectors,
            body_words,
            set(body_words),
            _bigrams(body_words),
            term_weights(body_words),
            np.array([c.refuting for c in claim_cues], dtype=float),
            np.array([c.hedging for c in claim_cues], dtype=float),
        )


def features(
    claim: PreparedClaim, evidence: list[PreparedClaim], claim_vector: np.ndarray, evidence_vectors: np.ndarray
) -> np.ndarray:
    """The evidence vector for one claim against one document's claims (all ``prepare``d)."""
    return voice_features(claim, claim_vector, Voice.of(evidence, evidence_vectors))


def voice_features(claim: PreparedClaim, claim_vector: np.ndarray, voice: Voice) -> np.ndarray:
    """:func:`features` against a :class:`Voice` (a document's claims, with their cues computed once)."""
    out = dict.fromkeys(FEATURES, 0.0)
    own = cues(claim)
    claim_words = own.words
    claim_set = set(claim_words)
    out["claim_refuting"] = own.refuting
    out["claim_hedging"] = own.hedging
    out["claim_question"] = float("?" in claim["text"])
    out["claim_negations"] = len(claim["signals"]["negations"])
    out["claim_numbers"] = len(claim["numbers"])
    out["claim_hedged_signal"] = float(bool(claim["signals"]["hedges"]))
    out["claim_words"] = float(len(claim_words))
    evidence = voice.claims
    if not evidence:
        return np.array([out[name] for name in FEATURES], dtype=np.float64)
    sims = voice.vectors @ claim_vector
    order = np.argsort(-sims, kind="stable")
    top = [evidence[i] for i in order[:3]]
    n = len(evidence)
    out["max_similarity"] = float(sims[order[0]])
    out["top3_similarity"] = float(sims[order[:3]].mean())
    out["lead_similarity"] = float(sims[0])
    out["mean_similarity"] = float(sims.mean())
    out["share_above_040"] = float((sims > 0.40).mean())
    out["share_above_055"] = float((sims > 0.55).mean())
    out["best_position"] = order[0] / n
    out["log_sentences"] = math.log1p(n)
    if claim_set:
        out["token_overlap"] = len(claim_set & voice.word_set) / len(claim_set)
        out["best_token_overlap"] = len(claim_set & set(cues(top[0]).words)) / len(claim_set)
        claim_bigrams = _bigrams(claim_words)
        if claim_bigrams:
            out["bigram_overlap"] = len(claim_bigrams & voice.bigrams) / len(claim_bigrams)
    refuting, hedging = voice.refuting, voice.hedging
    out["body_refuting_rate"] = float(refuting.mean())
    out["body_hedging_rate"] = float(hedging.mean())
    out["top3_refuting"] = float(refuting[order[:3]].sum())
    out["top3_hedging"] = float(hedging[order[:3]].sum())
    out["top3_negations"] = float(sum(len(e["signals"]["negations"]) for e in top))
    out["top3_attributed"] = float(sum(bool(e.get("cue")) for e in top))
    out["top3_negative_reports"] = float(sum(bool(e.get("negative")) for e in top))
    out["refuting_similarity"] = float(sims[refuting > 0].max()) if (refuting > 0).any() else 0.0
    out["hedging_similarity"] = float(sims[hedging > 0].max()) if (hedging > 0).any() else 0.0
    out["number_clashes"] = float(sum(bool(number_clashes(claim, e)) for e in top))
    out["date_clashes"] = float(sum(bool(date_clashes(claim, e)) for e in top))
    out["control_clashes"] = float(sum(control_clash(claim, e) is not None for e in top))
    out["polarity_clash"] = float(polarity_clash(claim, top[0]) is not None)
    out["body_tfidf"] = weights_cosine(text_weights(claim["assertion"]), voice.weights)
    out["top3_plain_agreeing"] = float(sum(sims[i] > 0.6 and refuting[i] == 0 and hedging[i] == 0 for i in order[:3]))
    return np.array([out[name] for name in FEATURES], dtype=np.float64)


@dataclass
class StanceModel:
    """Gradient-boosted trees as plain arrays, plus a softmax temperature for calibration."""

    features: tuple[str, ...]
    labels: tuple[str, ...]
    baseline: np.ndarray  # (n_classes,)
    trees: list[list[dict]]  # trees[iteration][class] = {feature, threshold, left, right, leaf, value, nan_left}
    temperature: float
    meta: dict

    @classmethod
    def load(cls, path: str | Path | None = None) -> StanceModel:
        text = Path(path).read_text() if path else files("verify").joinpath(MODEL_FILE).read_text()
        data = json.loads(text)
        trees = [[{k: np.asarray(v) for k, v in tree.items()} for tree in step] for step in data["trees"]]
        return cls(
            tuple(data["features"]),
            tuple(data["labels"]),
            np.asarray(data["baseline"], dtype=np.float64),
            trees,
            float(data["temperature"]),
            data.get("meta", {}),
        )

    def __post_init__(self):
        self._walks = [[_walk(tree) for tree in step] for step in self.trees]

    def raw(self, x: np.ndarray) -> np.ndarray:
        """Summed tree outputs (logits), one row per sample."""
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        out = np.tile(self.baseline, (len(x), 1))
        flat, missing = np.ascontiguousarray(x.T).ravel(), np.isnan(x).any()
        for step in self._walks:
            for k, walk in enumerate(step):
                out[:, k] += _tree_values(walk, flat, len(x), missing)
        return out

    def probabilities(self, x: np.ndarray, calibrated: bool = True) -> np.ndarray:
        logits = self.raw(x) / (self.temperature if calibrated else 1.0)
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


def _walk(tree: dict) -> dict:
    """A tree rearranged for walking all samples level by level: a leaf is its own child (so a
    walk may go on past it), and the walk takes as many steps as the tree is deep."""
    leaf, nodes = tree["leaf"].astype(bool), np.arange(len(tree["leaf"]))
    depth, stack = 0, [(0, 0)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        if not leaf[node]:
            stack += [(int(tree["left"][node]), level + 1), (int(tree["right"][node]), level + 1)]
    return {
        "feature": np.where(leaf, 0, tree["feature"]).astype(np.intp),
        "threshold": np.where(leaf, np.inf, tree["threshold"]).astype(np.float64),
        "left": np.where(leaf, nodes, tree["left"]).astype(np.intp),
        "right": np.where(leaf, nodes, tree["right"]).astype(np.intp),
        "nan_left": tree["nan_left"].astype(bool),
        "value": np.asarray(tree["value"], dtype=np.float64),
        "depth": depth,
    }


def _tree_values(walk: dict, flat: np.ndarray, n: int, missing: bool) -> np.ndarray:
    """One tree's output for ``n`` samples, given feature-major as ``flat``."""
    node = np.zeros(n, dtype=np.intp)
    offsets = np.arange(n)
    for _ in range(walk["depth"]):
        values = flat[walk["feature"][node] * n + offsets]
        go_left = values <= walk["threshold"][node]
        if missing:  # a leaf's children are itself, so only a split's side for NaN matters
            go_left |= np.isnan(values) & walk["nan_left"][node]
        node = np.where(go_left, walk["left"][node], walk["right"][node])
    return walk["value"][node]


@cache
def load_stance_model() -> StanceModel:
    return StanceModel.load()


@cache
def stance_model_info() -> ModelInfo:
    """What a run records about the shipped stance model."""
    path = Path(str(files("verify").joinpath(MODEL_FILE)))
    digest = file_sha256(path)
    return ModelInfo(
        "stance",
        "verify stance trees (FNC-1)",
        "verify",
        __version__,
        str(path),
        combined_sha256({path.name: digest}),
        {path.name: digest},
    )


def fnc_score(gold: list[str], predicted: list[str]) -> tuple[float, float]:
    """(raw score, maximum score) under FNC-1's official rule."""
    index: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
    raw = sum(FNC_POINTS[index[g], index[p]] for g, p in zip(gold, predicted, strict=True))
    best = sum(FNC_POINTS[index[g], index[g]] for g in gold)
    return float(raw), float(best)


def decide(probabilities: np.ndarray) -> list[str]:
    """The label with the highest expected FNC-1 score under the probabilities (rows: samples)."""
    expected = probabilities @ FNC_POINTS
    return [LABELS[i] for i in expected.argmax(axis=1)]


# What a verdict asserts about the other claim's source, in FNC-1's labels: a contradiction that the
# source disputes the claim, an agreement or partial agreement that it states or reports it.
FINDING_STANCES = {
    "contradiction": ("disagree",),
    "agreement": ("agree", "discuss"),
    "partial": ("agree", "discuss"),
    "unrelated": ("unrelated",),
}
