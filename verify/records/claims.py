"""What ingest stores: sources, documents and claims with the facts read from them."""

from __future__ import annotations

from typing import Literal, NotRequired, Required, TypedDict, cast, get_origin, get_type_hints

from verify.records.kinds import SourceKind
from verify.times import claim_time

# -- records ---------------------------------------------------------------------------------


QuantityKind = Literal["count", "age", "duration", "money", "percent"]


class Quantity(TypedDict):
    """A figure a claim gives: "dozens of fighters" is 24 to 99, approximately, of unit "fighter"."""

    text: str
    value: float | None  # the exact figure, when one is given
    low: float
    high: float | None  # None: no upper bound ("more than 20")
    approx: bool
    unit: str
    qualifier: str  # words before the unit's head: "turkish" in "two Turkish soldiers"
    kind: NotRequired[QuantityKind]  # only counts meet counts
    event: NotRequired[str]  # the event it counts: kill, wound, displace, detain, ... ("" if none)
    total: NotRequired[bool]  # a running total, not one event's count
    start: int  # offsets in the claim's text
    end: int


class DateMention(TypedDict):
    """A date a claim gives, resolved against the document's publication date where it can be."""

    text: str
    kind: Literal["absolute", "month", "weekday", "relative", "year"]
    value: str | None  # ISO date (or month, or year) when resolved
    start: int
    end: int


class Place(TypedDict):
    text: str  # as written ("Saraqib")
    name: str  # the gazetteer's name ("Saraqeb")
    start: int
    end: int


class ClaimTime(TypedDict):
    """When a claim was made, and the time it gives (see :mod:`verify.times`)."""

    reported: str | None  # its document's publication (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[Z]); else its ingestion
    basis: Literal["published", "ingested"]  # "ingested": the document gives no date, placed by ingestion order
    stated: str | None  # the day the claim itself gives ("on Wednesday"), resolved against publication
    stated_text: str | None  # the words that give it


class Claim(TypedDict):
    """A claim with who makes it and where: `claims --json`, `search --json` and a report's claims."""

    id: str  # "<document id>.<position>"
    document_id: str
    position: int
    text: str  # the sentence (or clause) as the document has it
    start: int  # character offsets of ``text`` in the document
    end: int
    source: str  # who makes the claim
    source_name: str
    source_registered: bool  # in the source registry (not only named in a text)
    source_side: str | None
    outlet: str  # who published the document
    via: list[str]  # the relays between source and outlet, nearest the source first
    cue: str | None  # the attribution words ("said", "according to")
    negative: bool  # a report that something did not happen, or was not said
    hedged: bool  # "reportedly", "is said to"
    numbers: list[Quantity]
    dates: list[DateMention]
    places: list[Place]
    story: str | None
    resolved_from: list[int] | None  # offsets of the pronoun or title the source was resolved from
    language: str | None
    time: ClaimTime
    snippet: NotRequired[str]  # `verify search`: the matched words marked with [ ]


class Span(TypedDict):
    text: str
    start: int  # offsets in the sentence it was read from
    end: int


class Outcome(Span):
    outcome: str  # killed, wounded, captured, ...
    target: list[str]  # the content words before it in its clause: whose outcome


class Signals(TypedDict):
    """What the comparison reads from a claim's assertion (see :func:`verify.claims.assertion.signals`)."""

    negations: list[Span]
    noncommittal: list[str]  # "could not confirm": not committing is not denying
    actors: list[str]  # the parties it names
    hedges: list[str]
    control: list[list]  # [direction, actor or None, verb span] for each change of control
    outcomes: list[Outcome]


class PreparedClaim(TypedDict, total=False):
    """A claim as the comparison reads it: the stored claim's fields, plus what it asserts without
    its attribution and the signals read from that. Built by :func:`verify.claims.assertion.prepare`
    and never changed after; a draft's line or a benchmark sentence has no document, position or
    relays, so only the fields a comparison always reads are required."""

    id: Required[str]
    text: Required[str]
    source: Required[str]
    outlet: Required[str]
    cue: Required[str | None]
    negative: Required[bool]
    numbers: Required[list[Quantity]]
    dates: Required[list[DateMention]]
    places: Required[list[Place]]
    assertion: Required[str]
    signals: Required[Signals]
    document_id: str | None
    position: int
    start: int
    end: int
    source_name: str
    source_registered: bool
    source_side: str | None
    hedged: bool
    via: list[str]
    story: str | None
    published: str | None
    ingested_at: str
    language: str | None
    resolved_from: list[int] | None
    names: list[str]  # place:, source: and name: keys matching reads (see :func:`verify.claims.extract.names_in`)
    time: ClaimTime


def required_keys(record) -> tuple[str, ...]:
    """A record's keys that every instance has, in their declared order (NotRequired ones left out)."""
    hints = get_type_hints(record, globals(), include_extras=True)
    return tuple(k for k, hint in hints.items() if get_origin(hint) is not NotRequired)


CLAIM_FIELDS = required_keys(Claim)


def document_json(row: dict) -> Document:
    """A stored document as a report lists it: its identity and provenance, not its text."""
    return cast(Document, {k: row[k] for k in DOCUMENT_FIELDS})


def claim_json(row: dict) -> Claim:
    """A stored claim (a row of :meth:`verify.store.Store.claims`) as verify prints it."""
    out = {k: row.get(k) for k in CLAIM_FIELDS}
    for flag in ("negative", "hedged", "source_registered"):
        out[flag] = bool(row.get(flag))
    for many in ("via", "numbers", "dates", "places"):
        out[many] = row.get(many) or []
    out["time"] = row.get("time") or claim_time(row)
    return cast(Claim, out)


class Source(TypedDict):
    id: str
    name: str
    kind: SourceKind
    registered: bool


class Document(TypedDict):
    id: str  # the first 12 hex digits of ``sha256``
    sha256: str  # of the text as stored
    outlet: str
    story: str | None
    title: str | None
    url: str | None
    published: str | None  # YYYY-MM-DD, or YYYY-MM-DDTHH:MM (Z when given in UTC)
    path: str | None
    metadata: NotRequired[dict | None]  # a JSON Lines line's fields that verify does not read


DOCUMENT_FIELDS = required_keys(Document)
