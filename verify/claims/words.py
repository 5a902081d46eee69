"""Words of a claim: tokens, stop words and tf-idf weights."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

WORD_RE = re.compile(r"[a-z0-9]+")


STOP_WORDS_FILE = Path(__file__).parents[1] / "data" / "stop_words.txt"


@cache
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, read from the package's copy (importing scikit-learn
    takes seconds; a test keeps the copy equal to it)."""
    lines = STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def words(text: str) -> list[str]:
    """Lower-cased words without English stop words."""
    stop = stop_words()
    return [w for w in WORD_RE.findall(text.lower()) if w not in stop]


RARE_WORD_IDF = 1.0 + math.log(3 / 2)  # smoothed IDF of a word found in one of two texts; 1.0 if in both


def term_weights(word_list: list[str]) -> tuple[dict[str, float], float]:
    """Sublinear term frequencies of a list of words, and their sum of squares."""
    weights = {w: 1 + math.log(n) for w, n in Counter(word_list).items()}
    return weights, sum(v * v for v in weights.values())


@lru_cache(maxsize=1 << 16)
def text_weights(text: str) -> tuple[dict[str, float], float]:
    """:func:`term_weights` of a text's words, kept for the next pair that reads the same text
    (do not change what it returns)."""
    return term_weights(words(text))


def tfidf_cosine(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """TF-IDF cosine of two claims' assertions, with the IDF of the pair itself (a word in both
    weighs less than a word in one). It depends on the two claims only, so adding documents to a
    store never changes the figure for pairs already compared."""
    return weights_cosine(text_weights(a["assertion"]), text_weights(b["assertion"]))


def weights_cosine(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> float:
    """:func:`tfidf_cosine` of two texts' :func:`term_weights`."""
    (wa, sa), (wb, sb) = a, b
    if not wa or not wb:
        return 0.0
    shared = [w for w in wa if w in wb]  # in text order: a set's order would vary the sums' last bits
    rare2 = RARE_WORD_IDF**2
    dot = sum(wa[w] * wb[w] for w in shared)
    norm_a = rare2 * sa - (rare2 - 1) * sum(wa[w] ** 2 for w in shared)
    norm_b = rare2 * sb - (rare2 - 1) * sum(wb[w] ** 2 for w in shared)
    return dot / math.sqrt(norm_a * norm_b)
