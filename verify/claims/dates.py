"""Dates read from a sentence, resolved against the document's publication date."""

from __future__ import annotations

import datetime as dt
import re

from verify.claims.units import words_to_number
from verify.records import DateMention

# -- dates -----------------------------------------------------------------------------------

MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
MONTH_ABBR = {m[:3]: i for m, i in MONTHS.items()} | {"sept": 9}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTH_RE = r"(?:" + "|".join(list(MONTHS) + [f"{a}\\.?" for a in MONTH_ABBR if a != "may"]) + r")"
DATE_RE = re.compile(
    rf"\b(?P<md>{MONTH_RE})\s+(?P<md_day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<md_year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<dm_day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{MONTH_RE})(?:,?\s+(?P<dm_year>(?:19|20)\d\d))?\b"
    rf"|\b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b"
    rf"|\b(?:in|since|during|by)\s+(?P<month_only>{MONTH_RE})(?:\s+(?P<mo_year>(?:19|20)\d\d))?\b"
    rf"|\b(?:on\s+|last\s+|this\s+|late\s+|early\s+)?(?P<weekday>{'|'.join(WEEKDAYS)})\b"
    r"|\b(?P<relative>today|tonight|yesterday|overnight|this morning|this week|last week|this month"
    r"|last month|this year|last year|(?:\w+|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago)\b"
    r"|\b(?:in|since|during)\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
RELATIVE_DAYS = {"today": 0, "tonight": 0, "this morning": 0, "overnight": 0, "yesterday": 1}


def _month(text: str) -> int:
    key = text.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBR[key[:3] if key != "sept" else key]


def dates(sentence: str, published: str | None = None) -> list[dict]:
    """Dates and times, normalised: ``value`` is ISO (YYYY-MM-DD, --MM-DD, YYYY-MM or YYYY) where
    known; relative dates keep their text and are resolved against ``published`` when given."""
    anchor = _parse_iso(published)
    found = []
    for match in DATE_RE.finditer(sentence):
        g = match.groupdict()
        kind, value = "absolute", None
        if g["md"] or g["dm"]:
            month = _month(g["md"] or g["dm"])
            day = int(g["md_day"] or g["dm_day"])
            year = g["md_year"] or g["dm_year"] or (anchor.year if anchor else None)
            if not 1 <= day <= 31:
                continue
            value = f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
        elif g["iso"]:
            value = g["iso"]
        elif g["month_only"]:
            month = _month(g["month_only"])
            year = g["mo_year"] or (anchor.year - (month > anchor.month) if anchor else None)
            value = f"{year}-{month:02d}" if year else f"--{month:02d}"
            kind = "month"
        elif g["weekday"]:
            kind = "weekday"
            weekday = WEEKDAYS.index(g["weekday"].lower())
            if anchor:
                back = (anchor.weekday() - weekday) % 7
                value = (anchor - dt.timedelta(days=back)).isoformat()
            else:
                value = g["weekday"].lower()
        elif g["relative"]:
            kind = "relative"
            value = _resolve_relative(g["relative"].lower(), anchor)
        elif g["year"]:
            kind, value = "year", g["year"]
        start, end = match.span()
        found.append({"text": match.group(0), "kind": kind, "value": value, "start": start, "end": end})
    return found


def _parse_iso(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _resolve_relative(text: str, anchor: dt.date | None) -> str | None:
    if anchor is None:
        return None
    if text in RELATIVE_DAYS:
        return (anchor - dt.timedelta(days=RELATIVE_DAYS[text])).isoformat()
    ago = re.fullmatch(r"(\w+)\s+(day|week|month|year)s?\s+ago", text)
    if ago:
        count = words_to_number(ago.group(1))
        if count is not None and ago.group(2) == "day":
            return (anchor - dt.timedelta(days=int(count))).isoformat()
    return None


def dates_clash(a: DateMention, b: DateMention) -> bool:
    """Two normalised dates that cannot name the same day."""
    va, vb = a.get("value"), b.get("value")
    if not va or not vb:
        return False
    if va in WEEKDAYS or vb in WEEKDAYS:
        return _weekday_of(va) != _weekday_of(vb) if _weekday_of(va) and _weekday_of(vb) else False
    if a["kind"] in ("year", "month") or b["kind"] in ("year", "month"):
        shorter = min(len(va.lstrip("-")), len(vb.lstrip("-")))
        return va.lstrip("-")[:shorter] != vb.lstrip("-")[:shorter] if va[0] == vb[0] else False
    if va.startswith("--") or vb.startswith("--"):
        return va[-5:] != vb[-5:]
    return va != vb


def _weekday_of(value: str) -> str | None:
    if value in WEEKDAYS:
        return value
    parsed = _parse_iso(value)
    return WEEKDAYS[parsed.weekday()] if parsed else None
