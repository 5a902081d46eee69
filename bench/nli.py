"""Evaluate verify's claim-pair judge: the NLI model and the calibrated decision over it.

    python bench/nli.py [--json] [--rte-limit N] [--out bench/results/nli.json]

Prints, in order:
1. the NLI model alone on the held-out slice of ../shared/train/nli/ (accuracy, per-class F1);
2. RTE-1 and RTE-2, dev and test, through `verify judge` (agreement = entailment); RTE-1 dev was
   trained on, so its figure is marked;
3. fixtures/pairs.jsonl by kind, through `verify judge`;
4. calibration of finding confidences (ECE), on the held-in pairs with the decision cross-fitted
   (each pair judged by a decision fitted without it);
5. an ablation on the held-in pairs: the structured checks only, the NLI model only, both.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from metrics import accuracy, calibration, confusion, per_class_f1, print_scores
from train_nli import RTE, cross_fitted, labelled_pairs, pair_features, read_jsonl

from verify.compare import judge_texts
from verify.judge import decide
from verify.models import load_embedder, load_nli_model
from verify.records import Thresholds
from verify.verdict import checks_kind

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "fixtures" / "pairs.jsonl"
PAIR_KINDS = {"agree": "agreement", "contradict": "contradiction", "partial": "partial", "unrelated": "unrelated"}
KINDS = ("agreement", "partial", "contradiction", "unrelated")
NLI_KIND = {"entailment": "agreement", "contradiction": "contradiction"}


def is_right(kind: str, gold_verdict: str) -> bool:
    """A finding is right when the labelled pair bears it out (partial: compatible, not contradicted)."""
    return {
        "agreement": gold_verdict == "agree",
        "partial": gold_verdict != "contradict",
        "contradiction": gold_verdict == "contradict",
    }[kind]


def rte(limit: int | None) -> dict:
    out = {}
    for name in ("rte1_dev", "rte1_test", "rte2_dev", "rte2_test"):
        rows = read_jsonl(RTE / f"{name}.jsonl")[:limit]
        started = time.perf_counter()
        verdicts = judge_texts([(r["premise"], r["hypothesis"]) for r in rows])
        predicted = ["entailment" if v["kind"] == "agreement" else "not_entailment" for v in verdicts]
        out[name] = {
            "pairs": len(rows),
            "accuracy": accuracy([r["label"] for r in rows], predicted),
            "trained_on": name == "rte1_dev",
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


def fixture_pairs() -> dict:
    rows = read_jsonl(PAIRS)
    verdicts = judge_texts([(r["evidence"], r["claim"]) for r in rows])
    gold = [PAIR_KINDS[r["label"]] for r in rows]
    predicted = [v["kind"] for v in verdicts]
    contradictions = [v["confidence"] for v, g in zip(verdicts, gold, strict=True) if g == v["kind"] == "contradiction"]
    return {
        "pairs": len(rows),
        "accuracy": accuracy(gold, predicted),
        "f1": per_class_f1(gold, predicted, KINDS),
        "confusion": confusion(gold, predicted, KINDS),
        "contradiction_confidences": sorted(round(c, 3) for c in contradictions),
        "contradictions_above_half": sum(c > 0.5 for c in contradictions),
    }


def held_in(rows: list[dict], x: np.ndarray, evidence: list[dict]) -> dict:
    """Held-out NLI accuracy, finding calibration and the ablation, on the held-in pairs."""
    nli_forward = np.exp(x[:, :3]) / (1 + np.exp(x[:, :3]))  # the features hold log-odds
    slice_rows = [n for n, r in enumerate(rows) if r["weight"] == 1.0]
    labels = ("entailment", "neutral", "contradiction")
    gold = [rows[n]["label"] for n in slice_rows]
    predicted = [labels[int(nli_forward[n].argmax())] for n in slice_rows]
    nli_alone = {
        "pairs": len(slice_rows),
        "accuracy": accuracy(gold, predicted),
        "f1": per_class_f1(gold, predicted, labels),
        "confusion": confusion(gold, predicted, labels),
    }
    probabilities = cross_fitted(x, rows)
    thresholds = Thresholds()
    findings = []
    for n, row in enumerate(rows):
        decided = decide(probabilities[n], evidence[n], thresholds)
        if decided:
            findings.append((decided[0], decided[1], is_right(decided[0], row["verdict"])))
    confidence, right = np.array([f[1] for f in findings]), np.array([f[2] for f in findings])
    scores = {"findings": len(findings), "ece": calibration(confidence, right)[0], "by_kind": {}}
    for kind in ("contradiction", "partial", "agreement"):
        chosen = np.array([f[0] == kind for f in findings])
        if chosen.any():
            scores["by_kind"][kind] = {
                "findings": int(chosen.sum()),
                "right": round(float(right[chosen].mean()), 4),
                "mean_confidence": round(float(confidence[chosen].mean()), 4),
                "ece": calibration(confidence[chosen], right[chosen])[0],
            }
    return {
        "nli_alone": nli_alone,
        "calibration": scores,
        "ablation": ablation(rows, evidence, nli_forward, probabilities, thresholds),
    }


def ablation(rows, evidence, nli_forward, probabilities, thresholds: Thresholds) -> dict:
    """Three-way accuracy (agree / neutral / contradict) of each way of deciding, on news and NLI pairs."""
    as_verdict = {"agreement": "agree", "partial": "neutral", "contradiction": "contradict", None: "neutral"}
    ways = {
        "checks only": [as_verdict[checks_kind(e, thresholds)] for e in evidence],
        "NLI only": [("agree", "neutral", "contradict")[int(p.argmax())] for p in nli_forward],
        "both (judge)": [("agree", "neutral", "contradict")[int(p.argmax())] for p in probabilities],
    }
    out = {}
    for name, predicted in ways.items():
        for subset, keep in (("news pairs", lambda r: r["weight"] > 1), ("NLI held-out", lambda r: r["weight"] == 1)):
            chosen = [n for n, r in enumerate(rows) if keep(r)]
            gold = [rows[n]["verdict"] for n in chosen]
            guess = [predicted[n] for n in chosen]
            out.setdefault(name, {})[subset] = {
                "accuracy": accuracy(gold, guess),
                "contradict_f1": per_class_f1(gold, guess, ("contradict",))["contradict"],
            }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--rte-limit", type=int, help="only the first N pairs of each RTE file")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "nli.json", help="figures as JSON")
    args = parser.parse_args(argv)
    load_embedder().load()
    model = load_nli_model().load()
    rows = labelled_pairs()
    x, evidence = pair_features(rows, model)
    result = {
        "model": model.info.sha256,
        "held_in": held_in(rows, x, evidence),
        "rte": rte(args.rte_limit),
        "fixture_pairs": fixture_pairs(),
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    alone = result["held_in"]["nli_alone"]
    print(f"NLI model alone, held-out slice ({alone['pairs']} pairs): accuracy {alone['accuracy']:.3f}")
    print_scores(alone["f1"], alone["confusion"], ("entailment", "neutral", "contradiction"))
    print("\nRTE through `verify judge` (agreement = entailment):")
    for name, scores in result["rte"].items():
        note = "  (trained on)" if scores["trained_on"] else ""
        print(f"  {name:<10} {scores['accuracy']:.3f} on {scores['pairs']} pairs, {scores['seconds']} s{note}")
    pairs = result["fixture_pairs"]
    print(f"\nfixtures/pairs.jsonl through `verify judge` ({pairs['pairs']} pairs): accuracy {pairs['accuracy']:.3f}")
    print_scores(pairs["f1"], pairs["confusion"], KINDS)
    print(
        f"contradiction confidences (right ones): {pairs['contradiction_confidences']}; "
        f"{pairs['contradictions_above_half']} above 0.5"
    )
    cal = result["held_in"]["calibration"]
    print(f"\nfinding calibration, held-in pairs cross-fitted ({cal['findings']} findings): ECE {cal['ece']:.4f}")
    for kind, scores in cal["by_kind"].items():
        print(
            f"  {kind:<14} {scores['findings']:>5} findings, right {scores['right']:.3f}, "
            f"mean confidence {scores['mean_confidence']:.3f}, ECE {scores['ece']:.4f}"
        )
    print("\nablation, 3-way accuracy (contradict F1):")
    for name, subsets in result["held_in"]["ablation"].items():
        print(
            f"  {name:<14}"
            + "  ".join(f"{s}: {v['accuracy']:.3f} ({v['contradict_f1']:.3f})" for s, v in subsets.items())
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
