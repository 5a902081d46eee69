"""`verify ingest`: documents into the store, from files, URLs, feeds and manifests."""

from __future__ import annotations

from pathlib import Path

import click

from verify.cli import State, cli, pass_state
from verify.cli.options import Number, print_json, read_stdin

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
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False),
    help="A JSON manifest listing documents with their "
    'outlet and date: {"story": ..., "documents": [{"path", "outlet", "published", "url", "title"}]}.',
)
@click.option("--timeout", type=Number(1, 300), default=20, show_default=True, help="Seconds per request.")
@click.option(
    "--allow-private-addresses",
    is_flag=True,
    help="Fetch from loopback and private addresses too (an intranet CMS); refused by default.",
)
@click.option(
    "--outlet",
    metavar="ID",
    help="Source id of the publishing outlet (see `verify sources`); for a URL, "
    "the registry's source for its domain when not given.",
)
@click.option("--story", metavar="NAME", help="Story the documents belong to.")
@click.option("--published", metavar="DATE", help="Publication date, YYYY-MM-DD.")
@click.option("--url", metavar="URL", help="Where the document was published.")
@click.option("--title", metavar="TITLE", help="The document's title.")
@click.option(
    "--strict-sources",
    is_flag=True,
    help="Refuse an outlet the registry lacks (by default it is stored as an unregistered source and named).",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was stored as JSON.")
@pass_state
def ingest(
    state: State,
    paths,
    url_list,
    feeds,
    manifest,
    timeout,
    allow_private_addresses,
    outlet,
    story,
    published,
    url,
    title,
    strict_sources,
    as_json,
) -> None:
    """Store documents and extract their claims.

    PATHS are .txt, .md, saved .html pages or .jsonl files, folders of them, http(s) URLs of
    pages to fetch, or - for text on stdin. In a .jsonl file each line is a document:
    {"outlet": ..., "text": ..., "url", "title", "published", "story"}; --outlet and the other
    options are then defaults for lines without them, and other fields are kept as the
    document's metadata (`verify documents --json`). An outlet the registry lacks is stored as an
    unregistered source and named (--strict-sources refuses it). A document already stored (same text) is
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
    from verify.ingest.documents import ingest as ingest_paths
    from verify.ingest.documents import ingest_manifest
    from verify.ingest.fetch import FetchOptions, check_url, feed_links
    from verify.ingest.readers import read_text

    if manifest:
        if paths or url_list or feeds:
            raise click.UsageError("give --manifest alone: its documents carry their own outlets and dates")
        report_ingest(state, ingest_manifest(state.store(), Path(manifest), strict_sources=strict_sources), as_json)
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
    result = ingest_paths(
        state.store(),
        paths,
        outlet=outlet,
        story=story,
        published=published,
        url=url,
        title=title,
        stdin=stdin,
        fetch=options,
        strict_sources=strict_sources,
    )
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
