"""Accuracy of verify's pair comparison on the hand-labelled claim pairs in fixtures/pairs.jsonl.

    python bench/pairs.py [--pairs fixtures/pairs.jsonl] [--json] [--errors]

Each line: {"claim": ..., "evidence": ..., "label": agree|contradict|partial|unrelated}. The pair
goes through verify.compare.judge_texts (the evidence the premise, the claim the hypothesis): the
judge `verify judge` runs, and `verify compare` runs on stored claims.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from metrics import accuracy, confusion, per_class_f1, print_scores

from verify.compare.passages import judge_texts
from verify.models.embedder import load_embedder
from verify.models.nli import load_nli_model

LABELS = ("agree", "contradict", "partial", "unrelated")
KIND_TO_LABEL = {"agreement": "agree", "contradiction": "contradict", "partial": "partial", "unrelated": "unrelated"}
DEFAULT_PAIRS = Path(__file__).resolve().parent.parent / "fixtures" / "pairs.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--errors", action="store_true", help="list the pairs it gets wrong")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.pairs.read_text().splitlines() if line.strip()]
    load_embedder().load()
    load_nli_model().load()
    started = time.perf_counter()
    predicted = [KIND_TO_LABEL[v["kind"]] for v in judge_texts([(r["evidence"], r["claim"]) for r in rows])]
    seconds = time.perf_counter() - started
    gold = [r["label"] for r in rows]
    table = confusion(gold, predicted, LABELS)
    result = {
        "pairs": len(rows),
        "accuracy": accuracy(gold, predicted),
        "f1": per_class_f1(gold, predicted, LABELS),
        "confusion": table,
        "pairs_per_second": round(len(rows) / seconds, 1),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"pairs: {result['pairs']}  accuracy: {result['accuracy']:.3f}  ({result['pairs_per_second']} pairs/s)")
        print_scores(result["f1"], table, LABELS)
    if args.errors:
        for row, guess in zip(rows, predicted, strict=True):
            if guess != row["label"]:
                print(f"[{row['label']} -> {guess}] {row['claim']} || {row['evidence']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
