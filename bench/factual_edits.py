"""NLI pairs with one factual edit, made from real news bodies (FNC-1's training split).

For a sentence of a news body, the premise is the passage around it (the sentence and its
neighbours), and the hypothesis is one of:
- the sentence itself or its main clause, and a rewording of it that keeps every fact (a figure
  written in words or digits, a synonym, a parenthesis dropped, the attribution moved)
  (**entailment**);
- the same, with one fact changed: a number, a date, a name, a negation or an outcome verb
  (**contradiction**), the kind of edit that turns a faithful summary into an unfaithful one; the
  change is made to the rewording half the time, so "worded differently" never means "clashes";
- a sentence from elsewhere in the body that shares few words with the passage, and the sentence
  itself read against its neighbours alone: on topic, sharing many words, but not stated
  (**neutral**).

The NLI data of ../shared/train/nli/ is mostly captions and everyday prose; these pairs teach the
model to read news passages and to notice a changed figure, date or name. Seeded: the same call
gives the same pairs.

    python bench/factual_edits.py        # counts and a few examples of each kind of edit
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FNC1 = ROOT.parent / "shared" / "eval" / "fnc1"
SEED = 13

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
NUMBER_WORDS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "twenty",
    "dozens",
    "hundreds",
    "thousands",
)
OPPOSITES = {
    "captured": "lost",
    "won": "lost",
    "lost": "won",
    "increased": "decreased",
    "decreased": "increased",
    "rose": "fell",
    "fell": "rose",
    "confirmed": "denied",
    "denied": "confirmed",
    "arrested": "released",
    "released": "detained",
    "killed": "injured",
    "injured": "killed",
    "accepted": "rejected",
    "rejected": "accepted",
    "approved": "blocked",
    "opened": "closed",
    "closed": "opened",
    "survived": "died",
    "died": "survived",
    "entered": "left",
    "withdrew": "advanced",
    "true": "false",
    "false": "true",
    "real": "fake",
    "fake": "real",
    "alive": "dead",
    "dead": "alive",
    "higher": "lower",
    "lower": "higher",
    "male": "female",
    "female": "male",
    "won't": "will",
    "legal": "illegal",
    "guilty": "innocent",
}
# Rewordings that keep the facts: one direction of each pair is tried at a time.
SYNONYMS = (
    ("said", "stated"),
    ("says", "states"),
    ("told", "informed"),
    ("announced", "said"),
    ("killed", "left dead"),
    ("recaptured", "retook"),
    ("seized", "took"),
    ("captured", "took control of"),
    ("launched", "began"),
    ("began", "started"),
    ("soldiers", "troops"),
    ("attack", "assault"),
    ("around", "about"),
    ("nearly", "almost"),
    ("more than", "over"),
    ("fewer than", "under"),
    ("about", "roughly"),
    ("people", "individuals"),
    ("police", "officers"),
    ("officials", "authorities"),
    ("government", "authorities"),
    ("reported", "said"),
    ("children", "kids"),
    ("shows", "depicts"),
    ("photo", "picture"),
    ("video", "footage"),
    ("claimed", "said"),
    ("according to", "citing"),
    ("however", "but"),
    ("died", "was killed"),
    ("help", "assist"),
    ("buy", "purchase"),
    ("start", "begin"),
    ("big", "large"),
    ("quickly", "rapidly"),
    ("near", "close to"),
    ("because", "as"),
)
DIGITS = {
    w: str(n)
    for n, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
    )
}
PARENTHESIS_RE = re.compile(r" \([^()]{3,60}\)|, (?:who|which) [^,]{5,80},")
TRAILING_SAID_RE = re.compile(
    r"^(?P<claim>[A-Z][^,]{20,}), (?P<who>(?:the )?[A-Z][\w.' -]{1,40}) (?P<verb>said|says|reported)(?P<when> \w+day)?\.$"
)
# Figures and dates are what news stories most often disagree on: they are edited first.
EDIT_WEIGHTS = {"number": 4, "date": 4, "number word": 3, "name": 2, "outcome": 2, "negation": 1}
AUXILIARY_RE = re.compile(r"\b(is|was|are|were|has|have|had|will|would|can|could|did|does|do)\b(?! not\b)")
NEGATED_RE = re.compile(r"\b(is|was|are|were|has|have|had|will|would|can|could|did|does|do) not\b")
NUMBER_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w,]|\.\d)")
YEAR_RE = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")
CALENDAR = set(WEEKDAYS + MONTHS)
FIGURE_RE = re.compile(rf"\d|\b(?:{'|'.join(WEEKDAYS + MONTHS + NUMBER_WORDS)})\b")
NAME_RE = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+(?: [A-Z][a-z]+){0,2})")


def _number(match: re.Match, rng: random.Random) -> str:
    value = int(match.group(1).replace(",", ""))
    changed = value
    while changed == value:
        changed = rng.choice(
            [value + rng.randint(1, 9), value * rng.randint(2, 5), max(0, value - rng.randint(1, 9)), value * 10]
        )
    return f"{changed:,}" if "," in match.group(1) else str(changed)


def _swap_word(sentence: str, words, rng: random.Random) -> str | None:
    found = [w for w in words if re.search(rf"\b{w}\b", sentence)]
    if not found:
        return None
    word = rng.choice(found)
    return re.sub(rf"\b{word}\b", rng.choice([w for w in words if w != word]), sentence, count=1)


def edit(sentence: str, names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """(kind of edit, edited sentence), or None when no edit applies."""
    options = []
    if any(m for m in NUMBER_RE.finditer(sentence) if not YEAR_RE.fullmatch(m.group(0))):
        options.append("number")
    if YEAR_RE.search(sentence) or any(re.search(rf"\b{w}\b", sentence) for w in WEEKDAYS + MONTHS):
        options.append("date")
    if any(re.search(rf"\b{w}\b", sentence) for w in NUMBER_WORDS):
        options.append("number word")
    own = [n for n in NAME_RE.findall(sentence) if n in names]
    if own and len(set(names) - set(own)) > 0:
        options.append("name")
    if AUXILIARY_RE.search(sentence) or NEGATED_RE.search(sentence):
        options.append("negation")
    if any(re.search(rf"\b{re.escape(w)}\b", sentence) for w in OPPOSITES):
        options.append("outcome")
    if not options:
        return None
    kind = rng.choices(options, weights=[EDIT_WEIGHTS[o] for o in options])[0]
    if kind == "number":
        matches = [m for m in NUMBER_RE.finditer(sentence) if not YEAR_RE.fullmatch(m.group(0))]
        m = rng.choice(matches)
        return kind, sentence[: m.start(1)] + _number(m, rng) + sentence[m.end(1) :]
    if kind == "date":
        for words in (WEEKDAYS, MONTHS):
            if swapped := _swap_word(sentence, words, rng):
                return kind, swapped
        m = YEAR_RE.search(sentence)
        year = int(m.group(1)) + rng.choice([-3, -2, -1, 1, 2, 3])
        return kind, sentence[: m.start(1)] + str(year) + sentence[m.end(1) :]
    if kind == "number word":
        return kind, _swap_word(sentence, NUMBER_WORDS, rng)
    if kind == "name":
        old = rng.choice(own)
        alike = [n for n in names if n not in own and len(n.split()) == len(old.split())]
        return (kind, sentence.replace(old, rng.choice(alike), 1)) if alike else None
    if kind == "negation":  # the first auxiliary: usually the main clause's
        if m := NEGATED_RE.search(sentence):
            return kind, sentence[: m.end(1)] + sentence[m.end(1) + 4 :]
        m = AUXILIARY_RE.search(sentence)
        return kind, sentence[: m.end(1)] + " not" + sentence[m.end(1) :]
    word = rng.choice([w for w in OPPOSITES if re.search(rf"\b{re.escape(w)}\b", sentence)])
    return kind, re.sub(rf"\b{re.escape(word)}\b", OPPOSITES[word], sentence, count=1)


def reword(sentence: str, rng: random.Random) -> str | None:
    """The sentence worded differently with every fact kept, or None when no rewording applies."""
    options = []
    if m := TRAILING_SAID_RE.match(sentence):  # "X happened, the agency said." -> "The agency said X happened."
        claim = m["claim"][0].lower() + m["claim"][1:] if not re.match(r"[A-Z][a-z]+ [A-Z]", m["claim"]) else m["claim"]
        who = m["who"][0].upper() + m["who"][1:]
        options.append(f"{who} {m['verb']}{m['when'] or ''} that {claim}.")
    if m := PARENTHESIS_RE.search(sentence):
        options.append(
            sentence[: m.start()] + sentence[m.end() :].lstrip(",")
            if m.group().startswith(",")
            else sentence[: m.start()] + sentence[m.end() :]
        )
    for word, digit in DIGITS.items():
        if re.search(rf"\b{word}\b", sentence) and word not in ("one", "zero"):
            options.append(re.sub(rf"\b{word}\b", digit, sentence, count=1))
        elif re.search(rf"(?<![\d.,]){digit}(?![\d.,:%])\s+[a-z]", sentence) and int(digit) > 1:
            options.append(re.sub(rf"(?<![\d.,]){digit}(?=\s+[a-z])", word, sentence, count=1))
    for a, b in SYNONYMS:
        for old, new in ((a, b), (b, a)):
            if re.search(rf"\b{old}\b", sentence):
                options.append(re.sub(rf"\b{old}\b", new, sentence, count=1))
    options = [o for o in options if o != sentence]
    if not options:
        return None
    reworded = rng.choice(options)
    if len(options) > 1 and rng.random() < 0.5:  # sometimes two rewordings at once
        again = reword(reworded, rng)
        reworded = again or reworded
    return reworded


def main_clause(sentence: str) -> str:
    """The sentence without a trailing attribution or subordinate clause, when what is left still
    reads as a claim ("X happened, the agency said." -> "X happened.")."""
    head, comma, _ = sentence.partition(", ")
    if comma and len(head.split()) >= 6 and not head.lower().startswith(("but", "while", "although", "if")):
        return head.rstrip(".") + "."
    return sentence


def body_sentences(text: str) -> list[str]:
    from verify.claims.extract import sentences

    return [text[s:e] for s, e in sentences(text) if 6 <= len(text[s:e].split()) <= 40]


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)}


def pairs_from_body(text: str, rng: random.Random, per_body: int = 4) -> list[dict]:
    """Up to ``per_body`` triples (entailment, contradiction, neutral) from one news body."""
    found = body_sentences(text)
    if len(found) < 5:
        return []
    names = sorted({n for s in found for n in NAME_RE.findall(s) if not set(n.split()) & CALENDAR})
    out = []
    with_figures = [i for i, s in enumerate(found) if FIGURE_RE.search(s)]
    others = [i for i in range(len(found)) if i not in with_figures]
    rng.shuffle(with_figures)
    rng.shuffle(others)
    for index in (with_figures + others)[:per_body]:  # sentences with figures and dates first
        window = found[max(0, index - 1) : index + 2]
        premise = " ".join(window)
        if len(premise) > 600:
            premise = found[index]
        base = main_clause(found[index]) if rng.random() < 0.5 else found[index]
        reworded = reword(base, rng)
        edited = edit(reworded if reworded and rng.random() < 0.5 else base, names, rng)
        far = [
            s
            for i, s in enumerate(found)
            if abs(i - index) >= 3 and len(_words(s) & _words(premise)) <= 0.3 * len(_words(s))
        ]
        if not edited or not far or edited[1] in (base, reworded):
            continue
        out += [
            {"premise": premise, "hypothesis": base, "label": "entailment", "edit": "none"},
            {"premise": premise, "hypothesis": edited[1], "label": "contradiction", "edit": edited[0]},
            {"premise": premise, "hypothesis": rng.choice(far), "label": "neutral", "edit": "elsewhere"},
        ]
        if reworded:
            out.append({"premise": premise, "hypothesis": reworded, "label": "entailment", "edit": "reworded"})
        neighbours = " ".join(found[max(0, index - 2) : index] + found[index + 1 : index + 3])
        if 0 < index < len(found) - 1 and len(neighbours) <= 600 and _words(found[index]) - _words(neighbours):
            out.append({"premise": neighbours, "hypothesis": found[index], "label": "neutral", "edit": "unstated"})
    return out


def fnc1_bodies(split: str) -> list[str]:
    """The FNC-1 bodies of the official training split ("training") or its hold-out ("hold_out")."""
    ids = set((FNC1 / "splits" / f"{split}_ids.txt").read_text().split())
    with (FNC1 / "train_bodies.csv").open(encoding="utf-8") as handle:
        return [row["articleBody"] for row in csv.DictReader(handle) if row["Body ID"] in ids]


def factual_edit_pairs(split: str = "training", per_body: int = 4, seed: int = SEED) -> list[dict]:
    rng = random.Random(f"{seed}-{split}")
    return [pair for body in fnc1_bodies(split) for pair in pairs_from_body(body, rng, per_body)]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    from collections import Counter

    made = factual_edit_pairs()
    print(f"{len(made)} pairs from the training split;", dict(Counter(p["edit"] for p in made)))
    shown = set()
    for pair in made:
        if pair["edit"] not in shown and pair["edit"] != "none":
            shown.add(pair["edit"])
            print(f"\n[{pair['edit']}] P: {pair['premise'][:200]}\n   H: {pair['hypothesis']}")
