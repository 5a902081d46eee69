"""The ``verify`` command line: a thin layer over the library API."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import sys
from dataclasses import fields, replace
from functools import partial
from pathlib import Path

import click
from rich.console import Console

from . import __version__, tables
from .errors import VerifyError
from .output import PER_KIND, TextConsole, check_output_path, one_line, write_file
from .records import ENGINES, FINDING_KINDS, RATINGS, SOURCE_KINDS, Thresholds, claim_json

EPILOG_DB = "The database is ./verify.db unless --db or $VERIFY_DB says otherwise."
FORCE_HELP = "Overwrite FILE if it exists (otherwise verify asks, or refuses when not at a terminal)."


GLOBAL_FLAGS = ("--no-color", "--debug")  # accepted anywhere on the command line


class VerifyGroup(click.Group):
    """Turns every VerifyError (and database fault) into one line on stderr and exit 1; an
    unexpected exception too, unless --debug asks for its traceback."""

    def make_context(self, info_name, args, parent=None, **extra):
        """Keep the command line as typed (the audit log records it with each run), and take the
        global flags wherever they stand before a ``--``."""
        raw = [info_name or "verify", *args]
        end = args.index("--") if "--" in args else len(args)
        flags = [a for a in args[:end] if a in GLOBAL_FLAGS]
        args = flags + [a for a in args[:end] if a not in GLOBAL_FLAGS] + args[end:]
        ctx = super().make_context(info_name, args, parent=parent, **extra)
        ctx.meta["verify.argv"] = raw
        return ctx

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except VerifyError as exc:
            click.echo(f"verify: error: {one_line(str(exc))}", err=True)
            ctx.exit(getattr(exc, "exit_code", 1))
        except sqlite3.Error as exc:
            click.echo(f"verify: database error: {one_line(str(exc))}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("verify: interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"verify: unexpected error: {type(exc).__name__}: {one_line(str(exc))} (run again with "
                       "--debug for the traceback, and please report it)", err=True)  # fmt: skip
            ctx.exit(1)


class State:
    """What every command shares: the database path, opened on first use."""

    def __init__(self, db: str | None, no_color: bool):
        self._db = db
        self.no_color = no_color
        self._store = None

    @property
    def db_path(self) -> str:
        from .store import default_path

        return self._db or default_path()

    def store(self, create: bool = True):
        from .store import open_store

        if self._store is None:
            self._store = open_store(self.db_path, create=create)
        return self._store

    def console(self, stderr: bool = False) -> Console:
        return TextConsole(stderr=stderr, no_color=self.no_color or None)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_state = click.make_pass_decorator(State)


@click.group(name="verify", cls=VerifyGroup, epilog=EPILOG_DB)
@click.option(
    "--db",
    metavar="PATH",
    show_default="./verify.db or $VERIFY_DB",
    help="SQLite database to use.",
)
@click.option("--no-color", is_flag=True, help="No colours anywhere, progress bars included (NO_COLOR is respected "
              "too). Accepted anywhere on the line.")  # fmt: skip
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error. Accepted anywhere on the line.")
@click.version_option(__version__, prog_name="verify")
@click.pass_context
def cli(ctx: click.Context, db: str, no_color: bool, debug: bool) -> None:
    """Cross-verify what sources claim about one event.

    \b
    A typical session:
      verify ingest sana.txt --outlet sana --story saraqeb
      verify ingest wire.html --outlet reuters --story saraqeb
      verify claims --story saraqeb --by-source
    """

    if no_color and "NO_COLOR" not in os.environ:
        os.environ["NO_COLOR"] = "1"  # every console of this command, progress bars too
        ctx.call_on_close(lambda: os.environ.pop("NO_COLOR", None))
    state = State(db, no_color)
    ctx.obj = state
    ctx.call_on_close(state.close)


def main() -> None:
    cli(prog_name="verify")


def read_stdin() -> str:
    """Standard input as text (UTF-8, or the encoding a byte-order mark names or detection finds);
    "" when it is empty, for the command to say what it expected."""
    from .ingest import decode_text

    data = sys.stdin.buffer.read()
    return decode_text(data, "stdin") if data.strip() else ""


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def print_json_array(items) -> None:
    """A JSON array printed one element at a time, laid out as :func:`print_json` would."""
    click.echo("[", nl=False)
    empty = True
    for item in items:
        body = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        click.echo(f"{'' if empty else ','}\n  {body}", nl=False)
        empty = False
    click.echo("]" if empty else "\n]")


# -- ingest ----------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "--urls",
    "url_list",
    metavar="FILE",
    type=click.Path(allow_dash=True, dir_okay=False),
    help="Fetch every URL listed in FILE (one a line; # starts a comment; - for stdin).",
)
@click.option(
    "--feed", "feeds", metavar="URL", multiple=True, help="Fetch every article an RSS/Atom feed links to (repeatable)."
)
@click.option("--manifest", type=click.Path(dir_okay=False), help="A JSON manifest listing documents with their "
              'outlet and date: {"story": ..., "documents": [{"path", "outlet", "published", "url", "title"}]}.')  # fmt: skip
@click.option("--timeout", type=click.FloatRange(1, 300), default=20, show_default=True, help="Seconds per request.")
@click.option(
    "--allow-private-addresses",
    is_flag=True,
    help="Fetch from loopback and private addresses too (an intranet CMS); refused by default.",
)
@click.option("--outlet", metavar="ID", help="Source id of the publishing outlet (see `verify sources`); for a URL, "
              "the registry's source for its domain when not given.")  # fmt: skip
@click.option("--story", metavar="NAME", help="Story the documents belong to.")
@click.option("--published", metavar="DATE", help="Publication date, YYYY-MM-DD.")
@click.option("--url", metavar="URL", help="Where the document was published.")
@click.option("--title", metavar="TITLE", help="The document's title.")
@click.option("--json", "as_json", is_flag=True, help="Print what was stored as JSON.")
@pass_state
def ingest(state: State, paths, url_list, feeds, manifest, timeout, allow_private_addresses, outlet, story, published,
           url, title, as_json) -> None:  # fmt: skip
    """Store documents and extract their claims.

    PATHS are .txt, .md, saved .html pages or .jsonl files, folders of them, http(s) URLs of
    pages to fetch, or - for text on stdin. In a .jsonl file each line is a document:
    {"outlet": ..., "text": ..., "url", "title", "published", "story"}; --outlet and the other
    options are then defaults for lines without them. A document already stored (same text) is
    not stored again.

    Pages are fetched one at a time (a pause between two requests to one host), each with a
    timeout; a page that fails is reported on one line, nothing of it is stored, and the exit code
    is 1 (the others are stored).

    \b
    Examples:
      verify ingest fixtures/saraqeb/sana.txt --outlet sana --story saraqeb --published 2020-02-27
      verify ingest https://www.reuters.com/world/middle-east/... --story saraqeb
      verify ingest --feed https://example.org/syria/rss.xml --outlet new-arab --story saraqeb
      verify ingest --urls links.txt --story saraqeb
      verify ingest --manifest fixtures/saraqeb/expected.json
      pbpaste | verify ingest - --outlet sana --story saraqeb
    """
    from .fetch import FetchOptions, check_url, feed_links
    from .ingest import ingest as ingest_paths
    from .ingest import ingest_manifest, read_text

    if manifest:
        if paths or url_list or feeds:
            raise click.UsageError("give --manifest alone: its documents carry their own outlets and dates")
        if not Path(manifest).is_file():
            raise VerifyError(f"no such file: {manifest}")
        report_ingest(state, ingest_manifest(state.store(), Path(manifest)), as_json)
        return
    options = FetchOptions(timeout=timeout, allow_private=allow_private_addresses)
    paths = list(paths)
    if url_list:
        listed = read_stdin() if url_list == "-" else read_text(Path(url_list))
        paths += [check_url(line.strip()) for line in listed.splitlines() if line.strip() and not line.startswith("#")]
    for feed in feeds:
        paths += feed_links(feed, options)
    if not paths:
        raise click.UsageError("give files, folders, URLs or - , or --urls FILE or --feed URL")
    stdin = read_stdin() if "-" in paths and url_list != "-" else None
    result = ingest_paths(state.store(), paths, outlet=outlet, story=story, published=published, url=url, title=title,
                          stdin=stdin, fetch=options)  # fmt: skip
    report_ingest(state, result, as_json)


def report_ingest(state: State, result, as_json: bool) -> None:
    """Print what an ingest stored (JSON, or one line each on stderr); exit 1 if a page failed."""
    if as_json:
        print_json(result.as_json())
    else:
        console = state.console(stderr=True)
        for line in result.lines():
            console.print(line, soft_wrap=True)
    click.get_current_context().exit(1 if result.failed else 0)


# -- sources ---------------------------------------------------------------------------------


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    """List the source registry, or extend it (`verify sources add`).

    \b
    Example:
      verify sources --json
    """
    if ctx.invoked_subcommand:
        return
    state = ctx.obj
    rows = state.store().sources()
    if as_json:
        print_json([dict(r, registered=bool(r["registered"])) for r in rows])
        return
    state.console().print(tables.sources(rows))


@sources.command("add")
@click.argument("source_id", metavar="ID")
@click.option("--name", required=True, help="Display name.")
@click.option("--kind", required=True, type=click.Choice(SOURCE_KINDS), help="What kind of source it is.")
@click.option("--alias", "aliases", multiple=True, help="Another name texts use for it (repeatable).")
@click.option("--domain", "domains", multiple=True, help="A web domain it publishes on, for `verify ingest URL` "
              "(repeatable).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the saved source as JSON.")
@pass_state
def sources_add(state: State, source_id, name, kind, aliases, domains, as_json) -> None:
    """Add a source to this store's registry (or update one).

    \b
    Example:
      verify sources add idlib-council --name "Idlib Local Council" --kind body \\
          --alias "the local council" --alias "Idleb council"
    """
    from .sources import add_source

    source = add_source(state.store(), source_id, name, kind, list(aliases), list(domains))
    if as_json:
        print_json(dict(source, registered=bool(source["registered"])))
        return
    click.echo(
        f"source {source['id']} ({source['name']}) saved with {len(source['aliases'])} alias(es)",
        err=True,
    )


# -- documents and claims --------------------------------------------------------------------


@cli.command()
@click.option("--story", metavar="NAME", help="Only this story's documents.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def documents(state: State, story, as_json) -> None:
    """List stored documents.

    \b
    Example:
      verify documents --story saraqeb
    """
    rows = state.store(create=False).documents(story)
    counts = state.store().claim_counts()
    rows = [{k: v for k, v in r.items() if k != "text"} | {"claims": counts.get(r["id"], 0), "chars": len(r["text"])}
            for r in rows]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    state.console().print(tables.documents(rows))


@cli.command()
@click.option("--source", metavar="ID", help="Only claims made by this source.")
@click.option("--document", metavar="ID", help="Only claims of this document.")
@click.option("--story", metavar="NAME", help="Only claims of this story.")
@click.option("--by-source", is_flag=True, help="Group the table by source.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per claim.")
@pass_state
def claims(state: State, source, document, story, by_source, as_json) -> None:
    """List claims with their source, the outlet relaying them and the attribution cue.

    \b
    Example:
      verify claims --story saraqeb --by-source
      verify claims --source sana --json
    """
    store = state.store(create=False)
    if source and not store.source(source):
        raise VerifyError(f"unknown source {source!r}; list them with `verify sources`")
    if document and not store.document(document):
        raise VerifyError(f"unknown document {document!r}; list them with `verify documents`")
    if as_json:  # streamed: a store of millions of claims prints in constant memory
        print_json_array(claim_json(r) for r in store.iter_claims(source=source, document=document, story=story))
        return
    rows = store.claims(source=source, document=document, story=story)
    console = state.console()
    if not rows:
        console.print("no claims")
        return
    console.print(tables.claims(rows, by_source))


@cli.command()
@click.argument("query")
@click.option("--source", metavar="ID", help="Only claims made by this source.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="At most this many claims.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per claim, best match first.")
@pass_state
def search(state: State, query, source, limit, as_json) -> None:
    """Full-text search over the stored claims (SQLite FTS5: words, "a phrase", OR, NOT, prefix*).

    \b
    Examples:
      verify search Saraqeb
      verify search '"repelled the attack" OR recaptured' --source sana --json
    """
    rows = state.store(create=False).search_claims(query, source=source, limit=limit)
    if as_json:
        print_json([claim_json(r) | {"snippet": r["snippet"]} for r in rows])
        return
    state.console().print(tables.search_hits(rows, query))


@cli.command("datasette-metadata")
@click.option("-o", "--output", metavar="FILE", default="-", show_default=True, help="JSON file to write.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@pass_state
def datasette_metadata(state: State, output, force) -> None:
    """Titles, descriptions and column labels for browsing the store in Datasette.

    Full-text search (?_search=) works on claims and documents, and the views latest_findings,
    findings_by_source and claims_by_source summarise the latest report.

    \b
    Example:
      verify datasette-metadata -o metadata.json && datasette verify.db -m metadata.json
    """
    from .datasette import metadata

    write_output(json.dumps(metadata(state.db_path), indent=2) + "\n", output_path(state, output, force))


# -- compare ---------------------------------------------------------------------------------


def thresholds_option(func):
    """--threshold NAME=VALUE, repeatable, for every field of Thresholds."""
    names = ", ".join(f.name for f in fields(Thresholds))
    return click.option(
        "--threshold", "threshold_values", multiple=True, metavar="NAME=VALUE",
        help=f"Override a threshold (repeatable). Names: {names}.",
    )(func)  # fmt: skip


def parse_thresholds(values: tuple[str, ...]) -> Thresholds:
    known = {f.name: f.type for f in fields(Thresholds)}
    changes = {}
    for item in values:
        name, _, raw = item.partition("=")
        if name not in known or not raw:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE with NAME one of {', '.join(known)}")
        try:
            changes[name] = int(raw) if known[name] in (int, "int") else float(raw)
        except ValueError as exc:
            raise click.BadParameter(f"{item!r}: {raw!r} is not a number") from exc
    return replace(Thresholds(), **changes)


def load_nli(path: str | None):
    """A local NLI folder named with --nli-model, or None for verify's own model."""
    if not path:
        return None
    from .models import load_nli_model

    return load_nli_model(str(path))


