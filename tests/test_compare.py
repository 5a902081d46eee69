"""Matching and comparison on the fixture story, the structured checks, the cache and bad input."""

from __future__ import annotations

import json

import pytest

from verify.compare.clashes import number_clashes
from verify.compare.story import compare
from verify.ingest.documents import ingest
from verify.records import Thresholds
from verify.store.db import open_store

from .conftest import EXPECTED, claim, copy_store, ingest_entries, matches


@pytest.fixture(scope="module")
def story_json(tmp_path_factory):
    """`verify compare --json` on its own copy of the story (compare writes the embedding cache)."""
    from click.testing import CliRunner

    from verify.cli import cli

    from .conftest import ingest_story

    db = tmp_path_factory.mktemp("compare") / "story.db"
    ingest_story(db)
    result = CliRunner().invoke(cli, ["--db", str(db), "compare", "--json", "--story", "saraqeb"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_expected_finding_is_found_and_few_false_alarms(story_json, story_db):
    store = open_store(story_db)  # same documents, so the same claim ids
    texts = {c["id"]: c["text"] for c in store.claims()}
    store.close()
    findings = story_json["findings"]
    missed = [e["why"] for e in EXPECTED["findings"] if not any(matches(e, f, texts) for f in findings)]
    # a known miss is listed with its cause in expected.json; finding it again fails here too, to be unlisted
    assert missed == [e["why"] for e in EXPECTED["findings"] if e.get("known_miss")]
    true = [f for f in findings if any(matches(e, f, texts) for e in EXPECTED["findings"])]
    # measured with the real-label decision: 2 false alarms in 22 findings (two partial agreements); the
    # judge issue's target is at most 2
    assert len(findings) - len(true) <= 2, f"{len(findings) - len(true)} false alarms in {len(findings)}"


def test_findings_carry_reason_evidence_confidence_and_thresholds(story_json):
    for finding in story_json["findings"]:
        assert {"id", "kind", "claims", "sources", "omitted_by", "confidence", "reason", "evidence"} <= finding.keys()
        assert 0 <= finding["confidence"] <= 1 and finding["reason"]
        assert finding["thresholds"] == Thresholds().as_dict()
    number = next(f for f in story_json["findings"] if "numbers" in f["evidence"].get("clashes", {}))
    assert number["evidence"]["clashes"]["numbers"][0]["unit"] == "soldier"
    omission = next(f for f in story_json["findings"] if f["kind"] == "omission" and f["omitted_by"] == ["sana"])
    assert "did not report the loss" in omission["evidence"]["negative_report"]["text"]
    assert "did not report the loss" in omission["reason"]


def test_groups_have_a_central_label_and_their_sources(story_json):
    groups = story_json["groups"]
    assert groups and all({"id", "label", "claims", "sources"} <= g.keys() for g in groups)
    biggest = groups[0]
    assert {"afp", "nlf", "sana"} <= set(biggest["sources"])


def test_a_single_relaying_article_yields_findings(tmp_path):
    from .conftest import STORY_DIR

    store = open_store(tmp_path / "one.db")
    ingest(store, [STORY_DIR / "wire-relay.html"], outlet="reuters")
    result = compare(store)
    kinds = {(f["kind"], tuple(f["sources"])) for f in result.findings}
    assert ("contradiction", ("nlf", "sohr")) in kinds
    store.close()


def test_rerunning_on_an_unchanged_store_embeds_nothing(tmp_path):
    from .conftest import ingest_story

    ingest_story(tmp_path / "fresh.db")
    store = open_store(tmp_path / "fresh.db")
    first = compare(store)
    second = compare(store)
    assert first.stats["embedded"] > 0 and second.stats["embedded"] == 0
    assert [f["id"] for f in first.findings] == [f["id"] for f in second.findings]
    store.close()


def test_batch_size_does_not_change_findings(story_copy, tmp_path):
    from verify.models.embedder import Embedder, embedding_model_info

    small = compare(open_store(story_copy), embedder=Embedder(embedding_model_info(), batch_size=2))
    fresh = tmp_path / "fresh.db"
    from .conftest import ingest_story

    ingest_story(fresh)
    large = compare(open_store(fresh), embedder=Embedder(embedding_model_info(), batch_size=128))
    assert [(f["id"], f["confidence"]) for f in small.findings] == [(f["id"], f["confidence"]) for f in large.findings]


def test_a_report_after_a_new_document_searches_only_its_claims(story_db, tmp_path):
    """The neighbour lists kept from the last comparison: with a document added, only its claims
    are searched, and the findings are exactly those of a comparison from scratch."""
    *first, last = EXPECTED["documents"]
    store = open_store(tmp_path / "grown.db")
    ingest_entries(store, first)
    earlier = compare(store, story="saraqeb")
    ingest_entries(store, [last])
    grown = compare(store, story="saraqeb")
    scratch = compare(open_store(copy_store(story_db, tmp_path / "scratch.db")), story="saraqeb")
    pool = [c for c in earlier.claims if not c["negative"]]
    assert earlier.stats["neighbours_known"] == 0 and scratch.stats["neighbours_known"] == 0
    assert grown.stats["neighbours_known"] == len(pool) > 0
    assert grown.stats["candidates"] == scratch.stats["candidates"]
    # the pairs judged before are not judged again: every candidate of the earlier comparison
    assert earlier.stats["verdicts_known"] == 0 and scratch.stats["verdicts_known"] == 0
    assert 0 < grown.stats["verdicts_known"] <= earlier.stats["candidates"] < grown.stats["candidates"]
    assert grown.stats["nli_pairs"] == scratch.stats["nli_pairs"]
    assert [(f["id"], f["kind"], f["confidence"], f["evidence"]) for f in grown.findings] == [
        (f["id"], f["kind"], f["confidence"], f["evidence"]) for f in scratch.findings
    ]
    # other search thresholds, or claims that are not the earlier pool's followed by new ones: searched anew
    other = compare(store, story="saraqeb", thresholds=Thresholds(top_k=6))
    assert other.stats["neighbours_known"] == 0 and other.stats["verdicts_known"] == 0
    later = [d["id"] for d in store.documents()][1:]
    assert compare(store, documents=later).stats["neighbours_known"] == 0
    store.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_neighbour_lists_grown_equal_lists_searched_at_once(seed, monkeypatch):
    """Random claims in three arrivals, the search in small chunks: lists grown from the earlier
    ones give the same pairs, with the same similarities, as one search over all the claims."""
    import numpy as np

    from verify.compare import match

    monkeypatch.setattr(match, "CHUNK_ROWS", 64)
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(400, 24)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sources = [f"s{rng.integers(6)}" for _ in range(400)]
    names = [{f"name:{rng.integers(30)}"} if rng.random() < 0.4 else set() for _ in range(400)]
    searched = (5, 0.25, 0.1)  # top_k, floor, name boost
    at_once, lists = match.candidate_pairs(vectors, sources, names, *searched)
    known = None
    for size in (250, 330, 400):
        grown, known = match.candidate_pairs(vectors[:size], sources[:size], names[:size], *searched, known)
    assert len(at_once) > 400 and grown == at_once
    assert np.array_equal(known.columns, lists.columns)


def test_nli_results_are_cached_by_model_and_pair(story_copy):
    store = open_store(story_copy)
    first = compare(store, story="saraqeb")
    cached = store.conn.execute("SELECT count(*) FROM nli").fetchone()[0]
    assert cached == first.stats["nli_computed"] > 0
    pairs = [f for f in first.findings if f["kind"] != "omission"]
    # a re-run that must judge the pairs again (their verdicts dropped) reads every NLI result
    # from the cache: zeroed rows come back as zero probabilities
    store.conn.execute("UPDATE nli SET probabilities = zeroblob(12)")
    store.conn.execute("DELETE FROM verdicts")
    zeroed = compare(store, story="saraqeb")
    assert zeroed.stats["nli_computed"] == 0
    for finding in (f for f in zeroed.findings if f["kind"] != "omission"):
        assert set(finding["evidence"]["nli"]["left_to_right"].values()) == {0.0}
    assert store.conn.execute("SELECT count(*) FROM nli").fetchone()[0] == cached
    # and computing them afresh gives what the first run found
    store.conn.execute("DELETE FROM nli")
    store.conn.execute("DELETE FROM verdicts")
    again = compare(store, story="saraqeb")
    assert again.stats["nli_computed"] == cached
    assert [(f["id"], f["confidence"], f["evidence"]["nli"]) for f in again.findings if f["kind"] != "omission"] == [
        (f["id"], f["confidence"], f["evidence"]["nli"]) for f in pairs
    ]
    store.close()


# -- the structured checks, one by one -------------------------------------------------------


def test_ranges_in_words_and_events_the_parse_finds():
    """Our wording of real misfires: "two or three gunmen" is a range; families that fled are not
    families rescued; soldiers besieged are not soldiers killed."""
    from verify.claims.extract import sentence_claims
    from verify.sources import bundled_index

    assert not number_clashes(claim("Two or three gunmen may have taken part."), claim("Up to two gunmen took part."))
    (q,) = claim("Two or three gunmen may have taken part.")["numbers"]
    assert (q["low"], q["high"]) == (2, 3)
    fled, rescued, besieged, killed = sentence_claims(
        [
            "More than 80 families had to flee their homes in the flood.",
            "Rescue teams rescued 18 families from their homes in the flood.",
            "The militants killed many of the 400 soldiers they besieged in the district.",
            "Three hundred soldiers were killed in the district.",
        ],
        bundled_index(),
    )
    assert (fled["numbers"][0]["event"], rescued["numbers"][0]["event"]) == ("displace", "rescue")  # fleeing displaces
    assert not number_clashes(fled, rescued)
    assert besieged["numbers"][0]["event"] == "besiege" and not number_clashes(besieged, killed)


# -- bad input -------------------------------------------------------------------------------


def test_one_source_only_is_a_clear_error(run, tmp_path):
    from .conftest import STORY_DIR

    db = tmp_path / "one.db"
    run("--db", db, "ingest", STORY_DIR / "sana.txt", "--outlet", "sana")
    store = open_store(db)
    store.conn.execute("UPDATE claims SET source = 'sana'")
    store.close()
    result = run("--db", db, "compare")
    assert result.exit_code == 1 and "only one source" in result.stderr


def test_unknown_story_and_empty_store(run, story_db, tmp_path):
    result = run("--db", story_db, "compare", "--story", "nowhere")
    assert result.exit_code == 1 and "unknown story 'nowhere'" in result.stderr
    result = run("--db", tmp_path / "none.db", "compare")
    assert result.exit_code == 1 and "no database" in result.stderr


def test_no_matches_gives_no_findings(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The central bank raised interest rates by half a point on Tuesday.")
    b.write_text("A rare orchid flowered in the botanical garden after twelve years.")
    store = open_store(tmp_path / "n.db")
    ingest(store, [a], outlet="afp")
    ingest(store, [b], outlet="reuters")
    assert compare(store).findings == []
    store.close()


def test_absurdly_long_sentence_is_cut_at_ingest_with_a_warning(run, tmp_path):
    """A "sentence" past 1,000 characters is cut into claims at ingest (which says so), so no claim
    is ever too long for the models and the comparison truncates nothing."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Rebels said they took the town of Saraqeb " + "and the villages around it " * 80 + "on Thursday.")
    b.write_text("The army said it repelled an attack on Saraqeb on Thursday.")
    db = tmp_path / "long.db"
    ingested = run("--db", db, "ingest", a, "--outlet", "nlf", "--json")
    assert "cut into claims at white space" in json.loads(ingested.stdout)["warnings"][0]
    run("--db", db, "ingest", b, "--outlet", "sana")
    result = run("--db", db, "compare", "--json")
    assert result.exit_code == 0 and "truncated" not in result.stderr
    assert json.loads(result.stdout)["stats"]["truncated"] == 0


def test_bad_threshold_is_a_usage_error(run, story_db):
    result = run("--db", story_db, "compare", "--threshold", "agreement=high")
    assert result.exit_code == 2 and "not a number" in result.stderr


def test_local_nli_model_folder(tmp_path, story_db, run):
    """A tiny, randomly initialised cross-encoder built here: the loading path, never a hub name."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from verify.models.embedder import embedding_model_info

    folder = tmp_path / "tiny-nli"
    tokenizer = BertTokenizerFast.from_pretrained(embedding_model_info().path, local_files_only=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=3,
        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
        label2id={"contradiction": 0, "entailment": 1, "neutral": 2},
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    result = run("--db", story_db, "compare", "--json", "--nli-model", folder)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert "nli" in data["checks"] and 0 < data["stats"]["nli_pairs"] <= data["stats"]["candidates"]
    nli = next(m for m in data["models"] if m["role"] == "nli")
    assert nli["name"] == "tiny-nli" and nli["path"] == str(folder.resolve())
    pair = next(f for f in data["findings"] if f["kind"] != "omission")
    probabilities = pair["evidence"]["nli"]["left_to_right"]
    assert set(probabilities) == {"contradiction", "entailment", "neutral"}
    assert abs(sum(probabilities.values()) - 1) < 1e-3  # each rounded to 4 places
    bad = run("--db", story_db, "compare", "--nli-model", tmp_path)
    assert bad.exit_code == 1 and "no config.json" in bad.stderr


def test_pairs_benchmark_runs_and_reaches_its_floor():
    """bench/pairs.py on the 60 labelled pairs: the figures it prints, and a floor they must keep."""
    import subprocess
    import sys

    from .conftest import ROOT

    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pairs.py"), "--json"], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["pairs"] >= 60
    assert sum(figures["confusion"]["contradict"].values()) >= 15
    assert figures["accuracy"] >= 0.8 and min(figures["f1"].values()) >= 0.7


def test_tfidf_cosine_is_the_same_float_in_every_process():
    """Reproducible runs need bit-identical evidence: a sum over a set would change its last bits
    with Python's per-process string hashing."""
    import os
    import subprocess
    import sys

    code = (
        "import random\n"
        "from verify.claims.words import tfidf_cosine\n"
        "vocab = 'rebel fighter town saraqeb syria army shelling turkish soldier killed highway strike'.split()\n"
        "rnd = random.Random(0)\n"
        "texts = [' '.join(rnd.choice(vocab) for _ in range(40)) for _ in range(20)]\n"
        "print([repr(tfidf_cosine({'assertion': a}, {'assertion': b})) for a, b in zip(texts, texts[1:])])\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, PYTHONHASHSEED=seed),
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


def test_one_person_s_age_told_twice_is_compared():
    """Ages meet only in claims that name someone in common, each giving one age."""
    from verify.claims.extract import sentence_claims
    from verify.compare.clashes import number_clashes
    from verify.sources import bundled_index

    kumar, older, other = sentence_claims(
        [
            "Police said Suresh Kumar, 40, was set upon by locals in Ganganagar.",
            "A 46-year-old man, Suresh Kumar, was seen in Ganganagar in Rajasthan.",
            "A 46-year-old man was arrested in Jaipur after the protest.",
        ],
        bundled_index(),
    )
    assert [(c["left"], c["right"]) for c in number_clashes(kumar, older)] == [("40", "46")]
    assert not number_clashes(kumar, other)
