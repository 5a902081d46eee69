"""The figure tables of bench/README.md, made from bench/results/*.json (cog runs these; CI checks
that the README says what the results files hold).

Each function reads one results file (the facts table two) and returns Markdown. Figures are
formatted as the bench scripts print them: Python's rounding of the stored value."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def results(name: str) -> Any:
    """A results file, by its name in bench/results/."""
    return json.loads((RESULTS / name).read_text())


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]], left: int = 1) -> str:
    """A Markdown table: its first `left` columns aligned left, the others right."""
    rule = "|" + "|".join("---" if i < left else "---:" for i in range(len(header))) + "|"
    lines = ["| " + " | ".join(header) + " |", rule]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def num(value: float | None, places: int = 3) -> str:
    """A figure to `places` decimals; a missing one as a dash."""
    return "-" if value is None else f"{value:.{places}f}"


def seconds(value: float, places: int = 2) -> str:
    """Seconds to `places` decimals, whole seconds from 100 s."""
    return f"{value:,.0f} s" if value >= 100 else f"{value:.{places}f} s"


def megabytes(value: float) -> str:
    return f"{value:,.0f} MB"


def score_rows(scores: dict[str, dict[str, float]], labels: dict[str, str], fields: Sequence[str]) -> list[list[str]]:
    """A row per entry of `labels`: the label, then the entry's `fields` (3 decimals; `gold` a count)."""
    return [
        [label, *(str(scores[key][f]) if f == "gold" else num(scores[key][f]) for f in fields)]
        for key, label in labels.items()
    ]


FACT_FIELDS = {
    "found": "figure found",
    "range": "value or range",
    "kind": "kind (count, age, duration, money, percent)",
    "what": "what is counted",
    "event": "event counted",
    "all": "all three",
    "source": "source",
    "cue": "cue",
    "attribution": "source and cue",
}
CHECKS = {
    "numbers": "numbers",
    "polarity": "polarity",
    "outcome": "outcome (control and casualties)",
    "places": "places",
    "dates": "dates",
}


def fact_scores(name: str) -> dict[str, dict[str, float]]:
    """bench/facts.py's scores by field: the quantity fields, then source, cue and both."""
    data = results(name)
    return {**data["quantities"], **{key: data[key] for key in ("source", "cue", "attribution")}}


def facts_fields() -> str:
    """Extraction per field (`bench/facts.py`), with the patterns-alone F1 (`--no-parse`) beside it."""
    rows = score_rows(fact_scores("facts.json"), FACT_FIELDS, ("precision", "recall", "f1"))
    alone = fact_scores("facts-no-parse.json")
    for row, key in zip(rows, FACT_FIELDS, strict=True):
        row.append(num(alone[key]["f1"]))
    return markdown_table(["field", "precision", "recall", "F1", "patterns alone, F1"], rows)


def facts_checks(pairs: str = "facts_pairs.jsonl") -> str:
    """Each check's clash precision and recall on one file of labelled real pairs (`bench/facts.py`)."""
    rows = score_rows(results("facts.json")["checks_by_set"][pairs], CHECKS, ("precision", "recall", "gold"))
    return markdown_table(["check", "precision", "recall", "clashes labelled"], rows)


def facts_negation() -> str:
    """The negation kind's accuracy and per-kind F1 (`bench/facts.py`), as one sentence."""
    n = results("facts.json")["negation_kind"]
    kinds = ", ".join(f"{kind} {num(n[kind]['f1'])}" for kind in ("denial", "non-commitment", "negation", "none"))
    return f"Negation kind: accuracy {num(n['accuracy'])}, macro-F1 {num(n['macro_f1'])} (F1: {kinds}).\n"


