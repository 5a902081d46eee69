"""How well verify reads the facts of real news sentences, and how precise its checks are on real pairs.

    python bench/facts.py [--json] [--no-parse] [--out bench/results/facts.json]

Labels (bench/labels/, see its README) are keyed by FNC-1 training body id and character
offsets; the sentences are read from ../shared/eval/fnc1/train_bodies.csv at run time.

1. Extraction, on the labelled sentences (bench/labels/facts_sentences.jsonl):
   - quantities: a labelled figure is found when an extracted one overlaps its words; its value
     or range, its kind (count, age, duration, money, percent), and for a count what it counts
     and the event it counts (both labels read in verify's terms: a singular noun, an event
     lemma with "say", "be" and other light verbs as none) are then scored field by field; an
     age, a sum or a duration is right on what and event when its kind is
     (precision over the figures verify extracted, recall over the labelled ones, F1);
   - attribution: the source (named or not, and by the same words) and the cue;
   - negation kind: denial, non-commitment, other negation or none.
2. Checks, on labelled pairs of sentences from two bodies of one story
   (bench/labels/facts_pairs.jsonl, look-alikes; facts_pairs_events.jsonl, event pairs): each
   check's clash precision and recall, with the gates verify applies (similarity thresholds),
   embedding the two sentences as verify does; over both sets, then per set.

--no-parse scores the patterns alone (the English parser switched off), for the comparison.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from rapidfuzz import fuzz

from verify.claims import extract as claims
from verify.claims.extract import sentence_claims
from verify.claims.negation import negation_kind
from verify.claims.quantities import event_of, numbers, refine_numbers
from verify.claims.units import UNIT_SYNONYMS
from verify.claims.words import tfidf_cosine
from verify.compare.verdict import pair_evidence
from verify.models.embedder import load_embedder
from verify.records import Thresholds
from verify.sources import bundled_index

ROOT = Path(__file__).resolve().parent.parent
BODIES = ROOT.parent / "shared" / "eval" / "fnc1" / "train_bodies.csv"
LABELS = ROOT / "bench" / "labels"
# Each labelled check, and the clashes of verify's evidence that answer it.
PAIR_CHECKS = {
    "numbers": ("numbers",),
    "polarity": ("polarity",),
    "outcome": ("outcome", "control"),
    "places": ("places",),
    "dates": ("dates",),
}


def bodies() -> dict[int, str]:
    with BODIES.open(encoding="utf-8", newline="") as handle:
        return {int(row["Body ID"]): row["articleBody"] for row in csv.DictReader(handle)}


def read_labels(name: str) -> list[dict]:
    return [json.loads(line) for line in (LABELS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def prf(tp: int, predicted: int, gold: int) -> dict:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "gold": gold}


def _same_range(found: dict, want: dict) -> bool:
    high = None if found["high"] is None else float(found["high"])
    want_high = None if want["high"] is None else float(want["high"])
    if (high is None) != (want_high is None):
        return False
    close = abs(float(found["low"]) - float(want["low"])) <= max(1.0, 0.02 * abs(float(want["low"])))
    return close and (high is None or abs(high - want_high) <= max(1.0, 0.02 * abs(want_high)))


def _same_word(found: str, want: str) -> bool:
    found, want = (found or "").lower(), (want or "").lower()
    if not want:
        return not found
    want = UNIT_SYNONYMS.get(want, want)
    return bool(found) and (found == want or fuzz.ratio(found, want) >= 85)


def quantity_scores(rows: list[dict], texts: dict[int, str]) -> dict:
    """Precision, recall and F1 of the figures, and of each field of the figures found."""
    fields = {"found": 0, "range": 0, "kind": 0, "what": 0, "event": 0, "all": 0}
    extracted = labelled = 0
    for row in rows:
        sentence = texts[row["body_id"]][row["start"] : row["end"]]
        found = [q.record() for q in numbers(sentence)]
        if found and (doc := claims.parsed([sentence])[0]) is not None:
            found = refine_numbers(found, doc)
        wanted = [q for q in row["quantities"] if q["kind"] not in ("year", "ordinal")]  # verify leaves these out
        extracted += len(found)
        labelled += len(wanted)
        for want in wanted:
            at = sentence.find(want["text"])
            span = (at, at + len(want["text"])) if at >= 0 else (-1, -1)
            match = next((q for q in found if q["start"] < span[1] and span[0] < q["end"]), None)
            if match is None:
                continue
            kind = match.get("kind", "count") == (want["kind"] if want["kind"] != "other" else "count")
            count = want["kind"] == "count"  # what and event are read for counts; ages and sums are typed
            right = {
                "found": True,
                "range": _same_range(match, want),
                "kind": kind,
                "what": kind and (not count or _same_word(match["unit"], want["what"])),
                "event": kind and (not count or (match.get("event") or "") == event_of(want["event"].lower())),
            }
            right["all"] = right["range"] and right["what"] and right["event"]
            for name, ok in right.items():
                fields[name] += ok
    return {name: prf(tp, extracted, labelled) for name, tp in fields.items()}


def sentence_scores(rows: list[dict], texts: dict[int, str]) -> dict:
    """Attribution (source, cue, both) and negation kind, sentence by sentence."""
    index = bundled_index()
    kinds = ("denial", "non-commitment", "negation", "none")
    counts = {"source": [0, 0, 0], "cue": [0, 0, 0], "attribution": [0, 0, 0]}  # tp, predicted, gold
    negation = {k: [0, 0, 0] for k in kinds}
    right_kind = 0
    for row in rows:
        (claim,) = sentence_claims([texts[row["body_id"]][row["start"] : row["end"]]], index)
        named = claim["source"] != "text"
        got_name = claim["source_name"] if named else None
        source_right = named and row["source"] and fuzz.partial_ratio(got_name.lower(), row["source"].lower()) >= 80
        cue_right = bool(claim["cue"] and row["cue"] and claim["cue"].lower() == row["cue"].lower())
        for name, ok, predicted, gold in (
            ("source", source_right, named, bool(row["source"])),
            ("cue", cue_right, bool(claim["cue"]), bool(row["cue"])),
            ("attribution", source_right and cue_right, named, bool(row["source"])),
        ):
            counts[name][0] += bool(ok)
            counts[name][1] += bool(predicted)
            counts[name][2] += bool(gold)
        got = negation_kind(claim["text"])
        right_kind += got == row["negation"]
        negation[got][1] += 1
        negation[row["negation"]][2] += 1
        negation[got][0] += got == row["negation"]
    return {
        **{name: prf(*c) for name, c in counts.items()},
        "negation_kind": {
            "accuracy": round(right_kind / len(rows), 4),
            "macro_f1": round(sum(prf(*negation[k])["f1"] for k in kinds) / len(kinds), 4),
            **{k: prf(*negation[k]) for k in kinds},
        },
    }


PAIR_FILES = ("facts_pairs.jsonl", "facts_pairs_events.jsonl")  # look-alike pairs; event pairs


def claim_pairs(files: tuple[str, ...] = PAIR_FILES) -> tuple[list[tuple[dict, dict, dict]], list[dict]]:
    """The labelled pairs (bench/labels/, ``files``) as verify compares two sources' claims:
    (left claim, right claim, evidence through verify's gates) each, and the label rows."""
    texts, rows = bodies(), [row for name in files for row in read_labels(name)]
    index, thresholds = bundled_index(), Thresholds()

    def claim_of(side: dict) -> dict:
        (claim,) = sentence_claims([texts[side["body_id"]][side["start"] : side["end"]]], index)
        return claim

    pairs = [(claim_of(r["left"]), claim_of(r["right"])) for r in rows]
    vectors = load_embedder().encode([c["assertion"] for pair in pairs for c in pair])
    return [
        (a, b, pair_evidence(a, b, float(vectors[2 * n] @ vectors[2 * n + 1]), tfidf_cosine(a, b), thresholds))
        for n, (a, b) in enumerate(pairs)
    ], rows


def pair_scores(files: tuple[str, ...] = PAIR_FILES) -> dict:
    """Each check's clash precision and recall on the labelled pairs, through verify's gates."""
    pairs, rows = claim_pairs(files)
    counts = {check: [0, 0, 0] for check in PAIR_CHECKS}
    for row, (_, _, evidence) in zip(rows, pairs, strict=True):
        for check, names in PAIR_CHECKS.items():
            fired, gold = any(evidence["clashes"].get(name) for name in names), row[check] == "clash"
            counts[check][0] += fired and gold
            counts[check][1] += fired
            counts[check][2] += gold
    return {check: prf(*c) for check, c in counts.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-parse", action="store_true", help="the patterns alone, without the English parser")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "facts.json")
    args = parser.parse_args(argv)
    if args.no_parse:
        claims.parsed = lambda texts: [None] * len(texts)  # what verify reads without the parse
    texts = bodies()
    sentences = read_labels("facts_sentences.jsonl")
    pairs = [row for name in PAIR_FILES for row in read_labels(name)]
    result = {
        "sentences": len(sentences),
        "bodies": len({r["body_id"] for r in sentences}),
        "pairs": len(pairs),
        "quantities": quantity_scores(sentences, texts),
        **sentence_scores(sentences, texts),
        "checks": pair_scores(),
        "checks_by_set": {name: pair_scores((name,)) for name in PAIR_FILES},
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['sentences']} labelled sentences from {result['bodies']} FNC-1 training bodies; {len(pairs)} pairs")
    print("\nextraction        precision  recall     F1   (labelled)")
    for name, scores in [*(("quantity " + k, v) for k, v in result["quantities"].items())] + [
        (k, result[k]) for k in ("source", "cue", "attribution")
    ]:
        print(
            f"  {name:<16} {scores['precision']:>8.3f} {scores['recall']:>7.3f} {scores['f1']:>6.3f}   ({scores['gold']})"
        )
    kind = result["negation_kind"]
    print(f"\nnegation kind: accuracy {kind['accuracy']:.3f}, macro-F1 {kind['macro_f1']:.3f}")
    for name in ("denial", "non-commitment", "negation", "none"):
        s = kind[name]
        print(f"  {name:<16} {s['precision']:>8.3f} {s['recall']:>7.3f} {s['f1']:>6.3f}   ({s['gold']})")
    for title, checks in [("all pairs", result["checks"]), *result["checks_by_set"].items()]:
        print(f"\nchecks on real pairs, {title:<26} precision  recall   (clashes labelled)")
        for check, s in checks.items():
            print(f"  {check:<48} {s['precision']:>9.3f} {s['recall']:>7.3f}   ({s['gold']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
