"""verify's data model, defined once and light to import (the command line reads it to build its
options before anything heavy loads).

The enums (finding kinds, reviewer decisions and ratings, source kinds, engines, check statuses,
coverage cells) are ``Literal`` types, and their tuples are read from them. The records that
verify's JSON outputs are made of (claim, finding, group, dispute, run, decision, ...) are typed
dictionaries; :mod:`verify.schema` generates the strict JSON Schemas in ``verify/schemas/`` from
them, and a test regenerates those files and fails on any difference. The thresholds every run
records are a frozen dataclass.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal, NotRequired, TypedDict, get_args, get_origin, get_type_hints

from .errors import VerifyError
from .times import claim_time

# Finding kinds, in the order reports show them: contradictions first.
FindingKind = Literal["contradiction", "revision", "omission", "partial", "agreement"]
FINDING_KINDS: tuple[str, ...] = get_args(FindingKind)
Decision = Literal["confirm", "dismiss", "escalate"]
DECISIONS: tuple[str, ...] = get_args(Decision)
# The desk's rating scale for a published fact-check, worst to best (ClaimReview's ratingValue 1-6;
# "unproven" has no place on it).
Rating = Literal["false", "mostly-false", "misleading", "half-true", "mostly-true", "true", "unproven"]
RATINGS: tuple[str, ...] = get_args(Rating)
SourceKind = Literal[
    "agency", "outlet", "channel", "group", "government", "military", "body", "unnamed", "person", "other"
]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
Engine = Literal["local", "ray"]
ENGINES: tuple[str, ...] = get_args(Engine)
# How a draft claim stands against the stored sources (verify check), worst first.
CheckStatus = Literal["contradicted", "unsupported", "single-source", "supported"]
CHECK_STATUSES: tuple[str, ...] = get_args(CheckStatus)
# How a source stands to a claim group in the coverage matrix.
Cell = Literal["states", "contradicts", "partial", "omits", "none"]
CELLS: tuple[str, ...] = get_args(Cell)
# The learned stance of a document towards a claim: FNC-1's four labels.
Stance = Literal["agree", "disagree", "discuss", "unrelated"]
STANCES: tuple[str, ...] = get_args(Stance)
# What `verify judge` says of a hypothesis: a finding's kind, or unrelated.
VerdictKind = Literal["agreement", "partial", "contradiction", "unrelated"]
# How a source changed its account: it reversed it, or it gave a new figure for the same quantity.
RevisionChange = Literal["reversal", "update"]
# A claim's place in its group's timeline.
TimelineRole = Literal["first", "follows", "contradicts", "revises"]


# -- records ---------------------------------------------------------------------------------


class Quantity(TypedDict):
    """A figure a claim gives: "dozens of fighters" is 24 to 99, approximately, of unit "fighter"."""

    text: str
    value: float | None  # the exact figure, when one is given
    low: float
    high: float | None  # None: no upper bound ("more than 20")
    approx: bool
    unit: str
    qualifier: str  # words before the unit's head: "turkish" in "two Turkish soldiers"
    kind: NotRequired[Literal["count", "age", "duration", "money", "percent"]]  # only counts meet counts
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


def required_keys(record) -> tuple[str, ...]:
    """A record's keys that every instance has, in their declared order (NotRequired ones left out)."""
    hints = get_type_hints(record, globals(), include_extras=True)
    return tuple(k for k, hint in hints.items() if get_origin(hint) is not NotRequired)


CLAIM_FIELDS = required_keys(Claim)


def claim_json(row: dict) -> Claim:
    """A stored claim (a row of :meth:`verify.store.Store.claims`) as verify prints it."""
    out = {k: row.get(k) for k in CLAIM_FIELDS}
    for flag in ("negative", "hedged", "source_registered"):
        out[flag] = bool(row.get(flag))
    for many in ("via", "numbers", "dates", "places"):
        out[many] = row.get(many) or []
    out["time"] = row.get("time") or claim_time(row)
    return out


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


class ReviewDecision(TypedDict):
    """A reviewer's decision on a finding (the latest one is shown)."""

    id: int
    decision: Decision
    note: str | None
    reviewer: str
    decided_at: str


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


@dataclass(frozen=True)
class ModelInfo:
    """What a run records about a model it used."""

    role: str  # "embedding", "nli", "judge" or "stance"
    name: str
    package: str | None
    version: str | None
    path: str
    sha256: str  # over the weight files' hashes: one value to compare runs by
    files: dict[str, str] = field(default_factory=dict)
    runtime: str | None = None  # "onnx" or "torch" (verify.runtime), for models verify runs itself
    runtime_files: dict[str, str] = field(default_factory=dict)  # the ONNX export's SHA-256, once it ran
    precision: str | None = None  # "int8" or "float", for the bundled NLI model

    def as_dict(self) -> dict:
        return asdict(self)


class RunInput(TypedDict):
    id: str  # document id
    sha256: str


