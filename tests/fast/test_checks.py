"""The checks on claims built from text: numbers, dates, places, negation, outcomes, control, hedges; and model files refused by their pins."""

from __future__ import annotations

import pytest

from verify.claims.places import places
from verify.compare.clashes import date_clashes, number_clashes, polarity_clash
from verify.compare.verdict import judge_pair
from verify.errors import VerifyError
from verify.records import Thresholds

from ..conftest import claim


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
