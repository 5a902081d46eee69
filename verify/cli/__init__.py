"""The ``verify`` command line: a thin layer over the library API.

This module holds the command group and what every command shares (the store, the console,
one-line errors); the commands live beside it, one module per part of the pipeline:
:mod:`.ingest`, :mod:`.browse` (what the store holds), :mod:`.verdicts` (compare, report,
check, judge), :mod:`.review` and :mod:`.audit`. Each imports the stages it runs when it runs, so
``--help`` answers before numpy, the store or a model is loaded.
"""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

import click
from rich.console import Console

from verify import __version__
from verify.cli.options import print_json
from verify.errors import VerifyError

if TYPE_CHECKING:
    from verify.store.db import Store
from verify.output import TextConsole, one_line

EPILOG_DB = "The database is ./verify.db unless --db or $VERIFY_DB says otherwise."


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
        except (
            click.exceptions.ClickException,
            click.exceptions.Exit,
            click.exceptions.Abort,
            BrokenPipeError,
        ):  # click ends a closed pipe quietly
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(
                f"verify: unexpected error: {type(exc).__name__}: {one_line(str(exc))} (run again with "
                "--debug for the traceback, and please report it)",
                err=True,
            )
            ctx.exit(1)


class State:
    """What every command shares: the database path, opened on first use."""

    def __init__(self, db: str | None, no_color: bool):
        self._db = db
        self.no_color = no_color
        self._store: Store | None = None

    @property
    def db_path(self) -> str:
        from verify.store.db import default_path

        return self._db or default_path()

    def store(self, create: bool = True):
        from verify.store.db import open_store

        if self._store is None:
            self._store = open_store(self.db_path, create=create)
        return self._store

    def console(self, stderr: bool = False) -> Console:
        return TextConsole(stderr=stderr, no_color=self.no_color or None)

    def show(self, as_json: bool, data, table) -> None:
        """``data`` as JSON with --json, else the rich view ``table()`` makes of it."""
        if as_json:
            print_json(data)
        else:
            self.console().print(table())

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
@click.option(
    "--no-color",
    is_flag=True,
    help="No colours anywhere, progress bars included (NO_COLOR is respected too). Accepted anywhere on the line.",
)
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


from verify.cli import audit, browse, desk, ingest, review, verdicts  # noqa: E402, F401  (each registers its commands)
