"""Claims: a document split into checkable sentences, each attributed to the source that makes it.

Sentences come from pysbd (abbreviations, quotes and decimal numbers survive). Boilerplate is
dropped, and sentences that carry two attributed statements ("SANA said X, while the NLF said Y")
are split in two. Every claim keeps exact offsets: ``document_text[start:end] == claim_text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from functools import cache
from typing import Any

import pysbd

from verify.claims.assertion import prepare
from verify.claims.attribution import Attribution, Discourse, attribute
from verify.claims.cues import ANONYMOUS_OF_RE, CUE_RE
from verify.claims.dates import dates
from verify.claims.negation import hedges
from verify.claims.parse import PARSE_BATCH
from verify.claims.places import places
from verify.claims.quantities import NUMBER_RE, numbers, refine_numbers
from verify.records import PreparedClaim
from verify.sources import SourceIndex

MIN_CLAIM_WORDS = 4
BOILERPLATE_RE = re.compile(
    r"^(?:read (?:also|more)|see also|related(?: articles?| stories| coverage)?\s*:|share (?:this|on|via)"
    r"|follow us|subscribe|sign up|click here|advertisement|copyright|\u00a9|all rights reserved"
    r"|photo(?: credit)?\s*:|image\s*:|caption\s*:|editing by|reporting by|writing by|additional reporting"
    r"|compiled by|this story has been|tags?\s*:|more on this|join our|download (?:our|the) app"
    r"|listen to this|watch\s*:|whatsapp|telegram channel)",
    re.IGNORECASE,
)
BYLINE_RE = re.compile(
    r"^(?:[Bb]y|[Ff]rom)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})*(?:\s+in\s+[A-Z][\w-]+)?\.?$"
)
STAFF_BYLINE_RE = re.compile(r"^by\s+.{0,40}\b(?:staff|correspondents?|reporters?|writers?|desk)\b", re.I)
SEPARATOR_RE = re.compile(r"^[\W_]+$")
# What leads a line without being part of the claim: Markdown marks, bullets, a wire dateline.
LEAD_RE = re.compile(
    r"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)?[*_]*"
    r"(?:[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][\w ]+)?\s*(?:\([^)]{1,30}\))?\s*[-\u2014\u2013:]\s+)?"
)
TRAILING_MARKUP = " \t*_`"
CLAUSE_SPLIT_RE = re.compile(r";\s+|,\s+(?=(?:while|whereas|but)\s)")
# A second statement by the same speaker: "X did not report A, but mentioned B", "X said A,
# adding that B". The clause after it keeps the sentence's source (and its own polarity).
SAME_SPEAKER_SPLIT_RE = re.compile(
    r",\s+(?=but\s+(?:also\s+|only\s+)?(?:said|mentioned|reported|noted|added|spoke of|described|confirmed)\b)"
    r"|,\s+(?=adding\b)|\s+(?=and added that\b)"
)


@cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


# The sentence splitter's time grows faster than a paragraph's length, so a paragraph is handed
# to it in pieces of at most this many characters (cut after a full stop where there is one);
# a "sentence" longer than MAX_SENTENCE_CHARS is cut at white space (ingest warns).
MAX_PARAGRAPH_CHARS = 5_000
MAX_SENTENCE_CHARS = 1_000
FULL_STOP_RE = re.compile(r"[.!?][\"'”’)]*\s")
WHITE_SPACE_RE = re.compile(r"\s+")


def _cut(text: str, start: int, end: int, limit: int, boundary: re.Pattern) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, each cut after the last
    ``boundary`` match in it, else at the last white space, else at the limit."""
    while end - start > limit:
        window = text[start : start + limit]
        cut = max((m.end() for m in boundary.finditer(window)), default=0) or window.rfind(" ") + 1 or limit
        yield start, start + len(window[:cut].rstrip())
        start += cut
    yield start, end


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-empty line, a very long line in pieces."""
    for match in re.finditer(r"[^\n]+", text):
        if match.group(0).strip():
            yield from _cut(text, match.start(), match.end(), MAX_PARAGRAPH_CHARS, FULL_STOP_RE)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, with whitespace, Markdown marks and datelines trimmed off."""
    for para_start, para_end in paragraphs(text):
        for start, end in _sentences(text[para_start:para_end]):
            yield from _cut(text, para_start + start, para_start + end, MAX_SENTENCE_CHARS, WHITE_SPACE_RE)


