"""Names and settings verify's modules share, defined once and light to import (the command
line reads them to build its options before anything heavy loads): finding kinds, reviewer
decisions and ratings, source kinds, engines, a claim's JSON form, and the thresholds every run records."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

from .errors import VerifyError

# Finding kinds, in the order reports show them: contradictions first.
FINDING_KINDS = ("contradiction", "omission", "partial", "agreement")
DECISIONS = ("confirm", "dismiss", "escalate")
# The desk's rating scale for a published fact-check, worst to best (ClaimReview's ratingValue 1-6;
# "unproven" has no place on it).
RATINGS = ("false", "mostly-false", "misleading", "half-true", "mostly-true", "true", "unproven")
SOURCE_KINDS = ("agency", "outlet", "channel", "group", "government", "military", "body", "unnamed", "person", "other")
ENGINES = ("local", "ray")


# A claim as `claims --json` and `search --json` print it.
CLAIM_FIELDS = (
    "id",
    "document_id",
    "position",
    "text",
    "start",
    "end",
    "source",
    "source_name",
    "outlet",
    "cue",
    "negative",
    "hedged",
    "numbers",
    "dates",
    "places",
    "story",
    "via",
    "resolved_from",
    "source_side",
    "language",
)


def claim_json(row: dict) -> dict:
    """A stored claim (a row of :meth:`verify.store.Store.claims`) as `verify claims --json` prints it."""
    out = {k: row[k] for k in CLAIM_FIELDS}
    out["negative"], out["hedged"] = bool(row["negative"]), bool(row["hedged"])
    out["via"] = row["via"] or []
    out["source_registered"] = bool(row["source_registered"])
    return out


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
    polarity_similarity: float = 0.62  # one negates what the other asserts
    place_similarity: float = 0.75  # the same event placed in two towns
    omission_min_sources: int = 3  # sources that must state a group before silence is an omission
    negative_report_similarity: float = 0.3  # a negative report cites a group at this similarity
    contradiction_floor: float = 0.5  # the judge's "contradicts" probability a contradiction needs
    omission_confidence: float = 0.25  # an omission's confidence with no source stating the group ...
    omission_per_source: float = 0.12  # ... plus this for each source that states it ...
    omission_max_confidence: float = 0.9  # ... up to this
    negative_report_confidence: float = 0.8  # an omission a negative report proves, at the least ...
    negative_report_bonus: float = 0.15  # ... plus up to this, as the report's similarity nears ...
    negative_report_full: float = 0.6  # ... this similarity to the group

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


@cache
def _threshold_items(thresholds: Thresholds) -> tuple:
    return tuple((f.name, getattr(thresholds, f.name)) for f in fields(thresholds))
