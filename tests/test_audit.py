"""The audit log: run records, decisions, diff, replay, tamper evidence, kills and concurrency."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from importlib.metadata import version

import pytest
from click.testing import CliRunner

from verify.cli import cli
from verify.models.nli import current_nli_model_info
from verify.store.db import open_store
from verify.store.runs import recorded_run

from .conftest import ingest_story, tamper


@pytest.fixture
def story(tmp_path):
    db = tmp_path / "audit.db"
    ingest_story(db)
    return db


def report(run, db, *args) -> dict:
    result = run("--db", db, "report", "--story", "saraqeb", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def runs(run, db) -> list[dict]:
    return json.loads(run("--db", db, "audit", "runs", "--json").stdout)


def test_run_record_holds_every_field(run, story):
    data = report(run, story)
    (record,) = runs(run, story)
    assert record["id"] == data["run"]["id"] and record["status"] == "complete" and record["command"] == "report"
    assert record["started_at"] <= record["finished_at"] and record["tool_version"] == version("verify")
    assert record["argv"] == ["verify", "--db", str(story), "report", "--story", "saraqeb", "--format", "json"]
    assert record["models"][0]["sha256"] == data["run"]["models"][0]["sha256"]
    assert record["models"][0]["files"]["model.safetensors"].startswith("53aa5117")
    assert record["thresholds"]["agreement"] == 0.68 and len(record["thresholds"]) >= 10
    assert len(record["inputs"]) == 6 and all(len(i["sha256"]) == 64 for i in record["inputs"])
    assert record["n_claims"] == len(data["claims"]) and record["n_findings"] == len(data["findings"])
    shown = json.loads(run("--db", story, "audit", "show", record["id"], "--json").stdout)
    assert [f["id"] for f in shown["findings"]] == [f["id"] for f in data["findings"]]
    assert [f["summary"] for f in shown["findings"]] == [f["summary"] for f in data["findings"]]


def test_same_inputs_same_findings_and_replay_agrees(run, story):
    first, second = report(run, story), report(run, story)
    assert [(f["id"], f["confidence"]) for f in first["findings"]] == [
        (f["id"], f["confidence"]) for f in second["findings"]
    ]
    replay = run("--db", story, "audit", "replay", first["run"]["id"], "--json")
    assert replay.exit_code == 0, replay.output
    result = json.loads(replay.stdout)
    assert result["same"] and result["models_changed"] == []


def test_a_report_of_unchanged_inputs_repeats_the_last_comparison(run, story, tmp_path):
    """Same documents, thresholds, models and version: the findings, groups and matrix of the last
    report are reused (and say so); a changed threshold or a new document compares again."""
    first = report(run, story)
    assert "repeats" not in first["run"]["stats"]
    second = report(run, story)
    assert second["run"]["stats"]["repeats"] == first["run"]["id"] and second["run"]["stats"]["nli_computed"] == 0
    for part in ("findings", "groups", "matrix", "disputes", "claims"):
        assert second[part] == first[part], part
    assert run("--db", story, "audit", "verify").exit_code == 0
    replay = json.loads(run("--db", story, "audit", "replay", second["run"]["id"], "--json").stdout)
    assert replay["same"], "a repeated run's findings are what comparing again finds"
    stricter = report(run, story, "--threshold", "agreement=0.7")
    assert "repeats" not in stricter["run"]["stats"]
    (tmp_path / "new.txt").write_text("State media said government forces entered Saraqeb on Friday.\n")
    assert run("--db", story, "ingest", tmp_path / "new.txt", "--outlet", "sana", "--story", "saraqeb").exit_code == 0
    assert "repeats" not in report(run, story)["run"]["stats"]


def test_a_renamed_source_makes_a_report_compare_again(run, story):
    """Reasons quote the sources' names: after a rename the last run cannot be repeated."""
    report(run, story)
    assert (
        run("--db", story, "sources", "add", "sana", "--name", "SANA (state agency)", "--kind", "agency").exit_code == 0
    )
    again = report(run, story)
    assert "repeats" not in again["run"]["stats"]
    assert any("SANA (state agency)" in f["reason"] for f in again["findings"])
    assert report(run, story)["run"]["stats"]["repeats"] == again["run"]["id"]


