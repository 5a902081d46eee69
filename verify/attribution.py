"""Attribution: who makes the claim in a sentence, and with which words.

"The state agency reported fierce clashes" inside a wire story is the agency's claim, relayed by
the wire. A sentence with no attribution cue is the publishing outlet's own claim. Negative
reports ("SANA did not report the loss of the town") are kept and marked: they are evidence of
an omission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sources import Mention, SourceIndex, slug

NEGATIVE_CUES = (
    r"did not (?:report|mention|acknowledge|confirm|say|refer to)|didn't (?:report|mention|acknowledge)"
    r"|has not (?:reported|mentioned|acknowledged|confirmed)|have not (?:reported|mentioned)"
    r"|made no mention of|makes no mention of|was silent (?:on|about)|remained silent on"
    r"|omitted|ignored|said nothing (?:of|about)"
)
POSITIVE_CUES = (
    r"(?:has |have |had )?(?:said|says|say|told|tells|reported|reports|claimed|claims|stated|states"
    r"|announced|announces|added|adds|insisted|insists|denied|denies|confirmed|confirms|mentioned"
    r"|published(?: (?:pictures|images|photos|footage|video)(?: showing| of)?)?|posted|wrote|writes"
    r"|showed|shows|saw|described|accused|warned|noted|acknowledged|admitted|alleged|tweeted"
    r"|declared|broadcast|aired|cited|quoted|spoke of|speaks of|blamed|vowed|asserted|maintained"
    r"|estimated|counted|documented|recorded|put the (?:death )?toll|put the number)"
)
CUE_RE = re.compile(rf"\b(?P<cue>{NEGATIVE_CUES}|{POSITIVE_CUES})\b", re.IGNORECASE)
NEGATIVE_RE = re.compile(rf"^(?:{NEGATIVE_CUES})$", re.IGNORECASE)
ACCORDING_RE = re.compile(r"\b(?P<cue>according to|citing|quoting|in a statement by)\s+", re.IGNORECASE)
# Words that refer back to the last named source: "It said", "The agency added".
ANAPHORA_RE = re.compile(
    r"^(?:it|he|she|they|the (?:agency|group|ministry|monitor|channel|statement|correspondent|spokesman"
    r"|spokesperson|front|faction|army|observatory|organisation|organization|official|broadcaster"
    r"|outlet|newspaper|website|reporter|sources?))$",
    re.IGNORECASE,
)
# A source the registry does not know: "The Syrian Civil Defence", "a local council official".
UNNAMED_RE = re.compile(
    r"(?:\b(?:an?|one|two|three|several|other|local|some)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:source|sources|official|officials|commander|spokesman|spokesperson|correspondent"
    r"|witness|witnesses|resident|residents|doctor|doctors|activist|activists)\b",
    re.IGNORECASE,
)
# How far (in characters) a subject may stand before its cue: "SANA, citing a military source, said".
SUBJECT_WINDOW = 60
MAX_SUBJECT_WORDS = 7


@dataclass(frozen=True)
class Attribution:
    source: str | None  # None: the publishing outlet's own claim
    cue: str | None
    negative: bool
    name: str | None = None  # the words naming the source
    registered: bool = True


def attribute(sentence: str, index: SourceIndex, previous: str | None = None) -> Attribution:
    """Who makes the claim in ``sentence``. ``previous`` is the source of the last attributed
    sentence in the same document, which "It said" and "The agency added" refer back to."""
    mentions = index.mentions(sentence)
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
        negative = bool(NEGATIVE_RE.match(cue_text))
        subject = _subject_before(sentence, cue.start(), mentions)
        if isinstance(subject, Mention):
            return Attribution(subject.source, cue_text, negative, subject.text)
        if subject is not None:
            if ANAPHORA_RE.match(subject) and previous:
                return Attribution(previous, cue_text, negative, subject)
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
    return Attribution(None, None, False)


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
    if not phrase or len(phrase.split()) > MAX_SUBJECT_WORDS:
        return None
    return phrase


def _is_named_subject(phrase: str) -> bool:
    """A phrase that names a speaker: capitalised words, or 'a military source'-like phrases."""
    if UNNAMED_RE.fullmatch(phrase):
        return True
    words = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.IGNORECASE).split()
    return bool(words) and all(w[0].isupper() or w.lower() in ("of", "for", "al", "and", "the") for w in words)


def _leading_name(text: str) -> str | None:
    match = re.match(r"([^,.;:]{2,80}?)(?=[,.;:]|$)", text)
    if not match:
        return None
    name = match.group(1).strip()
    return name if _is_named_subject(name) else None


def _named(name: str, cue: str, negative: bool, index: SourceIndex) -> Attribution:
    """A speaker by name: the registry's id if it resolves, else a new, unregistered id."""
    source = index.resolve(name)
    if source:
        return Attribution(source, cue, negative, name)
    return Attribution(slug(name), cue, negative, name, registered=False)
