"""The judging commands: `compare`, `report`, `check` and `judge`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import click

from verify.cli import State, cli, pass_state
from verify.cli.options import (
    FORMATS,
    NLI_MODEL_HELP,
    Number,
    load_nli,
    output_options,
    output_path,
    parse_thresholds,
    print_json,
    read_stdin,
    render_terminal,
    selection_options,
    thresholds_option,
    write_output,
)
from verify.errors import VerifyError
from verify.output import PER_KIND, one_line
from verify.records import ENGINES, FINDING_KINDS, Check, Report


@cli.command("compare")
@selection_options()
@click.option("--nli-model", metavar="PATH", type=click.Path(), help=NLI_MODEL_HELP)
@thresholds_option
@click.option("--json", "as_json", is_flag=True, help="Print {findings, groups, ...} as JSON.")
@pass_state
def compare_command(state: State, story, documents, nli_model, threshold_values, as_json) -> None:
    """Match claims across sources and list agreements, contradictions and omissions.

    \b
    Example:
      verify compare --story saraqeb
      verify compare --json --threshold agreement=0.7 | jq '.findings[] | select(.kind=="contradiction")'
    """
    from verify.compare.story import compare
    from verify.views import terminal

    thresholds = parse_thresholds(threshold_values)
    store = state.store(create=False)
    result = compare(
        store, story=story, documents=list(documents) or None, thresholds=thresholds, nli_model=load_nli(nli_model)
    )
    if result.stats["truncated"]:
        click.echo(f"verify: warning: {result.stats['truncated']} very long claim(s) truncated for the model", err=True)
    if as_json:
        print_json(result.as_json())
        return
    terminal.render_comparison(result, state.console())


@cli.command("timeline")
@click.option("--story", metavar="NAME", required=True, help="The story whose claim groups to lay out in time.")
@click.option("--group", metavar="ID", help="Only this claim group (ids as in `verify compare --json`).")
@click.option("--json", "as_json", is_flag=True, help="Print {story, groups: [{group, timeline, ...}]} as JSON.")
@pass_state
def timeline_command(state: State, story, group, as_json) -> None:
    """Who said it first, who followed and how long after, who contradicted it, and which
    sources changed their own account (revisions), for each claim group of a story.

    A claim is placed when its document was published (give --published a time, 2020-02-27T09:40Z,
    for hours); a document without a date is placed by when it was ingested, and marked so.

    \b
    Examples:
      verify timeline --story saraqeb
      verify timeline --story saraqeb --json | jq '.groups[0].line'
    """
    from verify.compare.story import compare
    from verify.times import story_timelines
    from verify.views import terminal

    result = story_timelines(compare(state.store(create=False), story=story), story, group)
    if as_json:
        print_json(result)
        return
    terminal.render_timelines(result, state.console())


@cli.command("report")
@selection_options(since=True)
@output_options("Write the report to FILE instead of stdout.", FORMATS)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(FINDING_KINDS), help="Only findings of this kind.")
@click.option("--source", metavar="ID", help="Only findings involving this source.")
@click.option("--min-confidence", type=Number(0, 1), help="Only findings at least this confident.")
@click.option("--limit", type=click.IntRange(1), help="At most this many findings.")
@click.option(
    "--per-kind",
    type=click.IntRange(0),
    default=PER_KIND,
    show_default=True,
    metavar="N",
    help="Terminal view: show the N most confident findings of each kind and count the rest (0: all).",
)
@click.option(
    "--hide-dismissed",
    is_flag=True,
    help="Leave out findings a reviewer dismissed (the terminal, Markdown and HTML do).",
)
@click.option(
    "--show-dismissed", is_flag=True, help="Keep dismissed findings in the terminal, Markdown and HTML views too."
)
@click.option("--details", is_flag=True, help="Terminal view: the run's models, checks and thresholds first, not last.")
@click.option("--nli-model", metavar="PATH", type=click.Path(), help=NLI_MODEL_HELP)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="Where embedding and pair judging run: this process, or Ray ($RAY_ADDRESS or a local cluster).",
)
@thresholds_option
@pass_state
def report_command(
    state: State,
    story,
    documents,
    since,
    fmt,
    output,
    force,
    kinds,
    source,
    min_confidence,
    limit,
    per_kind,
    hide_dismissed,
    show_dismissed,
    details,
    nli_model,
    engine,
    threshold_values,
) -> None:
    """Compare the stored documents, record the run in the audit log and show the findings.

    The terminal view has a header, a coverage matrix (claim groups by source: ✓ states,
    ✗ contradicts, ~ partial or hedged, · omits), then contradictions, omissions, partial
    agreements and agreements, each with its sources, the clashing words highlighted, the
    confidence, the reason and where each claim comes from; the run's models and thresholds
    close it (--details puts them first). Findings a reviewer dismissed leave the terminal,
    Markdown and HTML views, their matrix and disputes too (--show-dismissed keeps them).
    --format json is the contract other tools read (schema: verify/schemas/report.schema.json),
    and it, like CSV, keeps every finding unless --hide-dismissed.

    Each matched pair is read by verify's NLI model in both directions; one calibrated decision
    over its probabilities, the structured checks and similarity gives the finding's kind and
    its confidence: the probability that the finding is right. An omission's confidence is set
    by rule.

    \b
    Examples:
      verify report --story saraqeb
      verify report --story saraqeb --kind contradiction --source sana
      verify report --story saraqeb --kind agreement --min-confidence 0.9
      verify report --story saraqeb --format html -o saraqeb.html
      verify report --format json | jq '.findings[] | select(.kind == "omission") | .reason'
    """
    from verify.report.document import filter_findings
    from verify.report.run import run_report
    from verify.views import formats, terminal

    store = state.store(create=False)
    if source and not store.source(source):
        raise VerifyError(f"unknown source {source!r}; list them with `verify sources`")
    thresholds = parse_thresholds(threshold_values)
    target = output_path(state, output, force)

    for_readers = fmt in ("terminal", "markdown", "html")

    def deliver(full: Report) -> None:
        view = filter_findings(
            full,
            kinds=set(kinds) or None,
            source=source,
            min_confidence=min_confidence,
            hide_dismissed=hide_dismissed or (for_readers and not show_dismissed),
            limit=limit,
        )
        if fmt == "terminal":
            render = partial(terminal.render, per_kind=per_kind or None, details=details)
            text = render_terminal(state, render, view, target)
        else:
            text = formats.REPORT[fmt](view, store)
        if text is not None:
            write_output(text, target)

    full = run_report(
        store,
        story=story,
        documents=list(documents) or None,
        since=since,
        thresholds=thresholds,
        nli_model=load_nli(nli_model),
        argv=click.get_current_context().meta["verify.argv"],
        engine=engine,
        deliver=deliver,
    )
    click.echo(f"run {full['run']['id']}: {len(full['findings'])} finding(s) recorded", err=True)


@cli.command("check")
@click.argument("draft", type=click.Path(exists=True, allow_dash=True, dir_okay=False))
@click.option("--story", metavar="NAME", help="Check against this story's documents (default: all).")
@click.option("--strict", is_flag=True, help="Also fail (exit 1) when a claim is supported by no source.")
@output_options("Write the result to FILE instead of stdout.", FORMATS)
@click.option(
    "--min-confidence",
    type=Number(0, 1),
    metavar="P",
    help="Confidence a contradiction needs to count (default: the judge's calibrated bar, 0.5).",
)
@thresholds_option
@click.pass_context
def check_command(
    ctx: click.Context, draft, story, strict, fmt, output, force, min_confidence, threshold_values
) -> None:
    """Check a draft's claims against the stored sources before publication.

    Each claim of DRAFT (a file, or - for stdin) is supported (by two or more sources),
    single-source, unsupported, or contradicted (with the sources and clashing values). A claim
    is contradicted only when a contradiction finding reaches --min-confidence; weaker ones are
    listed as evidence but do not fail the check.
    Exit code: 0 when nothing is contradicted, 1 when something is (and, with --strict, when
    something is unsupported), 2 on usage errors. The check is recorded in the audit log.

    \b
    Examples:
      verify check draft.md --story saraqeb
      cat draft.txt | verify check - --strict --format json
    """
    from verify.ingest.readers import read_text
    from verify.report.check import check_draft, exit_code
    from verify.views import formats, terminal

    state = ctx.obj
    try:
        store = state.store(create=False)
        thresholds = parse_thresholds(threshold_values)
        if draft == "-":
            name, text = "stdin", read_stdin()
        else:
            name = draft
            text = read_text(Path(draft))
        target = output_path(state, output, force)

        def deliver(result: Check) -> None:
            if fmt == "terminal":
                rendered = render_terminal(state, terminal.render_check, result, target)
            else:
                rendered = formats.CHECK[fmt](result)
            if rendered is not None:
                write_output(rendered, target)

        result = check_draft(
            store,
            text,
            story=story,
            thresholds=thresholds,
            name=name,
            argv=ctx.meta["verify.argv"],
            min_confidence=min_confidence,
            deliver=deliver,
        )
    except (VerifyError, click.BadParameter) as exc:
        click.echo(f"verify: error: {one_line(str(exc))}", err=True)
        ctx.exit(2)
    ctx.exit(exit_code(result, strict))


JUDGE_BATCH = 64  # pairs judged (and written) at a time


def judged_in_order(pairs: list[dict], where: str, **options) -> Iterator[dict]:
    """Each pair's verdict line, in input order, as soon as it and every earlier one is decided.
    A batch that fails is judged again pair by pair, so every pair before the failing one is
    still given; the error names that pair's line and id."""
    from verify.compare.passages import judge_texts

    for start in range(0, len(pairs), JUDGE_BATCH):
        batch = pairs[start : start + JUDGE_BATCH]
        try:
            judged = judge_texts([(p["premise"], p["hypothesis"]) for p in batch], **options)
        except VerifyError:
            raise
        except Exception:  # find the pair that fails: the ones before it are still written
            judged = None
        if judged is not None:
            yield from ({"id": pair["id"], **verdict} for pair, verdict in zip(batch, judged, strict=True))
            continue
        for pair in batch:
            try:
                (verdict,) = judge_texts([(pair["premise"], pair["hypothesis"])], **options)
            except Exception as exc:
                raise VerifyError(
                    f"{where} line {pair['line']} (id {pair['id']!r}): could not judge this pair: {exc}"
                ) from exc
            yield {"id": pair["id"], **verdict}


