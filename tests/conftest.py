"""Shared test fixtures: the bundled Saraqeb story ingested into a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify.cli import cli
from verify.ingest import ingest
from verify.store import open_store

ROOT = Path(__file__).resolve().parent.parent
STORY_DIR = ROOT / "fixtures" / "saraqeb"
EXPECTED = json.loads((STORY_DIR / "expected.json").read_text())


def ingest_story(db_path: Path, story_dir: Path = STORY_DIR, expected: dict = EXPECTED) -> None:
    """Ingest every fixture document with the outlet and date written in expected.json."""
    store = open_store(db_path)
    try:
        for doc in expected["documents"]:
            ingest(
                store,
                [story_dir / doc["path"]],
                outlet=doc.get("outlet"),
                story=expected["story"],
                published=doc.get("published"),
            )
    finally:
        store.close()


def matches(expected: dict, finding: dict, texts: dict) -> bool:
    """Whether a finding is the expected one (kind, sources and the words of its claims)."""
    if finding["kind"] not in expected["kind"]:
        return False
    claim_text = " || ".join(texts[c] for c in finding["claims"])
    if expected["kind"] == ["omission"]:
        return finding["omitted_by"] == [expected["omitted_by"]] and all(c in claim_text for c in expected["contains"])
    pair = [texts[c] for c in finding["claims"]]
    found = all(any(fragment in t for t in pair) for fragment in expected["contains"])
    return found and set(expected["sources"]) == set(finding["sources"])


@pytest.fixture(scope="session")
def story_db(tmp_path_factory) -> Path:
    """A database holding the Saraqeb story. Read-only use: copy it before writing."""
    path = tmp_path_factory.mktemp("story") / "story.db"
    ingest_story(path)
    return path


@pytest.fixture
def story_copy(story_db, tmp_path) -> Path:
    """A private, writable copy of the story database."""
    target = tmp_path / "story.db"
    store = open_store(story_db)
    store.conn.execute(f"VACUUM INTO '{target}'")
    store.close()
    return target


@pytest.fixture
def run():
    """Run the real CLI in-process; returns click's Result (stdout and stderr apart)."""

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke
