"""Score verify's stance engine on FNC-1-format files.

    python bench/fnc1.py [--bodies BODIES.csv --stances STANCES.csv] [--sample N --seed S]
                         [--predictions OUT.csv] [--json]

The headline is the claim; the article body is one source's document, segmented into claims as
`verify ingest` does; verify.compare.stance turns the comparison's evidence into agree / disagree /
discuss / unrelated. Without --bodies/--stances it runs on the dev hold-out split (the FNC-1
training files filtered by splits/hold_out_ids.txt). A stances file without a Stance column gets
predictions only. Embeddings are cached in bench/results/fnc1-cache.db (a verify store).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from metrics import accuracy, calibration, confusion, per_class_f1, print_scores

from verify.claims.assertion import prepare
from verify.claims.extract import extract_claims, sentence_claim
from verify.compare.match import claim_vectors
from verify.compare.stance import FINDING_STANCES, LABELS, decide, features, fnc_score, load_stance_model
from verify.errors import VerifyError
from verify.models.embedder import EMBEDDING_DIMENSION, load_embedder
from verify.progress import progress
from verify.records import Thresholds
from verify.report.check import judge_claims
from verify.sources import bundled_index
from verify.store.db import open_store

ROOT = Path(__file__).resolve().parent.parent
FNC_DIR = ROOT.parent / "shared" / "eval" / "fnc1"
CACHE = ROOT / "bench" / "results" / "fnc1-cache.db"


def read_bodies(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}


def read_stances(path: Path, body_ids: set[str] | None = None) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [
            {"headline": r["Headline"], "body_id": r["Body ID"], "stance": r.get("Stance")}
            for r in csv.DictReader(handle)
        ]
    return [r for r in rows if body_ids is None or r["body_id"] in body_ids]


def split_ids(name: str) -> set[str]:
    return set((FNC_DIR / "splits" / f"{name}_ids.txt").read_text().split())


def sample(pairs: list[dict], n: int | None, seed: int) -> list[dict]:
    """A deterministic sample of ``n`` pairs, kept in input order."""
    if not n or n >= len(pairs):
        return pairs
    keep = sorted(random.Random(seed).sample(range(len(pairs)), n))
    return [pairs[i] for i in keep]


class FeatureBuilder:
    """Segments bodies into claims and embeds everything once (cached in a verify store)."""

    def __init__(self, cache: Path = CACHE):
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            self.store = open_store(cache)
        except (OSError, VerifyError):  # a read-only checkout: cache in the temporary folder instead
            self.store = open_store(Path(tempfile.gettempdir()) / "verify-fnc1-cache.db")
        self.embedder = load_embedder()
        self.index = bundled_index()

    def read(self, pairs: list[dict], bodies: dict[str, str]) -> tuple[dict, dict, dict]:
        """Headline claims, each body's claims and every assertion's vector, for these pairs."""
        needed = sorted({p["body_id"] for p in pairs})
        documents = {}
        for body_id in progress(needed, "Segmenting bodies"):
            doc = {"id": f"fnc{body_id}", "text": bodies[body_id], "outlet": "body", "published": None}
            claims, _ = extract_claims(doc, self.index)
            documents[body_id] = [prepare(dict(c, source_name=c["source"])) for c in claims]
        headlines = sorted({p["headline"] for p in pairs})
        claims = {h: prepare(sentence_claim(h, self.index)) for h in progress(headlines, "Reading headlines")}
        texts = [c["assertion"] for c in claims.values()]
        texts += [c["assertion"] for body_id in needed for c in documents[body_id]]
        vectors, _ = claim_vectors(self.store, texts, self.embedder)
        return claims, documents, dict(zip(texts, vectors, strict=True))

    def build(self, pairs: list[dict], bodies: dict[str, str]) -> np.ndarray:
        """One stance feature row per pair."""
        return self.features(pairs, *self.read(pairs, bodies))

    @staticmethod
    def features(pairs: list[dict], claims: dict, documents: dict, lookup: dict) -> np.ndarray:
        body_vectors = {b: stack(lookup, documents[b]) for b in documents}
        rows = [
            features(
                claims[p["headline"]],
                documents[p["body_id"]],
                lookup[claims[p["headline"]]["assertion"]],
                body_vectors[p["body_id"]],
            )
            for p in progress(pairs, "Comparing")
        ]
        return np.array(rows)


def finding_calibration(pairs: list[dict], claims: dict, documents: dict, lookup: dict) -> dict:
    """The claim-pair findings `verify check` makes (the headline a draft claim, the body's claims
    the stored ones), scored against the gold stance: a contradiction is right when the body
    disagrees, an agreement or partial agreement when it agrees or discusses (FINDING_STANCES).
    Per kind: how many, how often right, and the calibration of their confidences."""
    kinds, confidence, correct = [], [], []
    for p in progress(pairs, "Judging claim pairs"):
        headline = claims[p["headline"]]
        stored = [c for c in documents[p["body_id"]] if not c["negative"]]
        if not stored:
            continue
        vector = lookup[headline["assertion"]][None]
        for _, _, verdict in judge_claims([headline], vector, stored, stack(lookup, stored), Thresholds()):
            kinds.append(verdict["kind"])
            confidence.append(verdict["confidence"])
            correct.append(p["stance"] in FINDING_STANCES[verdict["kind"]])
    kinds, confidence, correct = np.array(kinds), np.array(confidence), np.array(correct)
    out = {}
    for kind in ("contradiction", "partial", "agreement", "all"):
        chosen = kinds == kind if kind != "all" else np.ones(len(kinds), dtype=bool)
        if not chosen.any():
            continue
        ece, table = calibration(confidence[chosen], correct[chosen])
        out[kind] = {
            "findings": int(chosen.sum()),
            "right": round(float(correct[chosen].mean()), 4),
            "mean_confidence": round(float(confidence[chosen].mean()), 4),
            "ece": ece,
            "reliability": table,
        }
    return out


def stack(lookup: dict[str, np.ndarray], claims: list[dict]) -> np.ndarray:
    """The claims' vectors as one matrix (zero rows for no claims)."""
    return np.stack([lookup[c["assertion"]] for c in claims]) if claims else np.zeros((0, EMBEDDING_DIMENSION))


