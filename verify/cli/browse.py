"""What the store holds: `sources`, `documents`, `claims`, `search`, `datasette-metadata`."""

from __future__ import annotations

import json

import click

from verify.cli import State, cli, pass_state
from verify.cli.options import output_options, output_path, print_json, print_json_array, write_output
from verify.output import one_line
from verify.records import SOURCE_KINDS, claim_json
from verify.views import tables

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
    state.show(as_json, [dict(r, registered=bool(r["registered"])) for r in rows], lambda: tables.sources(rows))


@sources.command("add")
@click.argument("source_id", metavar="ID")
@click.option("--name", required=True, help="Display name.")
@click.option("--kind", required=True, type=click.Choice(SOURCE_KINDS), help="What kind of source it is.")
@click.option("--alias", "aliases", multiple=True, help="Another name texts use for it (repeatable).")
@click.option(
    "--domain", "domains", multiple=True, help="A web domain it publishes on, for `verify ingest URL` (repeatable)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the saved source as JSON.")
@pass_state
def sources_add(state: State, source_id, name, kind, aliases, domains, as_json) -> None:
    """Add a source to this store's registry (or update one).

    \b
    Example:
      verify sources add idlib-council --name "Idlib Local Council" --kind body \\
          --alias "the local council" --alias "Idleb council"
    """
    from verify.sources import add_source

    source = add_source(state.store(), source_id, name, kind, list(aliases), list(domains))
    if as_json:
        print_json(dict(source, registered=bool(source["registered"])))
        return
    click.echo(
        one_line(f"source {source['id']} ({source['name']}) saved with {len(source['aliases'])} alias(es)"), err=True
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
    store = state.store(create=False)
    store.check_known(story=story)
    rows = store.document_listing(story)
    state.show(as_json, rows, lambda: tables.documents(rows))


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
    store.check_known(story=story, source=source, document=document)
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
@click.option("--story", metavar="NAME", help="Only claims of this story.")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True, help="At most this many claims.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per claim, best match first.")
@pass_state
def search(state: State, query, source, story, limit, as_json) -> None:
    """Full-text search over the stored claims (SQLite FTS5: words, "a phrase", OR, NOT, prefix*).

    \b
    Examples:
      verify search Saraqeb
      verify search '"repelled the attack" OR recaptured' --source sana --json
      verify search Saraqeb --story saraqeb
    """
    store = state.store(create=False)
    store.check_known(story=story, source=source)
    rows = store.search_claims(query, source=source, limit=limit, story=story)
    state.show(
        as_json, [claim_json(r) | {"snippet": r["snippet"]} for r in rows], lambda: tables.search_hits(rows, query)
    )


@cli.command("datasette-metadata")
@output_options("JSON file to write.", default="-", show_default=True)
@pass_state
def datasette_metadata(state: State, output, force) -> None:
    """Titles, descriptions and column labels for browsing the store in Datasette.

    Full-text search (?_search=) works on claims and documents, and the views latest_findings,
    findings_by_source and claims_by_source summarise the latest report.

    \b
    Example:
      verify datasette-metadata -o metadata.json && datasette verify.db -m metadata.json
    """
    from verify.views.datasette import metadata

    write_output(json.dumps(metadata(state.db_path), indent=2) + "\n", output_path(state, output, force))