def judge_sets() -> str:
    """The shipped judge on each development set (`bench/nli.py`, its last run), then SummEdits by domain."""
    d = results("nli.json")
    rte, labelled, news, pairs = d["rte"], d["labelled"]["all"], d["news"]["cross-fitted"], d["fixture_pairs"]
    domains = {name: v for name, v in d["summedits"].items() if name != "all"}
    rows = [
        ["RTE-1 test", num(rte["rte1_test"]["accuracy"])],
        ["RTE-2 test", num(rte["rte2_test"]["accuracy"])],
        ["RTE-2 dev", num(rte["rte2_dev"]["accuracy"])],
        [f"SummEdits dev, balanced accuracy, {len(domains)} domains", num(d["summedits"]["all"]["balanced_accuracy"])],
        [f"labelled pairs ({labelled['pairs']:,}), 3-way accuracy, cross-fitted", num(labelled["accuracy"])],
        ["labelled pairs, contradiction ROC-AUC", num(labelled["contradiction_auc"])],
        ["labelled pairs, ECE of finding confidences", num(labelled["ece"])],
        [
            f"real news pairs ({news['pairs']}), contradictions precision / recall, cross-fitted",
            f"{num(news['precision'])} / {num(news['recall'])}",
        ],
        [f"`fixtures/pairs.jsonl`, {pairs['pairs']} hand-written pairs, accuracy", num(pairs["accuracy"])],
    ]
    by_domain = ", ".join(f"{name} {num(v['balanced_accuracy'])}" for name, v in domains.items())
    return markdown_table(["set", "shipped judge"], rows) + f"\nSummEdits by domain: {by_domain}.\n"


def phase_scores(name: str = "nli-headlines-phase-scores.json") -> str:
    """A training phase's best and last weights against the shipped ones, the NLI model alone (`--score`)."""
    d = results(name)
    labels = {
        "shipped": "shipped",
        "best": f"{d['phase']} phase, best on RTE-2 dev",
        "last": f"{d['phase']} phase, last",
    }
    fields = ("rte1_test", "rte2_test", "rte2_dev", "headlines_held_out")
    rows = [[label, *(num(d["scores"][key][f]) for f in fields)] for key, label in labels.items()]
    return markdown_table(
        ["weights", "RTE-1 test", "RTE-2 test", "RTE-2 dev", "FNC-1 hold-out headline pairs (3-way)"], rows
    )


def scale_sizes(name: str = "scale.json") -> str:
    """Each size of `bench/scale.py`: embed-only, cold and its NLI stage, warm, cold / embed, peak memory."""
    rows = []
    for row in results(name)["rows"]:
        cold = row["cold"]
        nli = f"{seconds(cold['stage_seconds']['nli'], 1)}; {cold['nli_pairs']:,} pairs, {cold['nli_computed']:,} directions"
        rows.append(
            [
                f"{cold['claims']:,}",
                seconds(row["embed"]["seconds"], 1),
                seconds(cold["seconds"], 1),
                nli,
                seconds(row["warm"]["seconds"]),
                num(row["ratios"]["cold_over_embed"], 1),
                megabytes(cold["peak_rss_mb"]),
            ]
        )
    header = ["claims", "embed-only", "cold", "of it NLI", "warm (+1 document)", "cold / embed", "peak memory (cold)"]
    return markdown_table(header, rows, left=0)


def scale_fresh(name: str = "scale.json") -> str:
    """Fresh processes on `bench/scale.py`'s stores: help, check of a draft, ingest + report of a new document."""
    rows = []
    for row in results(name)["rows"]:
        fresh, stats = row["fresh"], row["fresh"]["report_stats"]
        new = f"{stats['embedded']} new claims, {stats['nli_computed']} NLI readings"
        rows.append(
            [
                f"{row['cold']['claims']:,}",
                seconds(fresh["help_seconds"]),
                seconds(fresh["check_seconds"]),
                f"{seconds(fresh['ingest_report_seconds'])}: {new}",
            ]
        )
    header = ["claims", "`verify --help`", "`check` (new 5-claim draft)", "`ingest` + `report` (new document)"]
    return markdown_table(header, rows, left=0)


def startup(name: str = "startup.json") -> str:
    """Each command in a fresh process (`bench/startup.py`): first run, best of three, imports."""
    rows = []
    for command, timing in results(name).items():
        words, _, note = command.partition(" (")
        label = f"`{words}`" + (f" ({note}" if note else "")
        rows.append([label, *(seconds(timing[key]) for key in ("first_seconds", "seconds", "import_seconds"))])
    return markdown_table(["command", "first", "best", "imports"], rows)