def reliability(probabilities: np.ndarray, gold: list[str], bins: int = 10) -> tuple[float, list[dict]]:
    """Expected calibration error of the top-label confidence, and the table behind it."""
    correct = np.array([LABELS[i] == g for i, g in zip(probabilities.argmax(axis=1), gold, strict=True)])
    return calibration(probabilities.max(axis=1), correct, bins)


def evaluate(gold: list[str], predicted: list[str], probabilities: np.ndarray) -> dict:
    raw, best = fnc_score(gold, predicted)
    ece, table = reliability(probabilities, gold)
    return {
        "relative_score": round(100 * raw / best, 2),
        "raw_score": raw,
        "max_score": best,
        "accuracy": accuracy(gold, predicted),
        "f1": per_class_f1(gold, predicted, LABELS),
        "confusion": confusion(gold, predicted, LABELS),
        "ece": ece,
        "reliability": table,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score verify's stance engine on FNC-1-format files.")
    parser.add_argument("--bodies", type=Path, help="bodies CSV (default: FNC-1 training bodies)")
    parser.add_argument("--stances", type=Path, help="stances CSV (default: the dev hold-out split)")
    parser.add_argument("--sample", type=int, help="score a deterministic sample of N pairs")
    parser.add_argument("--seed", type=int, default=0, help="seed for --sample (default 0)")
    parser.add_argument("--predictions", type=Path, help="write Headline,Body ID,Stance rows here, in input order")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--findings",
        action="store_true",
        help="also score the confidence of the claim-pair findings verify check would make",
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"embedding cache, a verify store (default {CACHE})")
    args = parser.parse_args(argv)
    if bool(args.bodies) != bool(args.stances):
        parser.error("give both --bodies and --stances, or neither (the dev hold-out split)")
    if args.bodies:
        bodies, pairs = read_bodies(args.bodies), read_stances(args.stances)
    else:
        bodies = read_bodies(FNC_DIR / "train_bodies.csv")
        pairs = read_stances(FNC_DIR / "train_stances.csv", split_ids("hold_out"))
    missing = sorted({p["body_id"] for p in pairs} - bodies.keys())
    if missing:
        print(f"fnc1: error: {len(missing)} Body ID(s) not in the bodies file, e.g. {missing[0]}", file=sys.stderr)
        return 2
    pairs = sample(pairs, args.sample, args.seed)
    started = time.perf_counter()
    builder = FeatureBuilder(args.cache)
    data = builder.read(pairs, bodies)
    x = builder.features(pairs, *data)
    probabilities = load_stance_model().probabilities(x)
    predicted = decide(probabilities)
    seconds = time.perf_counter() - started
    if args.predictions:
        with args.predictions.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Headline", "Body ID", "Stance"])
            writer.writerows([p["headline"], p["body_id"], label] for p, label in zip(pairs, predicted, strict=True))
    result = {"pairs": len(pairs), "seconds": round(seconds, 1), "pairs_per_second": round(len(pairs) / seconds, 1)}
    if all(p["stance"] in LABELS for p in pairs):
        result |= evaluate([p["stance"] for p in pairs], predicted, probabilities)
        if args.findings:
            result["findings"] = finding_calibration(pairs, *data)
    print_result(result, args.json)
    return 0


def print_result(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"pairs: {result['pairs']}  time: {result['seconds']} s  ({result['pairs_per_second']} pairs/s)")
    if "relative_score" not in result:
        return
    print(f"relative FNC score: {result['relative_score']:.2f}%  ({result['raw_score']} / {result['max_score']})")
    print_scores(result["f1"], result["confusion"], LABELS)
    print(f"expected calibration error (top label): {result['ece']:.4f}")
    print_table(result["reliability"])
    for kind, scores in result.get("findings", {}).items():
        print(
            f"{kind} findings: {scores['findings']}  right {scores['right']:.3f}  mean confidence "
            f"{scores['mean_confidence']:.3f}  ECE {scores['ece']:.4f}"
        )
        print_table(scores["reliability"])


def print_table(rows: list[dict]) -> None:
    for row in rows:
        print(
            f"  {row['bin']}  pairs {row['pairs']:>5}  confidence {row['confidence']:.3f}  accuracy {row['accuracy']:.3f}"
        )


if __name__ == "__main__":
    sys.exit(main())
