"""The checks' clashes between two claims: numbers, dates, places, actors, polarity, control, outcome."""

from __future__ import annotations

import datetime as dt
import re

from verify.claims.dates import WEEKDAYS, dates_clash
from verify.claims.negation import denials
from verify.claims.places import HOLIDAYS
from verify.claims.quantities import quantities_clash, same_bare_figure, same_noun, same_unit
from verify.claims.words import words
from verify.records import DateMention, Place, PreparedClaim, Quantity

DENIAL_CUES = {"denied", "denies", "deny", "rejected", "rejects", "refuted", "dismissed"}
# Places too large to tell two events apart.
REGIONS = {"Syria", "Turkey", "Russia", "Idlib", "Aleppo", "Damascus", "Hama", "Latakia", "Iraq", "Anbar", "Nineveh"}


# -- structured checks ---------------------------------------------------------------------


NAME_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?:al-|el-)?([A-Z][a-z]{2,})(?:['’]s)?\b")


def named(claim: PreparedClaim) -> set[str]:
    """The capitalised names a claim gives past its first word, without "al-" or a possessive."""
    return {m.group(1) for m in NAME_RE.finditer(claim["text"])}


def same_person_ages(a: PreparedClaim, b: PreparedClaim, qa: Quantity, qb: Quantity) -> bool:
    """Two ages, the only ones their claims give, in claims that name someone in common
    ("Suresh Kumar, 40" / "A 46-year-old man, Suresh Kumar"): one person's age told twice."""
    ages = [q for q in (*a["numbers"], *b["numbers"]) if q.get("kind") == "age"]
    return qa.get("kind") == qb.get("kind") == "age" and len(ages) == 2 and bool(named(a) & named(b))


def number_clashes(a: PreparedClaim, b: PreparedClaim) -> list[dict]:
    """Quantities of the same thing with values that cannot both be true."""
    out = []
    lone = len(a["numbers"]) == len(b["numbers"]) == 1  # one figure each, neither naming what it counts
    for qa in a["numbers"]:
        for qb in b["numbers"]:
            comparable = same_unit(qa, qb) or lone and same_bare_figure(qa, qb) or same_person_ages(a, b, qa, qb)
            if comparable and quantities_clash(qa, qb):
                out.append(
                    {
                        "left": qa["text"],
                        "right": qb["text"],
                        "unit": qa["unit"] or qb["unit"],
                        "left_span": [qa["start"], qa["end"]],
                        "right_span": [qb["start"], qb["end"]],
                    }
                )
    return out


# A date that tells when something was said, shown or published ("the government said Sunday", "a
# video released Friday") is not the day of the event: only the other dates are compared.
TELLING_DATE_RE = re.compile(
    r"\b(?:said|says|say|told|tells|announced|announces|revealed|reported|reports|stated|confirmed|added|claimed"
    r"|released|surfaced|posted|published|aired|broadcast|raised|spoke|speaking|interview|statement|wrote|tweeted"
    r"|made headlines)\s+(?:\w+\s+){0,2}?(?:on\s+|late\s+|early\s+)?$",
    re.IGNORECASE,
)
NIGHT_RE = re.compile(r"^\s*(?:night|evening|overnight)|\b(?:late|early|overnight)\s+$", re.IGNORECASE)


def event_dates(claim: PreparedClaim) -> list[DateMention]:
    """The claim's resolved dates that may be the day of what it tells (:data:`TELLING_DATE_RE`)."""
    text = claim["text"]
    return [
        d
        for d in claim["dates"]
        if d.get("value") and not TELLING_DATE_RE.search(text[max(0, d["start"] - 60) : d["start"]])
    ]


def _night(claim: PreparedClaim, date: DateMention) -> bool:
    """A date told with its night or its small hours ('Saturday night', 'late Friday'): across time
    zones and midnight it may be the next or the day before."""
    text = claim["text"]
    return bool(
        NIGHT_RE.search(text[date["end"] : date["end"] + 12])
        or NIGHT_RE.search(text[max(0, date["start"] - 10) : date["start"]])
    )


def _next_day(x: DateMention, y: DateMention) -> bool:
    """Two weekdays or two full dates one day apart."""
    values = [x["value"] or "", y["value"] or ""]
    if all(v in WEEKDAYS for v in values):
        gap = (WEEKDAYS.index(values[0]) - WEEKDAYS.index(values[1])) % 7
        return gap in (1, 6)
    try:
        return abs((dt.date.fromisoformat(values[0]) - dt.date.fromisoformat(values[1])).days) == 1
    except ValueError:
        return False


def date_clashes(a: PreparedClaim, b: PreparedClaim) -> list[dict]:
    """Days of the event (:func:`event_dates`) that cannot be the same, when neither claim has one
    matching the other's; a night's date against the next or the previous day is no clash."""
    da, db = event_dates(a), event_dates(b)
    if not da or not db or any(not dates_clash(x, y) for x in da for y in db):
        return []
    x, y = da[0], db[0]
    if _next_day(x, y) and (_night(a, x) or _night(b, y)):
        return []
    return [
        {
            "left": x["text"],
            "right": y["text"],
            "left_value": x["value"],
            "right_value": y["value"],
            "left_span": [x["start"], x["end"]],
            "right_span": [y["start"], y["end"]],
        }
    ]


# Places inside a town (a street, a building, a memorial): another place of the same event, not another town.
WITHIN_TOWN_RE = re.compile(
    r"\b(?:Street|St|Road|Rd|Avenue|Ave|Square|Lane|Memorial|Block|Building|Hall|Room|Centre|Center|Park|Bridge"
    r"|Station|Hill|Mall|Hotel|Mosque|Church|Palace|Gate|Market|Portico)\b"
)


def _town(place: Place) -> bool:
    """A place name that can be a town (not a street or a building, not a possessive or a
    capitalised word run like 'Cosmic Book' read as a place)."""
    name = place["name"]
    return not (WITHIN_TOWN_RE.search(name) or re.search(r"['’]", name) or name.isupper() or name in HOLIDAYS)


def place_clash(a: PreparedClaim, b: PreparedClaim) -> dict | None:
    """The same event placed in different towns: each claim names exactly one town (regions and
    countries do not count), and they differ."""
    pa = {p["name"] for p in a["places"] if _town(p)} - REGIONS
    pb = {p["name"] for p in b["places"] if _town(p)} - REGIONS
    if len(pa) == 1 and len(pb) == 1 and pa != pb:
        return {"left": sorted(pa), "right": sorted(pb)}
    return None


def actor_clash(a: PreparedClaim, b: PreparedClaim) -> dict | None:
    """The same act credited to different parties: each claim names exactly one, and they differ."""
    xa, xb = a["signals"]["actors"], b["signals"]["actors"]
    if len(xa) == 1 and len(xb) == 1 and xa != xb:
        return {"left": xa[0], "right": xb[0]}
    return None


# Where a negation's reach ends: punctuation and the conjunctions that open another clause.
CLAUSE_BREAK_RE = re.compile(r"[,;:()\[\]\u2013\u2014]|\b(?:but|while|although|though|whereas|because)\b", re.I)
# Negators that deny what comes before them: "the reports are false".
PREDICATE_NEGATORS = {"false", "untrue", "baseless", "fabricated", "fake", "hoax"}
NEGATION_REACH = 6  # content words


def stem(word: str) -> str:
    """A crude stem, enough for a negation to reach a word's other forms ('separate', 'separately')."""
    return word[:6] if len(word) > 6 else word


def negated_words(claim: PreparedClaim) -> set[str]:
    """Content words in the reach of the claim's negations: up to six words after each, within its
    clause ('no one was hurt' negates 'one', 'hurt'), and before it for 'false', 'hoax' and the like."""
    text = claim["assertion"]
    out: set[str] = set()
    for negation in claim["signals"]["negations"]:
        start = max((m.end() for m in CLAUSE_BREAK_RE.finditer(text, 0, negation["start"])), default=0)
        end = next((m.start() for m in CLAUSE_BREAK_RE.finditer(text, negation["end"])), len(text))
        out.update(map(stem, words(text[negation["end"] : end])[:NEGATION_REACH]))
        if negation["text"].lower() in PREDICATE_NEGATORS:
            out.update(map(stem, words(text[start : negation["start"]])[-NEGATION_REACH:]))
    return out


def polarity_clash(a: PreparedClaim, b: PreparedClaim) -> dict | None:
    """One claim negates or denies what the other asserts: it is attributed with a denial ('X
    denied that ...'), or one of its negations reaches words the other claim states ('did not
    lose control of Saraqeb' / 'lost control of Saraqeb'). A negation about something else ('no
    one was hurt') is no clash."""
    found: dict[str, list[str]] = {}
    for side, claim, other in (("left", a, b), ("right", b, a)):
        found[side] = []
        if (claim.get("cue") or "").lower() in DENIAL_CUES:
            found[side].append(claim["cue"] or "")
        if negated_words(claim) & set(map(stem, words(other["assertion"]))):
            found[side] += [n["text"] for n in claim["signals"]["negations"]]
    if bool(found["left"]) != bool(found["right"]):
        return found
    return None


def denial_clash(a: PreparedClaim, b: PreparedClaim) -> dict | None:
    """One claim rejects what the other asserts: its words deny it ('denied the reports',
    'dismissed as false', 'cast doubt on') and the other claim neither negates, denies nor
    withholds anything. On real pairs from one story this holds across looser wording than a
    negation reaching the other claim's words (bench/facts.py), so it is gated lower."""
    found = {side: [d["text"] for d in denials(c["text"])] for side, c in (("left", a), ("right", b))}
    for side, other in (("left", b), ("right", a)):
        signals = other["signals"]
        plain = not (signals["negations"] or signals.get("noncommittal") or denials(other["text"]))
        if found[side] and plain:
            return {"left": found["left"], "right": found["right"]}
    return None


def control_clash(a: PreparedClaim, b: PreparedClaim) -> dict | None:
    """Outcome verbs in conflict: one side took the place, the other held it or repelled them."""
    ca, cb = a["signals"]["control"], b["signals"]["control"]
    for left, right, flip in ((ca, cb, False), (cb, ca, True)):
        for direction, actor, verb in left:
            for other_direction, other_actor, other_verb in right:
                conflict = (
                    direction == "gain" and other_direction == "hold" and actor and other_actor and actor != other_actor
                ) or (direction == "loss" and other_direction == "hold" and actor and actor == other_actor)
                if conflict:
                    pair = (verb, other_verb) if not flip else (other_verb, verb)
                    actors = (actor, other_actor) if not flip else (other_actor, actor)
                    return {
                        "left": pair[0]["text"],
                        "right": pair[1]["text"],
                        "left_actor": actors[0],
                        "right_actor": actors[1],
                        "left_span": [pair[0]["start"], pair[0]["end"]],
                        "right_span": [pair[1]["start"], pair[1]["end"]],
                    }
    return None


def outcome_clash(a: PreparedClaim, b: PreparedClaim) -> dict | None:
    """What became of someone, told two ways: killed against wounded or unhurt, wounded against
    unhurt. Each claim must tell one outcome only ('killed one and wounded two' tells both), about
    the same one: whose outcome it is (the words before it) is named in the other claim too, or
    the two claims name someone in common."""
    ta = {o["outcome"] for o in a["signals"].get("outcomes", [])}
    tb = {o["outcome"] for o in b["signals"].get("outcomes", [])}
    if len(ta) == 1 and len(tb) == 1 and ta != tb:
        left = a["signals"]["outcomes"][0]
        right = b["signals"]["outcomes"][0]
        in_a, in_b = set(words(a["assertion"])), set(words(b["assertion"]))
        same_one = set(left.get("target", ())) & in_b or set(right.get("target", ())) & in_a or named(a) & named(b)
        if not same_one:
            return None
        return {
            "left": left["text"],
            "right": right["text"],
            "left_span": [left["start"], left["end"]],
            "right_span": [right["start"], right["end"]],
        }
    return None


def same_outcome(a: PreparedClaim, b: PreparedClaim) -> bool:
    """Both claims tell the same outcome by the same party ('captured' / 'seized' by the army)."""
    ca = {(d, x) for d, x, _ in a["signals"]["control"] if x}
    cb = {(d, x) for d, x, _ in b["signals"]["control"] if x}
    return bool(ca & cb)


def revised_figures(earlier: PreparedClaim, later: PreparedClaim) -> list[dict]:
    """Figures of one quantity whose least value changed from the earlier claim to the later (a
    toll of 12, then 40; "at least 19", then "more than 40"); "at least 19", then "19" is none."""
    lone = len(earlier["numbers"]) == len(later["numbers"]) == 1
    return [
        {"left": qa["text"], "right": qb["text"], "unit": qa["unit"] or qb["unit"]}
        for qa in earlier["numbers"]
        for qb in later["numbers"]
        if (same_unit(qa, qb) or lone and same_bare_figure(qa, qb)) and qa["low"] != qb["low"]
    ]


def unlike_figures(a: PreparedClaim, b: PreparedClaim) -> bool:
    """Both claims count something, and never the same thing ('19 soldiers killed' / '950,000
    people displaced'): neither states the other's figure, so they cannot fully agree."""
    counts_a = [q for q in a["numbers"] if q["unit"] and q.get("kind", "count") == "count"]
    counts_b = [q for q in b["numbers"] if q["unit"] and q.get("kind", "count") == "count"]
    return bool(counts_a and counts_b) and not any(same_noun(x, y) for x in counts_a for y in counts_b)


def differing_figures(a: PreparedClaim, b: PreparedClaim) -> list[dict]:
    """Quantities of the same thing that are compatible but not equal ('at least 19' / 'more than 40')."""
    return [
        {"left": qa["text"], "right": qb["text"], "unit": qa["unit"]}
        for qa in a["numbers"]
        for qb in b["numbers"]
        if same_unit(qa, qb) and (qa["low"], qa["high"]) != (qb["low"], qb["high"])
    ]
