"""Hostile and careless input: each case ends in a clear one-line error and a non-zero exit, or in
inert output, and never changes what is already stored."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from verify.store.db import open_store

from .conftest import copy_store, tamper

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
        result = runner.invoke(
            cli, ["--db", str(db), "ingest", str(folder / name), "--outlet", outlet, "--story", "s[/]x"]
        )
        assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["--db", str(db), "report", "--story", "s[/]x", "--format", "json"]).exit_code == 0
    return db


@pytest.fixture
def db(hostile_db, tmp_path) -> Path:
    """A private copy of the hostile store."""
    return copy_store(hostile_db, tmp_path / "hostile.db")


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
    shown = run("--db", db, "report", "--show-dismissed")
    assert shown.exit_code == 0 and "checked [/] ␛[31mred" in shown.stdout and ESC not in shown.stdout


def test_check_draft_with_markup_keeps_its_exit_code(run, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("[red]").mkdir()
    Path("[red]/draft [sic].txt").write_text("The army said [sic] it holds Saraqeb [/] after fighting on Thursday.\n")
    result = run("--db", db, "check", "[red]/draft [sic].txt")
    as_json = run("--db", db, "check", "[red]/draft [sic].txt", "--format", "json")
    contradicted = json.loads(as_json.stdout)["summary"]["contradicted"]
    assert result.exit_code == as_json.exit_code == (1 if contradicted else 0) and "Traceback" not in result.output
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
    report = run("--db", db, "report", "--format", "markdown").stdout
    assert ESC not in report and "holds Saraqeb ␛\\[2J␛\\]0;owned␇ after" in report
    rows = list(csv.reader(io.StringIO(run("--db", db, "report", "--format", "csv").stdout)))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# -- the database path -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [":memory:", "/dev/null"])
def test_db_must_be_a_regular_file(run, tmp_path, path):
    doc = tmp_path / "doc.txt"
    doc.write_text(REPLY)
    result = run("--db", path, "ingest", doc, "--outlet", "sana")
    assert one_line_error(result) and "database path" in result.stderr
    assert Path("/dev/null").is_char_device()


# -- inputs in the chain ---------------------------------------------------------------------


EDITED = "replace(text, 'Saraqeb', 'Idlib')"


@pytest.mark.parametrize(
    "statements, words",
    [
        ([f"UPDATE documents SET text = {EDITED}"], "text no longer matches its SHA-256"),
        (
            [f"UPDATE documents SET text = {EDITED}", "UPDATE documents SET sha256 = sha256(text)"],
            "changed after the run (text edited)",
        ),
        ([f"UPDATE claims SET text = {EDITED}"], "changed after the run (claims changed)"),
        (["UPDATE claims SET start = start + 1"], "changed after the run (claims changed)"),
        (
            [
                "PRAGMA writable_schema = ON",
                "UPDATE sqlite_master SET sql = 'CREATE INDEX claims_source ON claims(text)' WHERE name = 'claims_source'",
            ],
            "integrity_check",
        ),
    ],
    ids=["text", "text-and-hash", "claim-text", "claim-offsets", "damaged-file"],
)
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


# -- validation at the edge ------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, words",
    [
        ('{"outlet": 123, "text": "The army said it holds Saraqeb now."}', '"outlet" must be a string, not a number'),
        ('{"outlet": ["sana"], "text": "The army said it holds Saraqeb now."}', "not an array"),
        ('{"outlet": "sana", "story": {"a": 1}, "text": "The army said it holds Saraqeb now."}', "not an object"),
        ('{"outlet": "sana", "published": "2020-02-27junk", "text": "The army said it holds Saraqeb."}', "ISO date"),
    ],
)
def test_jsonl_fields_are_type_checked(run, db, tmp_path, line, words):
    before = snapshot(db)
    path = tmp_path / "bad.jsonl"
    path.write_text('{"outlet": "sana", "text": "The rebels said they entered Saraqeb at dawn."}\n' + line + "\n")
    result = run("--db", db, "ingest", path)
    assert one_line_error(result) and "bad.jsonl line 2" in result.stderr and words in result.stderr
    assert snapshot(db) == before


def test_line_separator_inside_a_json_string_is_valid(run, db, tmp_path):
    path = tmp_path / "u2028.jsonl"
    path.write_text('{"outlet": "sana", "text": "The army said it holds\u2028 the town of Saraqeb now."}\n')
    result = run("--db", db, "ingest", path, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["claims"] == 1


def test_utf16_text_is_read(run, db, tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("The army said it still holds the town of Saraqeb in Idlib.\n".encode("utf-16"))
    result = run("--db", db, "ingest", path, "--outlet", "sana", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["claims"] == 1
    claims = json.loads(run("--db", db, "claims", "--json").stdout)
    assert any(c["text"] == "The army said it still holds the town of Saraqeb in Idlib." for c in claims)


def test_windows_code_page_text_is_detected(run, db, tmp_path):
    path = tmp_path / "cp1252.txt"
    text = "The army said it holds Saraqeb, a town of about 35,000 people, and “the whole road” to Aleppo.\n"
    path.write_bytes(text.encode("cp1252"))
    result = run("--db", db, "ingest", path, "--outlet", "sana", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["claims"] == 1
    assert any("“the whole road”" in c["text"] for c in json.loads(run("--db", db, "claims", "--json").stdout))


@pytest.mark.parametrize("value", ["nan", "inf", "-0.1", "1.5"])
def test_thresholds_are_range_checked(run, db, value):
    result = run("--db", db, "report", "--format", "json", "--threshold", f"agreement={value}")
    assert one_line_error(result) and "from 0 to 1" in result.stderr


@pytest.mark.parametrize("value", ["0", "-3"])
def test_top_k_is_a_positive_whole_number(run, db, value):
    result = run("--db", db, "compare", "--threshold", f"top_k={value}")
    assert one_line_error(result) and "at least 1" in result.stderr


@pytest.mark.parametrize("option", ["--since", "--published"])
def test_dates_are_parsed_strictly(run, db, tmp_path, option):
    doc = tmp_path / "doc.txt"
    doc.write_text(REPLY)
    args = (
        ["report", "--since", "2020-02-27T99"]
        if option == "--since"
        else ["ingest", doc, "--outlet", "sana", "--published", "2020-02-27 junk"]
    )
    before = snapshot(db)
    result = run("--db", db, *args)
    assert one_line_error(result) and "ISO date" in result.stderr
    assert snapshot(db) == before


def test_one_decision_per_review(run, db):
    finding = json.loads(run("--db", db, "report", "--format", "json").stdout)["findings"][0]["id"]
    result = run("--db", db, "review", finding, "--confirm", "--dismiss", "--note", "both?")
    assert result.exit_code == 2 and "exactly one" in result.stderr
    assert not open_store(db, create=False).rows("SELECT * FROM decisions")


def test_fifo_is_refused_not_waited_on(tmp_path):
    import subprocess
    import sys

    fifo = tmp_path / "news.txt"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "verify", "--db", str(tmp_path / "v.db"), "ingest", str(fifo), "--outlet", "sana"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "not a regular file" in result.stderr and "Traceback" not in result.stderr


def test_no_claims_gets_a_warning_that_says_why(run, db, tmp_path):
    arabic = tmp_path / "ar.txt"
    arabic.write_text("أعلن الجيش السوري سيطرته على مدينة سراقب بعد معارك عنيفة مع الفصائل.\n")
    result = run("--db", db, "ingest", arabic, "--outlet", "sana")
    assert result.exit_code == 0 and "written in Arabic (ar); verify reads English for now, so no claims found" in (
        result.stderr.replace("\n", " ")
    )
    french = tmp_path / "fr.txt"
    french.write_text(
        "Les rebelles ont repris la ville de Saraqeb jeudi, selon l'Observatoire syrien des droits "
        "de l'homme, qui fait état de violents combats.\n"
    )
    assert "written in French (fr)" in run("--db", db, "ingest", french, "--outlet", "sana").stderr
    languages = {c["text"][:10]: c["language"] for c in json.loads(run("--db", db, "claims", "--json").stdout)}
    assert languages["Les rebell"] == "fr" and languages["The army s"] == "en"
    short = tmp_path / "short.txt"
    short.write_text("Saraqeb.\nBreaking news\n")
    assert "sentence of 4 words or more" in run("--db", db, "ingest", short, "--outlet", "sana").stderr


def test_same_file_from_two_processes_is_stored_once(tmp_path):
    import subprocess
    import sys

    doc = tmp_path / "doc.txt"
    doc.write_text(REPLY)
    db = tmp_path / "race.db"
    command = [sys.executable, "-m", "verify", "--db", str(db), "ingest", str(doc), "--outlet", "sana"]
    procs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert sum("stored" in o and "already" not in o for o in outputs) == 1
    assert sum("already stored" in o for o in outputs) == 2
    assert len(open_store(db, create=False).documents()) == 1


def test_ctrl_c_while_starting_is_one_line(tmp_path):
    """Ctrl-C while the libraries load, and Ctrl-C while a command waits on its input: one line
    ("verify: interrupted") and exit 130 each time, never a traceback."""
    import signal
    import subprocess
    import sys
    import time

    def interrupted(args: list[str], after: float) -> subprocess.CompletedProcess:
        proc = subprocess.Popen(
            [sys.executable, "-m", "verify", "--db", str(tmp_path / "v.db"), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(after)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        return subprocess.CompletedProcess(args, proc.returncode, "", err)

    waiting = interrupted(["judge", "-"], after=3.0)  # judge reads the pairs from stdin: it is waiting there
    assert waiting.returncode == 130 and waiting.stderr == "verify: interrupted\n", waiting.stderr
    starting = interrupted(["report"], after=0.3)
    # 130, or death by SIGINT itself (-2, which a shell also reports as 130) when it lands during shutdown
    assert "Traceback" not in starting.stderr and len(starting.stderr.strip().splitlines()) <= 1
    assert starting.returncode in (1, 130, -2), starting.stderr


# -- bounded work ----------------------------------------------------------------------------


@pytest.mark.slow
def test_megabyte_line_without_sentence_breaks(run, tmp_path):
    """A 1 MB line with no full stop: split at a documented length, with a warning, in linear time."""
    import time

    words = ["rebels", "army", "town", "road", "fighting", "Saraqeb", "province", "night"]
    path = tmp_path / "huge.txt"
    path.write_text(" ".join(words[i % len(words)] for i in range(150_000)) + "\n")
    assert path.stat().st_size > 1_000_000
    started = time.perf_counter()
    result = run("--db", tmp_path / "v.db", "ingest", path, "--outlet", "sana", "--json")
    seconds = time.perf_counter() - started
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["claims"] > 900 and "without a sentence end" in data["warnings"][0]
    claims = json.loads(run("--db", tmp_path / "v.db", "claims", "--json").stdout)
    assert max(c["end"] - c["start"] for c in claims) <= 1_000
    text = path.read_text()
    assert all(text[c["start"] : c["end"]] == c["text"] for c in claims)
    print(f"1 MB line ingested in {seconds:.1f} s")


def test_claims_stream_through_staging_in_batches(tmp_path, monkeypatch):
    """Claims are staged a few at a time and moved in at the end: the store gets exactly the claims
    of the whole document, and nothing stays behind in the temporary table."""
    from verify.claims.extract import extract_claims
    from verify.ingest.documents import ingest
    from verify.sources import bundled_index
    from verify.store.staging import StagedClaims

    monkeypatch.setattr(StagedClaims, "BATCH", 3)
    text = "".join(f"The army said {n} soldiers were killed near Saraqeb on Monday.\n" for n in range(2, 40))
    path = tmp_path / "many.txt"
    path.write_text(text)
    store = open_store(tmp_path / "v.db")
    result = ingest(store, [path], outlet="sana")
    document = {"id": result.added[0]["id"], "text": text, "outlet": "sana", "published": None}
    expected, _ = extract_claims(document, bundled_index())
    stored = list(store.iter_claims())
    assert result.claims == len(stored) == len(expected) == 38
    assert [(c["id"], c["start"], c["end"], c["source"]) for c in stored] == [
        (c["id"], c["start"], c["end"], c["source"]) for c in expected
    ]
    assert not store.conn.execute("SELECT name FROM temp.sqlite_master WHERE name = 'staged_claims'").fetchall()


@pytest.mark.slow
def test_multi_megabyte_file_streams(tmp_path):
    """A 3 MB text: its claims stream to the store, so peak memory grows with the text (a few bytes
    per byte of it), not with its 30,000 claims (about 8 KB each when they were held in memory)."""
    import subprocess
    import sys

    sentences = [
        "The army said {} soldiers were killed near Saraqeb on Monday.",
        "Rebels said on Tuesday that they had taken {} villages south of the town.",
        "A monitor reported {} air strikes on the road to Aleppo overnight.",
    ]
    big = tmp_path / "big.txt"
    big.write_text(" ".join(sentences[n % 3].format(n) for n in range(45_000)))
    small = tmp_path / "small.txt"
    small.write_text(" ".join(sentences[n % 3].format(n) for n in range(30)))
    probe = (
        "import resource, sys; from verify.__main__ import main; sys.argv = ['verify', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )

    def peak_kb(path: Path) -> int:
        args = [
            sys.executable,
            "-c",
            probe,
            "--db",
            str(tmp_path / f"{path.stem}.db"),
            "ingest",
            str(path),
            "--outlet",
            "sana",
        ]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        assert "claim(s) added" in done.stderr
        return int(done.stderr.strip().splitlines()[-1])

    growth = (peak_kb(big) - peak_kb(small)) * 1024
    size = big.stat().st_size
    assert size > 3_000_000
    print(f"3 MB text: peak memory {growth / 2**20:.0f} MB above a 2 KB file ({growth / size:.1f} bytes per byte)")
    assert growth < 15 * size


@pytest.fixture
def read_only_db(db, tmp_path):
    """The store on a read-only bind mount (needs the right to mount; skipped without it)."""
    import subprocess

    mount = tmp_path / "ro"
    mount.mkdir()
    commands = [["mount", "--bind", str(db.parent), str(mount)], ["mount", "-o", "remount,ro,bind", str(mount)]]
    for command in commands:
        if subprocess.run(command, capture_output=True).returncode != 0:
            subprocess.run(["umount", str(mount)], capture_output=True)
            pytest.skip("cannot make a read-only mount here")
    yield mount / db.name
    subprocess.run(["umount", str(mount)], check=True)


def test_read_only_store_serves_reading_commands(run, read_only_db):
    for args in (["claims"], ["documents", "--json"], ["sources"], ["audit", "runs"], ["audit", "verify"]):
        result = run("--db", read_only_db, *args)
        assert result.exit_code == 0, (args, result.stderr)
    result = run("--db", read_only_db, "report")
    assert one_line_error(result) and "read-only" in result.stderr


# -- round two: folders, manifests, numbers, replay, names, pipes ----------------------------

DOCUMENT = "The rebels said they entered the town of Saraqeb at dawn on Thursday.\n"


def test_folder_ingest_reads_only_regular_files_inside_it(run, db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(DOCUMENT)
    outside = tmp_path / "secret.txt"
    outside.write_text("The password of the newsroom server is written here in full.\n")
    (folder / "secret.txt").symlink_to(outside)
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "inside.txt").symlink_to(folder / "ok.txt")  # a link that stays inside is read (a duplicate here)
    (folder / "linked").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(folder / "pipe.txt")
    result = run("--db", db, "ingest", folder, "--outlet", "afp", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    read = {Path(d["path"]).name for d in data["added"] + data["duplicates"]}
    assert read == {"inside.txt", "ok.txt"} and len(data["added"]) == 1
    assert {(Path(s["path"]).name, s["why"]) for s in data["skipped_why"]} == {
        ("secret.txt", "a symbolic link to a file outside the folder"),
        ("dangling.txt", "a dangling symbolic link"),
        ("linked", "a symbolic link to a folder (not followed)"),
        ("pipe.txt", "not a regular file (a FIFO, device or socket)"),
    }
    assert data["skipped"] == [s["path"] for s in data["skipped_why"]]
    store = open_store(db, create=False)
    assert not any("password" in d["text"] for d in store.documents())
    store.close()


def test_a_refused_manifest_stores_nothing(run, db, tmp_path):
    (tmp_path / "first.txt").write_text(DOCUMENT)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {"documents": [{"path": "first.txt", "outlet": "afp"}, {"path": "../elsewhere.txt", "outlet": "afp"}]}
        )
    )
    before = snapshot(db)
    result = run("--db", db, "ingest", "--manifest", manifest)
    assert one_line_error(result) and "document 2" in result.stderr and "outside the manifest's folder" in result.stderr
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "entry, words",
    [
        ({"path": "a\u0000b.txt", "outlet": "afp"}, "NUL character"),
        ({"path": "first.txt", "outlet": 7}, "not a number"),
    ],
)
def test_manifest_entries_are_checked(run, db, tmp_path, entry, words):
    (tmp_path / "first.txt").write_text(DOCUMENT)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"documents": [entry]}))
    result = run("--db", db, "ingest", "--manifest", manifest)
    assert one_line_error(result) and words in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["check", "DRAFT", "--min-confidence", "nan"],
        ["check", "DRAFT", "--min-confidence", "inf", "--strict"],
        ["report", "--min-confidence", "nan"],
        ["ingest", "http://example.org/a", "--outlet", "afp", "--timeout", "nan"],
    ],
)
def test_numeric_options_refuse_nan_and_infinity(run, db, tmp_path, args):
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT)
    result = run("--db", db, *[draft if a == "DRAFT" else a for a in args])
    assert result.exit_code == 2 and ("finite" in result.stderr or "range" in result.stderr), result.stderr


def test_a_fractional_whole_number_threshold_is_named_as_such(run, db):
    result = run("--db", db, "report", "--threshold", "top_k=2.5")
    assert result.exit_code == 2 and "'2.5' is not a whole number" in result.stderr


@pytest.mark.parametrize(
    "statement, field",
    [
        ("UPDATE finding_contents SET kind = 'agreement' WHERE kind = 'contradiction'", "kind"),
        ("UPDATE finding_contents SET summary = 'nothing to see'", "summary"),
        ("UPDATE finding_contents SET sources = '[\"afp\"]'", "sources"),
        ("UPDATE finding_contents SET claims = json_array(json_extract(claims, '$[0]'))", "claims"),
    ],
)
def test_replay_sees_every_edited_field(run, story_copy, statement, field):
    report = run("--db", story_copy, "report", "--story", "saraqeb", "--format", "json")
    run_id = json.loads(report.stdout)["run"]["id"]
    assert run("--db", story_copy, "audit", "replay", run_id).exit_code == 0
    tamper(story_copy, statement)
    replay = run("--db", story_copy, "audit", "replay", run_id, "--json")
    data = json.loads(replay.stdout)
    assert replay.exit_code == 1 and not data["same"] and data["changed"]
    assert all(field in fields for fields in data["changed_fields"].values())
    assert f"changed: {field}" in run("--db", story_copy, "audit", "replay", run_id).stdout


def test_confirmation_lines_keep_escapes_inert(run, db):
    evil = f"Evil{ESC}]0;owned\x07{ESC}]8;;file:///etc/passwd{ESC}\\link"
    added = run("--db", db, "sources", "add", "evil", "--name", evil, "--kind", "outlet")
    assert added.exit_code == 0 and ESC not in added.stderr and "\x07" not in added.stderr
    finding = json.loads(run("--db", db, "report", "--format", "json").stdout)["findings"][0]["id"]
    review = run("--db", db, "review", finding, "--confirm", "--note", "seen", "--reviewer", evil)
    assert review.exit_code == 0 and "recorded" in review.stderr and ESC not in review.stderr


def test_a_decision_that_cannot_be_read_back_is_not_reported_recorded(db, tmp_path):
    """The store's file is replaced under an open store (as a deleted -wal file or a restore from
    backup would leave it): the decision commits to the old file and must not be called recorded."""
    from verify.errors import VerifyError
    from verify.store.decisions import record_decision

    store = open_store(db, create=False)
    finding = store.rows("SELECT id FROM findings LIMIT 1")[0]["id"]
    os.replace(copy_store(db, tmp_path / "copy.db"), db)
    for stale in (f"{db}-wal", f"{db}-shm"):
        Path(stale).unlink(missing_ok=True)
    with pytest.raises(VerifyError, match="cannot be read back"):
        record_decision(store, finding, "confirm", "seen on video", "desk")
    store.close()


def test_audit_verify_checks_a_head_kept_elsewhere(run, db):
    finding = json.loads(run("--db", db, "report", "--format", "json").stdout)["findings"][0]["id"]
    assert run("--db", db, "review", finding, "--confirm", "--note", "seen").exit_code == 0
    head = json.loads(run("--db", db, "audit", "verify", "--json").stdout)["head"]
    assert run("--db", db, "audit", "verify", "--expect-head", head).exit_code == 0
    seq = int(head.split(":")[0])
    tamper(db, f"DELETE FROM audit_log WHERE seq = {seq}", "DELETE FROM decisions")  # the last write lost whole
    assert run("--db", db, "audit", "verify").exit_code == 0  # what the store alone cannot tell
    result = run("--db", db, "audit", "verify", "--expect-head", head)
    assert result.exit_code == 1 and "recorded earlier is gone" in result.stderr


def test_deeply_nested_json_is_one_line(run, db, tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text('{"a":' * 100_000 + "1" + "}" * 100_000 + "\n")
    result = run("--db", db, "ingest", path, "--outlet", "afp")
    assert one_line_error(result) and "nested too deeply" in result.stderr


def test_a_text_field_of_the_wrong_type_is_named(run, db, tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_text('{"text": 12345, "outlet": "afp"}\n')
    result = run("--db", db, "ingest", path)
    assert one_line_error(result) and '"text" must be a string, not a number' in result.stderr


@pytest.mark.parametrize("line", ['{"id": NaN', '{"id": {"a": 1}', '{"id": true'])
def test_judge_ids_are_strings_or_whole_numbers(run, tmp_path, line):
    path = tmp_path / "pairs.jsonl"
    path.write_text(line + ', "premise": "The army took the town.", "hypothesis": "The town fell."}\n')
    result = run("judge", path, "--json")
    assert one_line_error(result) and "line 1" in result.stderr and result.stdout == ""


def test_closing_the_pipe_ends_quietly(db):
    reader = subprocess.Popen(["head", "-c", "1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    done = subprocess.run(
        [sys.executable, "-m", "verify", "--db", str(db), "claims", "--json"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
    )
    reader.stdin.close()
    reader.wait()
    assert done.returncode in (0, 1) and done.stderr == b""  # before: "unexpected error: BrokenPipeError"


def test_a_file_name_cannot_plant_a_log_line(run, db, tmp_path):
    path = tmp_path / "note\nstored evil.txt as document 000000000000 (afp).txt"
    path.write_text(DOCUMENT)
    result = run("--db", db, "ingest", path, "--outlet", "afp")
    assert result.exit_code == 0 and len(result.stderr.splitlines()) == 2 and "␊" in result.stderr


def test_a_symlink_loop_is_named(run, db, tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    result = run("--db", db, "ingest", tmp_path / "a.txt", "--outlet", "afp")
    assert one_line_error(result) and "symbolic link loop" in result.stderr


def test_broken_utf8_is_stored_with_a_warning(run, db, tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(
        "The rebels said they entered Sarâqeb at dawn on Thursday \xff.\n".encode().replace(b"\xc3\xbf", b"\xff")
    )
    result = run("--db", db, "ingest", path, "--outlet", "afp")
    assert result.exit_code == 0 and "not valid UTF-8 at 1 place(s)" in result.stderr
    store = open_store(db, create=False)
    assert any("Sarâqeb" in d["text"] and "\ufffd" in d["text"] for d in store.documents())
    store.close()


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
def test_output_onto_the_store_s_own_files_is_refused_before_they_exist(run, db, suffix):
    target = Path(f"{db}{suffix}")
    target.unlink(missing_ok=True)
    result = run("--db", db, "report", "--format", "json", "-o", target)
    assert one_line_error(result) and "verify database" in result.stderr and not target.exists()


@pytest.mark.parametrize(
    "args, words",
    [
        (["claims", "--story", "nosuch"], "unknown story 'nosuch'"),
        (["documents", "--story", "nosuch"], "unknown story 'nosuch'"),
        (["search", "Saraqeb", "--story", "nosuch"], "unknown story 'nosuch'"),
        (["search", "Saraqeb", "--source", "nosuch"], "unknown source 'nosuch'"),
        (["sources", "add", "x", "--name", "X", "--kind", "outlet", "--domain", "https://x.org/a"], "invalid domain"),
    ],
)
def test_filters_that_name_nothing_are_errors(run, db, args, words):
    result = run("--db", db, *args)
    assert one_line_error(result) and words in result.stderr


def test_html_report_shows_bidi_overrides_and_escapes_inert(run, db, tmp_path):
    doc = tmp_path / "bidi.txt"
    doc.write_text(f"The army said it still holds Saraqeb \u202eafter heavy fighting\u202c on Thursday {ESC}[31m.\n")
    assert run("--db", db, "ingest", doc, "--outlet", "afp", "--story", "s[/]x").exit_code == 0
    page = run("--db", db, "report", "--story", "s[/]x", "--format", "html").stdout
    assert "\u202e" not in page and ESC not in page
    assert "\ufffdafter heavy fighting\ufffd" in page and "\u241b[31m" in page  # shown, not acted on
