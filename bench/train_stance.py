"""Train verify's stance model on FNC-1's training split and write verify/data/stance_model.json.

    python bench/train_stance.py [--out PATH] [--refresh]

Reproducible: the split, the trees and the temperature come from a fixed seed, so a re-run writes
the same bytes. Bodies in splits/training_ids.txt are shuffled with that seed; 85% train the
gradient-boosted trees, 15% fit the softmax temperature that calibrates the probabilities. The
dev hold-out split is never read here. Features are cached in bench/results/ (--refresh rebuilds).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fnc1 import FNC_DIR, ROOT, FeatureBuilder, read_bodies, read_stances, split_ids  # noqa: E402

from verify.stance import FEATURES, LABELS, StanceModel  # noqa: E402

SEED = 1489215
CALIBRATION_SHARE = 0.15
PARAMS = {"max_iter": 250, "learning_rate": 0.08, "max_leaf_nodes": 15, "min_samples_leaf": 40,
          "l2_regularization": 1.0, "early_stopping": False, "random_state": SEED}  # fmt: skip
FEATURE_CACHE = ROOT / "bench" / "results" / "fnc1-train-features.npz"
DEFAULT_OUT = ROOT / "verify" / "data" / "stance_model.json"


def training_features(refresh: bool) -> tuple[np.ndarray, list[str], list[str]]:
    """Features, gold labels and body ids of every pair in the training split."""
    bodies = read_bodies(FNC_DIR / "train_bodies.csv")
    pairs = read_stances(FNC_DIR / "train_stances.csv", split_ids("training"))
    key = hashlib.sha256(json.dumps(FEATURES).encode()).hexdigest()[:12]
    if FEATURE_CACHE.exists() and not refresh:
        cached = np.load(FEATURE_CACHE)
        if str(cached["key"]) == key and len(cached["x"]) == len(pairs):
            return cached["x"], [p["stance"] for p in pairs], [p["body_id"] for p in pairs]
    x = FeatureBuilder().build(pairs, bodies)
    np.savez_compressed(FEATURE_CACHE, x=x, key=key)
    return x, [p["stance"] for p in pairs], [p["body_id"] for p in pairs]


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood on held-out pairs (grid, 0.01 steps)."""
    best, best_nll = 1.0, np.inf
    for t in np.arange(0.5, 3.001, 0.01):
        scaled = logits / t
        scaled -= scaled.max(axis=1, keepdims=True)
        log_p = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        nll = -log_p[np.arange(len(gold)), gold].mean()
        if nll < best_nll - 1e-12:
            best, best_nll = round(float(t), 2), nll
    return best


def export(clf: HistGradientBoostingClassifier) -> dict:
    """The fitted trees as plain lists: feature, threshold, children, leaf flag, value, NaN side."""
    trees = []
    for step in clf._predictors:
        trees.append([
            {"feature": tree.nodes["feature_idx"].tolist(), "threshold": tree.nodes["num_threshold"].tolist(),
             "left": tree.nodes["left"].tolist(), "right": tree.nodes["right"].tolist(),
             "leaf": tree.nodes["is_leaf"].astype(bool).tolist(), "value": tree.nodes["value"].tolist(),
             "nan_left": tree.nodes["missing_go_to_left"].astype(bool).tolist()}
            for tree in step
        ])  # fmt: skip
    return {"baseline": np.ravel(clf._baseline_prediction).tolist(), "trees": trees}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--refresh", action="store_true", help="recompute the cached features")
    args = parser.parse_args(argv)
    x, gold, body_ids = training_features(args.refresh)
    ids = sorted(set(body_ids), key=int)
    random.Random(SEED).shuffle(ids)
    calibration_ids = set(ids[: int(len(ids) * CALIBRATION_SHARE)])
    calibrate = np.array([b in calibration_ids for b in body_ids])
    y = np.array([LABELS.index(g) for g in gold])
    clf = HistGradientBoostingClassifier(**PARAMS).fit(x[~calibrate], y[~calibrate])
    assert tuple(clf.classes_) == tuple(range(len(LABELS)))
    data = {"features": list(FEATURES), "labels": list(LABELS), **export(clf), "temperature": 1.0}
    model = StanceModel(tuple(FEATURES), LABELS, np.asarray(data["baseline"]),
                        [[{k: np.asarray(v) for k, v in t.items()} for t in s] for s in data["trees"]], 1.0, {})  # fmt: skip
    gap = np.abs(model.probabilities(x[:2000], calibrated=False) - clf.predict_proba(x[:2000])).max()
    assert gap < 1e-9, f"exported trees disagree with scikit-learn by {gap}"
    data["temperature"] = model.temperature = fit_temperature(model.raw(x[calibrate]), y[calibrate])
    reference = x[calibrate][:5]
    data["meta"] = {
        "trained_on": "FNC-1 train_stances.csv, splits/training_ids.txt, 85% of bodies (seeded shuffle)",
        "pairs": int((~calibrate).sum()), "calibration_pairs": int(calibrate.sum()), "seed": SEED,
        "params": PARAMS, "sklearn": sklearn.__version__,
        "reference": {"features": reference.tolist(), "probabilities": model.probabilities(reference).tolist()},
    }  # fmt: skip
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {len(data['trees'])} iterations, "
          f"temperature {data['temperature']}, trained on {data['meta']['pairs']} pairs")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
