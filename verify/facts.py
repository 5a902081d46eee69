"""The checkable facts inside a sentence: numbers, dates, places, actors, negation, hedges, control verbs.

Claims store what these functions find; the comparison stage checks two claims' facts against
each other. Every fact keeps its text and its offsets inside the sentence, so a report can
highlight exactly the words that clash.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from rapidfuzz import fuzz, process

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


def quantity_kind(sentence: str, start: int, end: int, unit: str) -> str:
    """count, age, duration, money or percent, from the words around a figure."""
    after, before = sentence[end : end + 14], sentence[max(0, start - 8) : start]
    if (
        AGE_RE.match(after)
        or AGED_RE.search(before)
        or AGE_APPOSITION_RE.search(sentence[max(0, start - 40) : end + 1])
    ):
        return "age"
    if unit in PERCENT_UNITS or re.match(r"\s*(?:%|percent|per cent|percentage)", after, re.IGNORECASE):
        return "percent"
    if MONEY_BEFORE_RE.search(before) or unit in MONEY_UNITS:
        return "money"
    if unit in DURATION_UNITS:
        return "duration"
    return "count"


def quantity_event(sentence: str, start: int, end: int) -> str:
    """The event a figure counts: the nearest outcome word in its clause (killed, wounded, ...)."""
    clause_start = max((m.end() for m in re.finditer(r"[;:]|, (?:and|but|while)\b", sentence[:start])), default=0)
    following = re.search(r"[;:]|, (?:and|but|while)\b", sentence[end:])
    clause_end = end + following.start() if following else len(sentence)
    best = None
    for event, pattern in EVENT_RE.items():
        for m in pattern.finditer(sentence, clause_start, clause_end):
            distance = m.start() - end if m.start() >= end else start - m.end()
            if best is None or distance < best[0]:
                best = (distance, event)
    return best[1] if best else ""


NUMBER_WORD = "|".join(sorted([*UNITS, *SCALES], key=len, reverse=True))
# "two or three gunmen", "five to six": a range in words (digits: RANGE_RE)
WORD_RANGE_RE = re.compile(rf"^\s*(?:-|\u2013|to|or)\s*((?:{'|'.join(sorted(UNITS, key=len, reverse=True))}))\b", re.I)
NUMBER_RE = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(?:million|billion|thousand))?(?![\w])"
    rf"|\b(?:{NUMBER_WORD}|a)(?:[\s-]+(?:and\s+)?(?:{NUMBER_WORD}))*\b"
    r"|\b(?:a dozen|dozens(?: of)?|scores|tens of thousands|hundreds of thousands|tens of millions|hundreds|thousands"
    r"|millions|a few|several|a handful)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float | None
    low: float
    high: float
    approx: bool
    unit: str
    qualifier: str  # words before the unit's head: "turkish" in "two Turkish soldiers"
    start: int
    end: int
    kind: str = "count"  # count, age, duration, money or percent
    event: str = ""  # what the count counts: kill, wound, displace, detain, ... ("" if none)
    total: bool = False  # a running total ("the total ... to 19"), not one event's count

    def as_dict(self) -> dict:
        value = self.value
        if value is not None and float(value).is_integer():
            value = int(value)
        high = None if self.high == float("inf") else self.high
        return {
            "text": self.text,
            "value": value,
            "low": self.low,
            "high": high,
            "approx": self.approx,
            "unit": self.unit,
            "qualifier": self.qualifier,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "event": self.event,
            "total": self.total,
        }


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


def _unit_after(sentence: str, end: int) -> tuple[str, str]:
    """The head noun of the phrase after a number and the words before it:
    'two Turkish soldiers were' -> ('soldier', 'turkish')."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", re.split(r"[.,;:!?()\"]", sentence[end : end + 80])[0])]
    if len(words) > 2 and words[0] in ("members", "member") and words[1] == "of":
        words = words[2:]  # "40 members of the regime forces" counts forces
    phrase = []
    for word in words[:4]:
        if word in UNIT_STOP or (phrase and word.endswith("ed")):
            if phrase or word not in ("the", "a", "an"):
                break
            continue
        phrase.append(word)
    if not phrase:
        return "", ""
    return unit_of(phrase[-1]), " ".join(phrase[:-1])


def unit_of(noun: str) -> str:
    """A counted noun as a unit: singular, lower case, synonyms merged ('troops' -> 'soldier')."""
    head = noun.lower()
    if head.endswith("ies"):
        head = head[:-3] + "y"
    elif head.endswith("s") and not head.endswith("ss"):
        head = head[:-1]
    return UNIT_SYNONYMS.get(head, head)


# Verbs that tell nothing of the event a figure counts: "said 19 were killed" counts the killing.
LIGHT_VERBS = {"be", "have", "say", "tell", "report", "add", "state", "claim", "show", "put", "give", "include"}
LIGHT_VERBS |= {"make", "get", "take", "see", "bring", "reach", "rise", "stand", "total", "number", "count"}