def test_replay_names_a_changed_model(run, story, monkeypatch):
    data = report(run, story)
    db = sqlite3.connect(story)
    db.execute("DROP TRIGGER runs_append_only")
    record = json.loads(db.execute("SELECT models FROM runs").fetchone()[0])
    record[0]["sha256"] = "0" * 64
    db.execute("UPDATE runs SET models = ?", [json.dumps(record)])
    db.commit()
    db.close()
    result = json.loads(run("--db", story, "audit", "replay", data["run"]["id"], "--json").stdout)
    assert result["same"] and result["models_changed"][0]["role"] == "embedding"


def test_replay_of_a_run_recorded_before_the_judge_names_its_models(run, story):
    """Runs recorded before findings came from the NLI judge replay with new verdicts; replay says
    which models are new rather than leaving the changes unexplained."""
    data = report(run, story)
    db = sqlite3.connect(story)
    db.execute("DROP TRIGGER runs_append_only")
    models = json.loads(db.execute("SELECT models FROM runs").fetchone()[0])
    record = [m for m in models if m["role"] not in ("nli", "judge")]
    db.execute("UPDATE runs SET models = ?", [json.dumps(record)])
    db.commit()
    db.close()
    result = json.loads(run("--db", story, "audit", "replay", data["run"]["id"], "--json").stdout)
    assert [(m["role"], m["recorded"]) for m in result["models_changed"]] == [("nli", None), ("judge", None)]
    assert result["same"]  # the models did not change here: the findings come out the same
    text = run("--db", story, "audit", "replay", data["run"]["id"]).stdout
    assert "model changed since the run: nli" in text and "not used by the run" in text


def test_replay_judges_every_pair_again_so_an_edited_verdict_shows(run, tmp_path):
    """A pair verdict edited in the cache reaches the next report, which takes it as judged;
    replaying that report judges every pair again and names the finding that changed."""
    import zlib

    from .conftest import EXPECTED, ingest_entries

    db = tmp_path / "story.db"
    *first, last = EXPECTED["documents"]
    store = open_store(db)
    ingest_entries(store, first)
    store.close()
    report(run, db)
    conn = sqlite3.connect(db)
    judged = conn.execute("SELECT pair, verdict FROM verdicts WHERE verdict IS NOT NULL ORDER BY pair").fetchall()
    pair, verdict = next((p, v) for p, v in ((p, json.loads(zlib.decompress(b))) for p, b in judged) if v)
    verdict["confidence"] = 0.123
    conn.execute("UPDATE verdicts SET verdict = ? WHERE pair = ?", [zlib.compress(json.dumps(verdict).encode()), pair])
    conn.commit()
    conn.close()
    store = open_store(db)
    ingest_entries(store, [last])
    store.close()
    data = report(run, db)
    edited = [f["id"] for f in data["findings"] if f["claims"] == pair.split() and f["confidence"] == 0.123]
    assert len(edited) == 1 and data["run"]["stats"]["verdicts_known"] > 0
    replay = run("--db", db, "audit", "replay", data["run"]["id"], "--json")
    result = json.loads(replay.stdout)
    assert replay.exit_code == 1 and not result["same"] and result["changed"] == edited


def test_replay_names_a_changed_judge(run, story):
    data = report(run, story)
    db = sqlite3.connect(story)
    db.execute("DROP TRIGGER runs_append_only")
    models = json.loads(db.execute("SELECT models FROM runs").fetchone()[0])
    assert {m["role"] for m in models} == {"embedding", "nli", "judge"}
    for model in models:
        if model["role"] == "judge":
            model["sha256"] = "0" * 64
    db.execute("UPDATE runs SET models = ?", [json.dumps(models)])
    db.commit()
    db.close()
    result = json.loads(run("--db", story, "audit", "replay", data["run"]["id"], "--json").stdout)
    assert [(m["role"], m["recorded"]) for m in result["models_changed"]] == [("judge", "0" * 64)]