NLI_MODEL_HELP = "A local NLI cross-encoder folder to use instead of verify's own model."


@cli.command("compare")
@click.option("--story", metavar="NAME", help="Compare only this story's documents (default: every document).")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Compare only these documents.")
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
    from . import terminal
    from .compare import compare

    thresholds = parse_thresholds(threshold_values)
    store = state.store(create=False)
    result = compare(store, story=story, documents=list(documents) or None, thresholds=thresholds,
                     nli_model=load_nli(nli_model))  # fmt: skip
    if result.stats["truncated"]:
        click.echo(f"verify: warning: {result.stats['truncated']} very long claim(s) truncated for the model", err=True)
    if as_json:
        print_json(result.as_json())
        return
    terminal.render_comparison(result, state.console())


# -- report and check ------------------------------------------------------------------------

FORMATS = ("terminal", "json", "markdown", "csv", "html")  # verify.formats holds all but the terminal's


def output_path(state: State, output: str | None, force: bool) -> Path | None:
    """Where -o writes, checked before any work is done (see :func:`verify.output.check_output_path`);
    None for stdout (no -o, or -o -)."""
    if not output or output == "-":
        return None
    return check_output_path(output, protect=[state.db_path], force=force)


def write_output(text: str, target: Path | None) -> None:
    """Write to ``target`` (atomically, never through a planted link) or to stdout."""
    if target is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_file(text, target)
    click.echo(f"wrote {one_line(str(target))}", err=True)


