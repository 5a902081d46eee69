"""Reports as Markdown."""

from __future__ import annotations

from verify.compare.verdict import shorten
from verify.output import markdown_text
from verify.records import Report
from verify.report.document import CELL_SYMBOLS, CELL_WORDS, KIND_ORDER, KIND_TITLES, confidence_basis, mark_spans
from verify.times import timelines


def to_markdown(report: Report) -> str:
    run = report["run"]
    claims = {c["id"]: c for c in report["claims"]}
    names = {s["id"]: s["name"] for s in report["sources"]}
    lines = [
        f"# verify report{': ' + markdown_text(run['story']) if run['story'] else ''}",
        "",
        f"Run `{run['id']}` · {run['started_at']} · verify {run['tool_version']} · "
        f"{len(report['documents'])} documents · {len(report['sources'])} sources",
        "",
    ]
    matrix = report["matrix"]
    if matrix["rows"]:
        lines += [
            "## Coverage",
            "",
            "| claim group | " + " | ".join(map(markdown_text, matrix["sources"])) + " |",
            "|---|" + "---|" * len(matrix["sources"]),
        ]
        for row in matrix["rows"]:
            cells = " | ".join(CELL_SYMBOLS[row["cells"][s]] for s in matrix["sources"])
            lines.append(f"| {markdown_text(shorten(row['label'], 70))} | {cells} |")
        lines += [
            "",
            "Legend: " + ", ".join(f"{CELL_SYMBOLS[k]} {v}" for k, v in CELL_WORDS.items() if k != "none"),
            "",
        ]
    shown = {f["id"] for f in report["findings"]}
    if listed := [d for d in report["disputes"] if shown & set(d["findings"])]:
        lines += [
            f"## Disputes ({len(listed)})",
            "",
            "| claim group | stated by | contradicted by | findings |",
            "|---|---|---|---:|",
        ]
        for d in listed:
            lines.append(
                f"| {markdown_text(shorten(d['label'], 70))} | {markdown_text(', '.join(d['stated_by']))} | "
                f"{markdown_text(', '.join(d['contradicted_by']))} | {len(d['findings'])} |"
            )
        lines.append("")
    if told := timelines(report):
        lines += [f"## Timelines ({len(told)})", "", "| claim group | timeline |", "|---|---|"]
        lines += [f"| {markdown_text(shorten(g['label'], 70))} | {markdown_text(line)} |" for g, line in told]
        lines.append("")
    for kind in KIND_ORDER:
        group = [f for f in report["findings"] if f["kind"] == kind]
        if not group:
            continue
        lines += [f"## {KIND_TITLES[kind]} ({len(group)})", ""]
        for f in group:
            decided = (
                f" — reviewer: **{f['decision']['decision']}**"
                + (f" ({markdown_text(note)})" if (note := f["decision"]["note"]) else "")
                if f["decision"]
                else ""
            )
            lines += [
                f"### `{f['id']}` · confidence {f['confidence']:.2f}{decided}",
                "",
                markdown_text(f["reason"]),
                "",
                f"*{confidence_basis(f)}*",
                "",
            ]
            cited = f["claims"][:2] if kind != "omission" else f["claims"][:3]
            for cid in cited:
                c = claims[cid]
                text = mark_spans(c["text"], f["spans"].get(cid, []), "**", "**", markdown_text)
                lines.append(
                    f"- **{markdown_text(names.get(c['source'], c['source']))}** (via {markdown_text(c['outlet'])}, "
                    f"document `{c['document_id']}`, chars {c['start']}–{c['end']}): {text}"
                )
            if kind == "omission":
                lines.append(f"- omitted by: {markdown_text(', '.join(names.get(s, s) for s in f['omitted_by']))}")
            lines.append("")
    return "\n".join(lines)