def test_decisions_supersede_but_never_erase(run, story):
    data = report(run, story)
    finding = data["findings"][0]["id"]
    assert (
        run(
            "--db", story, "review", finding, "--confirm", "--note", "photos check out", "--reviewer", "amira"
        ).exit_code
        == 0
    )
    assert (
        run("--db", story, "review", finding, "--dismiss", "--note", "photos were old", "--reviewer", "jon").exit_code
        == 0
    )
    later = report(run, story)
    shown = next(f for f in later["findings"] if f["id"] == finding)
    assert shown["decision"]["decision"] == "dismiss" and shown["decision"]["reviewer"] == "jon"
    assert finding not in {f["id"] for f in report(run, story, "--hide-dismissed")["findings"]}
    log = json.loads(run("--db", story, "audit", "show", later["run"]["id"], "--json").stdout)["decisions"]
    assert [(d["decision"], d["reviewer"]) for d in log] == [("confirm", "amira"), ("dismiss", "jon")]
    default = json.loads(run("--db", story, "review", finding, "--escalate", "--note", "ask desk", "--json").stdout)
    assert default["reviewer"]  # the OS user


def test_unknown_ids_and_decisions_from_another_database(run, story, tmp_path):
    report(run, story)
    assert "unknown run" in run("--db", story, "audit", "show", "r-000000000000").stderr
    other = tmp_path / "other.db"
    ingest_story(other)
    foreign = report(run, other)["findings"][0]["id"]
    fresh = tmp_path / "fresh.db"
    ingest_story(fresh)
    result = run("--db", fresh, "review", foreign, "--confirm", "--note", "x")
    assert result.exit_code == 1 and "unknown finding" in result.stderr
    assert run("--db", story, "review", "f-123", "--confirm", "--note", "x").exit_code == 1


def test_diff_shows_exactly_what_a_new_document_changed(run, story, tmp_path):
    before = report(run, story)
    extra = tmp_path / "aj.txt"
    extra.write_text(
        "Al Jazeera's correspondent said seven Turkish soldiers were killed in regime shelling near Saraqib."
    )
    assert run("--db", story, "ingest", extra, "--outlet", "aljazeera", "--story", "saraqeb").exit_code == 0
    after = report(run, story)
    diff = json.loads(run("--db", story, "audit", "diff", before["run"]["id"], after["run"]["id"], "--json").stdout)
    new_claims = {c["id"] for c in after["claims"]} - {c["id"] for c in before["claims"]}
    appeared = {f["id"] for f in diff["appeared"]}
    expected = {f["id"] for f in after["findings"]} - {f["id"] for f in before["findings"]}
    assert appeared == expected and appeared
    by_id = {f["id"]: f for f in after["findings"]}
    assert any(set(by_id[f]["claims"]) & new_claims for f in appeared)
    assert any("aljazeera" in by_id[f]["sources"] and by_id[f]["kind"] == "contradiction" for f in appeared)
    assert {f["id"] for f in diff["disappeared"]} == {f["id"] for f in before["findings"]} - {
        f["id"] for f in after["findings"]
    }


def test_diff_names_the_fields_of_a_finding_that_changed(run, story):
    """A finding kept under its id with another confidence and reason is listed as changed, with
    those two fields, in the JSON and in the terminal table."""
    before = report(run, story)
    store = open_store(story)
    first = before["findings"][0]
    moved = dict(first, confidence=round(1 - first["confidence"], 4), reason="read again")
    with recorded_run(store, "report", store.documents("saraqeb"), before["run"]["thresholds"], "saraqeb") as later:
        later.complete([moved], [], len(before["claims"]))
    store.close()
    diff = json.loads(run("--db", story, "audit", "diff", before["run"]["id"], later.run["id"], "--json").stdout)
    assert diff["changed"] == [
        {
            "id": first["id"],
            "kind": first["kind"],
            "fields": ["confidence", "reason"],
            "confidence": [first["confidence"], moved["confidence"]],
        }
    ]
    assert diff["changed_fields"] == {first["id"]: ["confidence", "reason"]}
    assert len(diff["disappeared"]) == len(before["findings"]) - 1 and diff["appeared"] == []
    shown = run("--db", story, "audit", "diff", before["run"]["id"], later.run["id"], "--no-color")
    assert shown.exit_code == 0 and first["id"] in shown.stdout


