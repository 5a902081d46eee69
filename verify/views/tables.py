"""Rich tables for the store's listings: sources, documents, claims, search hits, runs and one
run's record. Light to import (no pipeline stage), so the listing commands answer at once."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from verify.output import printable


def sources(rows: list[dict]) -> Table:
    table = Table("id", "name", "kind", "aliases", "registered", title="Sources")
    for row in rows:
        aliases = ", ".join(row["aliases"][:4]) + (" ..." if len(row["aliases"]) > 4 else "")
        table.add_row(row["id"], row["name"], row["kind"], aliases, "yes" if row["registered"] else "no")
    return table


def documents(rows: list[dict]) -> Table:
    """Documents with their claim counts (``claims`` in each row)."""
    table = Table("id", "outlet", "story", "published", "title", "claims", "path", title="Documents")
    for r in rows:
        table.add_row(
            r["id"],
            r["outlet"],
            r["story"] or "",
            r["published"] or "",
            r["title"] or "",
            str(r["claims"]),
            r["path"] or "",
        )
    return table


def claims(rows: list[dict], by_source: bool) -> Group:
    """One table of claims, or one per source."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(row["source"] if by_source else None, []).append(row)
    out = []
    for key, members in groups.items():
        title = f"{members[0]['source_name']} ({key}): {len(members)} claim(s)" if by_source else "Claims"
        table = Table("claim", "text", "outlet", "cue", "offsets", title=title, title_justify="left")
        for row in members:
            cue = (row["cue"] or "") + (" [negative]" if row["negative"] else "")
            table.add_row(row["id"], row["text"], row["outlet"], cue, f"{row['start']}-{row['end']}")
        out.append(table)
    return Group(*out)


def search_hits(rows: list[dict], query: str) -> Table:
    table = Table("claim", "source", "match", title=f"{len(rows)} claim(s) matching {query!r}", title_justify="left")
    for row in rows:
        table.add_row(row["id"], row["source"], row["snippet"])
    return table


def runs(rows: list[dict]) -> Table:
    table = Table(title="Runs")
    table.add_column("run", no_wrap=True)
    table.add_column("command")
    table.add_column("status", no_wrap=True)
    for name in ("started", "story", "inputs", "claims", "findings"):
        table.add_column(name)
    for r in rows:
        table.add_row(
            r["id"],
            r["command"],
            r["status"],
            r["started_at"],
            r["story"] or "",
            str(len(r["inputs"])),
            str(r["n_claims"] or ""),
            str(r["n_findings"] if r["n_findings"] is not None else ""),
        )
    return table


def run_record(record: dict, findings: list[dict], decisions: list[dict]) -> Group:
    """What went into a run, what came out, and every reviewer decision on it."""
    head = Table.grid(padding=(0, 2))
    for key in (
        "id",
        "command",
        "status",
        "started_at",
        "finished_at",
        "tool_version",
        "story",
        "n_claims",
        "n_findings",
    ):
        head.add_row(key, str(record[key]))
    head.add_row("argv", " ".join(record["argv"]))
    head.add_row(
        "models", "; ".join(f"{m['name']} {m['version'] or ''} sha256 {m['sha256']}" for m in record["models"])
    )
    head.add_row("thresholds", ", ".join(f"{k}={v}" for k, v in record["thresholds"].items()))
    inputs = Table("document", "sha256", "outlet", "path", title="Inputs")
    for i in record["inputs"]:
        inputs.add_row(i["id"], i["sha256"], i["outlet"], i["path"] or "")
    latest = {d["finding_id"]: d for d in decisions}
    out = Table("finding", "kind", "conf.", "sources", "latest decision", title="Findings")
    for f in findings:
        d = latest.get(f["id"])
        who = ", ".join(f["sources"]) + (f" / omitted by {', '.join(f['omitted_by'])}" if f["omitted_by"] else "")
        out.add_row(
            f["id"],
            f["kind"],
            f"{f['confidence']:.2f}",
            who,
            f"{d['decision']} by {d['reviewer']}: {d['note']}" if d else "",
        )
    parts = [head, inputs, out]
    if decisions:
        log = Table("decided at", "finding", "decision", "reviewer", "note", title="Decisions (all, oldest first)")
        for d in decisions:
            log.add_row(d["decided_at"], d["finding_id"], d["decision"], d["reviewer"], d["note"])
        parts.append(log)
    return Group(*parts)


def run_diff(result: dict) -> Group:
    """`verify audit diff`: findings that appeared, disappeared and changed, one line each."""
    result = printable(result)  # Text objects bypass the console's own cleaning
    lines = []
    for title, rows, style in (
        ("appeared", result["appeared"], "green"),
        ("disappeared", result["disappeared"], "red"),
    ):
        lines.append(Text(f"{len(rows)} {title}", style=style))
        lines += [Text(f"  {f['id']} {f['kind']} {f['confidence']:.2f}  {f['reason']}") for f in rows]
    lines.append(Text(f"{len(result['changed'])} changed", style="yellow"))
    lines += [
        Text(
            f"  {f['id']} {f['kind']}: {', '.join(f['fields'])} (confidence {f['confidence'][0]} -> "
            f"{f['confidence'][1]})"
        )
        for f in result["changed"]
    ]
    return Group(*lines)
