"""`verify audit`: read the audit log: runs, diffs, replays, tamper checks, exports."""

from __future__ import annotations

import json

import click

from verify.cli import State, cli, pass_state
from verify.cli.options import output_options, output_path, print_json, write_output
from verify.output import one_line
from verify.views import tables


@cli.group("audit")
def audit_group() -> None:
    """Read the audit log: runs, what went in and out, reviewer decisions, tamper checks.

    \b
    Examples:
      verify audit runs
      verify audit show r-1a2b3c4d5e6f
      verify audit diff r-1a2b3c4d5e6f r-6f5e4d3c2b1a
      verify audit replay r-1a2b3c4d5e6f
      verify audit verify
      verify audit export r-1a2b3c4d5e6f -o run.jsonl
    """


@audit_group.command("runs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def audit_runs(state: State, as_json) -> None:
    """List every run, oldest first.

    \b
    Example:
      verify audit runs --json | jq '.[] | select(.status != "complete") | .id'
    """
    from verify.store.runs import runs

    rows = runs(state.store(create=False))
    state.show(as_json, rows, lambda: tables.runs(rows))


@audit_group.command("show")
@click.argument("run_id", metavar="RUN")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def audit_show(state: State, run_id, as_json) -> None:
    """What went into a run, what came out, and what reviewers said.

    \b
    Example:
      verify audit show r-1a2b3c4d5e6f
    """

    from verify.store.decisions import decisions
    from verify.store.runs import run, run_findings

    store = state.store(create=False)
    record = run(store, run_id)
    findings = run_findings(store, run_id)
    reviewed = decisions(store, [f["id"] for f in findings])
    state.show(
        as_json,
        {"run": record, "findings": findings, "decisions": reviewed},
        lambda: tables.run_record(record, findings, reviewed),
    )


@audit_group.command("diff")
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def audit_diff(state: State, run_a, run_b, as_json) -> None:
    """Findings that appeared, disappeared or changed from RUN_A to RUN_B.

    \b
    Example:
      verify audit diff r-1a2b3c4d5e6f r-6f5e4d3c2b1a --json | jq '.appeared[].id'
    """

    from verify.store.runs import diff

    result = diff(state.store(create=False), run_a, run_b)
    state.show(as_json, result, lambda: tables.run_diff(result))


@audit_group.command("replay")
@click.argument("run_id", metavar="RUN")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def audit_replay(ctx: click.Context, run_id, as_json) -> None:
    """Re-run a report with its recorded thresholds on its recorded inputs.

    Says which models and which inputs (document text, claims) changed since the run.
    Exit code 0 when the findings come out the same from the same inputs, 1 otherwise.

    \b
    Example:
      verify audit replay r-1a2b3c4d5e6f || echo "the findings changed"
    """

    from verify.report.replay import replay

    result = replay(ctx.obj.store(create=False), run_id)
    if as_json:
        print_json(result)
    else:
        verdict = "the same findings" if result["same"] else "DIFFERENT findings"
        click.echo(
            f"replay of {run_id}: {verdict} ({result['findings']} now; {len(result['appeared'])} appeared, "
            f"{len(result['disappeared'])} disappeared, {len(result['changed'])} changed)"
        )
        for finding, fields in result["changed_fields"].items():
            click.echo(f"finding {finding} changed: {', '.join(fields)}")
        for model in result["models_changed"]:
            recorded = f"recorded sha256 {model['recorded'][:12]}" if model["recorded"] else "not used by the run"
            click.echo(
                f"model changed since the run: {model['role']} {model['name']} "
                f"({recorded}, now {str(model['current'])[:12]})"
            )
        for item in result["inputs_changed"]:
            click.echo(f"input changed since the run: document {item['id']} ({item['change']})")
    ctx.exit(0 if result["same"] and not result["inputs_changed"] else 1)


@audit_group.command("verify")
@click.option(
    "--expect-head",
    metavar="SEQ:HASH",
    help="A chain head printed earlier and kept elsewhere: the chain must still hold it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def audit_verify(ctx: click.Context, expect_head, as_json) -> None:
    """Walk the hash chain; report the first audit row altered, deleted or inserted out of order.

    Also re-hashes every stored document and each run's inputs (text and claims), and runs
    SQLite's integrity check. Exit code 0 when all of it holds, 1 when it does not.

    The chain's head (SEQ:HASH of its last entry) is printed: keep it outside the store (a
    ticket, an email) and pass it back with --expect-head to show that nothing recorded up to
    it was lost or rewritten since, which the store alone cannot prove.

    \b
    Examples:
      verify audit verify --json
      verify audit verify --expect-head 42:9f2c...e1
    """

    from verify.store.chain import verify_chain

    result = verify_chain(ctx.obj.store(create=False), expect_head)
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "entries": result.entries,
                "problem": result.problem,
                "seq": result.seq,
                "head": result.head,
            }
        )
    elif result.ok:
        click.echo(f"audit chain intact: {result.entries} entries, head {result.head or '(empty)'}")
    else:
        click.echo(f"audit chain broken: {one_line(result.problem or 'unknown')}", err=True)
    ctx.exit(0 if result.ok else 1)


@audit_group.command("export")
@click.argument("run_id", metavar="RUN")
@output_options("JSON Lines file to write.", required=True)
@pass_state
def audit_export(state: State, run_id, output, force) -> None:
    """Write a run, its inputs' hashes, findings and decisions as JSON Lines for archiving.

    \b
    Examples:
      verify audit export r-1a2b3c4d5e6f -o archive/r-1a2b3c4d5e6f.jsonl
      verify audit export r-1a2b3c4d5e6f -o - | gzip > run.jsonl.gz
    """

    target = output_path(state, output, force)
    from verify.store.runs import export_run

    lines = export_run(state.store(create=False), run_id)
    write_output("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), target)
