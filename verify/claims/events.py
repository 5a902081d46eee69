"""Actors, outcomes and control read from a sentence."""

from __future__ import annotations

import re

from verify.claims.negation import spans
from verify.claims.places import places
from verify.records import Outcome, Span

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


def casualty_outcomes(sentence: str) -> list[Outcome]:
    """Outcome words for a person, not for a count ('four workers were killed' is a figure's
    event): {outcome, text, start, end, target (content words before it in its clause: whose
    outcome)}, in order. None in a sentence that calls a report a hoax or a rumour."""
    if HOAX_RE.search(sentence):
        return []
    out: list[Outcome] = []
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


def control_verbs(sentence: str) -> dict[str, list[Span]]:
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


def _acts_on_a_place(sentence: str, verb: Span, places_at: list[tuple[int, int]], direction: str) -> bool:
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
) -> list[tuple[str, str | None, Span]]:
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
