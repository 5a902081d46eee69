"""What the NLI savings change, on the real labelled pairs and the real news pairs.

    python bench/nli_cost.py [--second-reading 0.9 0.99] [--gates 0.55 0.6 0.65]

1. The second reading (`second_reading` below 1): how many pairs are still read both ways, and
   how many verdict kinds change against reading every pair both ways, as `verify report` judges
   two sources' pairs (a draft's are always read both ways).
2. The similarity gate (`nli_similarity`): raised to each value, the readings saved and the
   findings lost (how many of those were right, and how many true contradictions).

NLI readings are cached in bench/results/judge-cache.db (as `bench/train_nli.py --calibrate`
leaves it), so a second run reads nothing.
"""

from __future__ import annotations

import argparse

import facts
import numpy as np
from train_nli import ROOT, labelled_pairs

from verify.compare import judge
from verify.compare.judge import judge_verdicts
from verify.compare.passages import text_pairs_evidence
from verify.compare.reuse import NLICache
from verify.models.nli import load_nli_model
from verify.records import Thresholds
from verify.store.db import open_store

RIGHT = {"agreement": ("agree",), "partial": ("agree", "neutral"), "contradiction": ("contradict",)}


def second_reading(sets: dict, cache: NLICache, values: list[float]) -> None:
    read_back = []
    needed = judge.second_reading_needed
    judge.second_reading_needed = lambda *a: read_back.append(needed(*a)) or read_back[-1]
    print("second reading: pairs read both ways, verdict kinds changed against reading both ways")
    for name, (pairs, _) in sets.items():
        base = judge_verdicts(pairs, cache, Thresholds())
        for value in values:
            read_back.clear()
            got = judge_verdicts(pairs, cache, Thresholds(second_reading=value))
            changed = sum((g and g["kind"]) != (b and b["kind"]) for g, b in zip(got, base, strict=True))
            moved = [abs(g["confidence"] - b["confidence"]) for g, b in zip(got, base, strict=True) if g and b]
            print(
                f"  {name:<9} {value:<6} read both ways {read_back[0].mean():6.1%}  kinds changed {changed} "
                f"({changed / len(pairs):.2%}) of {len(pairs)}; confidence moved by {np.mean(moved):.3f} on "
                f"average, {np.mean(np.array(moved) > 0.05):.1%} by more than 0.05, at most {max(moved):.3f}"
            )
    judge.second_reading_needed = needed


def gates(sets: dict, cache: NLICache, values: list[float]) -> None:
    print("similarity gate: readings saved, findings lost (right ones), true contradictions lost")
    for name, (pairs, gold) in sets.items():
        got = judge_verdicts(pairs, cache, Thresholds())
        similarity = np.array([e["similarity"] for _, _, e in pairs])
        clash = np.array([bool(e.get("clashes")) for _, _, e in pairs])
        read = (similarity >= Thresholds().nli_similarity) | clash
        found = sum(v is not None for v in got)
        contradictions = sum(
            1 for v, g in zip(got, gold, strict=True) if v and v["kind"] == "contradiction" and g == "contradict"
        )
        for value in values:
            lost = [n for n in np.flatnonzero(read & ~clash & (similarity < value)) if got[n]]
            right = sum(gold[n] in RIGHT[got[n]["kind"]] for n in lost)
            true = sum(got[n]["kind"] == "contradiction" and gold[n] == "contradict" for n in lost)
            saved = (read & ~clash & (similarity < value)).sum()
            print(
                f"  {name:<9} {value:<5} saved {saved / read.sum():6.1%} of {read.sum()} readings; lost {len(lost)} of "
                f"{found} findings ({right} right), {true} of {contradictions} true contradictions"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--second-reading", type=float, nargs="+", default=[0.9, 0.99, 0.9998])
    parser.add_argument("--gates", type=float, nargs="+", default=[0.55, 0.6, 0.65])
    args = parser.parse_args()
    store = open_store(ROOT / "bench" / "results" / "judge-cache.db")
    cache = NLICache(load_nli_model(), store)
    rows = labelled_pairs()
    news, news_rows = facts.claim_pairs()
    sets = {
        "labelled": (
            text_pairs_evidence([(r["premise"], r["hypothesis"]) for r in rows]),
            [r["verdict"] for r in rows],
        ),
        "news": (
            news,
            ["contradict" if any(r[c] == "clash" for c in facts.PAIR_CHECKS) else "neutral" for r in news_rows],
        ),
    }
    second_reading(sets, cache, args.second_reading)
    gates(sets, cache, args.gates)
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
