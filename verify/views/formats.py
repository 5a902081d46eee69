"""Every written format of a report and of a check, by name: the one table the CLI looks them up
in (the terminal views, which draw on a console, are :mod:`verify.views.terminal`)."""

from __future__ import annotations

import json

from verify.report.document import to_json
from verify.views.check import check_csv, check_html, check_markdown
from verify.views.html import to_html
from verify.views.markdown import to_markdown
from verify.views.spreadsheet import to_csv


def _report_html(report: dict, store) -> str:
    """The self-contained page, with each compared document's text for the highlighted excerpts."""
    return to_html(report, {d["id"]: store.document(d["id"])["text"] for d in report["documents"]})


REPORT = {
    "json": lambda report, store: to_json(report),
    "markdown": lambda report, store: to_markdown(report),
    "csv": lambda report, store: to_csv(report),
    "html": _report_html,
}
CHECK = {
    "json": lambda result: json.dumps(result, indent=2, ensure_ascii=False) + "\n",
    "markdown": check_markdown,
    "csv": check_csv,
    "html": check_html,
}
