"""Evaluate verify's claim-pair judge on real development sets: the NLI model, and the calibrated
decision over it and the checks.

    python bench/nli.py [--json] [--summedits-per-domain N] [--rte-limit N] [--compare-nli PATH]

Prints, per development set, for the shipped judge (`verify judge`):
1. RTE-1 and RTE-2, dev and test: accuracy (agreement = entailment); RTE-1 dev is in the
   decision's fit (never in the model's), so its figure is marked;
2. SummEdits dev (../shared/eval/summedits/), N documents' summaries a domain (default 60):
   balanced accuracy (a summary is consistent when the judge agrees with every claim of it),
   per domain and over the seven, and ROC-AUC of inconsistency (1 - the weakest claim's support);
3. the real labelled pairs the decision is fitted on (held-out slices of train/nli/ and
   train/factual/, RTE-1 dev, the Emergent training split), with the decision cross-fitted by
   group (each pair judged by a decision fitted without its fold): three-way accuracy,
   contradiction ROC-AUC and the ECE of finding confidences, per origin; the ablation (checks
   only, NLI only, both); and the contradictions on the real news pairs (bench/facts.py's
   labels, both orders), for the shipped decision and cross-fitted by fifths of those pairs;
4. the NLI model alone (argmax, and contradiction ROC-AUC) on the same pairs, for the shipped
   model and, with --compare-nli, another NLI folder (an earlier model, exported);
5. fixtures/pairs.jsonl by kind (hand-written news pairs).

Sections 1, 2 and 5 judge with the shipped decision (verify/data/judge.json); 3 with the decision
`bench/train_nli.py --calibrate` fits now, cross-fitted.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from metrics import accuracy, calibration, per_class_f1
from sklearn.metrics import roc_auc_score
from train_nli import (
    RTE,
    SHARED,
    cross_fitted,
    cross_fitted_news,
    labelled_pairs,
    news_pairs,
    pair_features,
    read_jsonl,
)

from verify.compare.judge import decide
from verify.compare.passages import judge_texts
from verify.compare.verdict import checks_kind
from verify.models.embedder import load_embedder
from verify.models.nli import load_nli_model
from verify.records import Thresholds

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "fixtures" / "pairs.jsonl"
SUMMEDITS = SHARED / "eval" / "summedits" / "summedits_dev.jsonl"
PAIR_KINDS = {"agree": "agreement", "contradict": "contradiction", "partial": "partial", "unrelated": "unrelated"}
KINDS = ("agreement", "partial", "contradiction", "unrelated")
VERDICTS = ("agree", "neutral", "contradict")


def auc(gold: list[bool], score: list[float]) -> float | None:
    return round(float(roc_auc_score(gold, score)), 4) if 0 < sum(gold) < len(gold) else None


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
            "in_decision_fit": name == "rte1_dev",
            "seconds": round(time.perf_counter() - started, 1),
        }
    return out


def summedits(per_domain: int) -> dict:
    """Balanced accuracy and inconsistency ROC-AUC per domain, on the summaries of ``per_domain``
    documents a domain drawn with a fixed seed."""
    by_domain: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in read_jsonl(SUMMEDITS):
        by_domain[row["domain"]][row["premise"]].append(row)
    out = {}
    for domain in sorted(by_domain):
        documents = sorted(by_domain[domain])
        chosen = random.Random(f"summedits-{domain}").sample(documents, min(per_domain, len(documents)))
        rows = [r for d in chosen for r in by_domain[domain][d]]
        started = time.perf_counter()
        verdicts = judge_texts([(r["premise"], r["hypothesis"]) for r in rows])
        consistent = [r["label"] == "consistent" for r in rows]
        called = [v["kind"] == "agreement" for v in verdicts]
        recalls = [
            np.mean([c == g for c, g in zip(called, consistent, strict=True) if g == want]) for want in (True, False)
        ]
        weakest = [min(c["judge"]["agree"] for c in v["claims"]) for v in verdicts]
        out[domain] = {
            "pairs": len(rows),
            "balanced_accuracy": round(float(np.mean(recalls)), 4),
            "inconsistency_auc": auc([not g for g in consistent], [1 - w for w in weakest]),
            "seconds": round(time.perf_counter() - started, 1),
        }
    out["all"] = {
        "pairs": sum(d["pairs"] for d in out.values()),
        "balanced_accuracy": round(float(np.mean([d["balanced_accuracy"] for d in out.values()])), 4),
    }
    return out


def by_origin(rows: list[dict]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for n, row in enumerate(rows):
        groups[row["origin"]].append(n)
    return dict(sorted(groups.items()))


def labelled(rows: list[dict], x: np.ndarray, evidence: list[dict], news: dict) -> dict:
    """The decision cross-fitted on the real labelled pairs: per origin, accuracy, contradiction
    AUC and ECE; the ablation."""
    probabilities = cross_fitted(x, rows, evidence, news)
    thresholds = Thresholds()
    nli = np.exp(x[:, :3])  # the features hold log-probabilities, premise -> hypothesis
    out = {}
    for origin, members in [("all", list(range(len(rows)))), *by_origin(rows).items()]:
        gold = [rows[n]["verdict"] for n in members]
        findings = []
        for n in members:
            if decided := decide(probabilities[n], evidence[n], thresholds):
                findings.append((decided[1], is_right(decided[0], rows[n]["verdict"])))
        confidence = np.array([f[0] for f in findings])
        right = np.array([f[1] for f in findings])
        ways = {
            "checks only": [
                {"agreement": "agree", "contradiction": "contradict"}.get(
                    checks_kind(evidence[n], thresholds), "neutral"
                )
                for n in members
            ],
            "NLI only": [VERDICTS[int(nli[n].argmax())] for n in members],
            "both (judge)": [VERDICTS[int(probabilities[n].argmax())] for n in members],
        }
        out[origin] = {
            "pairs": len(members),
            "accuracy": accuracy(gold, ways["both (judge)"]),
            "contradiction_auc": auc([g == "contradict" for g in gold], [probabilities[n, 2] for n in members]),
            "findings": len(findings),
            "ece": calibration(confidence, right)[0] if findings else None,
            "reliability": calibration(confidence, right)[1] if origin == "all" else None,
            "ablation": {
                name: {
                    "accuracy": accuracy(gold, guess),
                    "contradict_f1": per_class_f1(gold, guess, ("contradict",))["contradict"],
                }
                for name, guess in ways.items()
            },
        }
    return out


def nli_alone(rows: list[dict], model) -> dict:
    """The NLI model's argmax accuracy and contradiction AUC per origin (premise -> hypothesis)."""
    from verify.compare.judge import NLICache
    from verify.store.db import open_store

    store = open_store(ROOT / "bench" / "results" / "judge-cache.db")
    p = NLICache(model, store).probabilities([(r["premise"], r["hypothesis"]) for r in rows])
    store.close()
    out = {}
    for origin, members in by_origin(rows).items():
        gold = [rows[n]["verdict"] for n in members]
        guess = [VERDICTS[int(p[n].argmax())] for n in members]
        three_way = origin not in ("rte1_dev",)
        out[origin] = {
            "accuracy": accuracy(gold, guess) if three_way else None,
            "contradiction_auc": auc([g == "contradict" for g in gold], [float(p[n, 2]) for n in members]),
        }
    return out


