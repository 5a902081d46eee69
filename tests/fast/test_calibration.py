"""The judge's shipped decision: its features, its check floors, and the size of the shipped weights."""

from __future__ import annotations

import numpy as np
import pytest

from verify.compare.judge import CLASH_CHECKS, FEATURES, VERDICTS, load_calibration
from verify.models.nli import (
    NLI_DIR,
)


def test_shipped_weights_stay_small():
    assert (NLI_DIR / "weights.safetensors").stat().st_size <= 25 * 1024 * 1024
    assert (NLI_DIR / "model-int8.onnx").stat().st_size <= 25 * 1024 * 1024


def test_calibration_matches_the_features_and_sets_the_check_bar():
    calibration = load_calibration()
    assert calibration.coefficients.shape == (len(VERDICTS), len(FEATURES))
    assert 0.5 <= calibration.contradiction_confidence < 1
    # each check's floor is its measured share of contradictions on real news pairs, never near certain
    assert set(calibration.check_floors) == set(CLASH_CHECKS)
    assert all(0 < floor < 0.8 for floor in calibration.check_floors.values())


def test_a_clash_raises_contradicts_to_its_check_floor_and_no_further():
    calibration = load_calibration()
    neutral = np.log(np.array([[0.05, 0.9, 0.05, 0.05, 0.9, 0.05]]))  # NLI: neutral both ways
    row = np.hstack([neutral, [[0.7, 0.5, 0.0, 0.0]]])
    plain = {"similarity": 0.7, "tfidf": 0.5}
    (before,) = calibration.probabilities(row, [plain])
    check = max(calibration.check_floors, key=calibration.check_floors.get)
    (after,) = calibration.probabilities(row, [plain | {"clashes": {check: [{}]}}])
    assert before[2] < calibration.check_floors[check]
    assert after[2] == pytest.approx(calibration.check_floors[check])
    assert after.sum() == pytest.approx(1) and after[0] / after[1] == pytest.approx(before[0] / before[1])
    contradicting = np.hstack([np.log(np.array([[0.02, 0.02, 0.96, 0.02, 0.02, 0.96]])), [[0.7, 0.5, 0.0, 0.0]]])
    (strong,) = calibration.probabilities(contradicting, [plain])
    weakest = min(calibration.check_floors, key=calibration.check_floors.get)
    (strong_and_clash,) = calibration.probabilities(contradicting, [plain | {"clashes": {weakest: [{}]}}])
    assert strong[2] > calibration.check_floors[weakest] and strong_and_clash[2] == pytest.approx(strong[2])
