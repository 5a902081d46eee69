"""Hostile and careless input: each case ends in a clear one-line error and a non-zero exit, or in
inert output, and never changes what is already stored."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from verify.store import open_store

ESC = "\x1b"
HOSTILE = (
    "The rebels said [the army] had withdrawn [sic] from Saraqeb on Thursday [/].\n"
    f"The army said it still holds Saraqeb {ESC}[2J{ESC}]0;owned\x07 after heavy fighting on Thursday.\n"
    f"A local council said {ESC}]8;;file:///etc/passwd{ESC}\\the town{ESC}]8;;{ESC}\\ was emptied on Thursday.\n"
)
REPLY = (
    "The rebels said they hold Saraqeb now.\nThe town was emptied of its people on Thursday, a local council said.\n"
)
DRAFT = (
    '=HYPERLINK("http://evil.example","open") the army holds Saraqeb after fighting on Thursday.\n'
    "Rebels took Saraqeb <script>alert(1)</script> on Thursday [click](javascript:alert(1)) in the night.\n"
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """Two outlets on one story, one of them full of markup and escape sequences."""
    from click.testing import CliRunner

    from verify.cli import cli

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE)
    (folder / "reply.txt").write_text(REPLY)
    db = folder / "hostile.db"
    runner = CliRunner()
    for name, outlet in (("hostile.txt", "sana"), ("reply.txt", "reuters")):
        result = runner.invoke(cli, ["--db", str(db), "ingest", str(folder / name), "--outlet", outlet,
                                     "--story", "s[/]x"])  # fmt: skip
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["--db", str(db), "report", "--story", "s[/]x", "--format", "json"]).exit_code == 0
    return db


@pytest.fixture
def db(hostile_db, tmp_path) -> Path:
    """A private copy of the hostile store."""
    target = tmp_path / "hostile.db"
    store = open_store(hostile_db)
    store.conn.execute(f"VACUUM INTO '{target}'")
    store.close()
    return target


def snapshot(db: Path) -> tuple:
    """What must never change: documents, claims, runs and the audit chain."""
    store = open_store(db, create=False)
    try:
        return (
            store.rows("SELECT id, sha256, text FROM documents ORDER BY id"),
            store.rows("SELECT id, text, start, end FROM claims ORDER BY id"),
            store.rows("SELECT id, status FROM runs ORDER BY started_at"),
            store.rows("SELECT seq, hash FROM audit_log ORDER BY seq"),
        )
    finally:
        store.close()


def one_line_error(result) -> bool:
    lines = result.stderr.strip().splitlines()
    return result.exit_code != 0 and len(lines) == 1 and lines[0].startswith("verify: ") and "Traceback" not in lines[0]


# -- safe output paths -----------------------------------------------------------------------


@pytest.mark.parametrize("command", [["report", "--format", "json"], ["audit", "export", "RUN"]])
def test_output_onto_the_store_is_refused(run, db, command):
    before = snapshot(db)
    run_id = before[2][0]["id"]
    result = run("--db", db, *[run_id if c == "RUN" else c for c in command], "-o", db, "--force")
    assert one_line_error(result) and "verify database" in result.stderr
    assert snapshot(db) == before
    assert run("--db", db, "audit", "verify").exit_code == 0


def test_output_onto_a_device_fifo_or_folder_is_refused(run, db, tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for target, why in (("/dev/null", "not a regular file"), (fifo, "not a regular file"), (tmp_path, "folder")):
        result = run("--db", db, "report", "--format", "json", "-o", target, "--force")
        assert one_line_error(result) and why in result.stderr, result.stderr
    assert Path("/dev/null").is_char_device() and fifo.is_fifo()


def test_existing_file_needs_force(run, db, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("keep me")
    result = run("--db", db, "report", "--format", "json", "-o", out)
    assert one_line_error(result) and "--force" in result.stderr and out.read_text() == "keep me"
    assert run("--db", db, "report", "--format", "json", "-o", out, "--force").exit_code == 0
    assert json.loads(out.read_text())["schema"] == "verify.report/1"


def test_planted_symlink_redirects_nothing(run, db, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    for name in (".report.json.tmp", ".report.json"):
        (tmp_path / name).symlink_to(victim)
    assert run("--db", db, "report", "--format", "json", "-o", tmp_path / "report.json").exit_code == 0
    assert victim.read_text() == "precious" and (tmp_path / "report.json").is_file()
    assert not list(tmp_path.glob(".report.json.*.tmp"))  # no temporary left behind


def test_run_is_complete_only_once_written(run, db, tmp_path):
    """A report whose output cannot be written is recorded as aborted, not complete."""
    out = tmp_path / ("r" * 250)  # a legal name whose temporary file's name is too long
    result = run("--db", db, "report", "--format", "json", "-o", out)
    assert one_line_error(result) and "cannot write" in result.stderr
    runs = json.loads(run("--db", db, "audit", "runs", "--json").stdout)
    assert runs[-1]["status"] == "aborted" and not out.exists()
    assert run("--db", db, "audit", "verify").exit_code == 0


def test_audit_export_to_stdout(run, db):
    run_id = snapshot(db)[2][0]["id"]
    result = run("--db", db, "audit", "export", run_id, "-o", "-")
    assert result.exit_code == 0 and json.loads(result.stdout.splitlines()[0])["type"] == "run"
    assert not Path("-").exists()


# -- text is text ----------------------------------------------------------------------------


def test_markup_and_escapes_are_shown_as_text(run, db):
    for args in (["claims"], ["report"], ["audit", "runs"], ["documents"], ["compare"]):
        result = run("--db", db, *args)
        assert result.exit_code == 0, (args, result.output)
        assert ESC not in result.stdout and "\x07" not in result.stdout
    claims = run("--db", db, "claims").stdout
    assert "[the army]" in claims and "[sic]" in claims and "[/]" in claims
    assert "␛[2J" in claims and "file:///etc/passwd" in claims  # visible, inert
    story = run("--db", db, "audit", "show", snapshot(db)[2][0]["id"])
    assert story.exit_code == 0 and "s[/]x" in story.stdout


def test_markup_in_names_and_notes(run, db):
    assert run("--db", db, "sources", "add", "odd", "--name", "Odd [/] Source", "--kind", "body").exit_code == 0
    assert "Odd [/] Source" in run("--db", db, "sources").stdout
    finding = json.loads(run("--db", db, "report", "--format", "json").stdout)["findings"][0]["id"]
    note = f"checked [/] {ESC}[31mred"
    assert run("--db", db, "review", finding, "--dismiss", "--note", note).exit_code == 0
    shown = run("--db", db, "report")
    assert shown.exit_code == 0 and "checked [/] ␛[31mred" in shown.stdout and ESC not in shown.stdout


def test_check_draft_with_markup_keeps_its_exit_code(run, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("[red]").mkdir()
    Path("[red]/draft [sic].txt").write_text("The army said [sic] it holds Saraqeb [/] after fighting on Thursday.\n")
    result = run("--db", db, "check", "[red]/draft [sic].txt")
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert "[sic]" in result.stdout and "[/]" in result.stdout and "[red]/draft [sic].txt" in result.stdout


def test_exports_neutralise_formulas_and_html(run, db, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT)
    rows = list(csv.reader(io.StringIO(run("--db", db, "check", draft, "--format", "csv").stdout)))
    texts = [row[2] for row in rows[1:]]
    assert any(t.startswith("'=HYPERLINK") for t in texts) and not any(t.startswith("=") for t in texts)
    markdown = run("--db", db, "check", draft, "--format", "markdown").stdout
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "](javascript:" not in markdown and "\\[click\\]\\(javascript:alert\\(1\\)\\)" in markdown


# -- the database path -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [":memory:", "/dev/null"])
def test_db_must_be_a_regular_file(run, tmp_path, path):
    doc = tmp_path / "doc.txt"
    doc.write_text(REPLY)
    result = run("--db", path, "ingest", doc, "--outlet", "sana")
    assert one_line_error(result) and "database path" in result.stderr
    assert Path("/dev/null").is_char_device()


# -- inputs in the chain ---------------------------------------------------------------------


def tamper(db: Path, *statements) -> None:
    """Edit the file by hand, as someone with write access to it could (triggers dropped)."""
    import sqlite3

    conn = sqlite3.connect(db)
    conn.create_function("sha256", 1, lambda text: hashlib.sha256(text.encode()).hexdigest())
    for trigger in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        conn.execute(f"DROP TRIGGER {trigger}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


EDITED = "replace(text, 'Saraqeb', 'Idlib')"


@pytest.mark.parametrize(
    "statements, words",
    [
        ([f"UPDATE documents SET text = {EDITED}"], "text no longer matches its SHA-256"),
        ([f"UPDATE documents SET text = {EDITED}", "UPDATE documents SET sha256 = sha256(text)"],
         "changed after the run (text edited)"),
        ([f"UPDATE claims SET text = {EDITED}"], "changed after the run (claims changed)"),
        (["UPDATE claims SET start = start + 1"], "changed after the run (claims changed)"),
        (["PRAGMA writable_schema = ON",
          "UPDATE sqlite_master SET sql = 'CREATE INDEX claims_source ON claims(text)' WHERE name = 'claims_source'"],
         "integrity_check"),
    ],
    ids=["text", "text-and-hash", "claim-text", "claim-offsets", "damaged-file"],
)  # fmt: skip
def test_audit_verify_catches_edited_inputs(run, db, statements, words):
    assert run("--db", db, "audit", "verify").exit_code == 0
    tamper(db, *statements)
    result = run("--db", db, "audit", "verify")
    assert result.exit_code == 1 and words in result.stderr, result.stderr


def test_edited_text_is_refused_and_named_by_replay(run, db):
    run_id = snapshot(db)[2][0]["id"]
    tamper(db, f"UPDATE documents SET text = {EDITED}, sha256 = sha256({EDITED}) WHERE outlet = 'reuters'")
    replay = run("--db", db, "audit", "replay", run_id)
    assert replay.exit_code == 1 and "input changed since the run: document" in replay.stdout
    assert "(text edited)" in replay.stdout
    tamper(db, f"UPDATE documents SET text = {EDITED} WHERE outlet = 'sana'")
    before = snapshot(db)
    result = run("--db", db, "report")
    assert one_line_error(result) and "edited outside verify" in result.stderr
    assert snapshot(db) == before