def event_of(lemma: str) -> str:
    """An event lemma from a parse in verify's terms: 'kill' for killed, dead, died...; '' for a
    verb that tells no event (be, have, say); else the lemma itself."""
    if lemma in LIGHT_VERBS:
        return ""
    return next((event for event, pattern in EVENT_RE.items() if pattern.fullmatch(lemma)), lemma)


def refine_numbers(quantities: list[dict], doc) -> list[dict]:
    """Figures read again with a parse of their sentence (:func:`verify.parse.counted`): the noun
    each counts and the event it counts, where the parse ties the figure to a noun."""
    from .parse import counted

    out = []
    for q in quantities:
        found = counted(doc, q["start"], q["end"])
        if found:
            noun, qualifier, lemma = found
            unit = unit_of(noun) if noun else q["unit"]
            q = q | {
                "unit": unit,
                "qualifier": qualifier if noun else q["qualifier"],
                "event": event_of(lemma),
                "kind": quantity_kind(doc.text, q["start"], q["end"], unit),
            }
        out.append(q)
    return out


UNIT_BEFORE_RE = re.compile(
    r"\b(?:toll|number|tally|count|total)\s+(?:of|among|for)\s+(?:the\s+)?(?P<phrase>(?:[a-z-]+\s+){0,2}[a-z-]+)"
    r"(?:\s+(?:killed|wounded|injured|dead|detained|displaced|who\s+\w+))?(?:\s+[a-z]+){0,4}?\s+(?:at|to|stood at|rose to|reached)\s*$",
    re.IGNORECASE,
)


def _unit_before(sentence: str, start: int) -> tuple[str, str]:
    """The counted noun named before a figure: 'the death toll among government forces at 19'
    -> ('soldier', 'government')."""
    match = UNIT_BEFORE_RE.search(sentence[max(0, start - 90) : start])
    if not match:
        return "", ""
    phrase = re.split(r"\b(?:rose|reached|stood|climbed|went|was|is|has|had)\b", match.group("phrase"))[0]
    return _unit_after(phrase + " ", 0)


def _is_year(text: str, sentence: str, start: int) -> bool:
    if not re.fullmatch(r"(1[89]|20)\d\d", text):
        return False
    before = sentence[max(0, start - 12) : start].lower()
    return not re.search(r"(about|least|than|nearly|some)\s*$", before)


def numbers(sentence: str) -> list[Quantity]:
    """Quantities in a sentence, normalised, with the tolerance their qualifier implies, the range
    they give ("50-60", "between 50 and 60", "50 or 60"), their kind and the event they count."""
    found = []
    date_spans = [(d["start"], d["end"]) for d in dates(sentence)]
    range_ends: set[int] = set()
    for match in NUMBER_RE.finditer(sentence):
        text = match.group(0)
        lower = text.lower()
        start, end = match.span()
        if lower == "a" or start in range_ends:
            continue  # the article "a", or the upper end of a range already read
        in_date = any(s <= start and end <= e for s, e in date_spans)
        if in_date or _is_year(text, sentence, start):
            continue
        if lower == "one" and re.match(r"\s+(of|another|in)\b", sentence[end:]):
            continue
        if re.match(r"[\s-]*(?:th|st|nd|rd)\b", sentence[end:]) or re.match(
            r"\s*(?:am|pm|a\.m\.|p\.m\.)", sentence[end:]
        ):
            continue  # an ordinal ("7th") or a time of day
        before = sentence[max(0, start - 25) : start].lower().rstrip().rstrip("$\u00a3\u20ac").rstrip()
        upper = RANGE_RE.match(sentence[end:]) or (WORD_RANGE_RE.match(sentence[end:]) if lower in UNITS else None)
        if upper is None and before.endswith("between"):
            upper = re.match(r"^\s*and\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])", sentence[end:])
        if upper:
            range_ends.add(end + upper.start(1))
            text, end = sentence[start : end + upper.end()], end + upper.end()
        unit, qualifier = _unit_after(sentence, end)
        if not unit:
            unit, qualifier = _unit_before(sentence, start)
        kind = quantity_kind(sentence, start, end, unit)
        context = {
            "kind": kind,
            "event": quantity_event(sentence, start, end),
            "total": bool(TOTAL_RE.search(sentence[max(0, start - 60) : end + 40])),
        }
        if lower in VAGUE:
            low, high = VAGUE[lower]
            found.append(Quantity(text, None, low, high, True, unit, qualifier, start, end, **context))
            continue
        value = words_to_number(match.group(0))
        if value is None or value == 0 and lower == "a":
            continue
        low = high = value
        approx = False
        if upper:
            high = words_to_number(upper.group(1)) or value
            low, high, approx = min(value, high), max(value, high), True
        elif before.endswith(AT_LEAST):
            high, approx = float("inf"), True
            if before.endswith(("more than", "over", "in excess of", "upwards of")):
                low = value + (1 if value.is_integer() else 0)
        elif before.endswith(AT_MOST):
            low, approx = 0, True
        elif before.endswith(ABOUT):
            low, high, approx = value * (1 - ABOUT_TOLERANCE), value * (1 + ABOUT_TOLERANCE), True
        found.append(Quantity(text, value, low, high, approx, unit, qualifier, start, end, **context))
    return found


