"""Claim against headline (Emergent): for / against / observing, from `verify judge` plus
attribution and hedging.

    python bench/emergent.py          # claim-grouped 5-fold cross-validation on the training split; writes the mapping
    python bench/emergent.py --csv FILE [--predictions OUT.csv] [--json]

Each article headline is judged against its claim with verify.compare.judge_texts (the headline
the premise, the claim the hypothesis). A headline that reports a claim without taking a side
("X says...", "reportedly", a question) is *observing*, so the mapping reads, beside the judge's
probabilities and kind, whether the headline attributes, hedges, asks or denies: a multinomial
logistic regression over those features. Without --csv it is scored by 5-fold cross-validation on
../shared/eval/emergent/ with folds by claim (rows of one claim never straddle two folds), and the
mapping fitted on the whole split is written to bench/results/emergent-mapping.json. With --csv
that mapping predicts FILE (columns claimHeadline,
articleHeadline, optional articleHeadlineStance for scores); predictions keep the input's order,
with the row's first column as its id.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

import numpy as np
from metrics import accuracy, per_class_f1

from verify.claims.attribution import attribute
from verify.claims.negation import hedges, negations
from verify.compare.clashes import DENIAL_CUES
from verify.compare.passages import judge_texts
from verify.sources import bundled_index

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT.parent / "shared" / "eval" / "emergent" / "url-versions-2015-06-14-clean-train.csv"
LABELS = ("for", "against", "observing")
REQUIRED = ("claimHeadline", "articleHeadline")
KINDS = ("agreement", "partial", "contradiction", "unrelated")
DENIALS = DENIAL_CUES | {"false", "fake", "hoax", "debunked", "not true", "myth"}


def read_rows(path: Path) -> tuple[list[dict], str]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not set(REQUIRED) <= set(reader.fieldnames):
            raise SystemExit(f"emergent: error: {path} needs columns {', '.join(REQUIRED)}")
        return list(reader), reader.fieldnames[0]


def features(rows: list[dict]) -> np.ndarray:
    """A row per pair: the judge's probabilities for the claim (weakest support, strongest
    contradiction), its kind, and what the headline does: attribute, hedge, ask, deny, negate."""
    verdicts = judge_texts([(r["articleHeadline"], r["claimHeadline"]) for r in rows])
    index = bundled_index()
    out = []
    for row, verdict in zip(rows, verdicts, strict=True):
        headline = row["articleHeadline"]
        lower = headline.lower()
        judged = [c["judge"] for c in verdict["claims"]]
        out.append(
            [
                min(j["agree"] for j in judged),
                max(j["neutral"] for j in judged),
                max(j["contradict"] for j in judged),
                *(float(verdict["kind"] == k) for k in KINDS),
                float(attribute(headline, index).cue is not None or ":" in headline),
                float(bool(hedges(headline))),
                float("?" in headline),
                float(any(word in lower for word in DENIALS)),
                float(bool(negations(headline))),
            ]
        )
    return np.array(out)


def fit(x: np.ndarray, labels: list[str]):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(x, [LABELS.index(y) for y in labels])


MAPPING = ROOT / "bench" / "results" / "emergent-mapping.json"


class Mapping:
    """A fitted mapping read back from MAPPING: the logistic regression's weights."""

    def __init__(self, data: dict):
        self.coefficients, self.intercepts = np.array(data["coefficients"]), np.array(data["intercepts"])

    def predict(self, x: np.ndarray) -> np.ndarray:
        return (x @ self.coefficients.T + self.intercepts).argmax(axis=1)


def cross_validate(rows: list[dict], x: np.ndarray, folds: int = 5) -> list[str]:
    """Predictions from mappings fitted without each row's fold; folds by claim."""
    fold_of = np.array([random.Random(f"emergent-{r['claimId']}").randrange(folds) for r in rows])
    labels = [r["articleHeadlineStance"] for r in rows]
    predicted = [""] * len(rows)
    for fold in range(folds):
        train = fold_of != fold
        model = fit(x[train], [y for y, t in zip(labels, train, strict=True) if t])
        for n, p in zip(np.flatnonzero(~train), model.predict(x[~train]), strict=True):
            predicted[n] = LABELS[p]
    return predicted


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, help="predict this file (the mapping fitted on the whole training split)")
    parser.add_argument("--predictions", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.csv:
        rows, id_column = read_rows(args.csv)
        predicted = [LABELS[p] for p in Mapping(json.loads(MAPPING.read_text())).predict(features(rows))]
        result: dict = {"rows": len(rows), "mode": "the mapping fitted on the training split"}
    else:
        training, _ = read_rows(TRAINING)
        x_train = features(training)
        rows, id_column = training, next(iter(training[0]))
        predicted = cross_validate(training, x_train)
        result = {"rows": len(rows), "mode": "claim-grouped 5-fold cross-validation on the training split"}
        model = fit(x_train, [r["articleHeadlineStance"] for r in training])
        mapping = {"labels": LABELS, "coefficients": model.coef_.tolist(), "intercepts": model.intercept_.tolist()}
        MAPPING.write_text(json.dumps(mapping, indent=1) + "\n")
    if args.predictions:
        with args.predictions.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([id_column, "articleHeadlineStance"])
            writer.writerows([r[id_column], label] for r, label in zip(rows, predicted, strict=True))
    gold = [r.get("articleHeadlineStance") for r in rows]
    if all(g in LABELS for g in gold):
        result["accuracy"] = accuracy(gold, predicted)
        result["f1"] = per_class_f1(gold, predicted, LABELS)
    if args.json:
        print(json.dumps(result, indent=2))
    elif "accuracy" in result:
        print(
            f"{result['mode']}: {result['rows']} rows  accuracy {result['accuracy']:.3f}  "
            + "  ".join(f"F1 {k} {v:.3f}" for k, v in result["f1"].items())
        )
    else:
        print(f"rows: {result['rows']} (no gold labels: predictions only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
