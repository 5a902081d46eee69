"""Places read from a sentence, from the gazetteer and the shape of names."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from verify.claims.dates import MONTHS, WEEKDAYS

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
