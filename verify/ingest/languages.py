"""Telling a document's language."""

from __future__ import annotations

from verify.claims.words import stop_words

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "fa": "Persian",
    "tr": "Turkish",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
    "uk": "Ukrainian",
    "he": "Hebrew",
    "nl": "Dutch",
    "zh-cn": "Chinese",
    "zh-tw": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ur": "Urdu",
    "hi": "Hindi",
}


def language_name(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


MIN_LANGUAGE_LETTERS = 40
LANGUAGE_SAMPLE_CHARS = 600  # enough to tell a language; detection time grows with the sample
ENGLISH_STOP_WORD_SHARE = 0.3


def detect_language(text: str) -> str | None:
    """The text's language as an ISO 639-1 code (langdetect, seeded: the same text always gives
    the same answer), or None when it cannot tell."""
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LANGUAGE_LETTERS:
        return None  # too short to tell
    words = sample.lower().split()
    if sum(w in stop_words() for w in words) >= ENGLISH_STOP_WORD_SHARE * len(words):
        return "en"  # English prose is about half stop words: no need for the detector's n-grams
    DetectorFactory.seed = 0
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return best.lang if best.prob >= 0.8 else None
