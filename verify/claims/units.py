"""The words of quantities: number words, scales, qualifiers, units and events."""

from __future__ import annotations

import re

# -- numbers ---------------------------------------------------------------------------------

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Vague quantities: (low, high) ranges.
VAGUE = {
    "a dozen": (12, 12),
    "dozens": (24, 99),
    "dozens of": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999),
    "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999),
    "tens of millions": (20_000_000, 99_999_999),
    "a few": (2, 5),
    "several": (3, 9),
    "a handful": (2, 6),
}
# Qualifiers that widen an exact value into a range.
AT_LEAST = ("at least", "more than", "over", "upwards of", "no fewer than", "in excess of")
AT_MOST = ("up to", "at most", "fewer than", "less than", "under", "no more than", "as many as")
ABOUT = (
    "about",
    "around",
    "nearly",
    "almost",
    "approximately",
    "some",
    "roughly",
    "close to",
    "an estimated",
    "estimated",
)
ABOUT_TOLERANCE = 0.15
# Words after a number that end its unit phrase.
UNIT_STOP = {
    "were",
    "was",
    "are",
    "is",
    "have",
    "had",
    "has",
    "in",
    "on",
    "at",
    "of",
    "and",
    "or",
    "to",
    "from",
    "by",
    "for",
    "with",
    "since",
    "during",
    "who",
    "which",
    "that",
    "the",
    "a",
    "an",
    "after",
    "before",
    "this",
    "last",
    "as",
    "when",
    "while",
    "been",
    "be",
    "per",
    "near",
    "into",
    "inside",
    "outside",
    "across",
    "around",
    "among",
    "including",
    "over",
    "under",
    "fled",
    "died",
    "fought",
    "left",
    "say",
    "said",
    "says",
    "will",
    "would",
    "could",
    "but",
    "according",
    "than",
    "more",
    "another",
}
UNIT_SYNONYMS = {
    "troop": "soldier",
    "serviceman": "soldier",
    "servicemen": "soldier",
    "militant": "fighter",
    "rebel": "fighter",
    "terrorist": "fighter",
    "jihadist": "fighter",
    "force": "soldier",
    "person": "people",
    "civilian": "people",
    "dead": "people",
    "death": "people",
    "killed": "people",
    "km": "kilometre",
    "kilometer": "kilometre",
    "mile": "kilometre",
}
# What a figure is, besides a count: never compared with a count, nor with another kind.
DURATION_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
MONEY_UNITS = {"dollar", "euro", "riyal", "lira", "rouble", "ruble", "yuan", "yen", "rupee", "dinar", "cent"}
PERCENT_UNITS = {"percent", "per", "%", "percentage", "point"}
AGE_RE = re.compile(r"^[\s-]*(?:years?[\s-]old|year-old|-year-old|yrs?[\s-]old|yo\b)", re.IGNORECASE)
AGE_APPOSITION_RE = re.compile(r"[A-Z][\w'\u2019.-]+,\s*\d{1,3}\s*,$")  # "Jordan Matson, 28, a former soldier"
AGED_RE = re.compile(r"\b(?:aged|age)\s*$", re.IGNORECASE)
MONEY_BEFORE_RE = re.compile(r"[$\u00a3\u20ac]\s*$|\b(?:usd|eur|gbp|us\$)\s*$", re.IGNORECASE)
# The event a count belongs to: the outcome verbs of news counts, by lemma.
EVENTS = {
    "kill": r"kill\w*|dead|die|died|dies|deaths?|lives|toll|slain|slay|massacred?|execut\w*",
    "wound": r"wound\w*|injur\w*|hurt|maimed|casualt\w*",
    "displace": r"displac\w*|fled|flee\w*|evacuat\w*|homeless|refugees?",
    "detain": r"detain\w*|arrest\w*|held|hold|jail\w*|imprison\w*|captur\w*|kidnap\w*|abduct\w*|hostages?",
    "release": r"releas\w*|freed?",
    "missing": r"missing",
    "rescue": r"rescu\w*|survivors?|surviv\w*|pulled|pull",
    "attack": r"attack\w*|strikes?|raids?|bomb\w*|shell\w*",
}
EVENT_RE = {event: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE) for event, pattern in EVENTS.items()}
# A count that adds up more than one event: not the same quantity as one event's count.
TOTAL_RE = re.compile(r"\b(?:total|totall\w*|so far|in all|altogether|overall|cumulative|since the start)\b", re.I)
RANGE_RE = re.compile(r"^\s*(?:-|\u2013|to|or)\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])", re.IGNORECASE)


def words_to_number(text: str) -> float | None:
    """'twenty-five' -> 25, 'two hundred' -> 200, '950,000' -> 950000, '1.5 million' -> 1500000."""
    cleaned = text.lower().replace(",", "").replace("-", " ").replace(" and ", " ").strip()
    parts = cleaned.split()
    if not parts:
        return None
    try:
        total = float(parts[0])
        parts = parts[1:]
    except ValueError:
        total = None
    current = 0.0 if total is None else total
    result = 0.0
    for word in parts if total is not None else cleaned.split():
        if word in UNITS:
            current += UNITS[word]
        elif word == "a":
            continue  # "a hundred": the scale that follows makes it one
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            result += max(current, 1) * SCALES[word]
            current = 0
        else:
            return None
    return result + current
