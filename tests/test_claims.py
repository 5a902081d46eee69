"""Segmentation, offsets, boilerplate and attribution on real fixture text."""

from __future__ import annotations

import json

import pytest

from verify.claims.attribution import attribute
from verify.claims.extract import extract_claims
from verify.sources import bundled_index
from verify.store.db import open_store

from .conftest import EXPECTED, ROOT


def test_offsets_round_trip_for_every_fixture_claim(story_db):
    store = open_store(story_db)
    documents = {d["id"]: d["text"] for d in store.documents()}
    claims = store.claims()
    assert len(claims) > 25
    for claim in claims:
        assert documents[claim["document_id"]][claim["start"] : claim["end"]] == claim["text"]
    store.close()


def test_fixture_boilerplate_never_becomes_a_claim(story_db):
    store = open_store(story_db)
    texts = " || ".join(c["text"] for c in store.claims())
    for junk in EXPECTED["boilerplate"]:
        assert junk not in texts
    store.close()


@pytest.mark.parametrize("expected", EXPECTED["attributions"], ids=lambda e: e["contains"][:40])
def test_attribution_on_the_fixture_story(story_db, expected):
    store = open_store(story_db)
    matches = [c for c in store.claims() if expected["contains"] in c["text"]]
    store.close()
    assert len(matches) == 1, f"expected one claim containing {expected['contains']!r}"
    claim = matches[0]
    assert claim["source"] == expected["source"]
    assert claim["outlet"] == expected["outlet"]
    assert claim["cue"] == expected["cue"]
    assert bool(claim["negative"]) is expected["negative"]


def story_claims(text: str, outlet: str = "new-arab") -> list[dict]:
    document = {"id": "doc", "text": text, "outlet": outlet, "published": "2020-02-27"}
    return extract_claims(document, bundled_index())[0]


def test_correspondent_observations_belong_to_the_agency():
    """The second correspondent sentence is AFP's, not the TV channel's named in between."""
    text = (
        "An AFP correspondent travelled with the rebels into the town, where he found the streets deserted.\n"
        "Al Jazeera said government reinforcements were heading north from Hama.\n"
        "The correspondent saw fighters deployed around the town's main roundabout."
    )
    first, channel, second = story_claims(text)
    assert (first["source"], first["cue"]) == ("afp", "correspondent")
    assert channel["source"] == "aljazeera"
    assert (second["source"], second["cue"]) == ("afp", "saw")
    assert text[slice(*second["resolved_from"])] == "An AFP correspondent"


@pytest.mark.parametrize(
    "text, source",
    [
        (
            "SANA reported that army units advanced near the town. Al Jazeera said fighting went on.\n"
            "The agency added that engineers were clearing mines on the highway.",
            "sana",
        ),
        (
            "The Russian defence ministry said the army held the town. Al Jazeera said fighting went on.\n"
            "The ministry added that Turkish drones had struck army positions overnight.",
            "russia-mod",
        ),
        (
            "The Syrian Observatory for Human Rights counted 19 dead soldiers. SANA said the army held the town.\n"
            "The monitor added that at least nine rebels were killed in the clashes.",
            "sohr",
        ),
    ],
    ids=["agency", "ministry", "monitor"],
)
def test_references_resolve_by_kind(text, source):
    assert story_claims(text)[-1]["source"] == source


def test_a_split_clause_keeps_its_sentences_source():
    text = "The state agency SANA did not report the loss of the town, but mentioned fierce clashes on the front."
    negative, positive = story_claims(text)
    assert (negative["source"], bool(negative["negative"])) == ("sana", True)
    assert (positive["source"], bool(positive["negative"]), positive["cue"]) == ("sana", False, "mentioned")
    assert positive["text"] == "but mentioned fierce clashes on the front."
    said, adding = story_claims(
        "SANA said the army repelled an attack on the town, adding that dozens of rebels were killed in the fighting."
    )
    assert said["source"] == adding["source"] == "sana" and adding["text"].startswith("adding that")


@pytest.mark.parametrize(
    "sentence, source, via",
    [
        ("AFP, citing the Syrian Observatory for Human Rights, said 19 soldiers were killed.", "sohr", ["afp"]),
        ("SANA quoted a military source as saying the town was fully secured.", "syria-army", ["sana"]),
        (
            "An opposition military source told Reuters that rebels entered the town at dawn.",
            "opposition-military-source",
            ["reuters"],
        ),
        (
            "An opposition military source told The New Arab that rebels entered the town.",
            "opposition-military-source",
            [],
        ),  # the outlet itself is no relay
    ],
)
def test_relay_chains(sentence, source, via):
    (claim,) = story_claims(sentence)
    assert (claim["source"], claim["via"]) == (source, via)