def read_pairs(path: str) -> list[dict]:
    """The pairs of a JSON Lines file, or of stdin for -."""
    from verify.compare.passages import parse_pairs
    from verify.ingest.readers import read_text

    if path == "-":
        return parse_pairs(read_stdin(), "stdin")
    return parse_pairs(read_text(Path(path)), path)


@cli.command("judge")
@click.argument(
    "pairs_file", metavar="[PAIRS]", required=False, type=click.Path(exists=True, allow_dash=True, dir_okay=False)
)
@click.option("--premise", metavar="TEXT", help="Judge one pair: the evidence (a sentence or a passage)...")
@click.option("--hypothesis", metavar="TEXT", help="...and the claim judged against it (one or more sentences).")
@click.option("--published", metavar="DATE", help="Date that relative dates in the texts refer to, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object a pair, in input order.")
@click.option("--nli-model", metavar="PATH", type=click.Path(), help=NLI_MODEL_HELP)
@thresholds_option
@pass_state
def judge_command(
    state: State, pairs_file, premise, hypothesis, published, as_json, nli_model, threshold_values
) -> None:
    """Judge whether a premise states, leaves open or contradicts a hypothesis. No store needed.

    PAIRS is a JSON Lines file (- for stdin) of {"id", "premise", "hypothesis"}. The premise is
    split into claims as ingest splits a document, and each claim of the hypothesis is judged
    against them as `verify check` judges a draft: verify's NLI model reads both directions, and
    one calibrated decision over it and the structured checks (numbers, dates, control verbs,
    negation, places, hedging) gives the kind. A hypothesis is a contradiction if any of its
    claims is contradicted, an agreement only if all of them agree.

    With --json, each line is {"id", "kind": "agreement" | "partial" | "contradiction" |
    "unrelated", "confidence", "scores": {"entailment", "neutral", "contradiction"}, "reason",
    "claims"}; confidence is the probability that the kind is right.

    \b
    Examples:
      verify judge --premise "Rebels recaptured Saraqeb on Thursday." --hypothesis "The army holds Saraqeb."
      verify judge pairs.jsonl --json > verdicts.jsonl
      jq -c '{id, premise: .text, hypothesis: .claim}' articles.jsonl | verify judge - --json
    """
    from verify.views import terminal

    if pairs_file and (premise or hypothesis):
        raise click.UsageError("give either a PAIRS file or --premise and --hypothesis, not both")
    if pairs_file:
        pairs = read_pairs(pairs_file)
    elif premise and hypothesis and premise.strip() and hypothesis.strip():
        pairs = [{"id": 1, "line": 1, "premise": premise, "hypothesis": hypothesis}]
    else:
        raise click.UsageError("give a PAIRS file (- for stdin), or both --premise and --hypothesis")
    thresholds = parse_thresholds(threshold_values)
    model = load_nli(nli_model)
    where = "stdin" if pairs_file == "-" else pairs_file or "--premise"
    verdicts = []
    try:
        for line in judged_in_order(pairs, where, published=published, thresholds=thresholds, nli_model=model):
            if as_json:
                click.echo(json.dumps(line, ensure_ascii=False))
            else:
                verdicts.append(line)
    finally:  # what was judged before an error is shown too
        if not as_json and verdicts:
            terminal.render_verdicts(verdicts, state.console())
