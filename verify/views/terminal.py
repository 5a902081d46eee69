"""The terminal view of a report: header, coverage matrix, then findings, contradictions first."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from verify.compare.verdict import shorten
from verify.output import PER_KIND, printable
from verify.report.document import CELL_SYMBOLS, CELL_WORDS, KIND_ORDER, KIND_TITLES, confidence_basis, relay_chain
from verify.times import elapsed, has_clock, shown, timelines

KIND_STYLES = {
    "contradiction": "bold red",
    "revision": "bold magenta",
    "omission": "bold yellow",
    "partial": "bold cyan",
    "agreement": "bold green",
}
CELL_STYLES = {"states": "green", "contradicts": "bold red", "partial": "cyan", "omits": "yellow", "none": ""}
DECISION_STYLES = {"confirm": "green", "dismiss": "dim", "escalate": "bold magenta"}
MATRIX_ROWS = 40  # claim groups shown in the coverage matrix and the disputes table


def render(report: dict, console: Console, per_kind: int | None = PER_KIND, details: bool = False) -> None:
    """The whole report; at most ``per_kind`` findings of each kind (None: all of them), the most
    confident first, and a line saying how many more there are and how to see them. The run's
    models, checks and thresholds close it, or open it with ``details``."""
    view, totals = _visible(report, per_kind)
    run = view["run"]
    names = {s["id"]: s["name"] for s in view["sources"]}
    header = Table.grid(padding=(0, 2))
    header.add_row("story", run["story"] or "(all stored documents)")
    header.add_row("run", f"{run['id']}  {run['started_at']}  verify {run['tool_version']}")
    header.add_row(
        "compared",
        f"{len(view['documents'])} documents, {run['stats']['claims']} claims, "
        f"{len(view['sources'])} sources: {', '.join(s['id'] for s in view['sources'])}",
    )
    if report.get("dismissed"):
        header.add_row(
            "dismissed", f"{report['dismissed']} finding(s) a reviewer dismissed are left out (--show-dismissed)"
        )
    if details:
        _run_details(run, header)
    console.print(Panel(header, title="verify report", title_align="left"))
    _matrix(view["matrix"], totals["groups"], console)
    _disputes(view["disputes"], totals["disputes"], console)
    _timelines(view, console)
    claims = {c["id"]: c for c in view["claims"]}
    for kind in KIND_ORDER:
        if not totals[kind]:
            continue
        console.rule(Text(f"{KIND_TITLES[kind]} ({totals[kind]})", style=KIND_STYLES[kind]))
        for f in (f for f in view["findings"] if f["kind"] == kind):
            console.print(_finding(f, claims, names))
        if (hidden := totals[kind] - sum(f["kind"] == kind for f in view["findings"])) > 0:
            console.print(
                Text(
                    f"… {hidden} more {KIND_TITLES[kind].lower()}: --per-kind 0 shows "
                    f"them all, --kind {kind} --format json lists them for scripts",
                    style="dim",
                )
            )
    if not report["findings"]:
        console.print("No findings match.")
    if not details:
        closing = Table.grid(padding=(0, 2))
        _run_details(run, closing)
        console.print(Panel(closing, title="Run details", title_align="left", border_style="dim"))


def _run_details(run: dict, table: Table) -> None:
    """What produced the findings: the models (with their hashes), the checks, the thresholds."""
    table.add_row("models", "; ".join(f"{m['name']} ({m['role']}, sha256 {m['sha256'][:12]})" for m in run["models"]))
    table.add_row("checks", ", ".join(run["checks"]))
    table.add_row("thresholds", ", ".join(f"{k}={v}" for k, v in run["thresholds"].items()))


def _visible(report: dict, per_kind: int | None) -> tuple[dict, dict]:
    """(what the terminal shows of ``report``, made printable; how many of each part there are).
    A store of thousands of claims has thousands of findings: only the shown ones are prepared."""
    shown_ids = {f["id"] for f in report["findings"]}
    disputes = [d for d in report["disputes"] if shown_ids & set(d["findings"])]
    totals: dict[str, int] = {kind: sum(f["kind"] == kind for f in report["findings"]) for kind in KIND_ORDER}
    totals |= {"groups": len(report["matrix"]["rows"]), "disputes": len(disputes)}
    findings = [f for kind in KIND_ORDER for f in [f for f in report["findings"] if f["kind"] == kind][:per_kind]]
    cited = {c for f in findings for c in f["claims"]}
    view = {
        **report,
        "findings": findings,
        "claims": [c for c in report["claims"] if c["id"] in cited],
        "disputes": disputes[:MATRIX_ROWS],
        "matrix": {**report["matrix"], "rows": report["matrix"]["rows"][:MATRIX_ROWS]},
    }
    return printable(view), totals


def _disputes(listed: list[dict], total: int, console: Console) -> None:
    """Who is on which side of each contradicted claim group, before the pair findings."""
    if not listed:
        return
    table = Table(title="Disputes: who states a claim, who contradicts it", title_justify="left", expand=True)
    table.add_column("claim group", ratio=3)
    table.add_column("stated by", style="green", ratio=2)
    table.add_column("contradicted by", style="red", ratio=2)
    table.add_column("findings", justify="right")
    for d in listed:
        table.add_row(
            shorten(d["label"], 100),
            ", ".join(d["stated_by"]),
            ", ".join(d["contradicted_by"]),
            str(len(d["findings"])),
        )
    console.print(table)
    _more(console, total, "disputes")


def _timelines(view: dict, console: Console) -> None:
    """Who said it first, who followed and when, who contradicted it, who changed its account."""
    told = timelines(view)
    if not told:
        return
    table = Table(title="Timelines: who said it first, who followed, who changed its account", title_justify="left")
    table.add_column("claim group", ratio=2)
    table.add_column("timeline", ratio=3)
    for group, line in told[:MATRIX_ROWS]:
        table.add_row(shorten(group["label"], 90), line)
    console.print(table)
    _more(console, len(told), "timelines")


def _matrix(matrix: dict, total: int, console: Console) -> None:
    """Claim groups down, sources across; sources are numbered so the table fits a terminal."""
    if not matrix["rows"]:
        return
    table = Table(title="Coverage: claim groups by source", title_justify="left", padding=(0, 1))
    table.add_column("claim group", overflow="fold", min_width=24, ratio=1)
    for n, _ in enumerate(matrix["sources"], start=1):
        table.add_column(str(n), justify="center", min_width=1, no_wrap=True)
    for row in matrix["rows"]:
        cells = [Text(CELL_SYMBOLS[row["cells"][s]], style=CELL_STYLES[row["cells"][s]]) for s in matrix["sources"]]
        table.add_row(shorten(row["label"], 90), *cells)
    console.print(table)
    _more(console, total, "claim groups, with fewer sources")
    console.print(
        Text("Sources: " + "  ".join(f"{n} {s}" for n, s in enumerate(matrix["sources"], start=1)), style="dim")
    )
    legend = "  ".join(f"{CELL_SYMBOLS[k]} {v}" for k, v in CELL_WORDS.items() if k != "none")
    console.print(Text("Legend: " + legend, style="dim"))


def _more(console: Console, count: int, what: str) -> None:
    if count > MATRIX_ROWS:
        console.print(Text(f"… {count - MATRIX_ROWS} more {what} (--format json lists them all)", style="dim"))


def _claim_text(claim: dict, spans: list[list[int]]) -> Text:
    text = Text(claim["text"])
    for start, end in spans:
        text.stylize("bold reverse", start, end)  # reads without colour too
    return text


def _trace(claim: dict, names: dict) -> Text:
    return Text(
        f"{relay_chain(claim, names)} · document {claim['document_id']} · chars "
        f"{claim['start']}–{claim['end']} · {claim['id']}",
        style="dim",
    )


def _finding(f: dict, claims: dict, names: dict) -> Panel:
    title = Text.assemble(
        (f["kind"].upper(), KIND_STYLES[f["kind"]]), f"  confidence {f['confidence']:.2f}  ", (f["id"], "dim")
    )
    if f["decision"]:
        d = f["decision"]
        title.append(f"  [{d['decision']} by {d['reviewer']}]", style=DECISION_STYLES[d["decision"]])
    parts: list[RenderableType] = [
        Text(f.get("summary") or f["reason"], style="bold"),
        Text(confidence_basis(f), style="dim"),
    ]
    if f["kind"] == "omission":
        omitted = ", ".join(names.get(s, s) for s in f["omitted_by"])
        parts.append(Text(f"Omitted by: {omitted}", style="bold yellow"))
        report = f["evidence"].get("negative_report")
        if report:
            parts.append(Text(f"Negative report cited: {report['text']} ({report['claim']})", style="yellow"))
        for cid in f["claims"][:3]:
            parts += [_claim_text(claims[cid], []), _trace(claims[cid], names)]
    else:
        side = Table.grid(expand=True, padding=(0, 2))
        side.add_column(ratio=1)
        side.add_column(ratio=1)
        left, right = (claims[c] for c in f["claims"][:2])
        side.add_row(
            _claim_text(left, f["spans"].get(left["id"], [])), _claim_text(right, f["spans"].get(right["id"], []))
        )
        side.add_row(_trace(left, names), _trace(right, names))
        parts.append(side)
    if f["decision"]:
        parts.append(Text(f"Reviewer note: {f['decision']['note']}", style="italic"))
    return Panel(Group(*parts), title=title, title_align="left", border_style=KIND_STYLES[f["kind"]].split()[-1])


STATUS_STYLES = {"contradicted": "bold red", "unsupported": "yellow", "single-source": "cyan", "supported": "green"}


def render_check(result: dict, console: Console) -> None:
    """The terminal view of `verify check`: each draft claim with its status and evidence."""
    result = printable(result)
    s = result["summary"]
    console.print(
        Panel(
            Text(
                f"{result['draft']['claims']} claim(s): {s['supported']} supported, "
                f"{s['single-source']} single-source, {s['unsupported']} unsupported, "
                f"{s['contradicted']} contradicted   run {result['run']['id']}"
            ),
            title=Text(f"verify check: {result['draft']['name']}"),
            title_align="left",
        )
    )
    for r in result["results"]:
        line = Text.assemble((f"{r['status'].upper():<14}", STATUS_STYLES[r["status"]]), r["claim"]["text"])
        console.print(line)
        for e in r["evidence"]:
            weak = e["kind"] == "contradiction" and e["confidence"] < result["min_confidence"]
            note = f" (below the {result['min_confidence']:.2f} bar: not counted)" if weak else ""
            console.print(Text(f"    {e['kind']} {e['confidence']:.2f}{note}: {e['reason']}", style="dim"))
        if r["documents"]:
            stances = ", ".join(
                f"{d['outlet']} {d['stance']} {d['probabilities'][d['stance']]:.2f}" for d in r["documents"]
            )
            console.print(Text(f"    documents (learned stance): {stances}", style="dim"))


VERDICT_STYLES = KIND_STYLES | {"unrelated": "dim"}


def render_verdicts(verdicts: list[dict], console: Console) -> None:
    """`verify judge` as a table: one row a pair."""
    verdicts = printable(verdicts)
    table = Table(show_lines=True)
    for column in ("id", "kind", "confidence", "NLI e / n / c", "reason"):
        table.add_column(column, overflow="fold")
    for v in verdicts:
        scores = v["scores"]
        table.add_row(
            Text(str(v["id"])),
            Text(v["kind"], style=VERDICT_STYLES[v["kind"]]),
            f"{v['confidence']:.2f}",
            f"{scores['entailment']:.2f} / {scores['neutral']:.2f} / {scores['contradiction']:.2f}",
            Text(v["reason"]),
        )
    console.print(table)


def render_comparison(result, console: Console) -> None:
    """`verify compare`: one line per finding, with its reason beneath."""
    console.print(
        Text.assemble(
            (f"{len(result.findings)} finding(s)", "bold"),
            f" over {result.stats['claims']} claims ({result.stats['candidates']} pairs compared)",
        )
    )
    for f in printable(result.findings):
        who = ", ".join(f["sources"]) + (f"; omitted by {', '.join(f['omitted_by'])}" if f["omitted_by"] else "")
        console.print(
            Text.assemble(
                (f["kind"].upper(), KIND_STYLES[f["kind"]]), f" {f['confidence']:.2f}  {who}  ", (f["id"], "dim")
            )
        )
        console.print(f"  {f['reason']}")


ROLE_STYLES = {"first": "bold", "follows": "green", "contradicts": "bold red", "revises": "bold magenta"}


def render_timelines(result: dict, console: Console) -> None:
    """`verify timeline`: each group's line, then its claims in time order."""
    if not result["groups"]:
        console.print("no claim groups: no two claims of this story were found to speak of one thing")
    for group in printable(result["groups"]):
        console.rule(Text(shorten(group["label"], 100), style="bold"))
        console.print(Text(group["line"]), Text(group["group"], style="dim"))
        for entry in group["timeline"]:
            when = shown(entry["reported"]) + (" (ingested)" if entry["basis"] == "ingested" else "")
            after = entry["after_seconds"]
            since = (
                f"  {elapsed(after, has_clock(entry['reported']))}"
                if after is not None and entry["role"] != "first"
                else ""
            )
            who = entry["source"] + (f" via {entry['outlet']}" if entry["outlet"] != entry["source"] else "")
            console.print(
                Text.assemble(
                    (when, "bold"),
                    since,
                    f"  {who}  ",
                    (entry["role"], ROLE_STYLES[entry["role"]]),
                    ("  " + entry["claim"], "dim"),
                )
            )
            console.print(Padding(Text(shorten(group["texts"][entry["claim"]], 200)), (0, 0, 0, 4)))