@pytest.mark.parametrize(
    "statements, words",
    [
        (
            [
                "UPDATE finding_contents SET confidence = 0.99 WHERE sha256 = (SELECT min(finding_sha256) FROM finding_lists)"
            ],
            "altered",
        ),
        (["UPDATE finding_contents SET summary = 'they agree'"], "altered"),
        (["UPDATE runs SET thresholds = '{}'"], "altered"),
        (["DELETE FROM decisions"], "deleted"),
        (["DELETE FROM audit_log WHERE seq = 1"], "missing"),
        (
            [
                "UPDATE audit_log SET seq = 9 WHERE seq = 1",
                "UPDATE audit_log SET seq = 1 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = 9",
            ],
            "reordered",
        ),
        (
            [
                "INSERT INTO decisions (id, finding_id, run_id, decision, note, reviewer, decided_at) VALUES ('d-x', 'f-1', "
                "(SELECT id FROM runs LIMIT 1), 'confirm', 'n', 'eve', 'z')"
            ],
            "inserted",
        ),
    ],
    ids=["edit-finding", "edit-summary", "edit-run", "delete-decision", "delete-log", "reorder", "insert"],
)
def test_tampering_by_hand_is_caught(run, story, statements, words):
    data = report(run, story)
    run("--db", story, "review", data["findings"][0]["id"], "--confirm", "--note", "ok")
    report(run, story)
    assert run("--db", story, "audit", "verify").exit_code == 0
    tamper(story, *statements)
    result = run("--db", story, "audit", "verify")
    assert result.exit_code == 1 and words in result.stderr


def test_audit_rows_refuse_updates_through_sqlite(run, story):
    report(run, story)
    conn = sqlite3.connect(story)
    for statement in (
        "UPDATE finding_contents SET confidence = 1",
        "DELETE FROM finding_lists",
        "UPDATE run_findings SET list_sha256 = 'x'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(statement)
    conn.close()


def test_a_rerun_that_changes_nothing_stores_its_findings_by_reference(run, story):
    """Each finding is stored once: a second identical report adds one reference, not a copy."""
    first = report(run, story)
    conn = sqlite3.connect(story)
    counted = ("finding_contents", "finding_lists", "run_findings")
    before = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in counted]
    second = report(run, story)
    after = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in counted]
    assert after == [before[0], before[1], before[2] + 1]
    assert before[0] == len(first["findings"]) == len(second["findings"])
    per_run = conn.execute("SELECT run_id, count(*) FROM findings GROUP BY run_id").fetchall()
    assert sorted(n for _, n in per_run) == [len(first["findings"])] * 2
    conn.close()
    assert run("--db", story, "audit", "verify").exit_code == 0


