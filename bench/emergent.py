"""Score verify's pair comparison on Emergent-format claim/headline pairs.

    python bench/emergent.py --csv FILE [--predictions OUT.csv] [--json]

FILE has columns claimHeadline, articleHeadline, articleHeadlineStance (for / against /
observing; optional: without it only predictions are written). Each article headline is judged
against its claim with verify.compare.judge_texts (the article headline the premise, the claim
the hypothesis), the judge `verify judge` and `verify compare` use:
agreement -> for, contradiction -> against, partial or no match -> observing. Predictions keep
the input's order, one row per input row, with the row's first column as its id.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from metrics import accuracy, per_class_f1

from verify.compare import judge_texts

LABELS = ("for", "against", "observing")
KIND_TO_LABEL = {"agreement": "for", "contradiction": "against", "partial": "observing", "unrelated": "observing"}
REQUIRED = ("claimHeadline", "articleHeadline")


def read_rows(path: Path) -> tuple[list[dict], str]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not set(REQUIRED) <= set(reader.fieldnames):
            raise SystemExit(f"emergent: error: {path} needs columns {', '.join(REQUIRED)}")
        return list(reader), reader.fieldnames[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--predictions", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows, id_column = read_rows(args.csv)
    verdicts = judge_texts([(r["articleHeadline"], r["claimHeadline"]) for r in rows])
    predicted = [KIND_TO_LABEL[v["kind"]] for v in verdicts]
    if args.predictions:
        with args.predictions.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([id_column, "articleHeadlineStance"])
            writer.writerows([r[id_column], label] for r, label in zip(rows, predicted, strict=True))
    result: dict = {"rows": len(rows)}
    gold = [r.get("articleHeadlineStance") for r in rows]
    if all(g in LABELS for g in gold):
        result["accuracy"] = accuracy(gold, predicted)
        result["f1"] = per_class_f1(gold, predicted, LABELS)
    if args.json:
        print(json.dumps(result, indent=2))
    elif "accuracy" in result:
        print(
            f"rows: {result['rows']}  accuracy: {result['accuracy']:.3f}  "
            + "  ".join(f"F1 {k} {v:.3f}" for k, v in result["f1"].items())
        )
    else:
        print(f"rows: {result['rows']} (no gold labels: predictions only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
