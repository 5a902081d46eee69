"""`verify serve`: the desk in a browser."""

from __future__ import annotations

import click

from verify.cli import State, cli, pass_state
from verify.errors import VerifyError


@cli.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind (another than loopback needs the token for every request).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8020, show_default=True, help="Port to listen on.")
@click.option(
    "--token",
    metavar="TOKEN",
    envvar="VERIFY_DESK_TOKEN",
    help="The desk's token (default: a new random one, printed at start).",
)
@click.option(
    "--reviewer", metavar="NAME", help="The reviewer name the review form starts with (recorded with each decision)."
)
@pass_state
def serve_command(state: State, host, port, token, reviewer) -> None:
    """Review findings, check drafts and read the audit trail in a browser, on this machine.

    Opens the store for each request (two reviewers can decide at once); Ctrl-C stops it. Open
    the address it prints: its token lets the browser write (reviews, checks, report runs).
    Bound to 127.0.0.1 (the default), others on this machine can read without the token; bound
    elsewhere, every request needs it.

    \b
    Examples:
      verify serve --reviewer desk-editor
      verify serve --host 0.0.0.0 --port 8020 --token "$(openssl rand -hex 16)"
    """
    from verify.desk.app import serve
    from verify.store.db import open_store

    if token is not None and len(token) < 16:
        raise VerifyError("--token must be at least 16 characters (or leave it out for a random one)")
    open_store(state.db_path, create=False).close()  # a missing or unreadable store: one line now, not a page later
    serve(state.db_path, host, port, token, reviewer, echo=lambda line: click.echo(line, err=True))
