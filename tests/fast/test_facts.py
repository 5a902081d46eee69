"""Numbers, dates and places found in sentences and normalised."""

from __future__ import annotations

import pytest

from verify.claims.dates import dates
from verify.claims.events import casualty_outcomes, control_claims
from verify.claims.negation import negation_kind
from verify.claims.places import canonical_place, places
from verify.claims.quantities import numbers, quantities_clash


def values(sentence):
    return [(q.value, q.unit) for q in numbers(sentence)]


def test_digits_words_and_thousands_separators():
    assert values("Some 950,000 people fled.")[0][0] == 950000
    assert values("Nineteen soldiers died.") == [(19, "soldier")]
    assert values("twenty-five fighters near Saraqib") == [(25, "fighter")]
    assert values("two hundred families left") == [(200, "family")]


def test_qualifiers_widen_the_range():
    (at_least,) = numbers("at least 19 soldiers")
    assert (at_least.low, at_least.high) == (19, float("inf"))
    (more,) = numbers("more than 40 soldiers")
    assert more.low == 41
    (dozens,) = numbers("dozens of terrorists")
    assert (dozens.low, dozens.high, dozens.unit) == (24, 99, "fighter")


def test_years_and_dates_are_not_quantities():
    assert values("In 2019 the town fell on February 6.") == []


def test_dates_absolute_weekday_and_relative():
    found = dates("On Thursday, February 27, 2020, three weeks ago and yesterday", "2020-02-28")
    assert [(d["kind"], d["value"]) for d in found] == [
        ("weekday", "2020-02-27"),
        ("absolute", "2020-02-27"),
        ("relative", None),
        ("relative", "2020-02-27"),
    ]
    assert found[2]["text"] == "three weeks ago"


def test_places_resolve_spelling_variants():
    names = [p["name"] for p in places("Fighting near Saraqib and in Idleb and Maaret al-Numan")]
    assert names == ["Saraqeb", "Idlib", "Maarat al-Numan"]
    assert canonical_place("Sarakib") == "Saraqeb"


def test_an_aim_is_not_an_outcome():
    """'an operation to retake' says what a side set out to do, not what happened."""
    assert control_claims("The opposition began their operation to retake Saraqeb on Wednesday evening.") == []
    assert [(d, a) for d, a, _ in control_claims("Rebels managed to capture the town.")] == [("gain", "rebels")]
    assert [(d, a) for d, a, _ in control_claims("Rebels recaptured the town on Thursday.")] == [("gain", "rebels")]


def test_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from verify.claims.words import stop_words

    assert stop_words() == ENGLISH_STOP_WORDS


@pytest.mark.parametrize(
    "left, right, clash",
    [
        ("More than 80 families were evacuated from the valley.", "80 families were evacuated from the valley.", False),
        ("At least 19 soldiers were killed in the attack.", "18 soldiers were killed in the attack.", True),
        ("Nineteen soldiers were killed in the attack.", "Twenty soldiers were killed in the attack.", True),
        ("Fewer than 30 people were hurt in the blast.", "30 people were hurt in the blast.", False),
        ("Up to 30 people were hurt in the blast.", "31 people were hurt in the blast.", True),
    ],
)
def test_a_bound_one_off_the_other_figure_is_the_same_figure(left, right, clash):
    """Reporters write "more than 80" and "80" of one count; two exact figures one apart differ."""
    a, b = (numbers(text)[0].record() for text in (left, right))  # as claims store them
    assert quantities_clash(a, b) is clash


@pytest.mark.parametrize(
    "sentence, names",
    [
        ("One of Emwazi's close friends identified him in an interview.", []),
        ("The Gaza Ministry of Interior said families were evacuated.", []),
        ("The study was written by a professor at Queens College.", []),
        ("Rebels advanced on villages south of Saraqeb on Thursday.", ["Saraqeb"]),
        ("He was arrested in Watford on Monday.", ["Watford"]),
    ],
)
def test_places_are_places_not_people_or_institutions(sentence, names):
    assert [p["name"] for p in places(sentence)] == names


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("The airline dismissed claims that it would seat men and women apart.", "denial"),
        ("The ministry rejected the reports as baseless.", "denial"),
        ("It took seven years for the department to dismiss him.", "none"),
        ("The ministry announced the dismissal of a senior engineer.", "none"),
    ],
)
def test_dismissing_a_claim_is_a_denial_dismissing_a_person_is_not(sentence, kind):
    assert negation_kind(sentence) == kind


@pytest.mark.parametrize(
    "sentence, outcome",
    [
        ("The Pentagon determined that Godane had not survived the air strikes.", "killed"),
        ("The leader was not killed in the raid, his aides said.", "unhurt"),
        ("The leader survived the raid.", "unhurt"),
    ],
)
def test_a_negated_outcome_tells_the_other(sentence, outcome):
    assert [o["outcome"] for o in casualty_outcomes(sentence)] == [outcome]
