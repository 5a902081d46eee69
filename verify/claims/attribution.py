"""Who makes a claim: the speaker, the cue, and the relays that carried it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from verify.claims.cues import (
    ACCORDING_RE,
    ANAPHORA_RE,
    ANONYMOUS_OF_RE,
    CLOSE_TO_RE,
    CORRESPONDENT_RE,
    CUE_RE,
    INSTITUTIONS,
    LEADING_CUE_RE,
    MAX_SUBJECT_WORDS,
    NEGATIVE_RE,
    NOT_A_NAME,
    PASSIVE_RE,
    REFERENCE_KINDS,
    RELAY_RE,
    REPORTER_AFTER_RE,
    REPORTER_BEFORE_RE,
    REPORTER_RE,
    SIDES,
    SUBJECT_WINDOW,
    UNNAMED_RE,
)
from verify.sources import Mention, SourceIndex, country_voices, slug


@dataclass(frozen=True)
class Attribution:
    source: str | None  # None: the publishing outlet's own claim
    cue: str | None
    negative: bool
    name: str | None = None  # the words naming the source
    registered: bool = True
    resolved_from: tuple[int, int] | None = None  # offsets of the earlier mention a reference resolved to
    via: tuple[str, ...] = ()  # relays between the source and the outlet: "SOHR via AFP"
    new_relays: tuple[tuple[str, str], ...] = ()  # (id, name) of relays the registry does not know: ("tass", "TASS")
    side: str | None = None  # whose side an anonymous source speaks for: "a regime security official" -> syria-gov


@dataclass
class Discourse:
    """What a document has named so far, for resolving references: the last speaker, and every
    source mentioned (latest last), each with its kind and the words it goes by, plus the agency
    whose reporter was last mentioned. Offsets are the document's."""

    last: tuple[str, int, int] | None = None
    seen: list[tuple[str, int, int, str, str]] = field(default_factory=list)  # source, start, end, kind, names
    correspondent: tuple[str, int, int] | None = None

    def see(self, text: str, mentions: list[Mention], index: SourceIndex, offset: int) -> None:
        """Remember the sources a claim names (``offset``: where the claim starts in the document),
        and whose reporter it mentions ("Al-Araby TV's correspondent", "a correspondent for AFP")."""
        for m in mentions:
            known = index.sources.get(m.source, {"kind": "other", "name": m.text, "aliases": []})
            names = " ".join([known["name"], *known["aliases"]]).lower()
            self.seen.append((m.source, offset + m.start, offset + m.end, known["kind"], names))
            if (
                REPORTER_RE.search(m.text)
                or REPORTER_AFTER_RE.match(text, m.end)
                or REPORTER_BEFORE_RE.search(text[max(0, m.start - 30) : m.start])
            ):
                self.correspondent = (m.source, offset + m.start, offset + m.end)

    def named(self, source: str, name: str, kind: str, start: int, end: int) -> None:
        """Remember a speaker the registry does not know ("the Syrian health ministry")."""
        self.seen.append((source, start, end, kind, name.lower()))

    def speaker(self, source: str, start: int, end: int) -> None:
        self.last = (source, start, end)

    def resolve(self, phrase: str) -> tuple[str, int, int] | None:
        """The source a referring phrase means: "the correspondent" the last reporter's agency;
        "the ministry" the last source called a ministry, or else of a ministry's kind; a pronoun
        or a neutral head ("the spokesman", "the statement") the last speaker."""
        match = ANAPHORA_RE.match(phrase)
        head = (match.group("head") or "").lower() if match else ""
        if head not in REFERENCE_KINDS:
            return self.last
        if REFERENCE_KINDS[head] == ("correspondent",):
            return self.correspondent
        for source, start, end, kind, names in reversed(self.seen):
            if re.search(rf"\b{head}\b", names) or kind in REFERENCE_KINDS[head]:
                return source, start, end
        return self.last if head in ("official", "source", "sources") else None


