"""Who said it first, and who changed its story: claim times, revisions and timelines, on the
Balyun fixture story (three days, two sources revising a toll, one reversing itself)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from verify import schema
from verify.store.db import open_store

from .conftest import copy_store

BALYUN = Path(__file__).resolve().parent.parent / "fixtures" / "balyun"
STORY = json.loads((BALYUN / "story.json").read_text())


@pytest.fixture(scope="module")
def balyun_db(tmp_path_factory) -> Path:
    """The Balyun story ingested from its manifest, reported once."""
    from click.testing import CliRunner

    from verify.cli import cli

    db = tmp_path_factory.mktemp("balyun") / "balyun.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "ingest", "--manifest", str(BALYUN / "story.json")]).exit_code == 0
    assert runner.invoke(cli, ["--db", str(db), "report", "--story", "balyun", "--format", "json"]).exit_code == 0
    return db


@pytest.fixture
def db(balyun_db, tmp_path) -> Path:
    return copy_store(balyun_db, tmp_path / "balyun.db")


def report(run, db) -> dict:
    result = run("--db", db, "report", "--story", "balyun", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_each_revision_of_the_story_is_found_and_no_other(run, db):
    data = report(run, db)
    texts = {c["id"]: c["text"] for c in data["claims"]}
    found = [f for f in data["findings"] if f["kind"] == "revision"]
    described = [
        (f["sources"], f["evidence"]["revision"]["change"], texts[f["claims"][0]], texts[f["claims"][1]]) for f in found
    ]
    for expected in STORY["revisions"]:
        assert any(
            sources == [expected["source"]]
            and change == expected["change"]
            and expected["earlier"] in a
            and expected["later"] in b
            for sources, change, a, b in described
        ), (expected, described)
    assert len(found) == len(STORY["revisions"]), described  # nine to 33 is not a third revision: it skips a step


def test_a_revision_names_both_times_and_the_figures(run, db):
    data = report(run, db)
    update = next(f for f in data["findings"] if f["kind"] == "revision" and "nine" in f["summary"])
    assert update["evidence"]["revision"] == {
        "change": "update",
        "earlier": "2020-02-27T19:40Z",
        "later": "2020-02-27T22:55Z",
        "figures": [{"left": "nine", "right": "22", "unit": "soldier"}],
    }
    assert update["summary"].startswith(
        "Turkish Ministry of National Defence revised a figure (soldier): nine on 27 Feb 19:40"
    )
    reversal = next(f for f in data["findings"] if f["evidence"].get("revision", {}).get("change") == "reversal")
    assert reversal["sources"] == ["russia-mod"] and "changed its account" in reversal["reason"]


def timeline_of(data: dict, first: str) -> list[list]:
    """(source, role, reported) of each entry of the group whose first report is ``first``'s."""
    group = next(g for g in data["groups"] if g["timeline"][0]["source"] == first)
    return [[e["source"], e["role"], e["reported"]] for e in group["timeline"]]


