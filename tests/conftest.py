"""Shared test fixtures: the bundled Saraqeb story ingested into a real SQLite file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from verify.claims.assertion import prepare
from verify.claims.extract import claim_facts
from verify.cli import cli
from verify.ingest.documents import ingest, ingest_manifest
from verify.sources import SourceIndex, load_registry
from verify.store.db import open_store

ROOT = Path(__file__).resolve().parent.parent
STORY_DIR = ROOT / "fixtures" / "saraqeb"
EXPECTED = json.loads((STORY_DIR / "expected.json").read_text())


def verify_process(*args) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `python -X importtime -m verify ARGS` as a fresh process, as a user runs it: its result,
    and the names of the modules it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "verify", *map(str, args)], capture_output=True, text=True
    )
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done, imported


def ingest_story(db_path: Path) -> None:
    """Ingest every fixture document with the outlet and date its manifest (expected.json) gives."""
    store = open_store(db_path)
    try:
        ingest_manifest(store, STORY_DIR / "expected.json")
    finally:
        store.close()


def ingest_entries(store, entries: list[dict]) -> None:
    """Ingest some of the story's documents (entries of its manifest), with their outlets and dates."""
    for entry in entries:
        options = {k: entry.get(k) for k in ("outlet", "published")}
        ingest(store, [STORY_DIR / entry["path"]], story=EXPECTED["story"], **options)


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


def copy_store(source: Path, target: Path) -> Path:
    """A consistent copy of a store (VACUUM INTO: the WAL's pages included)."""
    store = open_store(source)
    store.conn.execute(f"VACUUM INTO '{target}'")
    store.close()
    return target


def tamper(db: Path, *statements: str) -> None:
    """Edit the file by hand, as someone with write access to it could: triggers dropped, and a
    sha256() SQL function to recompute hashes with."""
    conn = sqlite3.connect(db)
    conn.create_function("sha256", 1, lambda text: hashlib.sha256(text.encode()).hexdigest())
    for trigger in [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]:
        conn.execute(f"DROP TRIGGER {trigger}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def reported_story(folder: Path) -> tuple[Path, dict]:
    """The fixture story in a new store in ``folder``, reported once: (database, report JSON)."""
    db = folder / "story.db"
    ingest_story(db)
    result = CliRunner().invoke(cli, ["--db", str(db), "report", "--story", "saraqeb", "--format", "json"])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.stdout)


@pytest.fixture
def story_copy(story_db, tmp_path) -> Path:
    """A private, writable copy of the story database."""
    return copy_store(story_db, tmp_path / "story.db")


@pytest.fixture
def run():
    """Run the real CLI in-process; returns click's Result (stdout and stderr apart)."""

    def invoke(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def chromium() -> str | None:
    """Debian's chromium, when installed (`make test` installs it and its driver)."""
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    return None


needs_browser = pytest.mark.skipif(
    chromium() is None or shutil.which("chromedriver") is None,
    reason="Debian's chromium and chromium-driver are not installed (make test installs them)",
)


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium driven by Selenium, offline."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager reach for the network
    options = webdriver.ChromeOptions()
    options.binary_location = chromium()
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,1600",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def claim(text: str, published: str | None = None, cue: str | None = None, **extra) -> dict:
    """A claim as the store holds it, built from text with the same fact extractors."""
    base = {"id": text[:20], "text": text, "cue": cue, "negative": 0, "source": "a", "source_name": "A"}
    return prepare({**base, **claim_facts(text, published), **extra})


@pytest.fixture(scope="session")
def index():
    """The bundled source registry's index."""
    return SourceIndex(load_registry())