def attribute(
    sentence: str,
    index: SourceIndex,
    discourse: Discourse | None = None,
    mentions: list[Mention] | None = None,
    doc=None,
) -> Attribution:
    """Who makes the claim in ``sentence``, and through which relays. ``discourse`` holds what the
    document named before, which "It said", "The agency added" and "the correspondent saw" refer
    back to; ``mentions`` are the sentence's registry mentions when the caller has them; ``doc``
    its parse (:mod:`verify.parse`), which finds speakers the patterns miss: the subject of a
    reporting verb ("U.S. officials said", "said the source") or whom a claim is "according to"."""
    mentions = index.mentions(sentence) if mentions is None else mentions
    found = _speaker(sentence, mentions, index, discourse)
    if found.source is None and found.cue is None and doc is not None:
        found = _parsed_speaker(doc, mentions, index, discourse) or found
    if found.source is None:
        return found
    relays, new = _relays(sentence, mentions, found.source)
    return replace(found, via=relays, new_relays=new)


def _relays(sentence: str, mentions: list[Mention], source: str) -> tuple[tuple[str, ...], tuple]:
    """Sources that carried the claim: "AFP, citing the Observatory, said" (AFP), "SANA quoted a
    military source" (SANA), "a source told Reuters" (Reuters); a relay the registry does not know
    ("TASS quoted ...") by its name, returned apart as (id, name)."""
    relays, new = [], []
    for relay in RELAY_RE.finditer(sentence):
        known = [m.source for m in mentions if m.end <= relay.start() and relay.start() - m.end <= 30]
        relays += known
        phrase = sentence[: relay.start()].strip(" ,")
        if not known and phrase and len(phrase.split()) <= 4 and _is_named_subject(phrase):
            new.append((slug(phrase), phrase))
            relays.append(slug(phrase))
    for told in re.finditer(r"\btold\s+", sentence):
        relays += [m.source for m in mentions if m.start == told.end()]
    return tuple(dict.fromkeys(r for r in relays if r != source)), tuple(n for n in new if n[0] != source)


def _speaker(sentence: str, mentions: list[Mention], index: SourceIndex, discourse: Discourse | None) -> Attribution:
    """The source making the claim (see :func:`attribute`)."""
    if passive := PASSIVE_RE.search(sentence):  # "It was reported by SANA that ..."
        after = [m for m in mentions if m.start == passive.end()]
        if after:
            return Attribution(after[0].source, passive.group("cue"), False, after[0].text)
        name = _leading_name(re.split(r"\s+that\b", sentence[passive.end() :], maxsplit=1)[0])
        if name:
            return _named(name, passive.group("cue"), False, index)
    according = ACCORDING_RE.search(sentence)
    if according:
        after = [m for m in mentions if m.start == according.end()]
        if after:
            return Attribution(after[0].source, according.group("cue"), False, after[0].text)
        name = _leading_name(sentence[according.end() :])
        if name:
            return _named(name, according.group("cue"), False, index)
    for cue in CUE_RE.finditer(sentence):
        cue_text = cue.group("cue")
        if not is_reporting_verb(sentence, cue):
            continue
        negative = bool(NEGATIVE_RE.match(cue_text))
        if appositive := _appositive_speaker(sentence, cue.start(), index):
            return replace(appositive, cue=cue_text, negative=negative)
        if cue_text.lower() in ("quoted", "cited"):  # "SANA quoted a military source as saying"
            quoted = _quoted(sentence[cue.end() :], cue.end(), mentions, index, cue_text)
            if quoted:
                return quoted
        subject = _subject_before(sentence, cue.start(), mentions)
        if isinstance(subject, Mention):
            if close := CLOSE_TO_RE.search(sentence[max(0, subject.start - 40) : subject.start]):
                name = sentence[subject.start - len(close.group(0)) : subject.end]  # "sources close to Ankara"
                return replace(_named(name, cue_text, negative, index), side=subject.source)
            return Attribution(subject.source, cue_text, negative, subject.text)
        if subject is not None:
            if ANAPHORA_RE.match(subject):
                if found := discourse and discourse.resolve(subject):
                    return Attribution(found[0], cue_text, negative, subject, resolved_from=(found[1], found[2]))
                continue
            if _is_named_subject(subject):
                return _named(subject, cue_text, negative, index)
        inverted = [m for m in mentions if 0 <= m.start - cue.end() <= 2]
        if inverted and cue_text.lower() in (
            "said",
            "says",
            "added",
            "reported",
            "wrote",
            "claimed",
            "stated",
        ):
            return Attribution(inverted[0].source, cue_text, negative, inverted[0].text)
    if opening := LEADING_CUE_RE.match(sentence):  # "but mentioned X", "adding that X": no speaker of its own
        cue_text = opening.group("cue")
        return Attribution(None, cue_text, bool(NEGATIVE_RE.match(cue_text)))
    return _correspondent(sentence, mentions, index) or Attribution(None, None, False)


# "The reports say", "Earlier reports": a cue word read as a noun after these is no reporting verb.
NOUN_CUE_BEFORE_RE = re.compile(
    r"\b(?:the|a|an|these|those|such|earlier|previous|initial|recent|other|some|media|news|press|unconfirmed"
    r"|local|first|his|her|its|their|our|official|conflicting)\s+$",
    re.IGNORECASE,
)


NOUN_CUES = {"reports", "claims", "states", "shows", "counts", "records", "notes", "warns", "says"}


def is_reporting_verb(sentence: str, cue: re.Match) -> bool:
    """Whether a cue match is a reporting verb: not a capitalised word inside a name ("the United
    States"), nor a noun ("the reports", "earlier claims")."""
    text = cue.group("cue")
    if text[0].isupper() and cue.start() > 0:
        return False
    return text.lower() not in NOUN_CUES or not NOUN_CUE_BEFORE_RE.search(
        sentence[max(0, cue.start() - 25) : cue.start()]
    )


# "Abdul Rahman Al Fahd, vice president for marketing at Saudia, said": a named person, their title
# and the body they speak for.
APPOSITIVE_RE = re.compile(
    r"(?:^|[,;]\s*|\b(?:but|and|while)\s+)(?P<person>[A-Z][\w'.-]+(?:\s+(?:[A-Z][\w'.-]+|al|bin|ibn|de|van|von)){1,4}),\s+"
    r"(?P<title>(?:an?\s+|the\s+)?[a-z][^,;]{2,80}?(?:\s+(?:at|of|for|with|from)\s+(?P<body>(?:the\s+)?[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,4})))\s*,\s*$"
)


def _appositive_speaker(sentence: str, cue_start: int, index: SourceIndex) -> Attribution | None:
    """The person named before a title in commas, just before the cue, as a source of their own,
    speaking for the body their title names."""
    match = APPOSITIVE_RE.search(sentence[:cue_start])
    if not match:
        return None
    person, title, body = match.group("person"), match.group("title").strip(), match.group("body")
    side = index.resolve(body) or slug(body)
    return Attribution(slug(person), None, False, f"{person}, {title}", registered=False, side=side)


def _parsed_speaker(doc, mentions: list[Mention], index: SourceIndex, discourse=None) -> Attribution | None:
    """The speaker a parse finds: a registry source its words name, the earlier source a referring
    phrase means ("according to the ministry" after "Turkey's defence ministry said"), else a new
    one by those words."""
    from verify.claims.parse import speaker

    found = speaker(doc)
    if not found:
        return None
    words, cue, start, end = found
    negative = bool(re.search(r"\b(?:not|never)\b|n't", cue))  # "have not yet confirmed": no claim of theirs
    named = [m for m in mentions if start <= m.start and m.end <= end]
    if named:
        return Attribution(named[0].source, cue, negative, named[0].text)
    if ANAPHORA_RE.match(words) and (earlier := discourse and discourse.resolve(words)):
        return Attribution(earlier[0], cue, negative, words, resolved_from=(earlier[1], earlier[2]))
    if not re.search(r"[A-Za-z]{2}", words) or words.lower() in NOT_A_NAME or not words.isprintable():
        return None  # no name, or one carrying control characters (a hostile text's escapes)
    return _named(words, cue, negative, index)


