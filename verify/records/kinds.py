"""The closed vocabularies records draw on: finding kinds, decisions, ratings, cells."""

from __future__ import annotations

from typing import Literal, get_args

# Finding kinds, in the order reports show them: contradictions first.
FindingKind = Literal["contradiction", "revision", "omission", "partial", "agreement"]
FINDING_KINDS: tuple[FindingKind, ...] = get_args(FindingKind)
Decision = Literal["confirm", "dismiss", "escalate"]
DECISIONS: tuple[Decision, ...] = get_args(Decision)
# The desk's rating scale for a published fact-check, worst to best (ClaimReview's ratingValue 1-6;
# "unproven" has no place on it).
Rating = Literal["false", "mostly-false", "misleading", "half-true", "mostly-true", "true", "unproven"]
RATINGS: tuple[Rating, ...] = get_args(Rating)
SourceKind = Literal[
    "agency", "outlet", "channel", "group", "government", "military", "body", "unnamed", "person", "other"
]
SOURCE_KINDS: tuple[SourceKind, ...] = get_args(SourceKind)
Engine = Literal["local", "ray"]
ENGINES: tuple[Engine, ...] = get_args(Engine)
# How a draft claim stands against the stored sources (verify check), worst first.
CheckStatus = Literal["contradicted", "unsupported", "single-source", "supported"]
CHECK_STATUSES: tuple[CheckStatus, ...] = get_args(CheckStatus)
# How a source stands to a claim group in the coverage matrix.
Cell = Literal["states", "contradicts", "partial", "omits", "none"]
CELLS: tuple[Cell, ...] = get_args(Cell)
# The learned stance of a document towards a claim: FNC-1's four labels.
Stance = Literal["agree", "disagree", "discuss", "unrelated"]
STANCES: tuple[Stance, ...] = get_args(Stance)
# What `verify judge` says of a hypothesis: a finding's kind, or unrelated.
VerdictKind = Literal["agreement", "partial", "contradiction", "unrelated"]
# What a premise does for one sentence of a hypothesis (`verify judge`).
Support = Literal["supported", "partial", "contradicted", "unsupported"]
# How a source changed its account: it reversed it, or it gave a new figure for the same quantity.
RevisionChange = Literal["reversal", "update"]
# A claim's place in its group's timeline.
TimelineRole = Literal["first", "follows", "contradicts", "revises"]
