"""What the audit log keeps of a run: its models, inputs, thresholds and summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import NotRequired, TypedDict, cast

from verify.errors import VerifyError
from verify.records.kinds import Decision, Engine


class ReviewDecision(TypedDict):
    """A reviewer's decision on a finding (the latest one is shown)."""

    id: int
    decision: Decision
    note: str | None
    reviewer: str
    decided_at: str


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
        return [(f.name, cast(float, f.default), comments[f.name]) for f in fields(cls)]


@cache
def _threshold_items(thresholds: Thresholds) -> tuple:
    return tuple((f.name, getattr(thresholds, f.name)) for f in fields(thresholds))