def test_a_speaker_named_with_an_aside_or_a_relative_clause(index):
    """Our wording of real sentences the parser's subject phrase made too long to keep: the name
    without its aside; the one a "who" clause is about; nobody is no source."""
    from verify.claims.extract import parsed

    def who(text):
        return attribute(text, index, doc=parsed([text])[0])

    aside = who("Jordan Matson, 28, a former soldier speaking from Derik, said the town had fallen.")
    assert (aside.name, aside.cue) == ("Jordan Matson", "said")
    relative = who("We reached out to the airline's spokesman Ali Hassan, who confirmed the plan in 12 words.")
    assert (relative.name, relative.cue) == ("Ali Hassan", "confirmed")
    assert who("The virus, which has claimed 2,000 lives, reached the city in the spring.").source is None
    assert who("No one in a position to know is saying anything about the 12 missing.").source is None


def test_two_attributed_statements_in_one_sentence_become_two_claims(tmp_path):
    from verify.ingest.documents import ingest

    path = tmp_path / "two.txt"
    path.write_text("SANA said the army repelled the attack, while the NLF said its fighters took the town.")
    store = open_store(tmp_path / "t.db")
    ingest(store, [path], outlet="reuters")
    claims = store.claims()
    assert [(c["source"], c["text"]) for c in claims] == [
        ("sana", "SANA said the army repelled the attack"),
        ("nlf", "while the NLF said its fighters took the town."),
    ]
    store.close()


WIRE_STORIES = json.loads((ROOT / "fixtures" / "attribution" / "expected.json").read_text())["stories"]


@pytest.mark.parametrize("story", WIRE_STORIES, ids=lambda s: s["path"])
def test_wire_story_attributions(story):
    """Every expected line of the hand-written wire stories: source, relays, cue and polarity."""
    text = (ROOT / "fixtures" / "attribution" / story["path"]).read_text()
    claims = extract_claims({"id": "doc", "text": text, "outlet": story["outlet"]}, bundled_index())[0]
    for want in story["attributions"]:
        (claim,) = [c for c in claims if want["contains"] in c["text"]]
        got = (claim["source"], claim["via"], claim["cue"], bool(claim["negative"]))
        assert got == (want["source"], want["via"], want["cue"], want.get("negative", False)), want["contains"]


@pytest.mark.parametrize(
    "sentence, source, cue",
    [
        ("According to SANA, the army entered the town at dawn.", "sana", "According to"),
        ("The army, SANA said, entered the town at dawn.", "sana", "said"),
        ("The army entered the town at dawn, SANA said.", "sana", "said"),
        ("It was reported by SANA that the army entered the town at dawn.", "sana", "reported"),
        ("A spokesman for the National Liberation Front said the fighters held the line.", "nlf", "said"),
        ("Activists said the town had been shelled for three days.", "activists", "said"),
    ],
)
def test_attribution_at_start_middle_end_and_passive(sentence, source, cue):
    (claim,) = story_claims(sentence)
    assert (claim["source"], claim["cue"]) == (source, cue)


@pytest.mark.parametrize(
    "sentence, source, side",
    [
        (
            "Sources close to the Turkish government said Ankara would send more troops.",
            "sources-close-to-the-turkish-government",
            "turkey-gov",
        ),
        (
            "A regime security official said the town would be retaken within days.",
            "regime-security-official",
            "syria-gov",
        ),
        ("Officials in Damascus said the town would be retaken within days.", "officials-in-damascus", "syria-gov"),
    ],
)
def test_anonymous_sources_stay_apart_from_their_side(sentence, source, side):
    claims, new = extract_claims({"id": "d", "text": sentence, "outlet": "new-arab"}, bundled_index())
    assert claims[0]["source"] == source
    assert {s["id"]: (s["kind"], s["side"]) for s in new}[source] == ("unnamed", side)


def test_according_to_a_referring_phrase_is_the_source_named_before(tmp_path):
    """'according to the ministry' after "Turkey's defence ministry said" is that ministry, not a
    new source called "ministry" (a name fragment)."""
    from verify.claims.extract import extract_claims
    from verify.sources import bundled_index

    document = {
        "id": "d",
        "outlet": "reuters",
        "published": None,
        "text": "Turkey's defence ministry said 22 Turkish soldiers were killed in the air strike.\n"
        "Turkish artillery shelled Syrian government positions in response, according to the ministry.\n",
    }
    claims, new_sources = extract_claims(document, bundled_index())
    assert [c["source"] for c in claims] == ["turkey-mod", "turkey-mod"] and not new_sources
    assert claims[1]["resolved_from"] == [0, 25]