class Stats(TypedDict):
    """What a comparison did and how long each stage took."""

    claims: int
    candidates: int  # pairs of claims compared
    revision_candidates: int  # ... of them, pairs of one source's claims in two of its documents
    neighbours_known: int  # claims whose nearest neighbours an earlier report had found (the rest searched now)
    embedded: int  # claims embedded now (the rest came from the cache)
    verdicts_known: int  # candidate pairs an earlier comparison had judged (the rest judged now)
    nli_pairs: int  # pairs the NLI model read ...
    nli_computed: int  # ... and readings computed now (both directions)
    nli_both_ways: NotRequired[int]  # pairs judged now and read both ways (the rest: one way settled them)
    truncated: int  # claims longer than the models read
    engine: Engine
    seconds: float
    stage_seconds: dict[str, float]
    repeats: NotRequired[str]  # the run whose comparison this one repeats: same inputs, thresholds and models


class RunSummary(TypedDict):
    """A run as a report or a check shows it: what ran, on what, with which models and thresholds."""

    id: str
    command: str
    status: str
    started_at: str
    finished_at: str | None
    tool_version: str
    story: str | None
    models: list[ModelInfo]
    thresholds: dict[str, float]
    inputs: list[RunInput]
    checks: NotRequired[list[str]]  # reports: the structured checks that ran
    stats: NotRequired[Stats]  # reports


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
    support: Literal["supported", "partial", "contradicted", "unsupported"]  # what the premise does for it
    premise: str  # the premise sentence (or window of sentences) that decided it
    judge: JudgeScores  # the judge's probabilities for that reading: agree, neutral, contradict


class Verdict(TypedDict):
    """One line of `verify judge --json`: a hypothesis against a premise."""

    id: Any  # the input line's id (or its line number)
    kind: VerdictKind
    confidence: float
    scores: NLIScores  # the NLI model, premise to hypothesis, of the deciding claim
    reason: str
    claims: list[HypothesisClaim]  # the hypothesis's claims, each with its own verdict


@dataclass(frozen=True)
class Thresholds:
    """Every number that decides a finding. Recorded with each run and each finding."""

    top_k: int = 8  # neighbours searched per claim
    match_floor: float = 0.45  # boosted similarity a pair needs to be compared at all
    name_boost: float = 0.06  # added per shared name (at most two)
    same_event: float = 0.5  # similarity from which opposed outcome verbs are a contradiction
    clash_similarity: float = 0.4  # similarity from which the same quantity or event differing is one
    agreement: float = 0.68  # similarity from which two claims agree
    partial: float = 0.6  # similarity from which one claim partly supports the other
    nli_similarity: float = 0.5  # similarity from which the NLI model reads a pair the checks leave
    polarity_similarity: float = 0.62  # similarity from which one negating what the other asserts is a clash
    place_similarity: float = 0.75  # similarity from which the same event placed in two towns is a clash
    omission_min_sources: int = 3  # sources that must state a group before silence is an omission
    negative_report_similarity: float = 0.3  # a negative report cites a group at this similarity
    contradiction_floor: float = 0.5  # the judge's "contradicts" probability a contradiction needs
    nli_contradiction: float = 0.75  # the "contradicts" probability a contradiction on the NLI reading alone needs
    second_reading: float = 1.0  # below 1, read the other way only if a reading this sure could change the kind
    omission_confidence: float = 0.25  # an omission's confidence before the sources that state the group
    omission_per_source: float = 0.12  # added to it for each source that states the group
    omission_max_confidence: float = 0.9  # an omission's highest confidence
    negative_report_confidence: float = 0.8  # the least confidence of an omission a negative report proves
    negative_report_bonus: float = 0.15  # added to it as the report's similarity to the group nears ...
    negative_report_full: float = 0.6  # ... this similarity

    def __post_init__(self) -> None:
        """Refuse values no run should record: similarities and confidences are finite and in
        [0, 1], counts are whole numbers of at least 1."""
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in (int, "int"):
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise VerifyError(f"threshold {f.name} must be a whole number of at least 1, not {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise VerifyError(f"threshold {f.name} must be a number from 0 to 1, not {value!r}")

    def as_dict(self) -> dict:
        return dict(_threshold_items(self))

    @classmethod
    def described(cls) -> list[tuple[str, int | float, str]]:
        """(name, default, what it decides) for each threshold: the comment beside each field
        above, read from this module's source (the README's table is generated from it)."""
        import inspect
        import re

        comments = dict(re.findall(r"^\s+(\w+): \w+ = [\d.]+  # (.+)$", inspect.getsource(cls), re.MULTILINE))
        return [(f.name, f.default, comments[f.name]) for f in fields(cls)]


@cache
def _threshold_items(thresholds: Thresholds) -> tuple:
    return tuple((f.name, getattr(thresholds, f.name)) for f in fields(thresholds))