def render_terminal(state: State, render, data, output: Path | None) -> str | None:
    """Render with rich to the terminal, or to plain text when writing a file."""
    if output:
        buffer = io.StringIO()
        render(data, TextConsole(file=buffer, width=120, no_color=True))
        return buffer.getvalue()
    render(data, state.console())
    return None


@cli.command("report")
@click.option("--story", metavar="NAME", help="Report on this story (default: every stored document).")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Only these documents (repeatable).")
@click.option("--since", metavar="DATE", help="Only documents published (or ingested) on or after DATE.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write the report to FILE instead of stdout.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(FINDING_KINDS), help="Only findings of this kind.")
@click.option("--source", metavar="ID", help="Only findings involving this source.")
@click.option("--min-confidence", type=click.FloatRange(0, 1), help="Only findings at least this confident.")
@click.option("--limit", type=click.IntRange(1), help="At most this many findings.")
@click.option("--per-kind", type=click.IntRange(0), default=PER_KIND, show_default=True, metavar="N",
              help="Terminal view: show the N most confident findings of each kind and count the rest (0: all).")  # fmt: skip
@click.option("--hide-dismissed", is_flag=True, help="Leave out findings a reviewer dismissed.")
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
def report_command(state: State, story, documents, since, fmt, output, force, kinds, source, min_confidence, limit,
                   per_kind, hide_dismissed, nli_model, engine, threshold_values) -> None:  # fmt: skip
    """Compare the stored documents, record the run in the audit log and show the findings.

    The terminal view has a header, a coverage matrix (claim groups by source: ✓ states,
    ✗ contradicts, ~ partial or hedged, · omits), then contradictions, omissions, partial
    agreements and agreements, each with its sources, the clashing words highlighted, the
    confidence, the reason and where each claim comes from. --format json is the contract
    other tools read (schema: verify/schemas/report.schema.json).

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
    from . import formats, terminal
    from .report import filter_findings, run_report

    store = state.store(create=False)
    if source and not store.source(source):
        raise VerifyError(f"unknown source {source!r}; list them with `verify sources`")
    thresholds = parse_thresholds(threshold_values)
    target = output_path(state, output, force)

    def deliver(full: dict) -> None:
        view = filter_findings(full, kinds=set(kinds) or None, source=source, min_confidence=min_confidence,
                               hide_dismissed=hide_dismissed, limit=limit)  # fmt: skip
        if fmt == "terminal":
            text = render_terminal(state, partial(terminal.render, per_kind=per_kind or None), view, target)
        else:
            text = formats.REPORT[fmt](view, store)
        if text is not None:
            write_output(text, target)

    full = run_report(store, story=story, documents=list(documents) or None, since=since, thresholds=thresholds,
                      nli_model=load_nli(nli_model), argv=click.get_current_context().meta["verify.argv"], engine=engine,
                      deliver=deliver)  # fmt: skip
    click.echo(f"run {full['run']['id']}: {len(full['findings'])} finding(s) recorded", err=True)


@cli.command("check")
@click.argument("draft", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--story", metavar="NAME", help="Check against this story's documents (default: all).")
@click.option("--strict", is_flag=True, help="Also fail (exit 1) when a claim is supported by no source.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="terminal", show_default=True)
@click.option("-o", "--output", metavar="FILE", help="Write the result to FILE instead of stdout.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@click.option("--min-confidence", type=click.FloatRange(0, 1), metavar="P",
              help="Confidence a contradiction needs to count (default: the judge's calibrated bar, 0.5).")  # fmt: skip
@thresholds_option
@click.pass_context
def check_command(ctx: click.Context, draft, story, strict, fmt, output, force, min_confidence,
                  threshold_values) -> None:  # fmt: skip
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
    from . import formats, terminal
    from .check import check_draft, exit_code
    from .ingest import read_text

    state = ctx.obj
    try:
        store = state.store(create=False)
        thresholds = parse_thresholds(threshold_values)
        if draft == "-":
            name, text = "stdin", read_stdin()
        else:
            name = draft
            if not Path(draft).exists():
                raise VerifyError(f"no such file: {draft}")
            text = read_text(Path(draft))
        target = output_path(state, output, force)

        def deliver(result: dict) -> None:
            if fmt == "terminal":
                rendered = render_terminal(state, terminal.render_check, result, target)
            else:
                rendered = formats.CHECK[fmt](result)
            if rendered is not None:
                write_output(rendered, target)

        result = check_draft(store, text, story=story, thresholds=thresholds, name=name, argv=ctx.meta["verify.argv"],
                             min_confidence=min_confidence, deliver=deliver)  # fmt: skip
    except (VerifyError, click.BadParameter) as exc:
        click.echo(f"verify: error: {exc}", err=True)
        ctx.exit(2)
    ctx.exit(exit_code(result, strict))


JUDGE_BATCH = 256  # pairs judged (and written) at a time


def read_pairs(path: str) -> list[dict]:
    """The pairs of a JSON Lines file, or of stdin for -."""
    from .compare import parse_pairs
    from .ingest import read_text

    if path == "-":
        return parse_pairs(read_stdin(), "stdin")
    if not Path(path).exists():
        raise VerifyError(f"no such file: {path}")
    return parse_pairs(read_text(Path(path)), path)


@cli.command("judge")
@click.argument("pairs_file", metavar="[PAIRS]", required=False, type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--premise", metavar="TEXT", help="Judge one pair: the evidence (a sentence or a passage)...")
@click.option("--hypothesis", metavar="TEXT", help="...and the claim judged against it (one or more sentences).")
@click.option("--published", metavar="DATE", help="Date that relative dates in the texts refer to, YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one object a pair, in input order.")
@click.option("--nli-model", metavar="PATH", type=click.Path(), help=NLI_MODEL_HELP)
@thresholds_option
@pass_state
def judge_command(state: State, pairs_file, premise, hypothesis, published, as_json, nli_model,
                  threshold_values) -> None:  # fmt: skip
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
    from . import terminal
    from .compare import judge_texts

    if pairs_file and (premise or hypothesis):
        raise click.UsageError("give either a PAIRS file or --premise and --hypothesis, not both")
    if pairs_file:
        pairs = read_pairs(pairs_file)
    elif premise and hypothesis and premise.strip() and hypothesis.strip():
        pairs = [{"id": 1, "premise": premise, "hypothesis": hypothesis}]
    else:
        raise click.UsageError("give a PAIRS file (- for stdin), or both --premise and --hypothesis")
    thresholds = parse_thresholds(threshold_values)
    model = load_nli(nli_model)
    verdicts = []
    for start in range(0, len(pairs), JUDGE_BATCH):
        batch = pairs[start : start + JUDGE_BATCH]
        judged = judge_texts([(p["premise"], p["hypothesis"]) for p in batch], published=published,
                             thresholds=thresholds, nli_model=model)  # fmt: skip
        for pair, verdict in zip(batch, judged, strict=True):
            line = {"id": pair["id"], **verdict}
            if as_json:
                click.echo(json.dumps(line, ensure_ascii=False))
            else:
                verdicts.append(line)
    if not as_json:
        terminal.render_verdicts(verdicts, state.console())


# -- review and audit ------------------------------------------------------------------------


class RatingChoice(click.Choice):
    """A rating as the desk writes it: "mostly true" and "mostly-true" are one."""

    def convert(self, value, param, ctx):
        return super().convert("-".join(str(value).lower().split()), param, ctx)


@cli.command("review")
@click.argument("finding", metavar="FINDING")
@click.option("--confirm", is_flag=True, help="The finding is right.")
@click.option("--dismiss", is_flag=True, help="The finding is wrong or irrelevant.")
@click.option("--escalate", is_flag=True, help="Needs a senior editor or more reporting.")
@click.option("--note", required=True, help="Why: what the reviewer checked.")
@click.option("--reviewer", metavar="NAME", help="Who decides (default: the OS user).")
@click.option("--rating", type=RatingChoice(RATINGS),
              help="The desk's rating of the claim, for a published fact-check (see `verify export claimreview`).")  # fmt: skip
@click.option("--url", metavar="URL", help="Where the fact-check is published (with --rating).")
@click.option("--claim", metavar="CLAIM", help="Which of the finding's claims is rated (default: its first).")
@click.option("--json", "as_json", is_flag=True, help="Print the recorded decision as JSON.")
@pass_state
def review_command(state: State, finding, confirm, dismiss, escalate, note, reviewer, rating, url, claim,
                   as_json) -> None:  # fmt: skip
    """Record a reviewer's decision on a finding (see the ids in `verify report`).

    A later decision on the same finding supersedes the earlier one in reports; both stay in
    the audit log. With --rating (and --url of the published fact-check) the decision rates one
    of the finding's claims: `verify export claimreview` publishes it as schema.org ClaimReview.

    \b
    Examples:
      verify review f-2ba721069f31 --confirm --note "AFP photos show rebels in the town centre"
      verify review f-2ba721069f31 --confirm --rating false --claim 6b45d31e6c58.2 \\
          --url https://factcheck.example/saraqeb --note "SANA's claim contradicted by AFP photos"
    """
    from . import audit

    chosen = [name for name, flag in (("confirm", confirm), ("dismiss", dismiss), ("escalate", escalate)) if flag]
    if len(chosen) != 1:
        raise click.UsageError("choose exactly one of --confirm, --dismiss or --escalate")
    decision = chosen[0]
    row = audit.record_decision(state.store(create=False), finding, decision, note, reviewer, rating=rating, url=url,
                                claim=claim)  # fmt: skip
    if as_json:
        print_json(row)
    else:
        click.echo(f"{row['decision']} recorded on {finding} by {row['reviewer']} ({row['id']})", err=True)


@cli.group("export")
def export_group() -> None:
    """Publish what the desk decided, in formats other tools read.

    \b
    Example:
      verify export claimreview --story saraqeb --organisation "Desk Check" -o saraqeb.jsonld
    """


@export_group.command("claimreview")
@click.option("--story", metavar="NAME", help="Only claims of this story.")
@click.option("--run", "run_id", metavar="RUN", help="Only findings of this run.")
@click.option("--organisation", envvar="VERIFY_ORGANISATION", metavar="NAME", default="", show_envvar=True,
              help="The fact-checking organisation that publishes the reviews.")  # fmt: skip
@click.option("-o", "--output", metavar="FILE", default="-", show_default=True, help="JSON-LD file to write.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@pass_state
def export_claimreview(state: State, story, run_id, organisation, output, force) -> None:
    """Rated decisions as schema.org ClaimReview JSON-LD: a JSON array, one ClaimReview per
    rated claim (the latest decision on each finding), with the claim's author (its source), where
    it appeared (the outlet's document, URL and date), the rating and the reviewing organisation.

    \b
    Examples:
      verify review f-2ba721069f31 --confirm --rating false --url https://factcheck.example/a --note "..."
      VERIFY_ORGANISATION="Desk Check" verify export claimreview --story saraqeb -o saraqeb.jsonld
    """
    from .claimreview import claim_reviews

    target = output_path(state, output, force)
    reviews = claim_reviews(state.store(create=False), organisation, story=story, run=run_id)
    write_output(json.dumps(reviews, indent=2, ensure_ascii=False) + "\n", target)
    if target is not None:
        click.echo(f"{len(reviews)} ClaimReview object(s)", err=True)


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
    from . import audit

    rows = audit.runs(state.store(create=False))
    if as_json:
        print_json(rows)
        return
    state.console().print(tables.runs(rows))


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
    from . import audit

    store = state.store(create=False)
    record = audit.run(store, run_id)
    findings = audit.run_findings(store, run_id)
    decisions = audit.decisions(store, [f["id"] for f in findings])
    if as_json:
        print_json({"run": record, "findings": findings, "decisions": decisions})
        return
    state.console().print(tables.run_record(record, findings, decisions))


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
    from . import audit

    result = audit.diff(state.store(create=False), run_a, run_b)
    if as_json:
        print_json(result)
        return
    state.console().print(tables.run_diff(result))


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
    from . import audit

    result = audit.replay(ctx.obj.store(create=False), run_id)
    if as_json:
        print_json(result)
    else:
        verdict = "the same findings" if result["same"] else "DIFFERENT findings"
        click.echo(f"replay of {run_id}: {verdict} ({result['findings']} now; {len(result['appeared'])} appeared, "
                   f"{len(result['disappeared'])} disappeared, {len(result['changed'])} changed)")  # fmt: skip
        for model in result["models_changed"]:
            recorded = f"recorded sha256 {model['recorded'][:12]}" if model["recorded"] else "not used by the run"
            click.echo(f"model changed since the run: {model['role']} {model['name']} "
                       f"({recorded}, now {str(model['current'])[:12]})")  # fmt: skip
        for item in result["inputs_changed"]:
            click.echo(f"input changed since the run: document {item['id']} ({item['change']})")
    ctx.exit(0 if result["same"] and not result["inputs_changed"] else 1)


@audit_group.command("verify")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def audit_verify(ctx: click.Context, as_json) -> None:
    """Walk the hash chain; report the first audit row altered, deleted or inserted out of order.

    Also re-hashes every stored document and each run's inputs (text and claims), and runs
    SQLite's integrity check. Exit code 0 when all of it holds, 1 when it does not.

    \b
    Example:
      verify audit verify --json
    """
    from . import audit

    result = audit.verify_chain(ctx.obj.store(create=False))
    if as_json:
        print_json({"ok": result.ok, "entries": result.entries, "problem": result.problem, "seq": result.seq})
    elif result.ok:
        click.echo(f"audit chain intact: {result.entries} entries")
    else:
        click.echo(f"audit chain broken: {result.problem}", err=True)
    ctx.exit(0 if result.ok else 1)


@audit_group.command("export")
@click.argument("run_id", metavar="RUN")
@click.option("-o", "--output", metavar="FILE", required=True, help="JSON Lines file to write.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@pass_state
def audit_export(state: State, run_id, output, force) -> None:
    """Write a run, its inputs' hashes, findings and decisions as JSON Lines for archiving.

    \b
    Examples:
      verify audit export r-1a2b3c4d5e6f -o archive/r-1a2b3c4d5e6f.jsonl
      verify audit export r-1a2b3c4d5e6f -o - | gzip > run.jsonl.gz
    """
    from . import audit

    target = output_path(state, output, force)
    lines = audit.export_run(state.store(create=False), run_id)
    write_output("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), target)


if __name__ == "__main__":
    sys.exit(main())