def _written(value: float) -> str:
    """A figure as news writes it in digits: 12, 1,200, 210 million, 1.5 billion."""
    for scale, name in ((1e9, "billion"), (1e6, "million")):
        if value >= scale:
            return f"{value / scale:g} {name}"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


@lru_cache(maxsize=1 << 16)
def in_digits(text: str) -> str:
    """``text`` with its figures in words written in digits ("two hundred and ten million euros"
    -> "210 million euros", "Twelve civilians" -> "12 civilians"), so a reader that compares
    figures (the NLI model) sees one form on both sides; vague amounts and ranges stay as written.
    Remembered per text: a comparison reads each claim in many pairs."""
    out, last = [], 0
    for q in numbers(text):
        words = text[q.start : q.end]
        if q.value is None or q.low != q.high and not q.approx or not re.search(r"[A-Za-z]", words):
            continue
        if re.fullmatch(r"\d[\d,.]*\s+(?:million|billion|thousand)", words, re.IGNORECASE):
            continue  # "1.5 million" reads as it is
        if re.match(r"\s+point\b", text[q.end :]) or re.search(r"\bpoint\s+$", text[: q.start]):
            continue  # "six point two"
        out += [text[last : q.start], _written(q.value)]
        last = q.end
    return "".join(out) + text[last:]


def quantities_clash(a: dict, b: dict) -> bool:
    """Two quantities of the same thing whose ranges cannot both be true. A bound on the very figure
    the other gives is that figure told two ways ("more than 80 families", "80 families"): no clash."""
    high_a = float("inf") if a["high"] is None else a["high"]
    high_b = float("inf") if b["high"] is None else b["high"]
    if not (high_a < b["low"] or high_b < a["low"]):
        return False
    bound = a["high"] is None or b["high"] is None or a["low"] == 0 or b["low"] == 0  # "more than N", "fewer than N"
    return not (bound and a.get("value") is not None and a.get("value") == b.get("value"))


def same_noun(a: dict, b: dict) -> bool:
    """Two quantities' head nouns are one word, spelled alike ('soldier' / 'soldiers')."""
    return a["unit"] == b["unit"] or fuzz.ratio(a["unit"], b["unit"]) >= 85


def same_unit(a: dict, b: dict) -> bool:
    """The same kind of thing counted in the same event: the same kind of figure, head noun and
    event (when both name one), no clash of sides ('Turkish soldiers' are not 'government
    soldiers'), and not a running total against one event's count."""
    if not a["unit"] or not b["unit"] or a.get("kind", "count") != b.get("kind", "count"):
        return False
    if not same_noun(a, b):
        return False
    events = a.get("event", ""), b.get("event", "")
    if all(events) and events[0] != events[1] or a.get("total", False) != b.get("total", False):
        return False
    if a.get("kind", "count") != "count" and not (all(events) and a.get("qualifier") == b.get("qualifier")):
        return False  # a percentage, sum or duration of what? Only the same event's, of the same thing
    sides_a, sides_b = set(actors(a.get("qualifier", ""))), set(actors(b.get("qualifier", "")))
    return not (sides_a and sides_b and not sides_a & sides_b)


def same_bare_figure(a: dict, b: dict) -> bool:
    """Two figures that name no unit ("measured 7.8", "a magnitude of 5.1"): the same kind, the
    same event (a measurement against no event counts as one), and neither a running total."""
    if a["unit"] or b["unit"] or a.get("kind", "count") != b.get("kind", "count"):
        return False
    events = {a.get("event", ""), b.get("event", "")}
    # "measured 6.2" and "a magnitude of 7.8" (no event) are one measurement
    return (len(events) == 1 or events == {"measure", ""}) and not (a.get("total") or b.get("total"))


