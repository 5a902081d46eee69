"""The ``verify`` command line: a thin layer over the library API."""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import fields, replace

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .compare import Thresholds, compare
from .errors import VerifyError
from .ingest import ingest as ingest_paths
from .sources import KINDS, add_source
from .store import default_path, open_store

EPILOG_DB = "The database is ./verify.db unless --db or $VERIFY_DB says otherwise."


class VerifyGroup(click.Group):
    """Turns every VerifyError (and database fault) into one line on stderr and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except VerifyError as exc:
            click.echo(f"verify: error: {exc}", err=True)
            ctx.exit(1)
        except sqlite3.Error as exc:
            click.echo(f"verify: database error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("verify: interrupted", err=True)
            ctx.exit(130)


class State:
    """What every command shares: the database path, opened on first use."""

    def __init__(self, db: str, no_color: bool):
        self.db_path = db
        self.no_color = no_color
        self._store = None

    def store(self, create: bool = True):
        if self._store is None:
            self._store = open_store(self.db_path, create=create)
        return self._store

    def console(self, stderr: bool = False) -> Console:
        return Console(stderr=stderr, no_color=self.no_color or None, highlight=False)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


pass_state = click.make_pass_decorator(State)


@click.group(cls=VerifyGroup, epilog=EPILOG_DB)
@click.option(
    "--db",
    metavar="PATH",
    default=default_path,
    show_default="./verify.db or $VERIFY_DB",
    help="SQLite database to use.",
)
@click.option("--no-color", is_flag=True, help="No colours in terminal output (NO_COLOR is respected too).")
@click.version_option(__version__, prog_name="verify")
@click.pass_context
def cli(ctx: click.Context, db: str, no_color: bool) -> None:
    """Cross-verify what sources claim about one event.

    \b
    A typical session:
      verify ingest sana.txt --outlet sana --story saraqeb
      verify ingest wire.html --outlet reuters --story saraqeb
      verify claims --story saraqeb --by-source
    """
    state = State(db, no_color)
    ctx.obj = state
    ctx.call_on_close(state.close)


def main() -> None:
    cli(prog_name="verify")


def print_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


# -- ingest ----------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--outlet", metavar="ID", help="Source id of the publishing outlet (see `verify sources`).")
@click.option("--story", metavar="NAME", help="Story the documents belong to.")
@click.option("--published", metavar="DATE", help="Publication date, YYYY-MM-DD.")
@click.option("--url", metavar="URL", help="Where the document was published.")
@click.option("--title", metavar="TITLE", help="The document's title.")
@click.option("--json", "as_json", is_flag=True, help="Print what was stored as JSON.")
@pass_state
def ingest(state: State, paths, outlet, story, published, url, title, as_json) -> None:
    """Store documents and extract their claims.

    PATHS are .txt, .md, saved .html pages or .jsonl files, or folders of them. In a .jsonl
    file each line is a document: {"outlet": ..., "text": ..., "url", "title", "published",
    "story"}; --outlet and the other options are then defaults for lines without them.
    A document already stored (same text) is not stored again.

    \b
    Example:
      verify ingest fixtures/saraqeb/sana.txt --outlet sana --story saraqeb --published 2020-02-27
    """
    result = ingest_paths(
        state.store(), list(paths), outlet=outlet, story=story, published=published, url=url, title=title
    )
    if as_json:
        print_json(
            {
                "added": [{"id": d["id"], "path": d["path"], "outlet": d["outlet"]} for d in result.added],
                "duplicates": result.duplicates,
                "skipped": result.skipped,
                "claims": result.claims,
            }
        )
        return
    console = state.console(stderr=True)
    for doc in result.added:
        console.print(f"stored {doc['path']} as document {doc['id']} ({doc['outlet']})")
    for dup in result.duplicates:
        console.print(f"already stored: {dup['path']} (document {dup['id']}), nothing added")
    for path in result.skipped:
        console.print(f"skipped {path}: not a supported file type")
    console.print(f"{len(result.added)} document(s) and {result.claims} claim(s) added")


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
    table = Table("id", "name", "kind", "aliases", "registered", title="Sources")
    for row in rows:
        aliases = ", ".join(row["aliases"][:4]) + (" ..." if len(row["aliases"]) > 4 else "")
        table.add_row(row["id"], row["name"], row["kind"], aliases, "yes" if row["registered"] else "no")
    state.console().print(table)


@sources.command("add")
@click.argument("source_id", metavar="ID")
@click.option("--name", required=True, help="Display name.")
@click.option("--kind", required=True, type=click.Choice(KINDS), help="What kind of source it is.")
@click.option("--alias", "aliases", multiple=True, help="Another name texts use for it (repeatable).")
@pass_state
def sources_add(state: State, source_id, name, kind, aliases) -> None:
    """Add a source to this store's registry (or update one).

    \b
    Example:
      verify sources add idlib-council --name "Idlib Local Council" --kind body \\
          --alias "the local council" --alias "Idleb council"
    """
    source = add_source(state.store(), source_id, name, kind, list(aliases))
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
    counts = {
        r["document_id"]: r["n"]
        for r in state.store().rows("SELECT document_id, count(*) AS n FROM claims GROUP BY document_id")
    }
    if as_json:
        print_json(
            [
                {k: v for k, v in r.items() if k != "text"}
                | {"claims": counts.get(r["id"], 0), "chars": len(r["text"])}
                for r in rows
            ]
        )
        return
    table = Table("id", "outlet", "story", "published", "title", "claims", "path", title="Documents")
    for r in rows:
        table.add_row(
            r["id"],
            r["outlet"],
            r["story"] or "",
            r["published"] or "",
            r["title"] or "",
            str(counts.get(r["id"], 0)),
            r["path"] or "",
        )
    state.console().print(table)


CLAIM_FIELDS = (
    "id",
    "document_id",
    "position",
    "text",
    "start",
    "end",
    "source",
    "source_name",
    "outlet",
    "cue",
    "negative",
    "hedged",
    "numbers",
    "dates",
    "places",
    "story",
)


def claim_json(row: dict) -> dict:
    out = {k: row[k] for k in CLAIM_FIELDS}
    out["negative"], out["hedged"] = bool(row["negative"]), bool(row["hedged"])
    out["source_registered"] = bool(row["source_registered"])
    return out


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
    rows = store.claims(source=source, document=document, story=story)
    if as_json:
        print_json([claim_json(r) for r in rows])
        return
    console = state.console()
    if not rows:
        console.print("no claims")
        return
    groups = {}
    for row in rows:
        groups.setdefault(row["source"] if by_source else None, []).append(row)
    for key, members in groups.items():
        title = f"{members[0]['source_name']} ({key}): {len(members)} claim(s)" if by_source else "Claims"
        table = Table("claim", "text", "outlet", "cue", "offsets", title=title, title_justify="left")
        for row in members:
            cue = (row["cue"] or "") + (" [negative]" if row["negative"] else "")
            table.add_row(row["id"], row["text"], row["outlet"], cue, f"{row['start']}-{row['end']}")
        console.print(table)


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
    if not path:
        return None
    from .models import NLIModel

    return NLIModel(path)


@cli.command("compare")
@click.option("--story", metavar="NAME", help="Compare only this story's documents (default: every document).")
@click.option("--document", "documents", multiple=True, metavar="ID", help="Compare only these documents.")
@click.option("--nli-model", metavar="PATH", type=click.Path(), help="A local NLI cross-encoder folder.")
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
    thresholds = parse_thresholds(threshold_values)
    store = state.store(create=False)
    result = compare(store, story=story, documents=list(documents) or None, thresholds=thresholds,
                     nli_model=load_nli(nli_model))  # fmt: skip
    if result.stats["truncated"]:
        click.echo(f"verify: warning: {result.stats['truncated']} very long claim(s) truncated for the model", err=True)
    if as_json:
        print_json(comparison_json(result))
        return
    console = state.console()
    styles = {"contradiction": "bold red", "omission": "bold yellow", "partial": "cyan", "agreement": "green"}
    console.print(f"[bold]{len(result.findings)} finding(s)[/] over {result.stats['claims']} claims "
                  f"({result.stats['candidates']} pairs compared)")  # fmt: skip
    for f in result.findings:
        who = ", ".join(f["sources"]) + (f"; omitted by {', '.join(f['omitted_by'])}" if f["omitted_by"] else "")
        console.print(f"[{styles[f['kind']]}]{f['kind'].upper()}[/] {f['confidence']:.2f}  {who}  [dim]{f['id']}[/]")
        console.print(f"  {f['reason']}", highlight=False, markup=False)


def comparison_json(result) -> dict:
    return {
        "thresholds": result.thresholds.as_dict(),
        "models": [m.as_dict() for m in result.models],
        "checks": result.checks,
        "stats": result.stats,
        "findings": result.findings,
        "groups": result.groups,
    }


if __name__ == "__main__":
    sys.exit(main())
