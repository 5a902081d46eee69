"""Where verify's output goes: files written without destroying anything, and document text
made inert for the terminal, spreadsheets and Markdown.

Document text is untrusted: it may hold rich markup (``[/]``), terminal escape sequences, formula
prefixes (``=HYPERLINK(...)``) or HTML. Every view passes it through these helpers, so a reader
sees the words the source wrote and nothing runs.
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

from verify.errors import VerifyError

PER_KIND = 25  # findings of each kind the terminal report shows by default; a large store has thousands

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that can
# make text read differently from what it holds ("Trojan Source").
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    """One visible character for one control character, so offsets into the text still hold."""
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ESC shows as ␛
    return "␡" if code == 0x7F else "\ufffd"


def printable(value):
    """``value`` (a string, or dicts and lists of them) with every control character shown
    visibly instead of acted on: an escape sequence cannot clear the screen, retitle the window
    or plant a hyperlink."""
    if isinstance(value, str):
        return CONTROL_RE.sub(_visible, value)
    if isinstance(value, dict):
        return {k: printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    return value


def one_line(text: str) -> str:
    """A message for stderr: printable, on one line."""
    return " ".join(printable(text).split("\n"))


def shown_name(name) -> str:
    """A file name or URL for a message line: printable, a newline shown as ␊ (so a name cannot
    start a fake line of its own)."""
    return printable(str(name)).replace("\n", "\u240a")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_text(header, rows) -> str:
    """CSV with every cell that a spreadsheet would run as a formula prefixed by ``'`` (OWASP)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES) else cell for cell in row]
        )
    return out.getvalue()


MARKDOWN_SPECIAL_RE = re.compile(r"([\\`*_\[\]()#!|~{}])")


def markdown_text(text: str) -> str:
    """Text that reaches a Markdown page as text: HTML escaped, link, emphasis and table syntax
    backslash-escaped, every run of white space one space."""
    text = re.sub(r"\s+", " ", printable(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_SPECIAL_RE.sub(r"\\\1", text)


# -- files -----------------------------------------------------------------------------------


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output_path(path: str, protect: tuple[str, ...] | list[str] = (), force: bool = False) -> Path:
    """The path ``-o`` may write to, or a one-line error: never the store (or its journal), a
    device, a FIFO or a folder; an existing file only with ``force`` or the user's yes."""
    target = Path(path)
    if not target.parent.is_dir():
        raise VerifyError(f"cannot write {path}: folder {target.parent} does not exist")
    for guarded in protect:
        for name in (guarded, f"{guarded}-wal", f"{guarded}-shm", f"{guarded}-journal"):
            same_name = target.parent.resolve() / target.name == Path(name).parent.resolve() / Path(name).name
            if same_name or Path(name).exists() and target.exists() and _same_file(target, Path(name)):
                # SQLite reads a -journal or -wal file it finds beside the store as its own
                raise VerifyError(f"refusing to write {path}: it is the verify database or one of its files")
    if not target.exists():
        return target  # a dangling symlink is replaced, never followed
    mode = target.stat().st_mode
    if stat.S_ISDIR(mode):
        raise VerifyError(f"refusing to write {path}: it is a folder")
    if not stat.S_ISREG(mode):
        raise VerifyError(f"refusing to write {path}: it is not a regular file (a device, FIFO or socket)")
    if force:
        return target
    if sys.stdin.isatty() and sys.stderr.isatty():
        import click

        if click.confirm(f"{path} exists. Overwrite it?", err=True, default=False):
            return target
    raise VerifyError(f"{path} exists; pass --force to overwrite it")


def write_file(text: str, target: Path) -> None:
    """Write ``text`` to ``target`` through an unpredictable temporary file in its folder
    (created exclusively, never through a symlink), renamed into place: a reader never sees half
    a file and a planted link redirects nothing."""
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise VerifyError(f"cannot write {target}: {exc.strerror}") from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise VerifyError(f"cannot write {target}: {exc.strerror}") from exc


class TextConsole(Console):
    """A console that prints text as text: no markup (``[sic]`` stays on the page), and control
    characters shown visibly (an escape sequence in a document cannot act on the terminal).
    Styles come only from :class:`rich.text.Text` objects built by verify."""

    def __init__(self, **kwargs):
        super().__init__(markup=False, highlight=False, **kwargs)

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(printable(text), **kwargs | {"markup": False})