def _quoted(after: str, offset: int, mentions: list[Mention], index: SourceIndex, cue: str) -> Attribution | None:
    """The source a relay quotes: a registry mention right after the cue, or a described one."""
    start = offset + len(after) - len(after.lstrip())
    named = [m for m in mentions if m.start == start]
    if named:
        return Attribution(named[0].source, cue, False, named[0].text)
    phrase = re.match(r"\s*(.{2,60}?)\s+as\s+(?:saying|stating)\b", after)
    if phrase and _is_named_subject(phrase.group(1)):
        return _named(phrase.group(1), cue, False, index)
    return None


def _correspondent(sentence: str, mentions: list[Mention], index: SourceIndex) -> Attribution | None:
    """What a reporter on the ground observed, without a reporting verb ("An AFP correspondent who
    entered the town found the streets deserted"): the claim of the reporter's agency."""
    opening = sentence[:80]
    reporter = [m for m in mentions if m.start < 20 and REPORTER_RE.search(m.text)]
    if reporter:
        return Attribution(reporter[0].source, "correspondent", False, reporter[0].text)
    match = CORRESPONDENT_RE.search(opening)
    if match and match.start() < 20:
        employer = index.resolve(match.group("before") or match.group("after") or "")
        if employer:
            return Attribution(employer, "correspondent", False, match.group(0))
    return None


def _subject_before(sentence: str, cue_start: int, mentions: list[Mention]) -> Mention | str | None:
    """The source named just before a cue: a registry mention, else the noun phrase itself."""
    before = [m for m in mentions if m.end <= cue_start and cue_start - m.end <= SUBJECT_WINDOW]
    if before:
        nearest = before[-1]
        between = sentence[nearest.end : cue_start]
        # "SANA, citing a military source, said" and "SANA on Thursday reported" are fine;
        # a full clause in between ("SANA said the army, which ..., reported") is not.
        if not re.search(r"\b(that|which|who|and|but|while)\b", between) or between.strip().startswith(","):
            return nearest
    clause_start = max(sentence.rfind(sep, 0, cue_start) for sep in (",", ";", ":", "\u201d", '"'))
    phrase = sentence[clause_start + 1 : cue_start].strip()
    phrase = re.sub(
        r"^(?:and|but|while|as|when|however|meanwhile|on \w+|in a statement)\s+",
        "",
        phrase,
        flags=re.I,
    )
    phrase = re.sub(r"(?:\s+(?:also|later|again|further|then|separately|earlier|previously))+$", "", phrase, flags=re.I)
    if not phrase or len(phrase.split()) > MAX_SUBJECT_WORDS:
        return None
    return phrase


def _is_named_subject(phrase: str) -> bool:
    """A phrase that names a speaker: capitalised words, or 'a military source'-like phrases; never a
    lone article or adverb ("The", "Earlier")."""
    if UNNAMED_RE.fullmatch(phrase):
        return True
    words = re.sub(r"^(?:the|a|an)\b\s*", "", phrase, flags=re.IGNORECASE).split()
    if not words or all(w.lower() in NOT_A_NAME for w in words):
        return False
    if words and words[-1].lower() in INSTITUTIONS and words[0][0].isupper():  # "the Syrian health ministry"
        return True
    return bool(words) and all(w[0].isupper() or w.lower() in ("of", "for", "al", "and", "the") for w in words)


def _leading_name(text: str) -> str | None:
    match = re.match(r"([^,.;:]{2,80}?)(?=[,.;:]|$)", text)
    if not match:
        return None
    name = match.group(1).strip()
    return name if _is_named_subject(name) else None


def _named(name: str, cue: str, negative: bool, index: SourceIndex) -> Attribution:
    """A speaker by name: the registry's id if it resolves, else a new, unregistered id (with the
    side an anonymous one speaks for, when its words say: "a regime security official")."""
    source = index.resolve(name) or country_voices().get(name.lower().removeprefix("the "))
    if source and not ANONYMOUS_OF_RE.search(name):
        return Attribution(source, cue, negative, name)
    side = next((side for words, side in SIDES if re.search(words, name, re.IGNORECASE)), None)
    return Attribution(slug(name), cue, negative, name, registered=False, side=side)
