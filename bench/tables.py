"""The figure tables of bench/README.md, made from bench/results/*.json (cog runs these; CI checks
that the README says what the results files hold)."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
FACT_FIELDS = (
    (("quantities", "found"), "figure found"),
    (("quantities", "range"), "value or range"),
    (("quantities", "kind"), "kind (count, age, duration, money, percent)"),
    (("quantities", "what"), "what is counted"),
    (("quantities", "event"), "event counted"),
    (("quantities", "all"), "all three"),
    (("source",), "source"),
    (("cue",), "cue"),
    (("attribution",), "source and cue"),
)
CHECK_NAMES = {"outcome": "outcome (control and casualties)"}


def results(name: str) -> dict:
    return json.loads((RESULTS / name).read_text())


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table, the first column left-aligned and the figures right-aligned."""
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _at(data: dict, path: tuple[str, ...]) -> dict:
    for key in path:
        data = data[key]
    return data


def facts_fields() -> str:
    """Extraction per field (`bench/facts.py`), with the patterns-alone F1 (`--no-parse`) beside it."""
    parsed, patterns = results("facts.json"), results("facts-no-parse.json")
    rows = []
    for path, label in FACT_FIELDS:
        got = _at(parsed, path)
        rows.append(
            [label, *(f"{got[k]:.3f}" for k in ("precision", "recall", "f1")), f"{_at(patterns, path)['f1']:.3f}"]
        )
    return markdown_table(["field", "precision", "recall", "F1", "patterns alone, F1"], rows)


def facts_checks() -> str:
    """Each check's clash precision and recall on all the labelled real pairs (`bench/facts.py`)."""
    checks = results("facts.json")["checks"]
    rows = [
        [CHECK_NAMES.get(name, name), f"{c['precision']:.3f}", f"{c['recall']:.3f}", str(c["gold"])]
        for name, c in checks.items()
    ]
    return markdown_table(["check", "precision", "recall", "clashes labelled"], rows)


def facts_negation() -> str:
    """The negation kind's accuracy and per-kind F1 (`bench/facts.py`), as one sentence."""
    n = results("facts.json")["negation_kind"]
    kinds = ", ".join(f"{kind} {n[kind]['f1']:.3f}" for kind in ("denial", "non-commitment", "negation", "none"))
    return f"Negation kind: accuracy {n['accuracy']:.3f}, macro-F1 {n['macro_f1']:.3f} (F1: {kinds}).\n"


def judge_sets() -> str:
    """The shipped judge on each development set (`bench/nli.py`, its last run)."""
    d = results("nli.json")
    rte, labelled, news = d["rte"], d["labelled"]["all"], d["news"]["cross-fitted"]
    domains = {name: v for name, v in d["summedits"].items() if name != "all"}
    summedits = d["summedits"]["all"]["balanced_accuracy"]
    rows = [
        ["RTE-1 test", f"{rte['rte1_test']['accuracy']:.3f}"],
        ["RTE-2 test", f"{rte['rte2_test']['accuracy']:.3f}"],
        ["RTE-2 dev", f"{rte['rte2_dev']['accuracy']:.3f}"],
        [f"SummEdits dev, balanced accuracy, {len(domains)} domains", f"{summedits:.3f}"],
        [f"labelled pairs ({labelled['pairs']:,}), 3-way accuracy, cross-fitted", f"{labelled['accuracy']:.3f}"],
        ["labelled pairs, contradiction ROC-AUC", f"{labelled['contradiction_auc']:.3f}"],
        ["labelled pairs, ECE of finding confidences", f"{labelled['ece']:.3f}"],
        [
            f"real news pairs ({news['pairs']}), contradictions precision / recall, cross-fitted",
            f"{news['precision']:.3f} / {news['recall']:.3f}",
        ],
        ["`fixtures/pairs.jsonl`, 60 hand-written pairs, accuracy", f"{d['fixture_pairs']['accuracy']:.3f}"],
    ]
    by_domain = ", ".join(f"{name} {v['balanced_accuracy']:.3f}" for name, v in domains.items())
    return markdown_table(["set", "shipped judge"], rows) + f"\nSummEdits by domain: {by_domain}.\n"
