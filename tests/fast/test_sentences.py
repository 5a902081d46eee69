"""Sentences, boilerplate and attribution read from text with the source registry (no parse needed)."""

from __future__ import annotations

import pytest

from verify.claims.attribution import Discourse, attribute
from verify.claims.extract import is_boilerplate, sentences


def test_segmenter_survives_abbreviations_quotes_and_numbers():
    text = 'U.S. officials said 1.5 million people fled. "We will return," Mr. Ahmed said. Dr. Smith left at 3 p.m. on Feb. 6.'
    spans = list(sentences(text))
    assert [text[s:e] for s, e in spans] == [
        "U.S. officials said 1.5 million people fled.",
        '"We will return," Mr. Ahmed said.',
        "Dr. Smith left at 3 p.m. on Feb. 6.",
    ]


def test_markdown_marks_and_datelines_are_not_part_of_the_claim():
    text = "# Rebels retake Saraqeb town\n\nBEIRUT (Reuters) - Rebels entered the town on Thursday.\n- **Five soldiers were killed.**"
    got = [text[s:e] for s, e in sentences(text)]
    assert got == [
        "Rebels retake Saraqeb town",
        "Rebels entered the town on Thursday.",
        "Five soldiers were killed.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Share this article:",
        "Read also: earlier statements",
        "---",
        "By AFP staff in Beirut",
        "By Jane Doe and Omar Ali",
        "Copyright Reuters 2020. All rights reserved.",
        "Reporting by Jane Doe; Editing by John Smith",
    ],
)
def test_boilerplate_is_dropped(line):
    assert is_boilerplate(line)


def test_real_sentences_are_not_boilerplate():
    assert not is_boilerplate("By nightfall, rebels had entered the town of Saraqeb.")
    assert not is_boilerplate("Share prices fell in Damascus after the battle for Saraqeb.")


def test_pronouns_refer_back_to_the_last_named_source(index):
    first = attribute("The Syrian Observatory for Human Rights said 19 soldiers died.", index)
    assert first.source == "sohr"
    discourse = Discourse(last=("sohr", 4, 44))
    follow = attribute("It added that the town was empty.", index, discourse)
    assert (follow.source, follow.cue, follow.resolved_from) == ("sohr", "added", (4, 44))


def test_fuzzy_alias_resolves_transliterations(index):
    assert index.resolve("Hayyat Tahrir al-Sham") == "hts"
    assert index.resolve("Syrian Observatory for Human Right") == "sohr"
    assert attribute("Hay'at Tahrir al-Sham said its fighters held the line.", index).source == "hts"


def test_unregistered_source_gets_a_derived_id(index):
    who = attribute("The Idlib Health Directorate said 12 civilians were wounded.", index)
    assert (who.source, who.registered) == ("idlib-health-directorate", False)


def test_according_to_and_inverted_attribution(index):
    assert attribute("Five people died, according to the UN refugee agency.", index).source == "unhcr"
    assert attribute('"We took the town," said a rebel commander.', index).source == "opposition-military-source"


def test_negative_reports_are_marked(index):
    who = attribute("Syrian state media made no mention of the retreat.", index)
    assert (who.source, who.negative) == ("sana", True)
    assert attribute("SANA reported clashes near the town.", index).negative is False


def test_a_sentence_with_no_cue_is_the_outlets_own(index):
    assert attribute("Rebels entered Saraqeb on Thursday.", index).source is None


def test_agreeing_sources_that_share_a_relay_are_not_independent():
    from verify.compare.verdict import shared_relays, summary_for

    sohr = {"source": "sohr", "source_name": "SOHR", "via": ["afp"], "outlet": "new-arab"}
    army = {"source": "syria-army", "source_name": "Syrian Arab Army", "via": ["afp"], "outlet": "aljazeera"}
    direct = {"source": "syria-army", "source_name": "Syrian Arab Army", "via": [], "outlet": "afp"}
    quoted_by_one_outlet = {"source": "un", "source_name": "UN", "via": [], "outlet": "new-arab"}
    assert shared_relays(sohr, army) == ["afp"] and shared_relays(sohr, direct) == ["afp"]
    assert shared_relays(sohr, quoted_by_one_outlet) == []  # one outlet quoting two sources: no relay shared
    assert summary_for("agreement", sohr, army, {}).endswith("(both through afp: not independent confirmations)")
    assert "not independent" not in summary_for("contradiction", sohr, army, {})


def test_names_are_never_cut_into_sources(index):
    """Our wording of real misreadings: a name holding a cue word, a cue word read as a noun."""
    who = attribute("The United States cannot yet confirm whether he was hurt, a White House spokesman said.", index)
    assert (who.name, who.cue) == ("a White House spokesman", "said")
    assert attribute("The reports say the commander was wounded in the strike.", index).source is None
    assert attribute("Earlier reports, including one in a wire, said he had six sons.", index).source is None


def test_a_person_with_a_title_speaks_for_the_body_the_title_names(index):
    who = attribute("Lina Haddad, head of communications at Cedar Air, said there were no such plans.", index)
    assert (who.source, who.cue, who.registered, who.side) == ("lina-haddad", "said", False, "cedar-air")
    assert who.name == "Lina Haddad, head of communications at Cedar Air"


def test_a_country_speaks_through_its_government(index):
    assert attribute("Turkey said two of its soldiers were killed.", index).source == "turkey-gov"
    assert attribute("Russia said its jets hit a depot.", index).source == "russia-gov"
