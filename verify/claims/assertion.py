"""What a claim asserts without its attribution ('SANA said that X' -> 'X'), and the signals the
comparison reads from it: negations, non-committal phrases, actors, hedges, control and outcomes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from verify.claims.events import actors, casualty_outcomes, control_claims
from verify.claims.negation import hedges, negations, noncommittals
from verify.records import PreparedClaim, Signals


def assertion(claim: Mapping[str, Any]) -> str:
    """What a claim asserts, without its attribution: 'SANA said that X' -> 'X', 'X, the source said.' -> 'X'."""
    text, cue = claim["text"], claim.get("cue") or ""
    at = text.find(cue) if cue else -1
    if at < 0:
        return text
    after = re.sub(r"^[\s,]*(?:in a statement\s+|on \w+\s+)?(?:that\s+)?", "", text[at + len(cue) :])
    before = text[:at]
    if len(before) >= len(after) and "," in before:
        return before[: before.rfind(",")].strip()
    if cue.lower().startswith("put the"):
        return f"the {cue[8:]}{text[at + len(cue) :]}"
    if cue.lower() in ("according to", "citing", "quoting"):
        return re.sub(r",?\s*$", "", before).strip() or after
    return after.strip() or text


def cue_end(claim: Mapping[str, Any]) -> int:
    """Where the attribution cue ends in the claim's text (0 without one)."""
    cue = claim.get("cue") or ""
    at = claim["text"].find(cue) if cue else -1
    if at > len(claim["text"]) / 2:  # a trailing attribution ("..., state television said."): the claim comes first
        return 0
    return at + len(cue) if at >= 0 else 0


def signals(claim: Mapping[str, Any]) -> Signals:
    """What the comparison reads from a claim's assertion: negations, non-committal phrases,
    actors, hedges, outcome verbs."""
    text = claim["assertion"]
    return {
        "negations": negations(text),
        "noncommittal": [n["text"] for n in noncommittals(claim["text"])],  # the speaker's own words count
        "actors": actors(text),
        "hedges": [h["text"] for h in hedges(text)],
        "control": [list(c) for c in control_claims(claim["text"], cue_end(claim), claim.get("places"))],
        "outcomes": casualty_outcomes(text),
    }


def prepare(claim: Mapping[str, Any]) -> PreparedClaim:
    """The claim with its assertion (the claim without its attribution words: 'X did not report'
    is not a denial) and signals: a new value, or the claim itself when it has both (claims stored
    since schema 4 do). The claim given is never changed."""
    if claim.get("assertion") and claim.get("signals"):
        return cast(PreparedClaim, claim)
    ready = dict(claim, negative=bool(claim.get("negative")))
    ready["assertion"] = ready.get("assertion") or assertion(ready)
    ready["signals"] = ready.get("signals") or signals(ready)
    return cast(PreparedClaim, ready)
