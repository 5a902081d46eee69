"""Ingest from the web: URLs, URL lists and feeds, served by a local HTTP server (127.0.0.1 only)."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import threading
import time
from pathlib import Path

import pytest

from verify.store.db import open_store

from .conftest import STORY_DIR

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire</title><link>{base}/</link><description>Syria</description>
<item><title>Relay</title><link>{base}/wire-relay.html</link></item>
<item><title>Gone</title><link>{base}/missing.html</link></item>
</channel></rss>
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A local web server over a folder holding a fixture page and a feed; yields its base URL."""
    root = tmp_path_factory.mktemp("site")
    (root / "wire-relay.html").write_bytes((STORY_DIR / "wire-relay.html").read_bytes())
    (root / "empty.html").write_text("<html><head><title>Nothing</title></head><body></body></html>")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    base = f"http://localhost:{server.server_address[1]}"
    (root / "feed.xml").write_text(FEED.format(base=base))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


def documents(db: Path) -> list[dict]:
    store = open_store(db, create=False)
    try:
        return store.documents()
    finally:
        store.close()


def test_a_url_is_fetched_and_read_as_a_saved_page(run, site, tmp_path):
    db = tmp_path / "v.db"
    result = run(
        "--db",
        db,
        "ingest",
        f"{site}/wire-relay.html",
        "--outlet",
        "reuters",
        "--story",
        "saraqeb",
        "--allow-private-addresses",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["claims"] > 3
    (doc,) = documents(db)
    assert doc["url"] == doc["path"] == f"{site}/wire-relay.html" and doc["outlet"] == "reuters"
    assert "SANA reported fierce clashes" in doc["text"]


def test_private_addresses_are_refused_by_default(run, site, tmp_path):
    db = tmp_path / "v.db"
    result = run("--db", db, "ingest", f"{site}/wire-relay.html", "--outlet", "reuters")
    assert result.exit_code == 1
    assert f"failed: {site}/wire-relay.html: a loopback or private address, refused (allow it with " in result.stderr
    assert "0 document(s)" in result.stderr and not documents(db)


def test_feed_fetches_its_articles_and_reports_each_failure(run, site, tmp_path):
    db = tmp_path / "v.db"
    result = run(
        "--db", db, "ingest", "--feed", f"{site}/feed.xml", "--outlet", "reuters", "--allow-private-addresses", "--json"
    )
    data = json.loads(result.stdout)
    assert result.exit_code == 1  # one article failed; the other is stored
    assert [a["path"] for a in data["added"]] == [f"{site}/wire-relay.html"]
    assert data["failed"] == [{"url": f"{site}/missing.html", "why": data["failed"][0]["why"]}]
    assert len(documents(db)) == 1
    bad = run("--db", db, "ingest", "--feed", f"{site}/wire-relay.html", "--allow-private-addresses")
    assert bad.exit_code == 1 and "no article links found" in bad.stderr


def test_url_list_and_outlet_from_the_domain(run, site, tmp_path):
    db = tmp_path / "v.db"
    assert (
        run(
            "--db",
            db,
            "sources",
            "add",
            "local-wire",
            "--name",
            "Local Wire",
            "--kind",
            "agency",
            "--domain",
            "localhost",
        ).exit_code
        == 0
    )
    listing = tmp_path / "links.txt"
    listing.write_text(f"# this morning's links\n{site}/wire-relay.html\n{site}/empty.html\n")
    result = run("--db", db, "ingest", "--urls", listing, "--allow-private-addresses")
    assert result.exit_code == 1 and f"failed: {site}/empty.html: no article text found" in result.stderr
    (doc,) = documents(db)
    assert doc["outlet"] == "local-wire"
    bad_list = tmp_path / "bad.txt"
    bad_list.write_text("ftp://example.org/file\n")
    assert "not an http(s) URL" in run("--db", db, "ingest", "--urls", bad_list).stderr


def test_text_from_stdin(run, tmp_path):
    db = tmp_path / "v.db"
    result = run(
        "--db",
        db,
        "ingest",
        "-",
        "--outlet",
        "sana",
        "--story",
        "saraqeb",
        input="The army said it entered the town of Saraqeb at dawn on Thursday.\n",
    )
    assert result.exit_code == 0 and "stored stdin as document" in result.stderr
    assert run("--db", db, "ingest", "-", "--outlet", "sana", input="").exit_code == 1


class Awkward(http.server.BaseHTTPRequestHandler):
    """A server that misbehaves in the ways the web does: stalls, errors, oversized and bomb pages."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/stall":  # headers at once, then a byte every half second
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.5)
        elif self.path == "/huge":
            self.send_response(200)
            self.end_headers()
            for _ in range(25):
                self.wfile.write(b"a" * 1_000_000)
        elif self.path == "/bomb":
            body = gzip.compress(b" " * 100_000_000)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_response(404)
            self.end_headers()

    def handle(self):
        with contextlib.suppress(OSError):  # the client gave up, as it should
            super().handle()


@pytest.fixture(scope="module")
def awkward_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Awkward)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(
    "path, why",
    [
        ("/gone", "the server answered 404 Not Found"),
        ("/huge", "the page is larger than the 20 MB a page may hold"),
        ("/bomb", "the page is larger than the 20 MB a page may hold"),
        ("/stall", "no complete answer within 2 s (--timeout)"),
    ],
)
def test_each_failed_fetch_says_why(run, awkward_site, tmp_path, path, why):
    started = time.monotonic()
    result = run(
        "--db", tmp_path / "v.db", "ingest", awkward_site + path, "--outlet", "reuters",
        "--allow-private-addresses", "--timeout", "2",
    )  # fmt: skip
    assert result.exit_code == 1 and f"failed: {awkward_site}{path}: {why}\n" in result.stderr
    assert time.monotonic() - started < 6  # --timeout bounds the whole fetch, not each attempt
    assert not documents(tmp_path / "v.db")


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_timeout_must_be_a_finite_number(run, tmp_path, value):
    result = run("--db", tmp_path / "v.db", "ingest", "http://example.org/a", "--outlet", "reuters", "--timeout", value)
    assert result.exit_code == 2 and "--timeout" in result.stderr and "Traceback" not in result.output