# -- dates -----------------------------------------------------------------------------------

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTH_RE = r"(?:" + "|".join(list(MONTHS) + [f"{a}\\.?" for a in MONTH_ABBR if a != "may"]) + r")"
DATE_RE = re.compile(
    rf"\b(?P<md>{MONTH_RE})\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{MONTH_RE})(?:,?\s+(?P<dm_year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b"
    rf"|\b(?:in|since|during|by)\s+(?P<month_only>{MONTH_RE})(?:\s+(?P<mo_year>(?:19|20)\d\d))?\b"
    rf"|\b(?:on\s+|last\s+|this\s+|late\s+|early\s+)?(?P<weekday>{'|'.join(WEEKDAYS)})\b"
    r"|\b(?P<relative>today|tonight|yesterday|overnight|this morning|this week|last week|this month"
    r"|last month|this year|last year|(?:\w+|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago)\b"
    r"|\b(?:in|since|during)\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
RELATIVE_DAYS = {"today": 0, "tonight": 0, "this morning": 0, "overnight": 0, "yesterday": 1}


def _month(text: str) -> int:
    key = text.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBR[key[:3] if key != "sept" else key]


def dates(sentence: str, published: str | None = None) -> list[dict]:
    """Dates and times, normalised: ``value`` is ISO (YYYY-MM-DD, --MM-DD, YYYY-MM or YYYY) where
    known; relative dates keep their text and are resolved against ``published`` when given."""
    anchor = _parse_iso(published)
    found = []
    for match in DATE_RE.finditer(sentence):
        g = match.groupdict()
        kind, value = "absolute", None
        if g["md"] or g["dm"]:
            month = _month(g["md"] or g["dm"])
            day = int(g["md_day"] or g["dm_day"])
            year = g["md_year"] or g["dm_year"] or (anchor.year if anchor else None)
            if not 1 <= day <= 31:
                continue
            value = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        elif g["iso"]:
            value = g["iso"]
        elif g["month_only"]:
            month = _month(g["month_only"])
            year = g["mo_year"] or (anchor.year - (month > anchor.month) if anchor else None)
            value = f"{year}-{month:02d}" if year else f"--{month:02d}"
            kind = "month"
        elif g["weekday"]:
            kind = "weekday"
            weekday = WEEKDAYS.index(g["weekday"].lower())
            if anchor:
                back = (anchor.weekday() - weekday) % 7
                value = (anchor - dt.timedelta(days=back)).isoformat()
            else:
                value = g["weekday"].lower()
        elif g["relative"]:
            kind = "relative"
            value = _resolve_relative(g["relative"].lower(), anchor)
        elif g["year"]:
            kind, value = "year", g["year"]
        start, end = match.span()
        found.append({"text": match.group(0), "kind": kind, "value": value, "start": start, "end": end})
    return found


def _parse_iso(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _resolve_relative(text: str, anchor: dt.date | None) -> str | None:
    if anchor is None:
        return None
    if text in RELATIVE_DAYS:
        return (anchor - dt.timedelta(days=RELATIVE_DAYS[text])).isoformat()
    ago = re.fullmatch(r"(\w+)\s+(day|week|month|year)s?\s+ago", text)
    if ago:
        count = words_to_number(ago.group(1))
        if count is not None and ago.group(2) == "day":
            return (anchor - dt.timedelta(days=int(count))).isoformat()
    return None


def dates_clash(a: dict, b: dict) -> bool:
    """Two normalised dates that cannot name the same day."""
    va, vb = a.get("value"), b.get("value")
    if not va or not vb:
        return False
    if va in WEEKDAYS or vb in WEEKDAYS:
        return _weekday_of(va) != _weekday_of(vb) if _weekday_of(va) and _weekday_of(vb) else False
    if a["kind"] in ("year", "month") or b["kind"] in ("year", "month"):
        shorter = min(len(va.lstrip("-")), len(vb.lstrip("-")))
        return va.lstrip("-")[:shorter] != vb.lstrip("-")[:shorter] if va[0] == vb[0] else False
    if va.startswith("--") or vb.startswith("--"):
        return va[-5:] != vb[-5:]
    return va != vb


def _weekday_of(value: str) -> str | None:
    if value in WEEKDAYS:
        return value
    parsed = _parse_iso(value)
    return WEEKDAYS[parsed.weekday()] if parsed else None


# -- places ----------------------------------------------------------------------------------


@cache
def gazetteer() -> dict[str, str]:
    """Lower-cased spelling -> canonical place name, from the bundled ``places.toml``."""
    data = tomllib.loads(files("verify").joinpath("data/places.toml").read_text("utf-8"))
    names = {}
    for canonical, variants in data["places"].items():
        for name in [canonical, *variants]:
            names[name.lower()] = canonical
    return names


@cache
def _gazetteer_re() -> re.Pattern:
    spellings = sorted(gazetteer(), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in spellings) + r")\b", re.IGNORECASE)


PLACE_CONTEXT_RE = re.compile(  # "of" only after a direction or a part of a place: "one of Emwazi's friends" is none
    r"\b(?:in|near|at|into|from|outside|around|toward|towards|town of|city of|village of"
    r"|(?:(?:north|south|east|west)(?:-?(?:east|west))?|outskirts|edge|centre|center|heart|suburbs|countryside"
    r"|province|governorate|parts|streets|south-east|north-west) of)\s+"
    r"(?P<name>(?:al-|Al-|el-)?[A-Z][\w'’]+(?:[-\s](?:al|el|ash|ez)-?[A-Z]?[\w'’]+|\s[A-Z][\w'’]+)?)"
)
HOLIDAYS = {"Thanksgiving", "Christmas", "Easter", "Ramadan", "Eid", "Halloween", "Passover", "Hanukkah"}
NOT_PLACES = {
    "the",
    "a",
    "an",
    "his",
    "her",
    "their",
    "its",
    "this",
    "that",
    *MONTHS,
    *WEEKDAYS,
}
FUZZY_PLACE_CUTOFF = 85


def canonical_place(name: str) -> str | None:
    """The gazetteer's name for a spelling, exact or fuzzy ('Saraqib' -> 'Saraqeb')."""
    key = name.lower()
    if key in gazetteer():
        return gazetteer()[key]
    best = process.extractOne(key, gazetteer().keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_PLACE_CUTOFF)
    return gazetteer()[best[0]] if best else None


def places(sentence: str) -> list[dict]:
    """Place names: gazetteer spellings, plus capitalised names after 'in', 'near', 'town of'...
    resolved to the gazetteer by fuzzy match or kept as they are."""
    found: dict[tuple[int, int], dict] = {}
    for match in _gazetteer_re().finditer(sentence):
        found[match.span()] = {
            "text": match.group(0),
            "name": gazetteer()[match.group(0).lower()],
            "start": match.start(),
            "end": match.end(),
        }
    for match in PLACE_CONTEXT_RE.finditer(sentence):
        name = match.group("name")
        start, end = match.span("name")
        if name.lower() in NOT_PLACES:
            continue
        if any(s <= start < e or s < end <= e for s, e in found):
            continue
        name, end = _without_trailing_day(name, start)
        canonical = canonical_place(name)
        if canonical is None and not (_looks_like_place(name) and not _inside_longer_name(sentence, start, end)):
            continue
        found[(start, end)] = {"text": name, "name": canonical or name, "start": start, "end": end}
    return [found[k] for k in sorted(found)]


def _without_trailing_day(name: str, start: int) -> tuple[str, int]:
    """A name without a weekday or month read into it ('Ottawa Wednesday'), and where it ends."""
    head, _, last = name.rpartition(" ")
    if head and last.lower() in NOT_PLACES:
        name = head
    return name, start + len(name)


def _inside_longer_name(sentence: str, start: int, end: int) -> bool:
    """Whether a name the place pattern read is part of a longer one: 'The Washington' (Post),
    'Wal' (-Mart), 'Cosmic Book' (News), 'Yemen Threatens' (a headline's capitals)."""
    after = sentence[end : end + 2]
    return (
        sentence[start:end].startswith("The ")
        or bool(re.match(r"-[A-Za-z]| [A-Z]", after))
        or sentence[start:end].isupper()
    )


def _looks_like_place(name: str) -> bool:
    """A capitalised name not ending in a source-like or institution word (a town, not 'the
    Observatory' or 'Queens College'), and not a possessive ("Emwazi's")."""
    if re.search(r"['’]s$", name):
        return False
    return not re.search(
        r"(Agency|Ministry|Front|Army|Forces|Observatory|TV|News|College|University|School|Institute|Hospital"
        r"|Department|Council|Court|Police|Museum|Works|Party|Times|Post|Group|Committee|Company|Office|Service)$",
        name,
    )


# -- actors, negation, hedging, control verbs ------------------------------------------------

ACTORS = {
    "turkey": r"turk(?:ish|ey|iye)|ankara",
    "russia": r"russian?|moscow|kremlin",
    "syrian-government": r"regime|government|government forces|(?<!turkish )(?<!russian )(?<!israeli )army|pro-government|syrian army|syrian troops"
    r"|syrian government|assad|damascus|syrian arab army|army units",
    "rebels": r"rebels?|opposition|insurgents?|jihadists?|terrorists?|militants?|national liberation"
    r"|\bnlf\b|\bhts\b|tahrir al-sham|fighters|factions",
    "iran": r"iran(?:ian)?|hezbollah",
    "united-states": r"american|u\.?s\.?(?= )|washington|pentagon",
    "israel": r"israel(?:i)?",
}
ACTOR_RES = {actor: re.compile(rf"\b(?:{pattern})", re.IGNORECASE) for actor, pattern in ACTORS.items()}

NEGATION_RE = re.compile(
    r"\b(?:not|no|never|none|nor|neither|denied|denies|deny|denial|false|fabricated"
    r"|baseless|untrue|rejected|rejects|refuted|refutes|dismissed|fake|hoax|n't)\b|n't\b",
    re.IGNORECASE,
)
HEDGE_RE = re.compile(
    r"\b(?:reportedly|allegedly|alleged|claimed|claims?|unconfirmed|rumou?red|may have|might"
    r"|could have|possibly|apparently|purportedly|(?:is|are|was|were) said to|it is believed|believed to"
    r"|expected to"
    r"|appears? to|seems? to|unverified|suspected|likely|probably|would)\b",
    re.IGNORECASE,
)
GAIN_RE = re.compile(
    r"\b(?:captur\w*|recaptur\w*|retook|retake\w*|retaken|took (?:full )?control|take control"
    r"|seiz\w*|entered|enter(?:s|ing)?|liberat\w*|storm\w*|overran|overrun|regain\w*|took over"
    r"|advanced into|fell to|(?:took|taken|take|takes|taking)(?= (?:the )?(?:town|city|village|area|key|strategic))"
    r"|in control of|control of the town)\b",
    re.IGNORECASE,
)
HOLD_RE = re.compile(
    r"\b(?:repell\w*|repuls\w*|thwart\w*|foil\w*|(?:still |firmly )?holds?|held|remain\w* under"
    r"|pushed back|drove back|driven back|fended off|beat back|beaten back|maintain\w* control"
    r"|under (?:full )?(?:the )?control of the army|recovered|still in control|defended"
    r"|remain\w* in (?:full |complete |firm )?control|retain\w* (?:full )?control|kept (?:full )?control)\b",
    re.IGNORECASE,
)
LOSS_RE = re.compile(r"\b(?:lost|los(?:e|ing) control|withdr[ae]w\w*|retreat\w*|pulled out|fell)\b", re.I)


# What became of a person or group in one event: killed, or wounded, or unhurt. One claim telling
# only one of these about whoever both claims name, the other only another, clash.
CASUALTY_RES = {
    "killed": re.compile(r"\b(?:killed|dead|died|dies|slain|death of|assassinated|executed)\b", re.I),
    "wounded": re.compile(r"\b(?:wounded|injured|hurt|hospitali[sz]ed|critically ill)\b", re.I),
    "unhurt": re.compile(r"\b(?:survived|unharmed|unhurt|alive|escaped|safe and well)\b", re.I),
}


# "had not survived" tells a death; "was not killed" tells a survival; "had not executed anyone" tells
# neither (a negated act, not a state), so it is left out.
NEGATED_BEFORE_RE = re.compile(r"\b(?:not|n't|never|no longer)\s+(?:\w+\s+)?$", re.IGNORECASE)
NEGATED_STATE_RE = re.compile(
    r"\b(?:is|was|were|are|be|been|being|isn't|wasn't|weren't|aren't)\s+(?:not\s+|never\s+|no longer\s+)?(?:\w+\s+)?$",
    re.IGNORECASE,
)
FATAL_RE = re.compile(r"\b(?:fatally|mortally)\s+$", re.IGNORECASE)
# A sentence that calls a death a hoax, a rumour or a joke does not tell it (a denial or a negation may).
HOAX_RE = re.compile(
    r"\b(?:hoax\w*|rumou?rs?|rumou?red|fake|phony|phoney|bogus|joke|prank|spoof|satir\w*|false reports?|debunk\w*"
    r"|(?:don't|do not|didn't|never) believe)\b",
    re.IGNORECASE,
)
KILLED_ALIVE_RE = re.compile(r"\b(?:burned|burnt|buried|skinned|eaten|boiled)\s+$", re.IGNORECASE)  # "burned alive"
COUNT_WORDS = r"(?:\d[\d,.]*|two|three|four|five|six|seven|eight|nine|ten|a dozen|dozens|hundreds|scores|several|many)"
COUNT_BEFORE_RE = re.compile(rf"\b{COUNT_WORDS}\b[\w\s,-]{{0,30}}$", re.IGNORECASE)
COUNT_AFTER_RE = re.compile(
    rf"^\s+(?:\w+\s+)?(?:(?:more than|at least|about|nearly|almost|over|some)\s+)?{COUNT_WORDS}\b", re.IGNORECASE
)
OUTCOME_TARGET_REACH = 6  # content words before an outcome word (in its clause) that say whose it is


def casualty_outcomes(sentence: str) -> list[dict]:
    """Outcome words for a person, not for a count ('four workers were killed' is a figure's
    event): {outcome, text, start, end, target (content words before it in its clause: whose
    outcome)}, in order. None in a sentence that calls a report a hoax or a rumour."""
    if HOAX_RE.search(sentence):
        return []
    out = []
    for outcome, pattern in CASUALTY_RES.items():
        for m in pattern.finditer(sentence):
            before = sentence[max(0, m.start() - 40) : m.start()]
            after = sentence[m.end() : m.end() + 25]
            if COUNT_BEFORE_RE.search(before) or COUNT_AFTER_RE.match(after):
                continue
            fatal = (
                outcome == "wounded"
                and FATAL_RE.search(before)
                or outcome == "unhurt"
                and KILLED_ALIVE_RE.search(before)
            )
            told = "killed" if fatal else outcome
            if NEGATED_BEFORE_RE.search(before):
                if told == "unhurt":
                    told = "killed"
                elif told == "killed" and NEGATED_STATE_RE.search(before):
                    told = "unhurt"
                else:
                    continue
            if m.group(0).lower().endswith(" of"):  # "the death of his grandfather": whose comes after
                clause = re.split(r"[,;:()]|\b(?:and|but|while|after|when)\b", sentence[m.end() :])[0]
                target = [w for w in TARGET_WORD_RE.findall(clause.lower()) if w not in OUTCOME_FILLER]
                target = target[:OUTCOME_TARGET_REACH]
            else:
                clause = re.split(r"[,;:()]|\b(?:and|but|while|after|when)\b", sentence[: m.start()])[-1]
                target = [w for w in TARGET_WORD_RE.findall(clause.lower()) if w not in OUTCOME_FILLER]
                target = target[-OUTCOME_TARGET_REACH:]
            out.append({"outcome": told, "text": m.group(0), "start": m.start(), "end": m.end(), "target": target})
    return sorted(out, key=lambda o: o["start"])


TARGET_WORD_RE = re.compile(r"[a-z0-9]+")  # as verify.clashes.words splits
OUTCOME_FILLER = {
    "the", "a", "an", "was", "were", "is", "are", "be", "been", "has", "have", "had", "not", "reportedly",
    "that", "he", "she", "they", "his", "her", "their", "its", "who", "which", "also", "later", "badly",
    "seriously", "critically", "slightly", "fatally", "mortally", "said", "says", "still", "very", "much",
    "by", "in", "of", "to", "on", "at", "as", "s", "being", "found", "apparently", "allegedly",
}  # fmt: skip


def actors(sentence: str) -> list[str]:
    """The parties a sentence names (Turkey, Russia, the Syrian government, rebels, ...)."""
    return [actor for actor, pattern in ACTOR_RES.items() if pattern.search(sentence)]


def spans(pattern: re.Pattern, sentence: str) -> list[dict]:
    return [{"text": m.group(0), "start": m.start(), "end": m.end()} for m in pattern.finditer(sentence)]


# Not committing is not denying: "could not confirm", "has not yet confirmed", "declined to comment".
NONCOMMITTAL_RE = re.compile(
    r"\b(?:(?:could|can|did|does|do|has|have|had|was|were|is|are|would|will)(?:\s+not|n't)|cannot|wo n't|won't)\s+"
    r"(?:yet\s+)?(?:been\s+|be\s+)?(?:immediately\s+|independently\s+|officially\s+)?(?:confirm\w*|verif\w*|elaborat\w*"
    r"|comment\w*|say|said|report\w*|mention\w*|specify|specified|disclose\w*|respond\w*|reached|clear|known"
    r"|identif\w*|provide\w*|give|gave|corroborat\w*|reveal\w*|release\w*|authenticat\w*|know)\b"
    r"|\b(?:declined|refused|unable|not able|has yet|have yet|had yet)\s+to\s+(?:comment|confirm|elaborate|verify|say"
    r"|give|provide|disclose|corroborate|reveal)\b"
    r"|\bno(?:t)?\s+(?:immediate(?:ly)?\s+|official\s+|independent\s+|tangible\s+)?(?:comment|confirmation|details|proof)\b"
    r"|\bnot\s+immediately\s+\w+|\bawaiting\s+confirmation\b|\b(?:it is|it's|it was|remains)\s+unclear\b"
    r"|\bunverified\b|\bcould not be (?:independently )?(?:verified|confirmed)\b",
    re.IGNORECASE,
)
# Rejecting a claim: denied, dismissed, "no plans to", "rubbish", "cast doubt on", "debunked".
DENIAL_RE = re.compile(
    r"\b(?:den(?:y|ies|ied|ial)|refut\w*|rebut\w*|debunk\w*|contradict\w*|no plans? to"
    # dismissing or rejecting a claim, not an employee or an offer: "dismissed the reports", "rejected it as false"
    r"|(?:dismiss|reject)\w*\s+(?:[\w'’-]+\s+){0,3}?(?:reports?|claims?|allegations?|rumou?rs?|accusations?"
    r"|suggestions?|speculation|stor(?:y|ies)|accounts?|notion|idea|assertions?|charges?)\b"
    r"|(?:dismiss|reject)\w*\s+(?:[\w'’-]+\s+){0,4}?as\b"
    r"|(?:is|are|was|were|be|been|turned out to be|prove[dn]? to be)\s+(?:[\w'’-]+,?\s+){0,3}?"
    r"(?:false|untrue|baseless|fabricated|fake|a hoax|bogus|rubbish|nonsense|a myth)|cast\w* doubt"
    r"|play\w* down|beat back|(?:false|baseless|unfounded|fake) (?:reports?|claims?|rumou?rs?)|rubbish|nonsense|myth"
    # a report called a hoax ("a hoax story alleging"), a claim ruled out (not "refused to rule out")
    r"|(?:hoax|fake|bogus|phony|phoney|satirical) (?:stor(?:y|ies)|reports?|news|press releases?|claims?|articles?)"
    r"|(?<!refused to )(?<!declined to )(?<!not )(?<!n't )(?<!never )rul(?:e|es|ed|ing) (?:\w+ )?out"
    r" (?:as|that|any|the possibility|reports?|claims?)"
    r"|precludes?|(?:completely |entirely |totally )?unrelated|nothing to do with|implausible)\b",
    re.IGNORECASE,
)


def negation_kind(text: str) -> str:
    """What a sentence does with a claim: "denial" (rejects it), "non-commitment" (withholds
    judgement: could not confirm, unverified), "negation" (negates another predicate) or "none"."""
    if DENIAL_RE.search(text):
        return "denial"
    if NONCOMMITTAL_RE.search(text):
        return "non-commitment"
    return "negation" if negations(text) else "none"


def denials(sentence: str) -> list[dict]:
    """Where a sentence rejects a claim ('denied', 'dismissed the reports', 'is false', 'cast doubt')."""
    return spans(DENIAL_RE, sentence)


def noncommittals(sentence: str) -> list[dict]:
    """Where a party withholds commitment ('could not confirm', 'declined to comment'): a signal
    of its own, never a negation of what the other claim states."""
    return spans(NONCOMMITTAL_RE, sentence)


def negations(sentence: str) -> list[dict]:
    """Negations and denials, leaving out those inside a non-committal phrase."""
    withheld = [(m.start(), m.end()) for m in NONCOMMITTAL_RE.finditer(sentence)]
    return [n for n in spans(NEGATION_RE, sentence) if not any(a <= n["start"] < b for a, b in withheld)]


def hedges(sentence: str) -> list[dict]:
    return spans(HEDGE_RE, sentence)


def control_verbs(sentence: str) -> dict[str, list[dict]]:
    """Outcome verbs by direction: 'gain' (took, recaptured), 'hold' (repelled, still holds), 'loss'."""
    return {"gain": spans(GAIN_RE, sentence), "hold": spans(HOLD_RE, sentence), "loss": spans(LOSS_RE, sentence)}


# "an operation to retake", "trying to capture": an aim, not an outcome ("managed to capture" is one).
INTENT_RE = re.compile(r"(?<!managed )(?<!able )(?<!succeeded )\bto\s+$", re.IGNORECASE)
CLAUSE_END_RE = re.compile(r"[;:()]|\.\s")
SPONSOR_RE = re.compile(r"\b(?:backed|supported|armed|funded|aided|sponsored)\s+by\s+(?:the\s+)?$", re.IGNORECASE)


def actor_spans(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, actor) for every actor mention, in order."""
    found = [(m.start(), m.end(), actor) for actor, pattern in ACTOR_RES.items() for m in pattern.finditer(sentence)]
    return sorted(found)


# What a control verb must act on to tell who holds ground: a named place or a word for one. A
# person held or captured ("a hostage held by", "a captured pilot") or a meeting held is no control.
TERRITORY_RE = re.compile(
    r"\b(?:towns?|city|cities|villages?|territor(?:y|ies)|areas?|airport|air ?base|base|district|province"
    r"|region|neighbou?rhoods?|positions?|front ?line|front|highway|road|hills?|border crossing|capital"
    r"|suburbs?|outskirts|strongholds?|countryside|ground)\b",
    re.IGNORECASE,
)
CONTROL_REACH = 40  # characters after the verb (and before it, for "X is held by") where its place is named


def _acts_on_a_place(sentence: str, verb: dict, places_at: list[tuple[int, int]], direction: str) -> bool:
    """Whether a control verb's object is a place: one is named (or a word for one) close after
    the verb within its clause and not as where something happened ("captured in Binesh"); or, for
    a hold, close before it in its clause ("Mosul is held by", "the front remains under")."""
    after = sentence[verb["end"] : verb["end"] + CONTROL_REACH]
    after = re.split(r"[,;:()]|\b(?:and|but|while|after|before|when)\b", after, maxsplit=1)[0]
    where = re.match(r"\s*(?:in|at|near|on|from|during)\b", after, re.IGNORECASE)
    named_after = any(verb["end"] <= s < verb["end"] + len(after) for s, _ in places_at) or TERRITORY_RE.search(after)
    if named_after and not where:
        return True
    if direction != "hold":
        return False
    start = max(0, verb["start"] - CONTROL_REACH)
    before = re.split(r"[,;:()]|\b(?:and|but|while|after|when|that)\b", sentence[start : verb["start"]])[-1]
    begins = verb["start"] - len(before)
    return any(begins <= e <= verb["start"] for _, e in places_at) or bool(TERRITORY_RE.search(before))


def control_claims(
    sentence: str, after: int = 0, known_places: list[dict] | None = None
) -> list[tuple[str, str | None, dict]]:
    """(direction, actor, verb span) for each outcome verb after offset ``after`` (the attribution
    cue) that acts on a place (:func:`_acts_on_a_place`; ``known_places``: the sentence's
    :func:`places`, when the caller has them), leaving out aims ("an operation to
    retake"): the actor is the nearest one named before the verb, skipping sponsors ("backed by
    Turkey"); for 'remains under the control of the army', the first one named after it in its clause."""
    verbs_by_direction = control_verbs(sentence)
    if not any(verbs_by_direction.values()):
        return []
    mentions = [m for m in actor_spans(sentence) if m[0] >= after]
    places_at = [(p["start"], p["end"]) for p in (places(sentence) if known_places is None else known_places)]
    out = []
    for direction, verbs in verbs_by_direction.items():
        for verb in verbs:
            if verb["start"] < after or INTENT_RE.search(sentence[: verb["start"]]):
                continue
            if not _acts_on_a_place(sentence, verb, places_at, direction):
                continue
            clause_end = next((m.start() for m in CLAUSE_END_RE.finditer(sentence, verb["end"])), len(sentence))
            before = [m for m in mentions if m[1] <= verb["start"] and not SPONSOR_RE.search(sentence[: m[0]])]
            following = [m for m in mentions if verb["end"] <= m[0] < clause_end]
            actor = before[-1][2] if before else following[0][2] if following and direction == "hold" else None
            out.append((direction, actor, verb))
    return out
