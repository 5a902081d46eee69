"""A check result as Markdown, CSV and HTML."""

from __future__ import annotations

from verify.output import csv_text, markdown_text
from verify.records import Check
from verify.views.html import CSP, STYLE, escape

# -- views -----------------------------------------------------------------------------------

STATUS_WORDS = {
    "contradicted": "CONTRADICTED",
    "unsupported": "unsupported",
    "single-source": "single source",
    "supported": "supported",
}


def _line(result: Check) -> str:
    s = result["summary"]
    return (
        f"{result['draft']['claims']} claim(s): {s['supported']} supported, {s['single-source']} single-source, "
        f"{s['unsupported']} unsupported, {s['contradicted']} contradicted"
    )


def check_markdown(result: Check) -> str:
    lines = [
        f"# verify check: {markdown_text(result['draft']['name'])}",
        "",
        f"Run `{result['run']['id']}` · {_line(result)}",
        "",
    ]
    for r in result["results"]:
        lines.append(f"- **{STATUS_WORDS[r['status']]}**: {markdown_text(r['claim']['text'])}")
        for e in r["evidence"]:
            lines.append(f"  - {e['kind']} ({e['confidence']:.2f}) — {markdown_text(e['reason'])}")
    return "\n".join(lines) + "\n"


CHECK_CSV_COLUMNS = ("claim_id", "status", "text", "supported_by", "contradicted_by", "run_id")


def check_csv(result: Check) -> str:
    return csv_text(
        CHECK_CSV_COLUMNS,
        (
            [
                r["claim"]["id"],
                r["status"],
                r["claim"]["text"],
                ";".join(r["supported_by"]),
                ";".join(r["contradicted_by"]),
                result["run"]["id"],
            ]
            for r in result["results"]
        ),
    )


def check_html(result: Check) -> str:
    rows = []
    for r in result["results"]:
        evidence = "".join(
            f"<li>{escape(e['kind'])} ({e['confidence']:.2f}): {escape(e['reason'])}</li>" for e in r["evidence"]
        )
        kind = {"contradicted": "contradiction", "supported": "agreement", "single-source": "partial"}.get(
            r["status"], "omission"
        )
        rows.append(
            f'<section class="finding {kind}"><span class="kind">{escape(STATUS_WORDS[r["status"]])}</span>'
            f"<p>{escape(r['claim']['text'])}</p><ul>{evidence}</ul></section>"
        )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}"><title>verify check</title>'
        f"<style>{STYLE}</style></head><body><header><h1>verify check: {escape(result['draft']['name'])}</h1>"
        f"<div class=meta>Run <code>{escape(result['run']['id'])}</code> · {escape(_line(result))}</div></header>"
        f"<main>{''.join(rows)}</main></body></html>\n"
    )