def _sentences(paragraph: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence of one paragraph, trimmed."""
    cursor = 0
    for piece in _segmenter().segment(paragraph):
        stripped = piece.strip()
        if not stripped:
            continue
        found = paragraph.find(stripped, cursor)
        if found < 0:  # pysbd altered the text; fall back to the rest of the paragraph
            found, stripped = cursor, paragraph[cursor:].strip()
        cursor = found + len(stripped)
        start, end = found, found + len(stripped)
        if start == 0 and (lead := LEAD_RE.match(stripped)):
            start += lead.end()
        while end > start and paragraph[end - 1] in TRAILING_MARKUP:
            end -= 1
        if end > start:
            yield start, end


def is_boilerplate(sentence: str) -> bool:
    """Share prompts, 'Read also:' links, separators, bylines, credits."""
    stripped = sentence.strip()
    return bool(
        SEPARATOR_RE.match(stripped)
        or BOILERPLATE_RE.match(stripped)
        or BYLINE_RE.match(stripped)
        or STAFF_BYLINE_RE.match(stripped)
        or len(re.findall(r"[A-Za-z]{2,}", stripped)) < MIN_CLAIM_WORDS
    )


def is_heading(text: str, start: int, end: int) -> bool:
    """A title or heading: a line holding one sentence without final punctuation. Headlines
    summarise; the body's sentences carry the checkable claims."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip().rstrip(TRAILING_MARKUP)
    sentence = text[start:end]
    return line.endswith(sentence) and len(line) - len(sentence) <= 12 and not sentence.endswith(tuple(".!?\"”’')…:"))


CAPITALISED_RE = re.compile(r"\b(?:[A-Z][\w'’-]+)(?:\s+(?:al-|el-|of\s+|the\s+)?[A-Z][\w'’-]+)*")
NAME_STOPWORDS = {"The", "A", "An", "It", "He", "She", "They", "On", "In", "At", "But", "And", "Our", "We", "This"}


def names_in(claim: Mapping[str, Any], index: SourceIndex, mentions: list | None = None) -> list[str]:
    """The names a claim mentions, for matching: canonical places, registry sources (HTS and
    Hayat Tahrir al-Sham are one; ``mentions`` when the caller found them already) and other
    capitalised names."""
    names = {f"place:{p['name']}" for p in claim["places"]}
    names |= {f"source:{m.source}" for m in (index.mentions(claim["text"]) if mentions is None else mentions)}
    covered = " ".join(p["text"] for p in claim["places"])
    for match in CAPITALISED_RE.finditer(claim["text"]):
        word = match.group(0)
        if word in NAME_STOPWORDS or word in covered or match.start() == 0 and " " not in word:
            continue
        names.add(f"name:{word.lower()}")
    return sorted(names)


def clauses(text: str, start: int, end: int, index: SourceIndex) -> list[tuple[int, int]]:
    """Split a sentence where a second statement begins: another speaker's ('SANA said X, while
    the NLF said Y') or the same speaker's ('SANA did not report X, but mentioned Y')."""
    sentence = text[start:end]
    splits = sorted(
        [(m, True) for m in CLAUSE_SPLIT_RE.finditer(sentence)]
        + [(m, False) for m in SAME_SPEAKER_SPLIT_RE.finditer(sentence)],
        key=lambda s: s[0].start(),
    )
    spans, cursor = [], 0
    for match, needs_speaker in splits:
        if match.start() < cursor:
            continue
        head = sentence[cursor : match.start()]
        tail_clause = CLAUSE_SPLIT_RE.split(sentence[match.end() :], maxsplit=1)[0]
        if (
            len(head.split()) >= MIN_CLAIM_WORDS
            and len(tail_clause.split()) >= MIN_CLAIM_WORDS
            and CUE_RE.search(tail_clause)
            and (index.mentions(tail_clause) or not needs_speaker)
        ):
            spans.append((start + cursor, start + match.start()))
            cursor = match.end()
    spans.append((start + cursor, end))
    return spans


def extract_claims(document: dict, index: SourceIndex) -> tuple[list[PreparedClaim], list[dict]]:
    """The claims of a stored document, and any sources they name that the registry lacks."""
    new_sources: dict[str, dict] = {}
    return list(iter_claims(document, index, new_sources)), list(new_sources.values())


def iter_claims(document: dict, index: SourceIndex, new_sources: dict[str, dict]) -> Iterator[PreparedClaim]:
    """:func:`extract_claims` a few claims at a time, so a large document is never held as claims:
    each batch of claim texts is parsed together (the texts that give a figure or a reporting
    word), then attributed in order. Sources the registry lacks are added to ``new_sources`` (by
    id) as they are met."""
    text = document["text"]
    maker = ClaimMaker(document, index, new_sources)
    batch: list[tuple[int, int, bool]] = []
    for span in claim_spans(text, index):
        batch.append(span)
        if len(batch) == PARSE_BATCH:
            yield from maker.make(batch)
            batch = []
    yield from maker.make(batch)


def claim_spans(text: str, index: SourceIndex) -> Iterator[tuple[int, int, bool]]:
    """(start, end, opens its sentence) of each claim of a text: its sentences' clauses, without
    boilerplate and headings."""
    for sent_start, sent_end in sentences(text):
        if is_boilerplate(text[sent_start:sent_end]) or is_heading(text, sent_start, sent_end):
            continue
        first = True
        for start, end in clauses(text, sent_start, sent_end, index):
            if not is_boilerplate(text[start:end]):
                yield start, end, first
                first = False


def needs_parse(text: str) -> bool:
    """Whether a claim's text holds what the parser reads: a figure, or a reporting word."""
    return bool(NUMBER_RE.search(text) or CUE_RE.search(text) or "according" in text.lower())


def parsed(texts: list[str]) -> list:
    """The parse of each text that :func:`needs_parse`, None for the others."""
    from verify.claims.parse import parse

    wanted = [t for t in texts if needs_parse(t)]
    docs = iter(parse(wanted) if wanted else [])
    return [next(docs) if needs_parse(t) else None for t in texts]


class ClaimMaker:
    """Claims of one document, made in order: what the document named so far resolves references."""

    def __init__(self, document: dict, index: SourceIndex, new_sources: dict[str, dict]):
        self.document, self.index, self.new_sources = document, index, new_sources
        self.discourse = Discourse()
        self.position = 0
        self.head: Attribution | None = (
            None  # the attribution of the sentence's first clause, which later clauses may inherit
        )

    def make(self, spans: list[tuple[int, int, bool]]) -> Iterator[PreparedClaim]:
        text = self.document["text"]
        docs = parsed([text[start:end] for start, end, _ in spans])
        for (start, end, first), doc in zip(spans, docs, strict=True):
            yield self.claim(start, end, first, doc)

    def claim(self, start: int, end: int, first: bool, doc) -> PreparedClaim:
        document, index, discourse = self.document, self.index, self.discourse
        outlet, published = document["outlet"], document.get("published")
        claim_text = document["text"][start:end]
        if first:
            self.head = None
        mentions = index.mentions(claim_text)  # found once: attribution, memory and names share them
        who = attribute(claim_text, index, discourse, mentions, doc)
        head = self.head
        if head is not None and who.source is None and who.cue and head.source:
            # "..., but mentioned X", "..., adding that X": the sentence's speaker says it
            who = replace(head, cue=who.cue, negative=who.negative, resolved_from=None)
        self.head = head or who
        discourse.see(claim_text, mentions, index, start)
        source = who.source or outlet
        unregistered: list[tuple[str, str, str | None]] = [(relay, name, None) for relay, name in who.new_relays]
        if who.source and not who.registered:
            name = who.name or who.source
            unregistered.append((who.source, name, who.side))
            at = max(claim_text.find(name), 0)
            discourse.named(who.source, name, _derived_kind(name), start + at, start + at + len(name))
        for source_id, name, side in unregistered:
            if source_id not in index.sources:
                self.new_sources[source_id] = {
                    "id": source_id,
                    "name": name,
                    "kind": _derived_kind(name),
                    "aliases": [name],
                    "registered": 0,
                    "origin": "derived",
                    "side": side,
                }
        if who.source:
            discourse.speaker(who.source, start, end)
        claim = prepare(
            {
                "id": f"{document['id']}.{self.position}",
                "document_id": document["id"],
                "position": self.position,
                "start": start,
                "end": end,
                "text": claim_text,
                "source": source,
                "outlet": outlet,
                "cue": who.cue,
                "negative": who.negative,
                "resolved_from": list(who.resolved_from) if who.resolved_from else None,
                "via": [relay for relay in who.via if relay not in (source, outlet)],
                **claim_facts(claim_text, published, doc),
            }
        )
        self.position += 1
        return {**claim, "names": names_in(claim, index, mentions)}


def _derived_kind(name: str) -> str:
    """The kind of a source the registry lacks: 'unnamed' for a description ('a military source'),
    'government' for a ministry, else 'other'."""
    if re.match(r"(?:an?|one|some|several|local|two|three)\s", name, re.IGNORECASE) or ANONYMOUS_OF_RE.search(name):
        return "unnamed"
    return "government" if re.search(r"\bministry\b", name, re.IGNORECASE) else "other"


def sentence_claim(
    text: str, index: SourceIndex, published: str | None = None, claim_id: str = "text", doc=None
) -> PreparedClaim:
    """A claim built from a bare sentence (a draft's line, a benchmark pair), attributed as in a
    document, with ``doc`` its parse (see :func:`sentence_claims`, which parses many at once)."""
    who = attribute(text, index, doc=doc)
    claim = {
        "id": claim_id,
        "document_id": None,
        "text": text,
        "source": who.source or "text",
        "source_name": who.name or "the text",
        "outlet": "text",
        "cue": who.cue,
        "negative": who.negative,
        **claim_facts(text, published, doc),
    }
    return prepare(claim)


def sentence_claims(
    texts: list[str], index: SourceIndex, published: str | None = None, ids=None
) -> list[PreparedClaim]:
    """:func:`sentence_claim` of each text, the texts parsed together; ``ids`` default to their positions."""
    ids = ids or [str(n) for n in range(len(texts))]
    return [
        sentence_claim(t, index, published, claim_id, doc)
        for t, claim_id, doc in zip(texts, ids, parsed(texts), strict=True)
    ]


def claim_facts(text: str, published: str | None, doc=None) -> dict:
    """The facts a claim stores: hedged flag, numbers (read again with ``doc``, the text's parse,
    when there is one), dates (resolved against ``published``), places."""
    found = [q.record() for q in numbers(text)]
    return {
        "hedged": bool(hedges(text)),
        "numbers": refine_numbers(found, doc) if doc is not None and found else found,
        "dates": dates(text, published),
        "places": places(text),
    }
