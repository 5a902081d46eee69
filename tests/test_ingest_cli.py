"""Ingest and the CLI through click's runner: formats, dedup, bad input, JSON shape."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from verify.store.db import open_store
from verify.store.migrations import SCHEMA_VERSION
from verify.store.rows import sha256

from .conftest import EXPECTED, STORY_DIR


def counts(db):
    conn = sqlite3.connect(db)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "claims"))
    finally:
        conn.close()


def test_ingest_story_and_list_claims_as_json(run, tmp_path):
    db = tmp_path / "v.db"
    for doc in EXPECTED["documents"]:
        args = ["--db", db, "ingest", STORY_DIR / doc["path"], "--story", "saraqeb"]
        if doc.get("outlet"):
            args += ["--outlet", doc["outlet"], "--published", doc["published"]]
        result = run(*args)
        assert result.exit_code == 0, result.output
    result = run("--db", db, "claims", "--json", "--story", "saraqeb")
    claims = json.loads(result.stdout)
    assert {c["outlet"] for c in claims} == {
        "sana",
        "nlf",
        "afp",
        "reuters",
        "alaraby-tv",
        "new-arab",
    }
    required = {
        "id",
        "document_id",
        "text",
        "start",
        "end",
        "source",
        "source_name",
        "outlet",
        "cue",
        "negative",
        "numbers",
        "dates",
        "places",
    }
    assert all(required <= c.keys() for c in claims)
    toll = next(c for c in claims if "at least 19" in c["text"])
    assert toll["numbers"][0]["value"] == 19 and toll["source"] == "sohr"
    assert any(p["name"] == "Saraqeb" for c in claims for p in c["places"] if p["text"] == "Saraqib")
    sana_only = json.loads(run("--db", db, "claims", "--json", "--source", "sana").stdout)
    assert sana_only and {c["source"] for c in sana_only} == {"sana"}


def test_html_page_main_text_only(run, tmp_path):
    db = tmp_path / "v.db"
    run("--db", db, "ingest", STORY_DIR / "wire-relay.html", "--outlet", "reuters")
    (doc,) = json.loads(run("--db", db, "documents", "--json").stdout)
    store = open_store(db)
    text = store.document(doc["id"])["text"]
    store.close()
    assert "did not report the loss of the town" in text
    for junk in ("window.analytics", "Markets rally", "Share on Facebook", "All quotes delayed"):
        assert junk not in text
    assert doc["title"] == "Rebels and Damascus give rival accounts of Saraqeb battle"


def test_same_document_twice_adds_nothing(run, tmp_path):
    db = tmp_path / "v.db"
    first = run("--db", db, "ingest", STORY_DIR / "sana.txt", "--outlet", "sana")
    before = counts(db)
    second = run("--db", db, "ingest", STORY_DIR / "sana.txt", "--outlet", "sana")
    assert first.exit_code == second.exit_code == 0
    assert "already stored" in second.stderr and counts(db) == before


def test_folder_ingest_uses_jsonl_outlets_and_skips_other_files(run, tmp_path):
    db = tmp_path / "v.db"
    result = run("--db", db, "ingest", STORY_DIR, "--outlet", "afp", "--json")
    data = json.loads(result.stdout)
    assert {d["outlet"] for d in data["added"]} == {"afp", "alaraby-tv", "new-arab"}
    assert any(s.endswith("expected.json") for s in data["skipped"])


def test_sources_add_and_registry_listing(run, tmp_path):
    db = tmp_path / "v.db"
    result = run(
        "--db",
        db,
        "sources",
        "add",
        "idlib-council",
        "--name",
        "Idlib Local Council",
        "--kind",
        "body",
        "--alias",
        "the local council",
    )
    assert result.exit_code == 0
    listed = {s["id"]: s for s in json.loads(run("--db", db, "sources", "--json").stdout)}
    for bundled in (
        "sana",
        "afp",
        "reuters",
        "ap",
        "new-arab",
        "alaraby-tv",
        "aljazeera",
        "sohr",
        "nlf",
        "hts",
        "sna",
        "syria-gov",
        "syria-army",
        "turkey-gov",
        "turkey-mod",
        "russia-gov",
        "russia-mod",
        "un",
        "ocha",
        "unhcr",
    ):
        assert bundled in listed
    assert listed["idlib-council"]["aliases"] == ["the local council"]
    doc = tmp_path / "c.txt"
    doc.write_text("The local council said the bakery in Saraqeb was destroyed.")
    run("--db", db, "ingest", doc, "--outlet", "afp")
    (claim,) = json.loads(run("--db", db, "claims", "--json").stdout)
    assert claim["source"] == "idlib-council"


def test_unregistered_source_is_stored_and_marked(run, tmp_path):
    db = tmp_path / "v.db"
    doc = tmp_path / "c.txt"
    doc.write_text("The Saraqeb Medical Relief Committee said nine civilians were wounded in the shelling.")
    run("--db", db, "ingest", doc, "--outlet", "afp")
    (claim,) = json.loads(run("--db", db, "claims", "--json").stdout)
    assert claim["source"] == "saraqeb-medical-relief-committee" and claim["source_registered"] is False


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    "notes.docx": (b"PK\x03\x04", "unsupported file type"),
    "bad.jsonl": (
        b'{"outlet": "afp", "text": "A fine line about Saraqeb fighting."}\n{"outlet": afp}\n',
        "line 2",
    ),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_gets_one_line_and_changes_nothing(run, story_copy, tmp_path, name):
    data, message = BAD_INPUTS[name]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Rebels said they entered the town of Saraqeb at dawn.")
    (folder / name).write_bytes(data)
    before = counts(story_copy)
    target = folder if not name.endswith(".docx") else folder / name
    result = run("--db", story_copy, "ingest", target, "--outlet", "afp")
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert counts(story_copy) == before


@pytest.mark.parametrize(
    "args, message",
    [
        (["ingest", "missing.txt", "--outlet", "afp"], "no such file"),
        (
            ["ingest", str(STORY_DIR / "sana.txt"), "--outlet", "sanaa", "--strict-sources"],
            "unknown outlet 'sanaa' (did you mean 'sana'?)",
        ),
        (["ingest", str(STORY_DIR / "sana.txt")], "no outlet"),
        (
            [
                "ingest",
                str(STORY_DIR / "sana.txt"),
                "--outlet",
                "sana",
                "--published",
                "27/02/2020",
            ],
            "not an ISO date",
        ),
        (["claims", "--source", "nobody"], "unknown source"),
    ],
)
def test_usage_errors(run, story_copy, args, message):
    result = run("--db", story_copy, *args)
    assert result.exit_code == 1 and message in result.stderr


def test_corrupt_and_read_only_databases(run, tmp_path, story_copy):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not sqlite" * 100)
    result = run("--db", corrupt, "claims")
    assert result.exit_code == 1 and "not a verify database" in result.stderr
    assert corrupt.read_bytes() == b"this is not sqlite" * 100
    before = counts(story_copy)
    os.chmod(story_copy, 0o444)
    if os.access(story_copy, os.W_OK):  # root ignores file modes; a read-only folder is still honoured
        pytest.skip("running as root: file permissions are not enforced")
    result = run("--db", story_copy, "ingest", STORY_DIR / "sana.txt", "--outlet", "sana")
    assert result.exit_code == 1 and "cannot write" in result.stderr
    assert counts(story_copy) == before


def test_read_only_database_via_sqlite_uri(tmp_path, story_copy):
    """Root ignores file modes, so a write is refused through a query_only connection instead."""
    store = open_store(story_copy)
    store.conn.execute("PRAGMA query_only = ON")
    from verify.errors import VerifyError
    from verify.ingest.documents import ingest

    before = counts(story_copy)
    doc = tmp_path / "n.txt"
    doc.write_text("Rebels said they entered the town of Saraqeb at dawn on Friday.")
    with pytest.raises(VerifyError, match="database error"):
        ingest(store, [doc], outlet="afp")
    store.close()
    assert counts(story_copy) == before


def test_old_schema_is_migrated(tmp_path):
    from verify.store.migrations import MIGRATIONS

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0][1])
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    store = open_store(db)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert "embeddings" in store.db.table_names()
    store.close()


def test_db_from_environment_and_help_examples(tmp_path):
    env = dict(os.environ, VERIFY_DB=str(tmp_path / "env.db"))
    cmd = [
        sys.executable,
        "-m",
        "verify",
        "ingest",
        str(STORY_DIR / "sana.txt"),
        "--outlet",
        "sana",
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env.db").exists()
    for command in ("ingest", "claims", "sources", "documents"):
        helped = subprocess.run([sys.executable, "-m", "verify", command, "--help"], capture_output=True, text=True)
        assert "Example" in helped.stdout


def test_a_manifest_ingests_each_document_with_its_own_outlet_and_date(run, tmp_path):
    db = tmp_path / "v.db"
    result = run("--db", db, "ingest", "--manifest", STORY_DIR / "expected.json", "--json")
    assert result.exit_code == 0, result.output
    added = json.loads(result.stdout)["added"]
    documents = {d["path"].split("/")[-1]: d for d in json.loads(run("--db", db, "documents", "--json").stdout)}
    assert len(added) == len(documents) == 6  # alaraby.jsonl holds two
    for entry in EXPECTED["documents"]:
        if entry.get("outlet"):
            stored = documents[entry["path"]]
            assert (stored["outlet"], stored["published"], stored["story"]) == (
                entry["outlet"],
                entry["published"],
                EXPECTED["story"],
            )
    again = run("--db", db, "ingest", "--manifest", STORY_DIR / "expected.json", "--json")
    assert len(json.loads(again.stdout)["duplicates"]) == 6 and not json.loads(again.stdout)["added"]


@pytest.mark.parametrize(
    "manifest, message",
    [
        ('{"documents": [{"path": "../outside.txt", "outlet": "sana"}]}', "outside the manifest's folder"),
        ('{"documents": []}', 'non-empty "documents" list'),
        ('{"documents": [{"path": "a.txt", "outlet": "sana", "author": "x"}]}', "unknown field(s) author"),
        ("[1, 2", "not a JSON manifest"),
    ],
    ids=["escape", "empty", "unknown-field", "malformed"],
)
def test_a_bad_manifest_is_one_line_and_stores_nothing(run, tmp_path, manifest, message):
    folder = tmp_path / "story"
    folder.mkdir()
    (tmp_path / "outside.txt").write_text("The army said it repelled an attack on Saraqeb on Thursday.\n")
    (folder / "a.txt").write_text("Rebels said they entered Saraqeb on Thursday morning.\n")
    (folder / "manifest.json").write_text(manifest)
    result = run("--db", tmp_path / "v.db", "ingest", "--manifest", folder / "manifest.json")
    assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1
    assert not open_store(tmp_path / "v.db").documents(None)


def test_documents_and_claims_list_in_the_order_they_were_ingested(run, tmp_path):
    """Not by id, nor by a clock that may or may not tick between two ingests: two stores filled
    the same way list the same claims in the same order, so their reports group them alike."""
    db = tmp_path / "v.db"
    words = ["Officials said the bridge reopened on Monday.", "Residents said the market burned on Tuesday."]
    # the document whose id sorts last goes in first, so an order by id would list them reversed
    words.sort(key=sha256, reverse=True)
    ids = []
    for number, text in enumerate(words):
        (tmp_path / f"{number}.txt").write_text(text)
        result = run("--db", db, "ingest", tmp_path / f"{number}.txt", "--outlet", "sana", "--story", "s", "--json")
        ids.append(json.loads(result.stdout)["added"][0]["id"])
    listed = [d["id"] for d in json.loads(run("--db", db, "documents", "--json").stdout)]
    claims = [c["document_id"] for c in json.loads(run("--db", db, "claims", "--json").stdout)]
    assert ids == sorted(ids, reverse=True) and listed == ids and list(dict.fromkeys(claims)) == ids


def test_an_unknown_outlet_is_stored_unregistered_and_extra_fields_kept(run, tmp_path):
    """A desk's own feed: an outlet the registry lacks, and fields verify does not read."""
    db = tmp_path / "desk.db"
    feed = tmp_path / "feed.jsonl"
    line = {
        "outlet": "Gulf Courier",
        "text": "The airline said it had no plans to seat passengers apart.",
        "byline": "Desk",
        "section": "travel",
    }
    feed.write_text(json.dumps(line) + "\n")
    result = run("--db", db, "ingest", feed)
    assert result.exit_code == 0, result.output
    assert "new outlet 'gulf-courier': not in the registry, stored as unregistered" in result.stderr
    sources = {s["id"]: s for s in json.loads(run("--db", db, "sources", "--json").stdout)}
    assert sources["gulf-courier"]["registered"] == 0 and sources["gulf-courier"]["name"] == "Gulf Courier"
    (document,) = json.loads(run("--db", db, "documents", "--json").stdout)
    assert document["outlet"] == "gulf-courier" and document["metadata"] == {"byline": "Desk", "section": "travel"}
    again = tmp_path / "again.txt"
    again.write_text("The airline later said the plan was under review.")
    second = run("--db", db, "ingest", again, "--outlet", "Gulf Courier", "--json")
    assert json.loads(second.stdout)["new_outlets"] == [] and second.exit_code == 0
    refused = run("--db", db, "ingest", again, "--outlet", "another-paper", "--strict-sources")
    assert refused.exit_code == 1 and "unknown outlet 'another-paper'" in refused.stderr
