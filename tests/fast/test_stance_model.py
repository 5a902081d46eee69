"""The stance model's arithmetic and its shipped file."""

from __future__ import annotations

import numpy as np

from verify.compare.stance import FEATURES, LABELS, StanceModel, decide, fnc_score, load_stance_model

from ..conftest import ROOT


def test_fnc_score_published_arithmetic():
    gold = ["unrelated"] * 4 + ["agree", "agree", "discuss", "disagree"]
    raw, best = fnc_score(gold, ["unrelated"] * len(gold))
    assert (raw, best) == (1.0, 5.0)  # 4 x 0.25 for unrelated; related predicted unrelated score 0
    raw, _ = fnc_score(gold, ["unrelated"] * 4 + ["agree", "discuss", "discuss", "agree"])
    assert raw == 1.0 + 1.0 + 0.25 + 1.0 + 0.25
    raw, _ = fnc_score(gold, ["discuss"] * len(gold))
    assert raw == 0.25 * 3 + 1.0


def test_decision_maximises_expected_score():
    assert decide(np.array([[0.7, 0.1, 0.1, 0.1]])) == ["agree"]
    assert decide(np.array([[0.0, 0.0, 0.0, 1.0]])) == ["unrelated"]
    # unrelated is worth 0.25, a related label 1.0: a 0.3 chance of discuss outweighs 0.7 of unrelated
    assert decide(np.array([[0.0, 0.0, 0.3, 0.7]])) == ["discuss"]


def test_shipped_model_gives_its_training_probabilities():
    model = load_stance_model()
    assert model.features == FEATURES and model.labels == LABELS
    reference = model.meta["reference"]
    got = model.probabilities(np.array(reference["features"]))
    assert np.allclose(got, np.array(reference["probabilities"]), atol=1e-12)
    assert np.allclose(got.sum(axis=1), 1)
    uncalibrated = model.probabilities(np.array(reference["features"]), calibrated=False)
    assert model.temperature != 1.0 and not np.allclose(got, uncalibrated)


def test_model_file_round_trips(tmp_path):
    text = (ROOT / "verify" / "data" / "stance_model.json").read_text()
    copy = tmp_path / "model.json"
    copy.write_text(text)
    assert StanceModel.load(copy).temperature == load_stance_model().temperature
