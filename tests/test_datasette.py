"""The store browsed in Datasette (its in-process test client) and searched from the command line."""

from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import reported_story

datasette_app = pytest.importorskip("datasette.app")


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """The fixture story with one report run, and the metadata verify writes for it."""
    from click.testing import CliRunner

    from verify.cli import cli

    db, report = reported_story(tmp_path_factory.mktemp("datasette"))
    metadata = json.loads(CliRunner().invoke(cli, ["--db", str(db), "datasette-metadata"]).stdout)
    return db, report, metadata


def fetch(db, metadata, *paths):
    """JSON from Datasette for each path, through its in-process client."""
    datasette = datasette_app.Datasette([str(db)], metadata=metadata)

    async def get_all():
        out = []
        for path in paths:
            response = await datasette.client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            out.append(response.json())
        return out

    return asyncio.run(get_all())


def test_views_search_and_metadata_in_datasette(reported):
    db, report, metadata = reported
    latest, by_source, claims_by_source, searched, disputes = fetch(
        db,
        metadata,
        "/story/latest_findings.json?_shape=array&_size=max",
        "/story/findings_by_source.json?_shape=array",
        "/story/claims_by_source.json?_shape=array",
        "/story/claims.json?_search=Observatory&_shape=array",
        "/story/disputes.json?_shape=array",
    )
    assert len(latest) == len(report["findings"]) and {f["id"] for f in latest} == {f["id"] for f in report["findings"]}
    texts = {c["id"]: c["text"] for c in report["claims"]}
    first = next(f for f in report["findings"] if f["kind"] == "contradiction")
    row = next(f for f in latest if f["id"] == first["id"])
    assert (row["claim"], row["other_claim"]) == (texts[first["claims"][0]], texts[first["claims"][1]])
    contradictions = sum(r["findings"] for r in by_source if r["kind"] == "contradiction")
    assert contradictions == 2 * sum(f["kind"] == "contradiction" for f in report["findings"])  # two sources each
    assert sum(r["claims"] for r in claims_by_source) == len(report["claims"])
    assert searched and all("Observatory" in r["text"] for r in searched)
    pairs = {tuple(f["sources"]) for f in report["findings"] if f["kind"] == "contradiction"}
    assert {(d["source"], d["other_source"]) for d in disputes} == pairs
    assert sum(d["contradictions"] for d in disputes) == contradictions // 2
    assert all(d["strongest_reason"] for d in disputes)


def test_search_command(run, reported):
    db, *_ = reported
    found = json.loads(run("--db", db, "search", "Observatory", "--json").stdout)
    assert found and all("Observatory" in c["text"] and "[Observatory]" in c["snippet"] for c in found)
    only = json.loads(run("--db", db, "search", "Saraqeb", "--source", "sana", "--json").stdout)
    assert only and {c["source"] for c in only} == {"sana"}
    assert run("--db", db, "search", '"unbalanced quote').exit_code == 0
