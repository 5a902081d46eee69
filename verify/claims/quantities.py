"""Quantities read from a sentence: value or range, what is counted, the event, the kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from verify.claims.dates import dates
from verify.claims.events import actors
from verify.claims.units import (
    ABOUT,
    ABOUT_TOLERANCE,
    AGE_APPOSITION_RE,
    AGE_RE,
    AGED_RE,
    AT_LEAST,
    AT_MOST,
    DURATION_UNITS,
    EVENT_RE,
    MONEY_BEFORE_RE,
    MONEY_UNITS,
    PERCENT_UNITS,
    RANGE_RE,
    SCALES,
    TOTAL_RE,
    UNIT_STOP,
    UNIT_SYNONYMS,
    UNITS,
    VAGUE,
    words_to_number,
)
from verify.records import Quantity, QuantityKind


def quantity_kind(sentence: str, start: int, end: int, unit: str) -> QuantityKind:
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
class Figure:
    """A figure as read from a sentence (an open upper bound is infinity); :meth:`record` is how
    a claim stores it."""

    text: str
    value: float | None
    low: float
    high: float
    approx: bool
    unit: str
    qualifier: str  # words before the unit's head: "turkish" in "two Turkish soldiers"
    start: int
    end: int
    kind: QuantityKind = "count"
    event: str = ""  # what the count counts: kill, wound, displace, detain, ... ("" if none)
    total: bool = False  # a running total ("the total ... to 19"), not one event's count

    def record(self) -> Quantity:
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


def _unit_after(sentence: str, end: int) -> tuple[str, str]:
    """The head noun of the phrase after a number and the words before it:
    'two Turkish soldiers were' -> ('soldier', 'turkish')."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]*", re.split(r"[.,;:!?()\"]", sentence[end : end + 80])[0])]
    if len(words) > 2 and words[0] in ("members", "member") and words[1] == "of":
        words = words[2:]  # "40 members of the regime forces" counts forces
    phrase: list[str] = []
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


def refine_numbers(quantities: list[Quantity], doc) -> list[Quantity]:
    """Figures read again with a parse of their sentence (:func:`verify.parse.counted`): the noun
    each counts and the event it counts, where the parse ties the figure to a noun."""
    from verify.claims.parse import counted

    out: list[Quantity] = []
    for q in quantities:
        found = counted(doc, q["start"], q["end"])
        if found:
            noun, qualifier, lemma = found
            unit = unit_of(noun) if noun else q["unit"]
            q = {
                **q,
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


def numbers(sentence: str) -> list[Figure]:
    """Quantities in a sentence, normalised, with the tolerance their qualifier implies, the range
    they give ("50-60", "between 50 and 60", "50 or 60"), their kind and the event they count."""
    found: list[Figure] = []
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
        context: dict = {
            "kind": kind,
            "event": quantity_event(sentence, start, end),
            "total": bool(TOTAL_RE.search(sentence[max(0, start - 60) : end + 40])),
        }
        if lower in VAGUE:
            vague_low, vague_high = VAGUE[lower]
            found.append(Figure(text, None, vague_low, vague_high, True, unit, qualifier, start, end, **context))
            continue
        value = words_to_number(match.group(0))
        if value is None or value == 0 and lower == "a":
            continue
        low: float = value
        high: float = value
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
        found.append(Figure(text, value, low, high, approx, unit, qualifier, start, end, **context))
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


def quantities_clash(a: Quantity, b: Quantity) -> bool:
    """Two quantities of the same thing whose ranges cannot both be true. A bound on the very figure
    the other gives is that figure told two ways ("more than 80 families", "80 families"): no clash."""
    high_a = float("inf") if a["high"] is None else a["high"]
    high_b = float("inf") if b["high"] is None else b["high"]
    if not (high_a < b["low"] or high_b < a["low"]):
        return False
    bound = a["high"] is None or b["high"] is None or a["low"] == 0 or b["low"] == 0  # "more than N", "fewer than N"
    return not (bound and a.get("value") is not None and a.get("value") == b.get("value"))


def same_noun(a: Quantity, b: Quantity) -> bool:
    """Two quantities' head nouns are one word, spelled alike ('soldier' / 'soldiers')."""
    return a["unit"] == b["unit"] or fuzz.ratio(a["unit"], b["unit"]) >= 85


def same_unit(a: Quantity, b: Quantity) -> bool:
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


def same_bare_figure(a: Quantity, b: Quantity) -> bool:
    """Two figures that name no unit ("measured 7.8", "a magnitude of 5.1"): the same kind, the
    same event (a measurement against no event counts as one), and neither a running total."""
    if a["unit"] or b["unit"] or a.get("kind", "count") != b.get("kind", "count"):
        return False
    events = {a.get("event", ""), b.get("event", "")}
    # "measured 6.2" and "a magnitude of 7.8" (no event) are one measurement
    return (len(events) == 1 or events == {"measure", ""}) and not (a.get("total") or b.get("total"))
