"""What the commands share: options, reading stdin, printing JSON, writing -o files."""

from __future__ import annotations

import io
import json
import math
import sys
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from verify.output import TextConsole, check_output_path, shown_name, write_file
from verify.records import Thresholds

if TYPE_CHECKING:
    from verify.cli import State

FORCE_HELP = "Overwrite FILE if it exists (otherwise verify asks, or refuses when not at a terminal)."


def read_stdin() -> str:
    """Standard input as text (UTF-8, or the encoding a byte-order mark names or detection finds);
    "" when it is empty, for the command to say what it expected."""
    from verify.ingest.readers import decode_text

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


class Number(click.FloatRange):
    """A finite number in a range: what every numeric option takes. NaN and infinities are
    refused (a comparison with NaN is always false, so ``--min-confidence nan`` would pass anything)."""

    name = "number"

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def output_options(written: str, formats: tuple[str, ...] = (), **output):
    """The options a command that writes a document takes together: ``--format`` (when it has
    ``formats``), ``-o/--output FILE`` (``written``: what FILE holds) and ``--force``."""
    options = [click.option("-o", "--output", metavar="FILE", help=written, **output)]
    if formats:
        options.insert(
            0, click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True)
        )
    options.append(click.option("--force", is_flag=True, help=FORCE_HELP))
    return _bundle(options)


def selection_options(since: bool = False):
    """Which stored documents a command reads: ``--story``, ``--document`` (repeatable) and, with
    ``since``, ``--since DATE``."""
    options = [
        click.option("--story", metavar="NAME", help="Only this story's documents (default: every stored document)."),
        click.option("--document", "documents", multiple=True, metavar="ID", help="Only these documents (repeatable)."),
    ]
    if since:
        options.append(
            click.option("--since", metavar="DATE", help="Only documents published (or ingested) on or after DATE.")
        )
    return _bundle(options)


def _bundle(options: list):
    """One decorator applying ``options`` in order, as if each were written out above the command."""

    def decorate(func):
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def thresholds_option(func):
    """--threshold NAME=VALUE, repeatable, for every field of Thresholds."""
    names = ", ".join(f.name for f in fields(Thresholds))
    return click.option(
        "--threshold",
        "threshold_values",
        multiple=True,
        metavar="NAME=VALUE",
        help=f"Override a threshold (repeatable). Names: {names}.",
    )(func)


def parse_thresholds(values: tuple[str, ...]) -> Thresholds:
    known = {f.name: f.type for f in fields(Thresholds)}
    changes: dict[str, Any] = {}
    for item in values:
        name, _, raw = item.partition("=")
        if name not in known or not raw:
            raise click.BadParameter(f"{item!r}: expected NAME=VALUE with NAME one of {', '.join(known)}")
        whole = known[name] in (int, "int")
        try:
            changes[name] = int(raw) if whole else float(raw)
        except ValueError as exc:
            kind = "a whole number" if whole and _is_number(raw) else "a number"
            raise click.BadParameter(f"{item!r}: {raw!r} is not {kind}") from exc
    return replace(Thresholds(), **changes)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_nli(path: str | None):
    """A local NLI folder named with --nli-model, or None for verify's own model."""
    if not path:
        return None
    from verify.models.nli import load_nli_model

    return load_nli_model(str(path))


NLI_MODEL_HELP = "A local NLI cross-encoder folder to use instead of verify's own model."


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
    click.echo(f"wrote {shown_name(target)}", err=True)


def render_terminal(state: State, render, data, output: Path | None) -> str | None:
    """Render with rich to the terminal, or to plain text when writing a file."""
    if output:
        buffer = io.StringIO()
        render(data, TextConsole(file=buffer, width=120, no_color=True))
        return buffer.getvalue()
    render(data, state.console())
    return None


class RatingChoice(click.Choice):
    """A rating as the desk writes it: "mostly true" and "mostly-true" are one."""

    def convert(self, value, param, ctx):
        return super().convert("-".join(str(value).lower().split()), param, ctx)
