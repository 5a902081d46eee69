"""When a claim was made and what time it gives: the timeline's clock.

A claim is *reported* when its document was published (a date, or a date and time when the
document gives one); a document without a publication date is placed by when it was ingested,
and marked so. The time a claim *states* ("late on Wednesday", "on 26 February") is its first
date that resolves to a day, resolved against publication as the date checks resolve it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any


def claim_time(row: Mapping[str, Any]) -> dict:
    """The ``time`` of a claim (see :class:`verify.records.ClaimTime`) from its stored row: its
    document's ``published`` or ``ingested_at``, and its ``dates``."""
    published, ingested = row.get("published"), row.get("ingested_at")
    stated = next((d for d in row.get("dates") or [] if _is_day(d.get("value"))), None)
    return {
        "reported": published or (ingested[:16] if ingested else None),
        "basis": "published" if published else "ingested",
        "stated": stated["value"] if stated else None,
        "stated_text": stated["text"] if stated else None,
    }


def _is_day(value: str | None) -> bool:
    if not value or len(value) != 10:
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def moment(value: str) -> dt.datetime:
    """A reported time as a moment to order and subtract: a bare date is the start of its day,
    and every moment is read as UTC (verify stores times in UTC, 'Z', or as the source gave them)."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone(dt.UTC).replace(tzinfo=None)


def order_key(claim: Mapping[str, Any]) -> tuple:
    """How claims sort in time: by when they were reported (unknown last), then by when their
    documents were ingested, then by position."""
    reported = claim["time"]["reported"]
    moment_reported = moment(reported) if reported else dt.datetime.max
    return (reported is None, moment_reported, claim.get("ingested_at") or "", claim["document_id"], claim["position"])


def has_clock(value: str | None) -> bool:
    """Whether a reported time gives the hour, not only the day."""
    return bool(value) and "T" in str(value)


def elapsed(seconds: float, to_the_hour: bool) -> str:
    """'+2 h', '+1 d 3 h', '+3 d': how long after the first report (days only when only days are known)."""
    if seconds <= 0:
        return "same time" if to_the_hour else "same day"
    days, rest = divmod(int(seconds), 86_400)
    hours, rest = divmod(rest, 3_600)
    if not to_the_hour:
        return f"+{days} d"
    if not days:
        return f"+{hours} h" if hours else f"+{max(1, rest // 60)} min"
    return f"+{days} d {hours} h" if hours else f"+{days} d"


def shown(value: str | None) -> str:
    """A reported time as a report shows it: '27 Feb 09:40', '27 Feb 2020' or 'undated'."""
    if not value:
        return "undated"
    at = moment(value)
    return at.strftime("%-d %b %H:%M") if has_clock(value) else at.strftime("%-d %b %Y")


def group_timelines(
    groups: list[dict], claims: Mapping[str, Mapping[str, Any]], findings: Sequence[Mapping[str, Any]]
) -> None:
    """Give each group its ``timeline``: its claims in the order they were reported, each with
    its role: the first to state it, those that follow, those that contradict it (the other side
    of the first claim), and the later claims of revisions (a source changing its own account).
    ``claims`` maps ids to claims carrying ``time``; ``findings`` are the comparison's."""
    revised = {f["claims"][1]: f["id"] for f in findings if f["kind"] == "revision"}
    contradicting: dict[str, str] = {}  # each claim's most confident contradiction (in any order of findings)
    for f in sorted((f for f in findings if f["kind"] == "contradiction"), key=lambda f: (-f["confidence"], f["id"])):
        for claim in f["claims"]:
            contradicting.setdefault(claim, f["id"])
    for group in groups:
        group["timeline"] = _timeline(group, claims, revised, contradicting)