def test_verify_timeline_prints_the_expected_timelines_and_follows_its_schema(run, db):
    result = run("--db", db, "timeline", "--story", "balyun", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(schema.load("timeline")).validate(data)
    assert timeline_of(data, "turkey-mod") == STORY["timeline"]["toll"]
    assert timeline_of(data, "russia-mod") == STORY["timeline"]["russian strikes"]
    toll = next(g for g in data["groups"] if g["line"].startswith("first: turkey-mod"))
    assert toll["line"] == (
        "first: turkey-mod 27 Feb 19:40 · sohr contradicts same time · turkey-mod revises +3 h · "
        "turkey-mod revises +10 h · sohr revises +10 h"
    )
    one = run("--db", db, "timeline", "--story", "balyun", "--group", toll["group"], "--json")
    assert [g["group"] for g in json.loads(one.stdout)["groups"]] == [toll["group"]]
    terminal = run("--db", db, "timeline", "--story", "balyun").stdout
    assert "sohr via afp  contradicts" in terminal and "did not carry out any" in terminal


def test_the_report_carries_the_timelines_in_every_format(run, db):
    data = report(run, db)
    assert timeline_of(data, "turkey-mod") == STORY["timeline"]["toll"]
    for fmt in ("terminal", "markdown", "html"):
        shown = run("--db", db, "report", "--story", "balyun", "--format", fmt).stdout
        assert "turkey-mod revises +3 h" in shown, fmt
    assert "Revisions" in run("--db", db, "report", "--story", "balyun").stdout


def test_revisions_are_recorded_in_the_audit_log_and_replayed(run, db):
    data = report(run, db)
    run_id = data["run"]["id"]
    stored = json.loads(run("--db", db, "audit", "show", run_id, "--json").stdout)
    assert sum(f["kind"] == "revision" for f in stored["findings"]) == len(STORY["revisions"])
    replay = run("--db", db, "audit", "replay", run_id, "--json")
    assert replay.exit_code == 0 and json.loads(replay.stdout)["same"], replay.stdout
    compared = json.loads(run("--db", db, "compare", "--story", "balyun", "--json").stdout)
    assert {f["id"] for f in compared["findings"] if f["kind"] == "revision"} == {
        f["id"] for f in data["findings"] if f["kind"] == "revision"
    }


def test_a_source_is_not_compared_with_itself_within_one_document(run, tmp_path):
    db = tmp_path / "v.db"
    doc = tmp_path / "one.txt"
    doc.write_text(
        "Turkey's defence ministry said nine Turkish soldiers were killed in the air strike in Idlib on Thursday.\n"
        "Turkey's defence ministry said 22 Turkish soldiers were killed in the air strike in Idlib on Thursday.\n"
    )
    other = tmp_path / "other.txt"
    other.write_text("The Syrian Observatory said 34 Turkish soldiers were killed in the air strike in Idlib.\n")
    for path, outlet in ((doc, "afp"), (other, "reuters")):
        assert run("--db", db, "ingest", path, "--outlet", outlet, "--story", "s").exit_code == 0
    data = json.loads(run("--db", db, "compare", "--story", "s", "--json").stdout)
    assert data["stats"]["revision_candidates"] == 0
    assert not [f for f in data["findings"] if f["kind"] == "revision"]


def test_the_saraqeb_story_has_no_revisions(run, story_copy):
    """The Observatory's 'at least 19' and, a day later, '19' is the same toll told twice."""
    data = json.loads(run("--db", story_copy, "report", "--story", "saraqeb", "--format", "json").stdout)
    assert data["run"]["stats"]["revision_candidates"] > 0
    assert not [f for f in data["findings"] if f["kind"] == "revision"]


def test_an_undated_document_is_placed_by_ingestion_and_marked(run, db, tmp_path):
    doc = tmp_path / "undated.txt"
    doc.write_text("Turkey's defence ministry said 33 Turkish soldiers were killed in the air strike in Idlib.\n")
    assert run("--db", db, "ingest", doc, "--outlet", "reuters", "--story", "balyun").exit_code == 0
    store = open_store(db, create=False)
    (claim,) = [c for c in store.claims(story="balyun") if c["document_id"] == store.documents()[-1]["id"]]
    store.close()
    assert claim["time"]["basis"] == "ingested" and claim["time"]["reported"]
    data = json.loads(run("--db", db, "timeline", "--story", "balyun", "--json").stdout)
    entry = next(e for g in data["groups"] for e in g["timeline"] if e["claim"] == claim["id"])
    assert entry["basis"] == "ingested" and entry["after_seconds"] is None


def test_claims_carry_their_reported_and_stated_times(run, db):
    claims = {c["text"]: c for c in json.loads(run("--db", db, "claims", "--story", "balyun", "--json").stdout)}
    evening = next(c for t, c in claims.items() if t.startswith("Turkey's defence ministry said nine"))
    assert evening["time"] == {
        "reported": "2020-02-27T19:40Z",
        "basis": "published",
        "stated": "2020-02-27",
        "stated_text": "on Thursday",
    }


def test_undated_documents_give_no_revisions(run, tmp_path):
    """Without publication dates nothing says which account came later: no revision is claimed."""
    db = tmp_path / "v.db"
    for n, toll in enumerate(("nine", "22")):
        doc = tmp_path / f"d{n}.txt"
        doc.write_text(
            f"Turkey's defence ministry said {toll} Turkish soldiers were killed in the air strike in Idlib.\n"
        )
        assert run("--db", db, "ingest", doc, "--outlet", "afp", "--story", "s").exit_code == 0
    other = tmp_path / "other.txt"
    other.write_text("The Syrian Observatory said 34 Turkish soldiers were killed in the air strike in Idlib.\n")
    assert run("--db", db, "ingest", other, "--outlet", "reuters", "--story", "s").exit_code == 0
    data = json.loads(run("--db", db, "compare", "--story", "s", "--json").stdout)
    assert data["stats"]["revision_candidates"] == 0 and not [f for f in data["findings"] if f["kind"] == "revision"]
    for path in (tmp_path / "d0.txt", tmp_path / "d1.txt"):  # dated, the same two accounts are a revision
        path.write_text(path.read_text() + "The ministry gave the toll in Ankara.\n")
    for n, day in enumerate(("2020-02-27T19:40Z", "2020-02-27T22:55Z")):
        assert (
            run(
                "--db", db, "ingest", tmp_path / f"d{n}.txt", "--outlet", "afp", "--story", "s", "--published", day
            ).exit_code
            == 0
        )
    data = json.loads(run("--db", db, "compare", "--story", "s", "--json").stdout)
    assert [f["evidence"]["revision"]["change"] for f in data["findings"] if f["kind"] == "revision"] == ["update"]
