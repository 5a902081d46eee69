"""Rated reviews published as schema.org ClaimReview, on the fixture story."""

from __future__ import annotations

import json

import pytest

from verify.store.db import open_store

from .conftest import copy_store, reported_story, tamper

# The schema.org properties this export may use, per type (from schema.org's ClaimReview, Claim,
# Rating, CreativeWork, Organization and Person pages), and the ones each object must carry.
VOCABULARY = {
    "ClaimReview": {
        "@context",
        "@type",
        "claimReviewed",
        "itemReviewed",
        "reviewRating",
        "author",
        "datePublished",
        "url",
        "identifier",
    },
    "Claim": {"@type", "author", "appearance", "datePublished"},
    "Rating": {"@type", "ratingValue", "bestRating", "worstRating", "alternateName"},
    "CreativeWork": {"@type", "url", "headline", "datePublished", "publisher"},
    "Organization": {"@type", "name"},
    "Person": {"@type", "name"},
}
REQUIRED = {
    "ClaimReview": {"@context", "@type", "claimReviewed", "itemReviewed", "reviewRating", "author", "datePublished"},
    "Claim": {"@type", "author", "appearance"},
    "Rating": {"@type", "alternateName"},
    "CreativeWork": {"@type", "publisher"},
    "Organization": {"@type", "name"},
    "Person": {"@type", "name"},
}


def check_node(node: dict) -> None:
    """Every object typed, every property in its type's vocabulary, required ones present, nested
    objects checked the same way."""
    kind = node["@type"]
    assert set(node) <= VOCABULARY[kind], (kind, set(node) - VOCABULARY[kind])
    assert REQUIRED[kind] <= set(node), (kind, REQUIRED[kind] - set(node))
    for key, value in node.items():
        if isinstance(value, dict):
            check_node(value)
        elif key in ("datePublished",):
            assert len(value) == 10 and value[4] == "-" and value[7] == "-"
        elif key in ("ratingValue", "bestRating", "worstRating"):
            assert isinstance(value, int)
        elif key != "@context":
            assert isinstance(value, str) and value.strip()


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    """The fixture story, reported once, with two rated reviews and one plain decision."""
    from click.testing import CliRunner

    from verify.cli import cli

    db, report = reported_story(tmp_path_factory.mktemp("claimreview"))
    runner = CliRunner()
    contradictions = [f for f in report["findings"] if f["kind"] == "contradiction"]
    first, second = contradictions[0], contradictions[1]
    for args in (
        [first["id"], "--confirm", "--rating", "false", "--url", "https://factcheck.example/one", "--note", "n1"],
        [second["id"], "--confirm", "--rating", "mostly true", "--claim", second["claims"][1], "--note", "n2"],
        [report["findings"][-1]["id"], "--dismiss", "--note", "not a fact-check"],
    ):
        result = runner.invoke(cli, ["--db", str(db), "review", *args])
        assert result.exit_code == 0, result.output
    return db, report, first, second


def test_claimreview_export_validates(run, reviewed, tmp_path):
    db, report, first, second = reviewed
    out = tmp_path / "saraqeb.jsonld"
    result = run("--db", db, "export", "claimreview", "--story", "saraqeb", "--organisation", "Desk Check", "-o", out)
    assert result.exit_code == 0, result.output
    reviews = json.loads(out.read_text())
    assert len(reviews) == 2  # one object per rated claim; the dismissal without a rating is not one
    for review in reviews:
        assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
        check_node({k: v for k, v in review.items()})
        assert review["author"] == {"@type": "Organization", "name": "Desk Check"}
    claims = {c["id"]: c for c in report["claims"]}
    one, two = reviews
    assert one["claimReviewed"] == claims[first["claims"][0]]["text"] and one["url"] == "https://factcheck.example/one"
    assert one["reviewRating"]["alternateName"] == "False" and one["reviewRating"]["ratingValue"] == 1
    assert two["claimReviewed"] == claims[second["claims"][1]]["text"] and "url" not in two
    assert two["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Mostly true",
        "ratingValue": 5,
        "bestRating": 6,
        "worstRating": 1,
    }
    source = {s["id"]: s["name"] for s in report["sources"]}
    assert one["itemReviewed"]["author"]["name"] == source[claims[first["claims"][0]]["source"]]
    assert one["itemReviewed"]["appearance"]["publisher"]["name"] == source[claims[first["claims"][0]]["outlet"]]


def test_claimreview_by_run_and_errors(run, reviewed):
    db, report, *_ = reviewed
    by_run = run("--db", db, "export", "claimreview", "--run", report["run"]["id"], "--organisation", "D")
    assert by_run.exit_code == 0 and len(json.loads(by_run.stdout)) == 2
    assert json.loads(run("--db", db, "export", "claimreview", "--story", "other", "--organisation", "D").stdout) == []
    missing = run("--db", db, "export", "claimreview")
    assert missing.exit_code == 1 and "organisation" in missing.stderr
    assert "unknown run" in run("--db", db, "export", "claimreview", "--run", "r-nope", "--organisation", "D").stderr


def test_rating_is_checked_and_chained(run, reviewed, tmp_path):

    db, report, first, _ = reviewed
    db = copy_store(db, tmp_path / "copy.db")  # this test tampers with the file
    bad = run("--db", db, "review", first["id"], "--confirm", "--rating", "pants on fire", "--note", "x")
    assert bad.exit_code == 2
    wrong_claim = run(
        "--db", db, "review", first["id"], "--confirm", "--rating", "true", "--claim", "nope.1", "--note", "x"
    )
    assert wrong_claim.exit_code == 1 and "not one of finding" in wrong_claim.stderr
    assert (
        run("--db", db, "review", first["id"], "--confirm", "--url", "https://x.example", "--note", "x").exit_code == 1
    )
    assert run("--db", db, "audit", "verify").exit_code == 0
    tamper(db, "UPDATE decisions SET rating = 'true' WHERE rating = 'false'")
    result = run("--db", db, "audit", "verify")
    assert result.exit_code == 1 and "altered" in result.stderr


def test_decisions_recorded_before_ratings_keep_their_digest(reviewed):
    """A decision without a rating is chained over the columns a store had before ratings
    existed, so decisions recorded then still verify after the migration added the columns."""
    from verify.store.rows import canonical, sha256

    db, *_ = reviewed
    store = open_store(db, create=False)
    plain = store.rows("SELECT * FROM decisions WHERE rating IS NULL")[0]
    chained = store.rows("SELECT digest FROM audit_log WHERE ref = ?", [plain["id"]])[0]["digest"]
    before = {k: v for k, v in plain.items() if k not in ("claim", "rating", "url")}
    assert chained == sha256(canonical(before))
    store.close()