def _timeline(
    group: dict, claims: Mapping[str, Mapping[str, Any]], revised: dict[str, str], contradicting: dict[str, str]
) -> list[dict]:
    ordered = sorted(group["claims"], key=lambda c: order_key(claims[c]))
    against = set(group["against"])
    first = ordered[0]
    start, start_basis = claims[first]["time"]["reported"], claims[first]["time"]["basis"]
    entries = []
    for claim_id in ordered:
        claim, time = claims[claim_id], claims[claim_id]["time"]
        if claim_id == first:
            role, finding = "first", None
        elif claim_id in revised:
            role, finding = "revises", revised[claim_id]
        elif (claim_id in against) != (first in against):
            role, finding = "contradicts", contradicting.get(claim_id)
        else:
            role, finding = "follows", None
        comparable = start and time["reported"] and time["basis"] == start_basis  # an ingestion time is no date
        after = (moment(time["reported"]) - moment(start)).total_seconds() if comparable else None
        entries.append(
            {
                "claim": claim_id,
                "source": claim["source"],
                "outlet": claim["outlet"],
                "reported": time["reported"],
                "basis": time["basis"],
                "after_seconds": after,
                "role": role,
                "finding": finding,
            }
        )
    return entries


def timeline_line(timeline: list[dict], names: dict[str, str]) -> str:
    """A group's timeline on one line: 'first: AFP 27 Feb 09:40 · NLF +2 h · SANA contradicts
    +5 h · SANA revises +1 d' (each source once per role, in order)."""
    first = timeline[0]
    to_the_hour = all(has_clock(e["reported"]) for e in timeline)
    basis = " (ingested; undated)" if first["basis"] == "ingested" else ""
    parts = [f"first: {names.get(first['source'], first['source'])} {shown(first['reported'])}{basis}"]
    seen = {(first["source"], "follows")}
    for entry in timeline[1:]:
        key = (entry["source"], entry["role"])
        if key in seen and entry["role"] != "revises":  # each revision is news; a source repeating itself is not
            continue
        seen.add(key)
        role = "" if entry["role"] == "follows" else f" {entry['role']}"
        when = elapsed(entry["after_seconds"], to_the_hour) if entry["after_seconds"] is not None else "undated"
        parts.append(f"{names.get(entry['source'], entry['source'])}{role} {when}")
    return " · ".join(parts)


def telling(timeline: list[dict]) -> bool:
    """Whether a timeline says more than that its claims came together: reports at more than
    one time, or a contradiction or revision."""
    return len({e["reported"] for e in timeline}) > 1 or any(e["role"] in ("contradicts", "revises") for e in timeline)


def timelines(report: Mapping[str, Any]) -> list[tuple[dict, str]]:
    """(group, its timeline on one line) of each group of a report whose timeline tells something."""
    return [(g, timeline_line(g["timeline"], {})) for g in report["groups"] if telling(g["timeline"])]


def story_timelines(comparison, story: str | None, group: str | None = None) -> dict:
    """`verify timeline`: each claim group's timeline (or only ``group``'s), those that tell
    something first (see :func:`telling`), as :class:`verify.records.Timelines`."""
    texts = {c["id"]: c["text"] for c in comparison.claims}
    chosen = [g for g in comparison.groups if group is None or g["id"] == group]
    if group is not None and not chosen:
        from verify.errors import VerifyError

        known = ", ".join(g["id"] for g in comparison.groups[:5]) or "none"
        raise VerifyError(f"unknown claim group {group!r} in this story; its groups include {known}")
    chosen.sort(key=lambda g: not telling(g["timeline"]))
    return {
        "story": story,
        "groups": [
            {
                "group": g["id"],
                "label": g["label"],
                "sources": g["sources"],
                "line": timeline_line(g["timeline"], {}),
                "timeline": g["timeline"],
                "texts": {e["claim"]: texts[e["claim"]] for e in g["timeline"]},
            }
            for g in chosen
        ],
    }


def now() -> str:
    """The time now, UTC, ISO 8601 to the millisecond: every timestamp verify writes."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
