"""Negation, denial, non-commitment and hedging read from a sentence."""

from __future__ import annotations

import re

from verify.records import Span

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


def spans(pattern: re.Pattern, sentence: str) -> list[Span]:
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


def denials(sentence: str) -> list[Span]:
    """Where a sentence rejects a claim ('denied', 'dismissed the reports', 'is false', 'cast doubt')."""
    return spans(DENIAL_RE, sentence)


def noncommittals(sentence: str) -> list[Span]:
    """Where a party withholds commitment ('could not confirm', 'declined to comment'): a signal
    of its own, never a negation of what the other claim states."""
    return spans(NONCOMMITTAL_RE, sentence)


def negations(sentence: str) -> list[Span]:
    """Negations and denials, leaving out those inside a non-committal phrase."""
    withheld = [(m.start(), m.end()) for m in NONCOMMITTAL_RE.finditer(sentence)]
    return [n for n in spans(NEGATION_RE, sentence) if not any(a <= n["start"] < b for a, b in withheld)]


def hedges(sentence: str) -> list[Span]:
    return spans(HEDGE_RE, sentence)
