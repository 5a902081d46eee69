"""Every written format of a report and of a check, by name: the one table the CLI looks them up
in (the terminal views, which draw on a console, are :mod:`verify.views.terminal`).

A view is a function of the document it renders and nothing else: :class:`ReportView` for a
report document (the store only gives the HTML page the compared documents' texts, for its
excerpts), :class:`CheckView` for the result of `verify check`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Protocol

from verify.records import Check, Report
from verify.report.document import to_json
from verify.views.check import check_csv, check_html, check_markdown
from verify.views.html import to_html
from verify.views.markdown import to_markdown
from verify.views.spreadsheet import to_csv

if TYPE_CHECKING:
    from verify.store.db import Store


class ReportView(Protocol):
    def __call__(self, report: Report, store: Store, /) -> str: ...


class CheckView(Protocol):
    def __call__(self, check: Check, /) -> str: ...


def _report_html(report: Report, store: Store) -> str:
    """The self-contained page, with each compared document's text for the highlighted excerpts."""
    return to_html(report, {d["id"]: store.document_text(d["id"]) for d in report["documents"]})


REPORT: dict[str, ReportView] = {
    "json": lambda report, store: to_json(report),
    "markdown": lambda report, store: to_markdown(report),
    "csv": lambda report, store: to_csv(report),
    "html": _report_html,
}
CHECK: dict[str, CheckView] = {
    "json": lambda check: json.dumps(check, indent=2, ensure_ascii=False) + "\n",
    "markdown": check_markdown,
    "csv": check_csv,
    "html": check_html,
}
