"""Check the hand labels in this folder against the FNC-1 training files.

Usage: python bench/labels/check.py

The labels hold body ids and character offsets only; the text is read at run time from
../shared/eval/fnc1 next to the repository (override with FNC1_DIR). Exits 1 on the first
problem, otherwise prints the counts.
"""

import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FNC_DIR = Path(os.environ.get("FNC1_DIR", ROOT.parent / "shared" / "eval" / "fnc1"))
KINDS = {"count", "age", "duration", "money", "percent", "year", "ordinal", "other"}
NEGATIONS = {"denial", "non-commitment", "negation", "none"}
CHECKS = ("numbers", "polarity", "outcome", "places", "dates")


def fail(message: str) -> None:
    print(f"check failed: {message}", file=sys.stderr)
    sys.exit(1)


def read_csv(name: str) -> list[dict[str, str]]:
    with (FNC_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_jsonl(name: str) -> list[dict]:
    with (HERE / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sentence(bodies: dict[int, str], training: set[int], span: dict, where: str) -> str:
    body_id, start, end = span["body_id"], span["start"], span["end"]
    if body_id not in training:
        fail(f"{where}: body {body_id} is not in splits/training_ids.txt")
    body = bodies[body_id]
    if not 0 <= start < end <= len(body):
        fail(f"{where}: offsets {start}:{end} outside body {body_id}")
    text = body[start:end]
    if text != text.strip():
        fail(f"{where}: span {body_id}:{start}:{end} has surrounding white space")
    if (start and not body[start - 1].isspace()) or (end < len(body) and not body[end].isspace()):
        fail(f"{where}: span {body_id}:{start}:{end} cuts a word")
    return text


def check_pairs(
    name: str, bodies: dict[int, str], training: set[int], stances: list[dict], related: dict[str, dict[int, str]]
) -> tuple[list[dict], int, Counter]:
    """Check one file of labelled pairs; return its pairs, how many have some clash, and the clashes per check."""
    pairs = read_jsonl(name)
    clashes = Counter()
    any_clash = 0
    seen = set()
    for number, pair in enumerate(pairs, 1):
        where = f"{name} line {number}"
        if list(pair) != ["stance_row", "left", "right", *CHECKS]:
            fail(f"{where}: unexpected keys {list(pair)}")
        left, right = pair["left"], pair["right"]
        for side in (left, right):
            if list(side) != ["body_id", "start", "end"]:
                fail(f"{where}: unexpected side keys {list(side)}")
        if left["body_id"] == right["body_id"]:
            fail(f"{where}: both sides come from body {left['body_id']}")
        sentence(bodies, training, left, where)
        sentence(bodies, training, right, where)
        key = frozenset((tuple(left.values()), tuple(right.values())))
        if key in seen:
            fail(f"{where}: duplicate pair")
        seen.add(key)
        if not isinstance(pair["stance_row"], int) or not 0 <= pair["stance_row"] < len(stances):
            fail(f"{where}: stance_row {pair['stance_row']!r} out of range")
        stance_row = stances[pair["stance_row"]]
        by_body = related[stance_row["Headline"]]
        if int(stance_row["Body ID"]) not in (left["body_id"], right["body_id"]):
            fail(f"{where}: stance_row {pair['stance_row']} names neither body")
        for side in (left, right):
            if by_body.get(side["body_id"], "unrelated") == "unrelated":
                fail(f"{where}: body {side['body_id']} is not related to the headline of stance_row")
        for check in CHECKS:
            if pair[check] not in ("clash", "no clash"):
                fail(f"{where}: {check} {pair[check]!r}")
            clashes[check] += pair[check] == "clash"
        any_clash += any(pair[check] == "clash" for check in CHECKS)
    return pairs, any_clash, clashes


def main() -> None:
    bodies = {int(row["Body ID"]): row["articleBody"] for row in read_csv("train_bodies.csv")}
    stances = read_csv("train_stances.csv")
    training = {int(x) for x in (FNC_DIR / "splits" / "training_ids.txt").read_text().split()}

    rows = read_jsonl("facts_sentences.jsonl")
    seen = set()
    for number, row in enumerate(rows, 1):
        where = f"facts_sentences.jsonl line {number}"
        if set(row) != {"body_id", "start", "end", "quantities", "negation", "source", "cue"}:
            fail(f"{where}: unexpected keys {sorted(row)}")
        text = sentence(bodies, training, row, where)
        key = (row["body_id"], row["start"], row["end"])
        if key in seen:
            fail(f"{where}: duplicate sentence {key}")
        seen.add(key)
        if row["negation"] not in NEGATIONS:
            fail(f"{where}: negation {row['negation']!r}")
        for field in ("source", "cue"):
            if row[field] is not None and row[field] not in text:
                fail(f"{where}: {field} {row[field]!r} is not in the sentence")
        for quantity in row["quantities"]:
            if set(quantity) != {"text", "low", "high", "kind", "what", "event"}:
                fail(f"{where}: quantity keys {sorted(quantity)}")
            if quantity["text"] not in text or quantity["kind"] not in KINDS:
                fail(f"{where}: quantity {quantity}")
            low, high = quantity["low"], quantity["high"]
            if not isinstance(low, int | float) or (
                high is not None and (not isinstance(high, int | float) or high < low)
            ):
                fail(f"{where}: range {quantity}")

    related: dict[str, dict[int, str]] = {}
    for row in stances:
        related.setdefault(row["Headline"], {})[int(row["Body ID"])] = row["Stance"]
    pair_counts = {
        name: check_pairs(name, bodies, training, stances, related)
        for name in ("facts_pairs.jsonl", "facts_pairs_events.jsonl")
    }

    with_quantity = sum(bool(row["quantities"]) for row in rows)
    print(
        f"sentences: {len(rows)} from {len({row['body_id'] for row in rows})} bodies, {with_quantity} with a quantity"
    )
    print(f"negation: {dict(Counter(row['negation'] for row in rows))}")
    for name, (pairs, any_clash, clashes) in pair_counts.items():
        pair_bodies = {side["body_id"] for pair in pairs for side in (pair["left"], pair["right"])}
        print(f"{name}: {len(pairs)} pairs over {len(pair_bodies)} bodies, {any_clash} with some clash")
        print(f"  clash per check: {dict(clashes)}")


if __name__ == "__main__":
    main()
