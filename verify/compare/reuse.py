"""What a comparison reuses from earlier ones: the NLI model's readings of each text pair, and the
outcome of each claim pair under the same models and thresholds (kept in :mod:`verify.store.caches`)."""

from __future__ import annotations

import zlib

import numpy as np
import orjson

from verify.models.nli import NLI_LABELS, NLIModel
from verify.records import ModelInfo, Thresholds
from verify.store import caches
from verify.store.rows import canonical, json_text, sha256


class NLICache:
    """NLI probabilities per (premise, hypothesis), computed once per model and cached in the store."""

    def __init__(self, model: NLIModel, store=None):
        self.model = model
        self.store = store
        self.computed = 0
        self.both_ways = 0  # pairs judge_verdicts read both ways

    @staticmethod
    def key(premise: str, hypothesis: str) -> str:
        return sha256(f"{premise}\0{hypothesis}")[:32]

    def probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """(pairs, :data:`NLI_LABELS`) probabilities; each distinct pair is read once."""
        out = np.zeros((len(pairs), len(NLI_LABELS)), dtype=np.float32)
        keys = [self.key(p, h) for p, h in pairs]
        known = self._cached(sorted(set(keys)))
        todo: dict[str, list[int]] = {}
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
        found = caches.cached(self.store, "nli", self.model.info.sha256, keys)
        return {pair: np.frombuffer(p, dtype=np.float32) for pair, p in found.items() if p is not None}

    def _save(self, keys: list[str], probabilities: np.ndarray) -> None:
        if self.store is None:
            return
        values = [(key, np.asarray(p, dtype=np.float32).tobytes()) for key, p in zip(keys, probabilities, strict=True)]
        caches.keep(self.store, "nli", self.model.info.sha256, values)


def comparison_key(thresholds: dict, models: list[ModelInfo]) -> str:
    """What a comparison's verdicts rest on besides the claims: verify's version, the thresholds,
    and the models (role, SHA-256 and runtime of each)."""
    from verify import __version__

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
        found = caches.cached(self.store, "verdicts", self.key, pairs)
        return {
            pair: (verdict is not None, orjson.loads(zlib.decompress(verdict)) if verdict else None)
            for pair, verdict in found.items()
        }

    def keep(self, outcomes: list[tuple[str, bool, dict | None]]) -> None:
        """Store (pair, read, verdict) outcomes; call before a verdict's evidence is extended."""
        values = [
            (pair, zlib.compress(json_text(verdict).encode(), 1) if read else None) for pair, read, verdict in outcomes
        ]
        caches.keep(self.store, "verdicts", self.key, values)
