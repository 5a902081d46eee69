"""What `verify check` and `verify judge` answer."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from verify.records.findings import Clashes, JudgeScores, NLIScores
from verify.records.kinds import CheckStatus, FindingKind, Stance, Support, VerdictKind
from verify.records.runs import RunSummary


class DraftClaim(TypedDict):
    id: str
    text: str
    start: int
    end: int


class CheckEvidence(TypedDict):
    """A stored claim that bears on a draft claim, and the finding that says how."""

    finding: str
    kind: FindingKind
    claim: str
    source: str
    source_name: str
    text: str
    confidence: float
    reason: str
    clashes: Clashes


class DocumentStance(TypedDict):
    """The learned stance (FNC-1) of a stored document towards a draft claim."""

    document: str
    outlet: str
    stance: Stance
    probabilities: dict[str, float]


class CheckResult(TypedDict):
    claim: DraftClaim
    status: CheckStatus
    supported_by: list[str]
    contradicted_by: list[str]
    evidence: list[CheckEvidence]
    documents: list[DocumentStance]


class Draft(TypedDict):
    name: str
    sha256: str
    claims: int


class Check(TypedDict):
    """`verify check --format json`: each draft claim against the stored sources."""

    schema: Literal["verify.check/1"]
    run: RunSummary
    draft: Draft
    results: list[CheckResult]
    summary: dict[CheckStatus, int]
    min_confidence: float


class HypothesisClaim(TypedDict):
    text: str
    kind: VerdictKind
    support: Support  # what the premise does for it
    premise: str  # the premise sentence (or window of sentences) that decided it
    judge: JudgeScores  # the judge's probabilities for that reading: agree, neutral, contradict


class Judgement(TypedDict):
    """What :func:`verify.compare.passages.judge_texts` says of a hypothesis against a premise."""

    kind: VerdictKind
    confidence: float
    scores: NLIScores  # the NLI model, premise to hypothesis, of the deciding claim
    reason: str
    claims: list[HypothesisClaim]  # the hypothesis's claims, each with its own verdict


class Verdict(Judgement):
    """One line of `verify judge --json`: a judgement with the input line's id."""

    id: Any  # the input line's id (or its line number)