def news_contradictions(x: np.ndarray, rows: list[dict], news: dict) -> dict:
    """Contradictions on the real news pairs (bench/facts.py's labels, both orders averaged as
    `verify report` judges two sources): called, precision and recall, for the shipped decision
    (whose floors and news origin were fitted on these pairs) and cross-fitted by fifths."""
    from verify.compare.judge import load_calibration

    thresholds, gold = Thresholds(), news["contradicts"]
    shipped = load_calibration()
    evidences = news["evidences"]
    ways = {
        "shipped": (
            shipped.probabilities(news["forward"], evidences) + shipped.probabilities(news["backward"], evidences)
        )
        / 2,
        "cross-fitted": cross_fitted_news(x, rows, news),
    }
    out = {}
    for name, probabilities in ways.items():
        kinds = [decide(p, e, thresholds) for p, e in zip(probabilities, evidences, strict=True)]
        called = np.array([kind is not None and kind[0] == "contradiction" for kind in kinds])
        out[name] = {
            "pairs": len(gold),
            "called": int(called.sum()),
            "precision": round(float(gold[called].mean()), 4) if called.any() else None,
            "recall": round(float((called & gold).sum() / gold.sum()), 4),
        }
    return out


def fixture_pairs() -> dict:
    rows = read_jsonl(PAIRS)
    verdicts = judge_texts([(r["evidence"], r["claim"]) for r in rows])
    gold = [PAIR_KINDS[r["label"]] for r in rows]
    predicted = [v["kind"] for v in verdicts]
    return {"pairs": len(rows), "accuracy": accuracy(gold, predicted), "f1": per_class_f1(gold, predicted, KINDS)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--rte-limit", type=int, help="only the first N pairs of each RTE file")
    parser.add_argument("--summedits-per-domain", type=int, default=60, help="documents a domain (their summaries)")
    parser.add_argument("--compare-nli", type=Path, help="another NLI folder, scored alone beside the shipped one")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "nli.json", help="figures as JSON")
    args = parser.parse_args(argv)
    load_embedder().load()
    model = load_nli_model().load()
    rows = labelled_pairs()
    x, evidence = pair_features(rows, model)
    news = news_pairs(model)
    result = {
        "model": model.info.sha256,
        "rte": rte(args.rte_limit),
        "summedits": summedits(args.summedits_per_domain),
        "labelled": labelled(rows, x, evidence, news),
        "news": news_contradictions(x, rows, news),
        "nli_alone": {"shipped": nli_alone(rows, model)},
        "fixture_pairs": fixture_pairs(),
    }
    if args.compare_nli:
        result["nli_alone"][str(args.compare_nli)] = nli_alone(rows, load_nli_model(str(args.compare_nli)).load())
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("RTE through `verify judge` (agreement = entailment):")
    for name, s in result["rte"].items():
        note = "  (in the decision's fit)" if s["in_decision_fit"] else ""
        print(f"  {name:<10} {s['accuracy']:.3f} on {s['pairs']} pairs, {s['seconds']} s{note}")
    print("\nSummEdits dev through `verify judge`: balanced accuracy, inconsistency ROC-AUC")
    for domain, s in result["summedits"].items():
        extra = f"  AUC {s['inconsistency_auc']:.3f}  ({s['seconds']} s)" if "seconds" in s else ""
        print(f"  {domain:<12} {s['balanced_accuracy']:.3f} on {s['pairs']} summaries{extra}")
    print("\nreal labelled pairs, decision cross-fitted by group: accuracy, contradiction AUC, ECE")
    for origin, s in result["labelled"].items():
        contradiction = f"{s['contradiction_auc']:.3f}" if s["contradiction_auc"] is not None else "  -  "
        ece = f"{s['ece']:.4f}" if s["ece"] is not None else "-"
        print(f"  {origin:<18} {s['pairs']:>5} pairs  acc {s['accuracy']:.3f}  AUC {contradiction}  ECE {ece}")
    print("\nreal news pairs (bench/labels/, both orders): contradictions called, precision, recall")
    for name, n in result["news"].items():
        print(f"  {name:<14} {n['called']:>4} of {n['pairs']}  precision {n['precision']}  recall {n['recall']:.3f}")
    print("\nablation (all labelled pairs): 3-way accuracy (contradict F1)")
    for name, s in result["labelled"]["all"]["ablation"].items():
        print(f"  {name:<14} {s['accuracy']:.3f} ({s['contradict_f1']:.3f})")
    print("\nNLI model alone (argmax accuracy, contradiction AUC):")
    for which, origins in result["nli_alone"].items():
        print(f"  {which}")
        for origin, s in origins.items():
            acc = f"{s['accuracy']:.3f}" if s["accuracy"] is not None else "  -  "
            contradiction = f"{s['contradiction_auc']:.3f}" if s["contradiction_auc"] is not None else "  -  "
            print(f"    {origin:<18} acc {acc}  AUC {contradiction}")
    pairs = result["fixture_pairs"]
    print(
        f"\nfixtures/pairs.jsonl (hand-written, not in the fit): accuracy {pairs['accuracy']:.3f} on {pairs['pairs']}"
    )
    print("  per-kind F1: " + "  ".join(f"{k} {v:.3f}" for k, v in pairs["f1"].items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
