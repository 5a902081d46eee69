"""What a comparison finds: the evidence, findings, groups, and the report document."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from verify.records.claims import Claim, Document, Source
from verify.records.kinds import Cell, FindingKind, RevisionChange, TimelineRole
from verify.records.runs import ModelInfo, ReviewDecision, RunSummary, Stats, Thresholds


class NLIScores(TypedDict):
    entailment: float
    neutral: float
    contradiction: float


class NLIReading(TypedDict):
    """Each direction's reading; null for one not read (``second_reading``: it could not change the kind)."""

    left_to_right: NLIScores | None
    right_to_left: NLIScores | None


class JudgeScores(TypedDict):
    """The calibrated judge: the premise states the hypothesis, is compatible with it, or contradicts it."""

    agree: float
    neutral: float
    contradict: float


class Clashes(TypedDict, total=False):
    """What the structured checks found clashing, by check (each entry holds the values and spans)."""

    numbers: list[dict]
    dates: list[dict]
    control: dict
    polarity: dict
    places: dict
    actors: dict


class Revision(TypedDict):
    """How a source changed its account between two of its documents, earlier claim first."""

    change: RevisionChange
    earlier: str | None  # when each claim was reported (see ClaimTime.reported)
    later: str | None
    figures: list[dict]  # for an update: the figure before and after ({left, right, unit})


class Evidence(TypedDict, total=False):
    """Why a finding was made. Pair findings: similarity, the checks, NLI and the judge.
    Omissions: the sources that state the group, and a negative report when one is cited."""

    similarity: float | None
    tfidf: float
    clashes: Clashes
    hedges: dict[str, list[str]]
    differing_figures: list[dict]
    unlike_figures: bool  # both claims count something, never the same thing: no full agreement
    same_outcome: bool
    shared_names: list[str]
    nli: NLIReading
    judge: JudgeScores
    stated_by: list[str]
    group: str
    negative_report: dict | None
    revision: Revision  # revisions: what changed, and when


class Finding(TypedDict):
    """One finding: an agreement, partial agreement or contradiction between two claims of
    different sources, a revision (a source against its own earlier claim, earlier claim first),
    or an omission (sources silent on what others state)."""

    id: str
    kind: FindingKind
    claims: list[str]
    sources: list[str]
    omitted_by: list[str]
    confidence: float  # the probability that the finding is right
    reason: str
    summary: str
    evidence: Evidence
    thresholds: Thresholds
    spans: NotRequired[dict[str, list[list[int]]]]  # reports: the clashing words, per claim
    decision: NotRequired[ReviewDecision | None]  # reports: the latest reviewer decision


class TimelineEntry(TypedDict):
    """A claim of a group in time order: who said it, when, and how it stands to the first report."""

    claim: str
    source: str
    outlet: str
    reported: str | None
    basis: Literal["published", "ingested"]
    after_seconds: float | None  # since the group's first report (None when either is undated)
    role: TimelineRole  # first to state it, follows it, contradicts it, or revises its source's account
    finding: str | None  # the revision or contradiction finding that gives the role


class Group(TypedDict):
    """Claims joined by findings, labelled by their most central claim."""

    id: str
    label: str
    label_claim: str
    claims: list[str]
    against: list[str]  # the group's claims on the other side of the label
    sources: list[str]
    outlets: list[str]
    timeline: list[TimelineEntry]  # its claims in the order they were reported


class Dispute(TypedDict):
    """A claim group with contradictions in it: who is on which side."""

    group: str
    label: str
    stated_by: list[str]
    contradicted_by: list[str]
    findings: list[str]


class MatrixRow(TypedDict):
    group: str
    label: str
    cells: dict[str, Cell]


class Matrix(TypedDict):
    """Coverage: claim groups down, sources across."""

    sources: list[str]
    rows: list[MatrixRow]
    legend: dict[str, str]


class Report(TypedDict):
    """`verify report --format json`."""

    schema: Literal["verify.report/1"]
    run: RunSummary
    sources: list[Source]
    documents: list[Document]
    claims: list[Claim]
    groups: list[Group]
    matrix: Matrix
    disputes: list[Dispute]
    findings: list[Finding]
    dismissed: NotRequired[int]  # with dismissed findings hidden: how many were left out


class Comparison(TypedDict):
    """`verify compare --json`: a comparison not recorded as a run."""

    thresholds: Thresholds
    models: list[ModelInfo]
    checks: list[str]
    stats: Stats
    findings: list[Finding]
    groups: list[Group]


class GroupTimeline(TypedDict):
    """One claim group's timeline, with the words of each claim."""

    group: str
    label: str
    sources: list[str]
    line: str  # the timeline on one line, as reports show it
    timeline: list[TimelineEntry]
    texts: dict[str, str]  # claim id -> its text


class Timelines(TypedDict):
    """`verify timeline --json`: who said it first, who followed, who contradicted, who revised."""

    story: str | None
    groups: list[GroupTimeline]
