"""Reading inputs: files and folders, encodings, HTML, JSON Lines, dates."""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from verify.errors import VerifyError
from verify.ingest.fetch import is_url
from verify.output import one_line

FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
JSONL_FIELDS = {"outlet", "text", "url", "title", "published", "story"}
JSON_TYPES = {int: "a number", float: "a number", bool: "true or false", list: "an array", dict: "an object"}


def _path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as a file (None when it is a regular file, or a link to one)."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if path.is_symlink():
            return "a dangling symbolic link"
        return "no such file or folder" if exc.errno == errno.ENOENT else f"cannot read: {exc.strerror}"
    if stat.S_ISDIR(info.st_mode):
        return None
    return None if stat.S_ISREG(info.st_mode) else "not a regular file (a FIFO, device or socket)"


def folder_files(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The supported regular files inside ``folder`` (recursively, sorted), and (path, why) of
    every entry left out: hidden, unsupported, not a regular file, or a link that leads out of
    the folder or nowhere. Links to folders are not followed."""
    root = folder.resolve()
    files, skipped = [], []
    for at, folders, names in os.walk(folder, followlinks=False):
        here = Path(at)
        for name in sorted(folders):
            if name.startswith(".") or (here / name).is_symlink():
                reason = "hidden" if name.startswith(".") else "a symbolic link to a folder (not followed)"
                skipped.append((str(here / name), reason))
        folders[:] = sorted(n for n in folders if not n.startswith(".") and not (here / n).is_symlink())
        for name in sorted(names):
            path = here / name
            why: str | None
            if name.startswith("."):
                why = "hidden"
            elif why := _path_problem(path):
                pass
            elif not path.resolve().is_relative_to(root):
                why = "a symbolic link to a file outside the folder"
            elif path.suffix.lower() not in FORMATS:
                why = "not a supported file type"
            else:
                files.append(path)
                continue
            skipped.append((str(path), why))
    return files, skipped


def expand_paths(paths: list[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to read, in order (folders give theirs, see :func:`folder_files`), and (path, why)
    of the folder entries left out."""
    files, skipped = [], []
    for raw in paths:
        path = Path(raw)
        if "\0" in str(raw):
            raise VerifyError(f"{one_line(str(raw))!r}: a file name cannot hold a NUL character")
        if problem := _path_problem(path):
            raise VerifyError(f"{path}: {problem}" if problem != "no such file or folder" else f"{problem}: {path}")
        if path.is_dir():
            found, left = folder_files(path)
            files += found
            skipped += left
        elif path.suffix.lower() not in FORMATS:
            raise VerifyError(
                f"{path}: unsupported file type {path.suffix or '(none)'!r}; use {', '.join(sorted(FORMATS))}"
            )
        else:
            files.append(path)
    return files, skipped


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(path: Path, notes: list[str] | None = None) -> str:
    """A file's text: UTF-8, or an encoding named by a byte-order mark (UTF-16, UTF-32) or
    detected by charset-normalizer. Empty, binary and undecodable files are refused clearly; a
    text that is not UTF-8 is read with a note in ``notes`` saying how."""
    if not path.is_file():
        raise VerifyError(f"{path}: not a regular file (a FIFO, device or socket)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise VerifyError(f"{path}: cannot read: {exc.strerror}") from exc
    return decode_text(data, str(path), notes)


def decode_text(data: bytes, where: str, notes: list[str] | None = None) -> str:
    """Bytes as text (see :func:`read_text`). UTF-8 with a few broken bytes keeps its UTF-8 and
    shows each broken byte as U+FFFD; text with no UTF-8 in it is read in the encoding detected."""
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), None)
    note = None
    if encoding is None:
        if b"\x00" in data[:8192]:
            raise VerifyError(f"{where}: binary file, not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = data.decode("utf-8", errors="replace")
            if any("\x7f" < c != "\ufffd" for c in text):  # real UTF-8 around the broken bytes
                bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
                note = f"{where}: not valid UTF-8 at {bad} place(s), the first at byte {exc.start}; shown as \ufffd"
            else:
                text, detected = _detected(data, where)
                note = f"{where}: not UTF-8; read as {detected} (convert it to UTF-8 first if it reads wrong)"
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise VerifyError(f"{where}: not valid {encoding.upper()} text (byte {exc.start})") from exc
    if not text.strip():
        raise VerifyError(f"{where}: empty file")
    if note and notes is not None:
        notes.append(note)
    return text.removeprefix("\ufeff")


def _detected(data: bytes, where: str) -> tuple[str, str]:
    """Text in a legacy encoding, and the encoding's name, as charset-normalizer finds them."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise VerifyError(
            f"{where}: not text in any encoding verify recognises; convert it to UTF-8 first "
            "(e.g. iconv -f WINDOWS-1256 -t UTF-8)"
        )
    return str(best), best.encoding


def html_to_text(html: str, path: Path | str) -> tuple[str, dict]:
    """The main text of a saved web page (trafilatura), with its title and date when found."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise VerifyError(f"{path}: no article text found in this HTML page")
    meta = trafilatura.extract_metadata(html)
    found = {}
    if meta is not None:
        found = {"title": meta.title, "published": meta.date, "url": meta.url}
    return text, {k: v for k, v in found.items() if v}


def check_date(value: str | None, where: str) -> str | None:
    """An ISO date (YYYY-MM-DD), or an ISO timestamp kept to the minute ("2020-02-27T09:40"; one
    with an offset is moved to UTC and ends in Z); nothing else."""
    if value in (None, ""):
        return None
    try:
        if not isinstance(value, str):
            raise ValueError
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
        return moment.strftime("%Y-%m-%dT%H:%M")
    except ValueError as exc:
        raise VerifyError(f"{where}: date {value!r} is not an ISO date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM)") from exc


def jsonl_lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of each non-blank JSON Lines line. Lines end at newlines only: U+2028 and
    other characters Python's splitlines() breaks at are valid inside a JSON string."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield number, line.removesuffix("\r")


def read_documents(path: Path, defaults: dict, notes: list[str] | None = None) -> list[dict]:
    """The documents in one file, with metadata from the file, then from ``defaults``; how its
    bytes were read, when not as UTF-8, goes to ``notes``."""
    text = read_text(path, notes)
    fmt = FORMATS[path.suffix.lower()]
    if fmt == "jsonl":
        return [_jsonl_document(line, n, path, defaults) for n, line in jsonl_lines(text)]
    found: dict = {}
    if fmt == "html":
        text, found = html_to_text(text, path)
    return [_document(text, fmt, str(path), defaults, found)]


def _document(text: str, fmt: str, where: str, defaults: dict, found: dict, outlet_hint: str | None = None) -> dict:
    """A document: ``defaults`` (the command line's), then what the file says (``found``), then
    ``outlet_hint`` (the registry's source for a URL's domain)."""
    document = {k: v for k, v in defaults.items() if v is not None}
    for key, value in found.items():
        document.setdefault(key, value)
    document.update(text=text, format=fmt, path=where)
    document.setdefault("outlet", outlet_hint)
    if not document.get("outlet"):
        hint = " or add the site's domain to a source (verify sources add ID ... --domain)" if is_url(where) else ""
        raise VerifyError(f"{where}: no outlet: give --outlet ID{hint}")
    document["published"] = check_date(document.get("published"), where)
    return document


def _not_json(constant: str):
    raise json.JSONDecodeError(f"{constant} is not a JSON value", constant, 0)


def json_object(line: str, where: str) -> dict:
    """One JSON Lines line that must hold an object; a one-line error naming ``where`` otherwise."""
    try:
        row = json.loads(line, parse_constant=_not_json)
    except json.JSONDecodeError as exc:
        raise VerifyError(f"{where}: malformed JSON ({exc.msg})") from exc
    except RecursionError as exc:
        raise VerifyError(f"{where}: JSON nested too deeply to read") from exc
    if not isinstance(row, dict):
        raise VerifyError(f"{where}: expected a JSON object")
    return row


def _jsonl_document(line: str, number: int, path: Path, defaults: dict) -> dict:
    where = f"{path} line {number}"
    row = json_object(line, where)
    if row.get("text") is not None and not isinstance(row["text"], str):
        raise VerifyError(f'{where}: "text" must be a string, not {JSON_TYPES.get(type(row["text"]), "that")}')
    if not row.get("text", "").strip():
        raise VerifyError(f'{where}: missing or empty "text"')
    metadata = {k: row.pop(k) for k in sorted(set(row) - JSONL_FIELDS)}  # kept with the document, not read
    for name, value in row.items():
        if value is not None and not isinstance(value, str):
            raise VerifyError(f'{where}: "{name}" must be a string, not {JSON_TYPES.get(type(value), "that")}')
    document = {k: v for k, v in defaults.items() if v is not None}
    document.update({k: v for k, v in row.items() if v is not None})
    if not document.get("outlet"):
        raise VerifyError(f'{where}: no "outlet" and no --outlet default')
    document["published"] = check_date(document.get("published"), where)
    document.update(format="jsonl", path=f"{path}:{number}", metadata=metadata or None)
    return document