def test_a_store_with_findings_copied_per_run_migrates_intact(tmp_path):
    """A schema-8 store (every run's findings copied into one table) moves to the content-addressed
    tables: the same rows per run, and the audit chain still verifies."""
    from verify.store.chain import GENESIS, link_hash, run_row_digest, verify_chain
    from verify.store.migrations import MIGRATIONS

    from .conftest import reported_story

    current, _ = reported_story(tmp_path)
    CliRunner().invoke(cli, ["--db", str(current), "report", "--story", "saraqeb", "--format", "json"])
    old = tmp_path / "old.db"
    conn = sqlite3.connect(old, isolation_level=None)
    for _, script in MIGRATIONS[:8]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 8")
    conn.execute("ATTACH ? AS current", [str(current)])
    conn.execute("DELETE FROM meta")
    for table in ("meta", "sources", "documents", "claims", "runs", "decisions", "embeddings", "nli"):
        names = ", ".join(
            row[1] for row in conn.execute(f"PRAGMA main.table_info({table})")
        )  # columns added since stay out
        conn.execute(f"INSERT INTO main.{table} ({names}) SELECT {names} FROM current.{table}")
    columns = "run_id, id, position, kind, claims, sources, omitted_by, confidence, reason, evidence, thresholds"
    conn.execute(f"INSERT INTO main.findings ({columns}) SELECT {columns} FROM current.findings")
    expected = conn.execute(f"SELECT {columns} FROM main.findings ORDER BY run_id, position").fetchall()
    # the chain as verify wrote it then: each run's digest over its rows, findings without summaries
    prev = GENESIS
    for seq, kind, ref, digest in conn.execute("SELECT seq, kind, ref, digest FROM current.audit_log ORDER BY seq"):
        if kind == "run":
            run = conn.execute("SELECT * FROM main.runs WHERE id = ?", [ref])
            names = [c[0] for c in run.description]
            found = conn.execute("SELECT * FROM main.findings WHERE run_id = ? ORDER BY position", [ref])
            finding_names = [c[0] for c in found.description]
            digest = run_row_digest(
                dict(zip(names, run.fetchone(), strict=True)), [dict(zip(finding_names, f, strict=True)) for f in found]
            )
        link = link_hash(seq, kind, ref, digest, prev)
        conn.execute("INSERT INTO main.audit_log VALUES (?, ?, ?, ?, ?, ?)", [seq, kind, ref, digest, prev, link])
        prev = link
    conn.close()
    store = open_store(old)
    assert store.conn.execute(f"SELECT {columns} FROM findings ORDER BY run_id, position").fetchall() == expected
    assert store.conn.execute("SELECT count(*) FROM run_findings").fetchone()[0] == 2
    assert store.conn.execute("SELECT count(DISTINCT list_sha256) FROM run_findings").fetchone()[0] == 1
    assert verify_chain(store).ok


def test_export_jsonl(run, story, tmp_path):
    data = report(run, story)
    run("--db", story, "review", data["findings"][0]["id"], "--escalate", "--note", "check")
    out = tmp_path / "run.jsonl"
    assert run("--db", story, "audit", "export", data["run"]["id"], "-o", out).exit_code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    types = [line["type"] for line in lines]
    assert types[0] == "run" and types.count("input") == 6 and types.count("finding") == len(data["findings"])
    assert types.count("decision") == 1 and types[-1] == "chain"


def test_sigkill_mid_run_leaves_no_half_run(story):
    proc = subprocess.Popen(
        [sys.executable, "-m", "verify", "--db", str(story), "report", "--story", "saraqeb"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        conn = sqlite3.connect(story, timeout=30)
        started = conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]
        conn.close()
        if started:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(story)
    assert conn.execute("SELECT count(*) FROM runs WHERE status = 'complete'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    conn.close()
    store = open_store(story)
    from verify.store.chain import verify_chain
    from verify.store.runs import runs, start_run

    assert verify_chain(store).ok
    start_run(store, "report", [], {})  # the next run marks the dead one aborted
    assert {r["status"] for r in runs(store)} == {"aborted", "running"}
    store.close()


def test_concurrent_writers_wait_instead_of_failing(tmp_path):
    db = tmp_path / "busy.db"
    open_store(db).close()
    files = []
    for n in range(4):
        path = tmp_path / f"doc{n}.txt"
        path.write_text(f"Rebels said they entered the village number {n} near Saraqeb on Thursday morning.")
        files.append(path)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "verify", "--db", str(db), "ingest", str(f), "--outlet", "afp"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in files
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    assert not any("locked" in e for e in errors)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 4
    conn.close()


def test_replay_of_a_run_made_with_the_float_model_names_the_model_change(run, story, monkeypatch):
    monkeypatch.setenv("VERIFY_NLI_PRECISION", "float")
    data = report(run, story)
    assert next(m for m in data["run"]["models"] if m["role"] == "nli")["precision"] == "float"
    monkeypatch.delenv("VERIFY_NLI_PRECISION")
    result = json.loads(run("--db", story, "audit", "replay", data["run"]["id"], "--json").stdout)
    [changed] = result["models_changed"]
    assert changed["role"] == "nli" and changed["current"] == current_nli_model_info().sha256
    assert changed["recorded"] == next(m["sha256"] for m in data["run"]["models"] if m["role"] == "nli")
