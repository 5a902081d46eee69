"""Every view, rendered from committed documents and compared byte for byte with committed output.

``data/report.json`` is the report document of the fixture story (`make demo`, then `verify
--db fixtures-demo.db report --story saraqeb --format json`), ``data/check.json`` a check of
``data/draft.md`` against it, ``data/verdicts.json`` the lines of `verify judge --json` on
``fixtures/pairs.jsonl``'s first pairs. After a deliberate change to a view, write the expected files
again with ``VERIFY_UPDATE_GOLDEN=1 pytest tests/fast/test_views.py`` and read the diff.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from verify.output import TextConsole
from verify.views import terminal
from verify.views.check import check_csv, check_html, check_markdown
from verify.views.html import to_html
from verify.views.markdown import to_markdown
from verify.views.spreadsheet import to_csv

DATA = Path(__file__).parent / "data"
REPORT = json.loads((DATA / "report.json").read_text())
TEXTS = json.loads((DATA / "documents.json").read_text())
CHECK = json.loads((DATA / "check.json").read_text())
VERDICTS = json.loads((DATA / "verdicts.json").read_text())


def on_console(draw) -> str:
    console = TextConsole(record=True, width=100, color_system=None, force_terminal=False, file=io.StringIO())
    draw(console)
    return console.export_text()


VIEWS = {
    "report.md": lambda: to_markdown(REPORT),
    "report.csv": lambda: to_csv(REPORT),
    "report.html": lambda: to_html(REPORT, TEXTS),
    "report.txt": lambda: on_console(lambda c: terminal.render(REPORT, c)),
    "report-details.txt": lambda: on_console(lambda c: terminal.render(REPORT, c, per_kind=None, details=True)),
    "check.md": lambda: check_markdown(CHECK),
    "check.csv": lambda: check_csv(CHECK),
    "check.html": lambda: check_html(CHECK),
    "check.txt": lambda: on_console(lambda c: terminal.render_check(CHECK, c)),
    "verdicts.txt": lambda: on_console(lambda c: terminal.render_verdicts(VERDICTS, c)),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_a_view_renders_exactly_what_was_committed(name):
    rendered = VIEWS[name]().encode("utf-8")
    expected = DATA / "expected" / name
    if os.environ.get("VERIFY_UPDATE_GOLDEN"):
        expected.parent.mkdir(exist_ok=True)
        expected.write_bytes(rendered)
    assert rendered == expected.read_bytes()


def test_the_committed_documents_are_what_the_views_read():
    """The inputs are whole documents of today's shape, not fragments written for the test."""
    import jsonschema

    from verify.schema import load

    jsonschema.validate(REPORT, load("report"))
    jsonschema.validate(CHECK, load("check"))
    for verdict in VERDICTS:
        jsonschema.validate(verdict, load("judge"))
    assert REPORT["findings"] and {f["kind"] for f in REPORT["findings"]} >= {"agreement", "contradiction", "omission"}


def test_a_decision_without_a_note_reads_without_one():
    finding = dict(REPORT["findings"][0], decision={"decision": "confirmed", "reviewer": "desk", "note": None})
    report = dict(REPORT, findings=[finding])
    page, markdown = to_html(report, TEXTS), to_markdown(report)
    assert "Reviewer desk: confirmed</div>" in page
    assert "None" not in page.split("Reviewer desk")[1][:40]
    assert "reviewer: **confirmed**\n" in markdown
