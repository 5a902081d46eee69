"""Matching and comparison on the fixture story, the structured checks, the cache and bad input."""

from __future__ import annotations

import json

import pytest

from verify.claims.extract import claim_facts, prepare
from verify.claims.places import places
from verify.compare.clashes import date_clashes, number_clashes, polarity_clash
from verify.compare.story import compare
from verify.compare.verdict import judge_pair
from verify.errors import VerifyError
from verify.ingest.documents import ingest
from verify.records import Thresholds
from verify.store.db import open_store

from .conftest import EXPECTED, copy_store, ingest_entries, matches


def claim(text: str, published: str | None = None, cue: str | None = None, **extra) -> dict:
    """A claim as the store holds it, built from text with the same fact extractors."""
    base = {"id": text[:20], "text": text, "cue": cue, "negative": 0, "source": "a", "source_name": "A"}
    return prepare({**base, **claim_facts(text, published), **extra})


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


def test_numbers_two_equals_two_and_at_least_widens():
    assert not number_clashes(claim("2 soldiers were killed."), claim("Two soldiers were killed."))
    assert number_clashes(claim("Two soldiers were killed."), claim("Five soldiers were killed."))
    assert not number_clashes(claim("At least 19 soldiers died."), claim("19 soldiers died."))
    assert number_clashes(claim("At least 19 soldiers died."), claim("12 soldiers died."))
    assert not number_clashes(claim("Dozens of fighters died."), claim("About 40 fighters died."))


def test_numbers_of_different_things_do_not_clash():
    assert not number_clashes(claim("Five Turkish soldiers were killed."), claim("40 government soldiers were killed."))
    assert not number_clashes(claim("The army destroyed 12 vehicles."), claim("Rebels seized two tanks."))
    assert number_clashes(claim("The blast killed 19 people."), claim("The blast killed 12 people."))
    # a running total is not one event's count; unlike things and unlike events never meet
    assert not number_clashes(
        claim("It took the total of Turkish soldiers killed this month to 19."),
        claim("Two Turkish soldiers were killed."),
    )
    assert not number_clashes(
        claim("The tally of soldiers killed stood at 19."), claim("Turkey keeps 12 observation posts.")
    )
    assert not number_clashes(
        claim("More than 950,000 people have been displaced."), claim("The strike killed 19 people.")
    )


def test_numbers_are_typed_and_ranges_read():
    """Real-text misfires, in our own words: an age is not a count, a range includes what it spans,
    a duration is not a count, and "one in" is no figure."""
    assert not number_clashes(claim("A car bomb killed eight people."), claim("The bomb killed his 10-year-old son."))
    assert not number_clashes(claim("She contacted over 50 doctors."), claim("She had to call 50-60 doctors."))
    assert not number_clashes(claim("He called 50 or 60 doctors."), claim("He called 55 doctors."))
    assert number_clashes(claim("Between 10 and 20 fighters were captured."), claim("Forty fighters were captured."))
    assert not number_clashes(
        claim("The court held him for another 30 days, according to reports."), claim("30 people were held.")
    )
    assert not number_clashes(claim("A report, including one in a wire, said six boys died."), claim("Six boys died."))
    assert not number_clashes(claim("Turnout was 61 percent."), claim("Her rival won 38 percent."))
    assert not number_clashes(claim("The union wants a nine percent raise."), claim("The union wants 9 percent more."))
    (q,) = claim("The union wants a nine percent raise.")["numbers"]
    assert (q["value"], q["kind"]) == (9, "percent")
    # counts of unlike things: neither claim states the other, so they cannot fully agree
    from verify.compare.clashes import unlike_figures

    soldiers = claim("Nineteen Turkish soldiers were killed in the province.")
    assert unlike_figures(soldiers, claim("More than 950,000 people have been displaced."))
    assert not unlike_figures(soldiers, claim("19 Turkish soldiers died in the province."))
    assert not unlike_figures(soldiers, claim("Turkish soldiers were killed in the province."))


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


def test_dates_weekday_against_a_date_and_relative_dates():
    thursday = claim("Rebels entered the town on Thursday.", published="2020-02-28")
    assert not date_clashes(thursday, claim("Rebels entered the town on February 27."))
    assert date_clashes(thursday, claim("Rebels entered the town on February 25."))
    assert not date_clashes(claim("It fell yesterday.", published="2020-02-28"), claim("It fell on 27 February 2020."))
    assert date_clashes(claim("It fell on Monday."), claim("It fell on Tuesday."))


def test_places_resolve_transliterations():
    assert places("fighting in Saraqib")[0]["name"] == places("fighting in Saraqeb")[0]["name"]


def test_negation_scope_did_not_report_is_not_a_denial():
    report = claim("The agency did not report the loss of the town.", cue="did not report", negative=1)
    lost = claim("The army lost the town.")
    assert polarity_clash(report, lost) is None
    assert polarity_clash(claim("The army did not lose the town."), lost)


def test_a_negation_about_something_else_is_no_clash():
    crash = claim("A meteor left a crater near the airport in Managua.")
    assert polarity_clash(claim("A meteor left a crater near the airport, but no one was hurt."), crash) is None
    assert polarity_clash(claim("The meteor did not leave a crater near the airport."), crash)
    assert polarity_clash(claim("Reports of a crater near the airport are false."), crash)


