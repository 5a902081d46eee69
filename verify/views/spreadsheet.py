"""Reports and checks as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

from verify.output import csv_text
from verify.records import Report

CSV_COLUMNS = (
    "id",
    "kind",
    "confidence",
    "sources",
    "omitted_by",
    "reason",
    "claims",
    "claim_texts",
    "decision",
    "run_id",
)


def to_csv(report: Report) -> str:
    texts = {c["id"]: c["text"] for c in report["claims"]}
    return csv_text(
        CSV_COLUMNS,
        (
            [
                f["id"],
                f["kind"],
                f"{f['confidence']:.3f}",
                ";".join(f["sources"]),
                ";".join(f["omitted_by"]),
                f["reason"],
                ";".join(f["claims"]),
                " || ".join(texts[c] for c in f["claims"][:2] if f["kind"] != "omission") or texts[f["claims"][0]],
                f["decision"]["decision"] if f["decision"] else "",
                report["run"]["id"],
            ]
            for f in report["findings"]
        ),
    )