Figure = Callable[[dict[str, Any]], float]
AGAINST_BASELINE: list[tuple[str, Figure, int]] = [  # label, figure of a size's row, decimals
    ("cold s", lambda row: row["cold"]["seconds"], 2),
    ("cold / embed-only", lambda row: row["ratios"]["cold_over_embed"], 2),
    ("NLI stage s (cold)", lambda row: row["cold"]["stage_seconds"]["nli"], 2),
    ("NLI readings (cold)", lambda row: row["cold"]["nli_computed"], 0),
    ("NLI readings a pair", lambda row: row["nli"]["readings_per_pair"], 1),
    ("NLI readings a second", lambda row: row["nli"]["readings_per_second"], 1),
    ("share read both ways", lambda row: row["nli"]["share_both_ways"], 2),
    ("fresh `check` s", lambda row: row["fresh"]["check_seconds"], 2),
    ("fresh ingest + report s", lambda row: row["fresh"]["ingest_report_seconds"], 2),
    ("findings (cold)", lambda row: row["cold"]["findings"], 0),
]


def scale_baseline(name: str, before: str, after: str) -> str:
    """`bench/scale.py --baseline`: the older commit (`before`) against this checkout (`after`), and the ratio."""
    d = results(name)
    new, old = d["rows"][0], d["baseline"]["rows"][0]
    rows = []
    for label, figure, places in AGAINST_BASELINE:
        ratio = "" if label.startswith("share") else num(figure(new) / figure(old), 2)
        rows.append([label, f"{figure(old):,.{places}f}", f"{figure(new):,.{places}f}", ratio])
    header = [f"{new['cold']['claims']:,} claims", f"{d['baseline']['ref']} ({before})", after, "ratio"]
    return markdown_table(header, rows)


def judge_cost(name: str = "judge-cost.json") -> str:
    """`verify judge` on one premise of each size (`bench/judge_cost.py`): seconds and peak memory."""
    rows = [
        [f"{size['premise_chars'] // 1000} KB", seconds(size["seconds"]), megabytes(size["peak_mb"])]
        for size in results(name)["sizes"]
    ]
    return markdown_table(["premise", "time", "peak memory"], rows, left=0)


def one_document(name: str = "one-document.json") -> str:
    """Ingest + report of each new document (`bench/one_document.py`), this checkout against the baseline."""
    d = results(name)
    rows = [
        [row["document"], seconds(row["current"]["seconds"]), seconds(row["baseline"]["seconds"])] for row in d["rows"]
    ]
    mean = d["mean_seconds"]
    rows.append(["mean", seconds(mean["current"]), f"{seconds(mean['baseline'])} (ratio {num(d['ratio'])})"])
    return markdown_table(["new document", "this checkout", d["baseline"]], rows, left=0)


def trust() -> str:
    """The README's "How far to trust it": the judge's real-news precision and recall and its
    calibration (`bench/nli.py`), and the fresh `verify check` at the largest size `bench/scale.py` ran."""
    d = results("nli.json")
    news, labelled = d["news"]["cross-fitted"], d["labelled"]["all"]
    largest = max(results("scale.json")["rows"], key=lambda row: row["cold"]["claims"])
    return (
        "verify finds candidate contradictions for a person to review; it does not decide what is true.\n"
        f"On {news['pairs']} labelled pairs of real news sentences, {news['precision']:.0%} of the contradictions it\n"
        f"calls are right and it finds {news['recall']:.0%} of the real ones (cross-fitted); the confidences of\n"
        f"its findings are calibrated (ECE {num(labelled['ece'])} on {labelled['pairs']:,} real labelled pairs). On two\n"
        f"cores, `verify check` of a new five-claim draft against a {largest['cold']['claims']:,}-claim store takes\n"
        f"{seconds(largest['fresh']['check_seconds'], 1)}, model loading included.\n"
    )
