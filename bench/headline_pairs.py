"""NLI pairs from real headlines and the news bodies that agree with, dispute or discuss them
(FNC-1's training split; its hold-out bodies never give pairs).

For each related (headline, body) pair, the premise is the body's sentences that share the most
words with the headline (two, in the body's order, at most 600 characters) and the hypothesis
is the headline. FNC-1's stance is the label:
- **agree** (the body states the headline's claim as fact) -> entailment;
- **disagree** (the body disputes it) -> contradiction;
- **discuss** (the body reports the claim without taking it as fact: "reportedly", "a video
  claims", "police said they were investigating") -> neutral.

These are the pairs news hands the judge: a claim as a headline words it, against the passage
that reports it, hedges it or refutes it. Discuss pairs are sampled down to as many as agree
pairs, disagree pairs read twice, so that the three kinds weigh about the same. Seeded: the
same call gives the same pairs.

    python bench/headline_pairs.py        # counts and a few examples of each kind
"""

from __future__ import annotations

import csv
import random

from factual_edits import FNC1, SEED, _words, body_sentences

LABELS = {"agree": "entailment", "disagree": "contradiction", "discuss": "neutral"}
PREMISE_SENTENCES = 2
PREMISE_CHARS = 600
DISAGREE_REPEATS = 2


def premise_for(headline: str, sentences: list[str]) -> str | None:
    """The sentences of a body sharing the most words with ``headline``, in the body's order."""
    wanted = _words(headline)
    scored = sorted(range(len(sentences)), key=lambda i: -len(_words(sentences[i]) & wanted))
    chosen = sorted(i for i in scored[:PREMISE_SENTENCES] if _words(sentences[i]) & wanted)
    premise = " ".join(sentences[i] for i in chosen)
    if len(premise) > PREMISE_CHARS:
        premise = sentences[scored[0]]
    return premise or None


def headline_pairs(split: str = "training", seed: int = SEED) -> list[dict]:
    """{premise, hypothesis, label, stance} pairs from FNC-1's ``split`` ("training" or "hold_out")."""
    ids = set((FNC1 / "splits" / f"{split}_ids.txt").read_text().split())
    with (FNC1 / "train_bodies.csv").open(encoding="utf-8") as handle:
        bodies = {
            row["Body ID"]: body_sentences(row["articleBody"])
            for row in csv.DictReader(handle)
            if row["Body ID"] in ids
        }
    by_stance: dict[str, list[dict]] = {stance: [] for stance in LABELS}
    with (FNC1 / "train_stances.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Stance"] not in LABELS or row["Body ID"] not in ids:
                continue
            premise = premise_for(row["Headline"], bodies[row["Body ID"]])
            if premise:
                by_stance[row["Stance"]].append(
                    {
                        "premise": premise,
                        "hypothesis": row["Headline"],
                        "label": LABELS[row["Stance"]],
                        "stance": row["Stance"],
                    }
                )
    rng = random.Random(f"{seed}-headlines-{split}")
    discuss = rng.sample(by_stance["discuss"], min(len(by_stance["discuss"]), len(by_stance["agree"])))
    return by_stance["agree"] + by_stance["disagree"] * DISAGREE_REPEATS + discuss


if __name__ == "__main__":
    from collections import Counter

    made = headline_pairs()
    print(f"{len(made)} pairs from the training split;", dict(Counter(p["stance"] for p in made)))
    for stance in LABELS:
        pair = next(p for p in made if p["stance"] == stance)
        print(f"\n[{stance}] P: {pair['premise'][:300]}\n   H: {pair['hypothesis']}")
