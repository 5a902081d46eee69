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

from verify.compare.stance import FEATURES, LABELS, StanceModel, decide, fnc_score  # noqa: E402

SEED = 1489215
CALIBRATION_SHARE = 0.15
PARAMS = {
    "max_iter": 250,
    "learning_rate": 0.08,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "early_stopping": False,
    "random_state": SEED,
}
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
        trees.append(
            [
                {
                    "feature": tree.nodes["feature_idx"].tolist(),
                    "threshold": tree.nodes["num_threshold"].tolist(),
                    "left": tree.nodes["left"].tolist(),
                    "right": tree.nodes["right"].tolist(),
                    "leaf": tree.nodes["is_leaf"].astype(bool).tolist(),
                    "value": tree.nodes["value"].tolist(),
                    "nan_left": tree.nodes["missing_go_to_left"].astype(bool).tolist(),
                }
                for tree in step
            ]
        )
    return {"baseline": np.ravel(clf._baseline_prediction).tolist(), "trees": trees}


SIMILARITY = FEATURES[: FEATURES.index("token_overlap")]  # the embedding-similarity features come first
STRUCTURED = ("number_clashes", "date_clashes", "control_clashes", "polarity_clash")
DEV_CACHE = ROOT / "bench" / "results" / "fnc1-dev-features.npz"


def ablation(x: np.ndarray, gold: list[str], calibrate: np.ndarray) -> None:
    """Dev-split FNC scores of models trained on growing feature sets (reported, never tuned on)."""
    from fnc1 import evaluate

    bodies = read_bodies(FNC_DIR / "train_bodies.csv")
    dev_pairs = read_stances(FNC_DIR / "train_stances.csv", split_ids("hold_out"))
    if DEV_CACHE.exists():
        dev_x = np.load(DEV_CACHE)["x"]
    else:
        dev_x = FeatureBuilder().build(dev_pairs, bodies)
        np.savez_compressed(DEV_CACHE, x=dev_x)
    dev_gold = [p["stance"] for p in dev_pairs]
    y = np.array([LABELS.index(g) for g in gold])
    lexical = tuple(f for f in FEATURES if f not in SIMILARITY + STRUCTURED)
    steps = [
        ("similarity only", SIMILARITY),
        ("+ lexical, refuting, hedging, attribution", SIMILARITY + lexical),
        ("+ structured checks (all features)", FEATURES),
    ]
    print(f"{'features':<44}{'T':>6}{'decision':>10}{'FNC %':>8}{'F1 disagree':>13}{'ECE':>8}")
    for name, subset in steps:
        columns = [FEATURES.index(f) for f in subset]
        clf = HistGradientBoostingClassifier(**PARAMS).fit(x[~calibrate][:, columns], y[~calibrate])
        logits = clf._raw_predict(x[calibrate][:, columns])
        temperature = fit_temperature(logits, y[calibrate])
        for t in [1.0, temperature] if subset == FEATURES else [temperature]:
            scaled = clf._raw_predict(dev_x[:, columns]) / t
            p = np.exp(scaled - scaled.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            for rule, predicted in (("argmax", [LABELS[i] for i in p.argmax(axis=1)]), ("expected", decide(p))):
                r = evaluate(dev_gold, predicted, p)
                print(
                    f"{name:<44}{t:>6.2f}{rule:>10}{r['relative_score']:>8.2f}{r['f1']['disagree']:>13.3f}"
                    f"{r['ece']:>8.4f}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--refresh", action="store_true", help="recompute the cached features")
    parser.add_argument("--ablation", action="store_true", help="print dev scores by feature set; write nothing")
    args = parser.parse_args(argv)
    x, gold, body_ids = training_features(args.refresh)
    ids = sorted(set(body_ids), key=int)
    random.Random(SEED).shuffle(ids)
    calibration_ids = set(ids[: int(len(ids) * CALIBRATION_SHARE)])
    calibrate = np.array([b in calibration_ids for b in body_ids])
    if args.ablation:
        ablation(x, gold, calibrate)
        return 0
    y = np.array([LABELS.index(g) for g in gold])
    clf = HistGradientBoostingClassifier(**PARAMS).fit(x[~calibrate], y[~calibrate])
    assert tuple(clf.classes_) == tuple(range(len(LABELS)))
    data = {"features": list(FEATURES), "labels": list(LABELS), **export(clf), "temperature": 1.0}
    model = StanceModel(
        tuple(FEATURES),
        LABELS,
        np.asarray(data["baseline"]),
        [[{k: np.asarray(v) for k, v in t.items()} for t in s] for s in data["trees"]],
        1.0,
        {},
    )
    gap = np.abs(model.probabilities(x[:2000], calibrated=False) - clf.predict_proba(x[:2000])).max()
    assert gap < 1e-9, f"exported trees disagree with scikit-learn by {gap}"
    data["temperature"] = model.temperature = fit_temperature(model.raw(x[calibrate]), y[calibrate])
    held_out = decide(model.probabilities(x[calibrate]))
    raw, best = fnc_score([LABELS[i] for i in y[calibrate]], held_out)
    print(f"FNC score on the calibration bodies (held out of training): {100 * raw / best:.2f}%")
    reference = x[calibrate][:5]
    data["meta"] = {
        "trained_on": "FNC-1 train_stances.csv, splits/training_ids.txt, 85% of bodies (seeded shuffle)",
        "pairs": int((~calibrate).sum()),
        "calibration_pairs": int(calibrate.sum()),
        "seed": SEED,
        "params": PARAMS,
        "sklearn": sklearn.__version__,
        "reference": {"features": reference.tolist(), "probabilities": model.probabilities(reference).tolist()},
    }
    args.out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(
        f"wrote {args.out} ({args.out.stat().st_size:,} bytes): {len(data['trees'])} iterations, "
        f"temperature {data['temperature']}, trained on {data['meta']['pairs']} pairs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
