"""The FNC-1 benchmark's arithmetic, the shipped stance model and the Emergent loader."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.fixture
def toy_fnc(tmp_path):
    bodies = tmp_path / "bodies.csv"
    with bodies.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Body ID", "articleBody"])
        writer.writerow(
            [
                "7",
                "Rebel fighters recaptured the town of Saraqeb on Thursday, an AFP correspondent saw. "
                "The fighters patrolled its empty streets.\nResidents had fled weeks earlier.",
            ]
        )
        writer.writerow(["9", "The central bank raised interest rates by half a point. Markets rose on the news."])
    stances = tmp_path / "stances.csv"
    rows = [
        ("Rebels retake Saraqeb", "7", "agree"),
        ("Rebels retake Saraqeb", "9", "unrelated"),
        ("Bank raises rates", "9", "agree"),
        ("Bank raises rates", "7", "unrelated"),
    ]
    with stances.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID", "Stance"])
        writer.writerows(rows)
    return bodies, stances, rows


def run_bench(*args):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fnc1.py"), *map(str, args)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done


def test_fnc1_bench_on_any_fnc_format_files(toy_fnc, tmp_path):
    bodies, stances, rows = toy_fnc
    out = tmp_path / "pred.csv"
    result = json.loads(run_bench("--bodies", bodies, "--stances", stances, "--predictions", out, "--json").stdout)
    assert result["pairs"] == 4 and 0 <= result["relative_score"] <= 100
    predicted = list(csv.DictReader(out.open()))
    assert [(p["Headline"], p["Body ID"]) for p in predicted] == [(h, b) for h, b, _ in rows]
    assert predicted[1]["Stance"] == "unrelated" and predicted[3]["Stance"] == "unrelated"
    assert predicted[0]["Stance"] != "unrelated"


def test_fnc1_bench_sample_is_deterministic_and_keeps_input_order(toy_fnc, tmp_path):
    bodies, stances, rows = toy_fnc

    def sampled(seed: int) -> list[tuple[str, str]]:
        out = tmp_path / f"pred-{seed}.csv"
        run_bench("--bodies", bodies, "--stances", stances, "--sample", 2, "--seed", seed, "--predictions", out)
        return [(p["Headline"], p["Body ID"]) for p in csv.DictReader(out.open())]

    first, again = sampled(3), sampled(3)
    order = [(h, b) for h, b, _ in rows]
    assert first == again and len(first) == 2 and first == sorted(first, key=order.index)
    assert sampled(4) != first


def test_fnc1_bench_without_gold_labels_writes_predictions_only(toy_fnc, tmp_path):
    bodies, stances, rows = toy_fnc
    unlabelled = tmp_path / "test_stances.csv"
    with unlabelled.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Headline", "Body ID"])
        writer.writerows((h, b) for h, b, _ in rows)
    out = tmp_path / "pred.csv"
    result = json.loads(run_bench("--bodies", bodies, "--stances", unlabelled, "--predictions", out, "--json").stdout)
    assert "relative_score" not in result and len(list(csv.DictReader(out.open()))) == 4


def test_emergent_loader_and_predictions(tmp_path):
    data = tmp_path / "emergent.csv"
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["claimId", "claimHeadline", "articleHeadline", "articleHeadlineStance"])
        writer.writerow(
            ["c1", "Two Turkish soldiers were killed in Idlib", "Two Turkish soldiers killed in Idlib strike", "for"]
        )
        writer.writerow(  # a denial; a changed figure alone the mapping reads as "for" (Emergent rarely has one)
            [
                "c2",
                "Two Turkish soldiers were killed in Idlib",
                "Turkey denies reports that its soldiers were killed in Idlib",
                "against",
            ]
        )
        writer.writerow(
            [
                "c3",
                "Two Turkish soldiers were killed in Idlib",
                "Turkish soldiers reportedly killed in Idlib",
                "observing",
            ]
        )
    out = tmp_path / "pred.csv"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "emergent.py"), "--csv", str(data), "--predictions", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["rows"] == 3 and set(result["f1"]) == {"for", "against", "observing"}
    predicted = list(csv.DictReader(out.open()))
    assert [p["claimId"] for p in predicted] == ["c1", "c2", "c3"]
    assert [p["articleHeadlineStance"] for p in predicted] == ["for", "against", "observing"]


def test_fnc1_bench_scores_the_confidence_of_claim_pair_findings(toy_fnc):
    bodies, stances, _ = toy_fnc
    result = json.loads(run_bench("--bodies", bodies, "--stances", stances, "--findings", "--json").stdout)
    scores = result["findings"]["all"]
    assert scores["findings"] >= 2 and 0 <= scores["ece"] <= 1 and 0 < scores["mean_confidence"] <= 1
    # Only the two related pairs match a claim, and their bodies state what the headline says.
    assert scores["right"] == 1.0
    assert sum(row["pairs"] for row in scores["reliability"]) == scores["findings"]