def test_opposed_outcomes_of_one_event_clash():
    """Our wording of real misses: wounded against killed, a hold against a capture."""
    from verify.compare.clashes import control_clash, outcome_clash

    wounded = claim("Officials said the group's leader was wounded in the air strike.")
    assert outcome_clash(wounded, claim("The group's leader was killed in the air strike."))
    assert outcome_clash(wounded, claim("The group's leader was wounded in the strike.")) is None
    assert outcome_clash(claim("The strike killed four guards and wounded two."), wounded) is None
    assert outcome_clash(claim("Four guards were killed in the strike."), wounded) is None  # a count's event
    held = claim("Government forces remain in full control of the town, the ministry said.")
    taken = claim("The opposition took full control of the town on Thursday.")
    assert control_clash(held, taken) and control_clash(taken, held)


def test_event_checks_keep_to_one_event_on_real_shapes():
    """Our wording of the false alarms measured on real news pairs (bench/labels/facts_pairs_events.jsonl):
    a person held or captured is no control of ground; a hoax, a negated act and another person's
    outcome are no outcome; the day a statement was made is not the day of the event; a street, a
    newspaper and a shop are no towns."""
    from verify.compare.clashes import date_clashes, outcome_clash, place_clash

    captive = claim("The journalist, who was held hostage by the militants, appeared in the video.")
    assert captive["signals"]["control"] == []
    assert claim("They burned a captured pilot, the group said.")["signals"]["control"] == []
    assert claim("Mosul is held by the militants, the newspaper said.")["signals"]["control"]
    alive = claim("The actor is alive and well, his agent said.")
    assert outcome_clash(alive, claim("Another hoax claims that the actor was found dead at home.")) is None
    assert outcome_clash(alive, claim("Reports said the actor was found dead at home on Friday."))
    assert claim("The pilot was burned alive in a cage.")["signals"]["outcomes"][0]["outcome"] == "killed"
    assert claim("The group had not previously executed foreign hostages.")["signals"]["outcomes"] == []
    assert claim("The envoy was fatally wounded in the attack.")["signals"]["outcomes"][0]["outcome"] == "killed"
    aide = claim("An aide to the commander was killed in the strike.")
    assert outcome_clash(aide, claim("A spokesman said the doctors had been wounded in the strike.")) is None
    said_sunday = claim("A meteorite struck a field near the capital, the government said Sunday.", "2014-09-08")
    assert (
        date_clashes(said_sunday, claim("A meteorite struck a field near the capital on Saturday.", "2014-09-08")) == []
    )
    night = claim("A meteorite struck a field near the capital on Saturday night.", "2014-09-08")
    assert date_clashes(night, claim("A meteorite struck a field near the capital on Sunday.", "2014-09-08")) == []
    assert date_clashes(
        claim("The bridge collapsed on Monday.", "2014-09-08"), claim("The bridge collapsed on Thursday.", "2014-09-08")
    )
    town = claim("The woman was slapped in Carlisle in the morning.")
    assert place_clash(town, claim("The woman was slapped in Scotch Street in the morning.")) is None
    assert place_clash(town, claim("He was named in The Washington Post in the morning.")) is None
    assert place_clash(town, claim("The woman was slapped in Penrith in the morning."))


def test_not_committing_is_not_denying():
    """'Cannot yet confirm' against 'has not confirmed' say the same; 'did not elaborate' leaves the
    injury stated; a plan denied in other words is still a clash (our wording of real cases)."""
    unsure = claim("Washington cannot yet confirm whether the commander was hurt in the raid.")
    assert (
        polarity_clash(unsure, claim("The US has not yet confirmed whether the commander was hurt in the raid."))
        is None
    )
    assert polarity_clash(unsure, claim("The commander was hurt in the raid.")) is None
    wounded = claim("Officials said the commander was wounded, but they did not elaborate.")
    assert polarity_clash(wounded, claim("The commander was wounded in the raid.")) is None
    assert claim("The airline declined to comment on the plan.")["signals"]["noncommittal"] == ["declined to comment"]
    denial = claim("There are no plans to separate passengers on its flights.")
    assert polarity_clash(denial, claim("The airline will seat passengers separately on its flights."))
    power = claim("About 20,000 homes were still without power on Friday.")
    assert polarity_clash(power, claim("About 20,000 homes were still cut off from power on Friday.")) is None


def test_hedged_support_is_partial_not_agreement():
    a = claim("Rebels took control of Saraqeb on Thursday.")
    b = claim("Rebels reportedly took control of Saraqeb on Thursday.")
    assert judge_pair(a, b, 0.95, 0.8, Thresholds())["kind"] == "partial"
    assert judge_pair(a, dict(a), 0.95, 0.8, Thresholds())["kind"] == "agreement"


def test_control_verbs_in_conflict():
    a = claim("Rebel fighters backed by Turkey recaptured the town of Saraqeb.")
    b = claim("Government forces repelled the attack and remained in control of Saraqeb.")
    verdict = judge_pair(a, b, 0.6, 0.2, Thresholds())
    assert verdict["kind"] == "contradiction"
    assert verdict["evidence"]["clashes"]["control"]["left_actor"] == "rebels"


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


def test_missing_model_package_is_one_line(monkeypatch):
    import verify.models.embedder as models

    models.embedding_model_info.cache_clear()
    monkeypatch.setattr(models, "EMBEDDING_MODULE", "no_such_model_package")
    with pytest.raises(VerifyError, match="is not installed"):
        models.embedding_model_info()
    models.embedding_model_info.cache_clear()


def test_tampered_model_file_is_refused(monkeypatch):
    import verify.models.embedder as models

    models.embedding_model_info.cache_clear()
    monkeypatch.setitem(models.EMBEDDING_FILES, "vocab.txt", "0" * 64)
    with pytest.raises(VerifyError, match="does not match its pinned SHA-256"):
        models.embedding_model_info()
    models.embedding_model_info.cache_clear()


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
