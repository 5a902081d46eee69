"""Ingest: read documents (text, Markdown, saved HTML pages, JSON Lines), store them once each,
and extract their claims.

All inputs are read and checked before anything is written; then documents, claims and newly
named sources go in one transaction. A bad file stops the whole ingest and leaves the store as
it was.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from rapidfuzz import process

from .claims import MAX_SENTENCE_CHARS, MIN_CLAIM_WORDS, iter_claims
from .clashes import stop_words
from .errors import VerifyError
from .fetch import FetchOptions, fetch_pages, is_url
from .output import one_line, shown_name
from .progress import progress
from .sources import SourceIndex, slug
from .store import encode_row

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


@dataclass
class IngestResult:
    added: list[dict] = field(default_factory=list)  # documents stored now
    duplicates: list[dict] = field(default_factory=list)  # documents already stored (or repeated)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why) of folder entries left out
    claims: int = 0
    warnings: list[str] = field(default_factory=list)  # e.g. a document that yields no claims, and why
    failed: list[tuple[str, str]] = field(default_factory=list)  # (URL, why) of pages not fetched or read
    new_outlets: list[str] = field(default_factory=list)  # outlets the registry lacked, stored as unregistered

    def as_json(self) -> dict:
        """`verify ingest --json`."""
        return {
            "added": [{"id": d["id"], "path": d["path"], "outlet": d["outlet"]} for d in self.added],
            "duplicates": self.duplicates,
            "skipped": [path for path, _ in self.skipped],
            "skipped_why": [{"path": path, "why": why} for path, why in self.skipped],
            "claims": self.claims,
            "warnings": self.warnings,
            "failed": [{"url": u, "why": why} for u, why in self.failed],
            "new_outlets": self.new_outlets,
        }

    def lines(self) -> list[str]:
        """What `verify ingest` tells the user, one line each, the totals last."""
        return (
            [f"stored {shown_name(d['path'])} as document {d['id']} ({d['outlet']})" for d in self.added]
            + [f"already stored: {shown_name(d['path'])} (document {d['id']}), nothing added" for d in self.duplicates]
            + [f"skipped {shown_name(path)}: {why}" for path, why in self.skipped]
            + [f"warning: {one_line(warning)}" for warning in self.warnings]
            + [f"failed: {shown_name(url)}: {one_line(why)}" for url, why in self.failed]
            + [
                f"new outlet {o!r}: not in the registry, stored as unregistered (name it with `verify sources add {o} ...`)"
                for o in self.new_outlets
            ]
            + [f"{len(self.added)} document(s) and {self.claims} claim(s) added"]
        )


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
                why = "hidden" if name.startswith(".") else "a symbolic link to a folder (not followed)"
                skipped.append((str(here / name), why))
        folders[:] = sorted(n for n in folders if not n.startswith(".") and not (here / n).is_symlink())
        for name in sorted(names):
            path = here / name
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


def html_to_text(html: str, path: Path) -> tuple[str, dict]:
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
    found = {}
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


def ingest(
    store,
    paths: list[str | Path],
    outlet: str | None = None,
    story: str | None = None,
    published: str | None = None,
    url: str | None = None,
    title: str | None = None,
    *,
    stdin: str | None = None,
    fetch: FetchOptions | None = None,
    strict_sources: bool = False,
) -> IngestResult:
    """Store the documents at ``paths`` and their claims. A path is a file, a folder, an http(s)
    URL (fetched with ``fetch`` options; a page that fails is reported in ``failed`` and nothing of
    it is stored) or ``-`` (the text given as ``stdin``). An outlet the registry lacks is stored as
    an unregistered source and named in ``new_outlets``, unless ``strict_sources`` refuses it."""
    defaults = {"outlet": outlet, "story": story, "published": published, "url": url, "title": title}
    index = SourceIndex(store.sources())
    result = IngestResult()
    documents = read_inputs(paths, defaults, index, result, stdin=stdin, fetch=fetch)
    return store_documents(store, documents, index, result, strict_sources=strict_sources)


def read_inputs(
    paths: list[str | Path],
    defaults: dict,
    index: SourceIndex,
    result: IngestResult,
    *,
    stdin: str | None = None,
    fetch: FetchOptions | None = None,
) -> list[dict]:
    """The documents at ``paths``, read and checked, each with ``defaults`` where it says nothing;
    folder entries left out go to ``result.skipped``, pages that fail to ``result.failed``."""
    urls = [str(p) for p in paths if is_url(str(p))]
    local = [p for p in paths if not is_url(str(p)) and str(p) != "-"]
    files, skipped = expand_paths(local) if local else ([], [])
    result.skipped += skipped
    if local and not files:
        left = "; ".join(f"{shown_name(path)} ({why})" for path, why in skipped[:3])
        more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        raise VerifyError(
            "nothing to ingest: no .txt, .md, .html or .jsonl files found" + (f"; skipped {left}{more}" if left else "")
        )
    documents = [doc for path in progress(files, "Reading") for doc in read_documents(path, defaults, result.warnings)]
    if "-" in map(str, paths):
        if stdin is None or not stdin.strip():
            raise VerifyError("stdin: no text to ingest")
        documents.append(_document(stdin, "text", "stdin", defaults, {}))
    if urls:
        pages, failed = fetch_pages(urls, fetch or FetchOptions())
        result.failed += failed
        for page_url, html in pages:
            try:
                text, found = html_to_text(html, page_url)
                documents.append(
                    _document(
                        text, "html", page_url, defaults, found | {"url": page_url}, outlet_hint=index.for_url(page_url)
                    )
                )
            except VerifyError as exc:
                result.failed.append((page_url, str(exc).removeprefix(f"{page_url}: ")))
    return documents


def store_documents(
    store, documents: list[dict], index: SourceIndex, result: IngestResult, *, strict_sources: bool = False
) -> IngestResult:
    """Store ``documents`` (read by :func:`read_inputs`) and their claims in one transaction:
    each distinct text once, a text already stored named in ``result.duplicates``."""
    seen = set()
    new_sources: dict[str, dict] = {}
    counts: Counter[str] = Counter()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with StagedClaims(store) as staged:
        for document in progress(documents, "Extracting claims"):
            if document["outlet"] not in index.sources:
                if strict_sources:
                    raise VerifyError(_unknown_outlet(document["outlet"], index, document["path"]))
                document["outlet"] = _new_outlet(document["outlet"], index, new_sources, result)
            sha = sha256_text(document["text"])
            if sha in seen or store.has_sha256(sha):
                result.duplicates.append({"path": document["path"], "id": sha[:12]})
                continue
            seen.add(sha)
            document.update(id=sha[:12], sha256=sha, ingested_at=now, language=detect_language(document["text"]))
            counts[document["id"]] = staged.add(iter_claims(document, index, new_sources))
            result.added.append(document)
        with store.transaction():  # holds the write lock: a document another process stored meanwhile is a duplicate
            for document in [d for d in result.added if store.has_sha256(d["sha256"])]:
                result.added.remove(document)
                result.duplicates.append({"path": document["path"], "id": document["id"]})
                del counts[document["id"]]
            store.db["sources"].insert_all([encode_row(s) for s in new_sources.values()], pk="id", ignore=True)
            store.db["documents"].insert_all([{k: d.get(k) for k in DOCUMENT_COLUMNS} for d in result.added], pk="id")
            staged.move([d["id"] for d in result.added])
    result.claims = sum(counts.values())
    result.warnings += document_warnings(result.added, counts)
    return result


def document_warnings(added: list[dict], counts: Counter[str]) -> list[str]:
    """What a reader should know of the documents just stored: a language verify does not read,
    no claims found, or long stretches without a sentence end."""
    warnings = []
    for d in added:
        if d["language"] not in (None, "en"):
            found = f"{counts[d['id']]} claim(s) found" if counts[d["id"]] else "no claims found"
            warnings.append(
                f"{d['path']}: written in {language_name(d['language'])}; verify reads English for now, so {found}"
            )
        elif not counts[d["id"]]:
            warnings.append(
                f"{d['path']}: no claims found: no sentence of {MIN_CLAIM_WORDS} words or more "
                "outside headings, bylines and boilerplate (share prompts, credits)"
            )
    for d in added:
        if long := sum(len(m.group()) > MAX_SENTENCE_CHARS for m in UNBROKEN_RE.finditer(d["text"])):
            warnings.append(
                f"{d['path']}: {long} stretch(es) of over {MAX_SENTENCE_CHARS:,} characters "
                "without a sentence end, cut into claims at white space"
            )
    return warnings


MANIFEST_FIELDS = {"path", "outlet", "published", "url", "title", "story"}


def ingest_manifest(store, manifest: Path, *, strict_sources: bool = False) -> IngestResult:
    """Store the documents a manifest lists, each with its own outlet and date: a JSON file
    ``{"story": ..., "documents": [{"path": ..., "outlet": ..., "published": ..., "url": ...,
    "title": ...}]}`` (other top-level keys are ignored). Paths are relative to the manifest's
    folder and must stay inside it. Every entry is read and checked before anything is stored,
    then all of them are stored in one transaction: a bad entry stores nothing."""
    try:
        data = json.loads(read_text(manifest))
    except RecursionError as exc:
        raise VerifyError(f"{manifest}: JSON nested too deeply to read") from exc
    except ValueError as exc:
        raise VerifyError(f"{manifest}: not a JSON manifest ({exc})".splitlines()[0]) from exc
    entries = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise VerifyError(f'{manifest}: a manifest needs a non-empty "documents" list')
    folder, result = manifest.resolve().parent, IngestResult()
    index = SourceIndex(store.sources())
    documents = []
    for number, entry in enumerate(entries, 1):
        where = f"{manifest} document {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not entry["path"]:
            raise VerifyError(f'{where}: expected an object with a "path"')
        if unknown := set(entry) - MANIFEST_FIELDS:
            raise VerifyError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        if wrong := [k for k in sorted(entry) if entry[k] is not None and not isinstance(entry[k], str)]:
            raise VerifyError(
                f'{where}: "{wrong[0]}" must be a string, not {JSON_TYPES.get(type(entry[wrong[0]]), "that")}'
            )
        if "\0" in entry["path"]:
            raise VerifyError(f"{where}: the path holds a NUL character")
        path = (folder / entry["path"]).resolve()
        if not path.is_relative_to(folder):
            raise VerifyError(f"{where}: {entry['path']} is outside the manifest's folder")
        defaults = {k: entry.get(k) for k in ("outlet", "published", "url", "title")}
        defaults["story"] = entry.get("story") or data.get("story")
        documents += read_inputs([path], defaults, index, result)
    return store_documents(store, documents, index, result, strict_sources=strict_sources)


UNBROKEN_RE = re.compile(r"[^.!?\n]+")


class StagedClaims:
    """Claims written to a temporary table as they are extracted, a batch at a time, so a large
    document is never held in memory as claims and the store's write lock is taken once, at the
    end, to move them in with one statement."""

    BATCH = 1000

    def __init__(self, store):
        self.store, self.conn = store, store.conn
        self.columns = [column.name for column in store.db["claims"].columns]

    def __enter__(self) -> StagedClaims:
        with self.store.errors():
            self.conn.execute("DROP TABLE IF EXISTS temp.staged_claims")
            self.conn.execute("CREATE TEMP TABLE staged_claims AS SELECT * FROM main.claims WHERE 0")
        return self

    def __exit__(self, *exc) -> None:
        with self.store.errors():
            self.conn.execute("DROP TABLE IF EXISTS temp.staged_claims")

    def add(self, claims: Iterable[dict]) -> int:
        """Stage ``claims``; returns how many there were."""
        insert = f"INSERT INTO temp.staged_claims VALUES ({', '.join('?' * len(self.columns))})"
        count, claims = 0, iter(claims)
        while batch := [encode_row(c) for c in islice(claims, self.BATCH)]:
            with self.store.errors():
                self.conn.executemany(insert, [[row.get(column) for column in self.columns] for row in batch])
            count += len(batch)
        return count

    def move(self, document_ids: list[str]) -> None:
        """Insert the staged claims of ``document_ids`` into the store (inside its transaction)."""
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS staged_documents (id TEXT PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.staged_documents")
        self.conn.executemany("INSERT INTO temp.staged_documents VALUES (?)", [(d,) for d in document_ids])
        self.conn.execute(
            "INSERT INTO main.claims SELECT * FROM temp.staged_claims "
            "WHERE document_id IN (SELECT id FROM temp.staged_documents)"
        )


DOCUMENT_COLUMNS = (
    "id",
    "sha256",
    "outlet",
    "story",
    "title",
    "url",
    "published",
    "path",
    "format",
    "text",
    "ingested_at",
    "language",
    "metadata",
)


LANGUAGE_NAMES = {
    "ar": "Arabic",
    "fa": "Persian",
    "tr": "Turkish",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "ru": "Russian",
    "uk": "Ukrainian",
    "he": "Hebrew",
    "nl": "Dutch",
    "zh-cn": "Chinese",
    "zh-tw": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ur": "Urdu",
    "hi": "Hindi",
}


def language_name(code: str) -> str:
    return f"{LANGUAGE_NAMES.get(code, code)} ({code})"


MIN_LANGUAGE_LETTERS = 40
LANGUAGE_SAMPLE_CHARS = 600  # enough to tell a language; detection time grows with the sample
ENGLISH_STOP_WORD_SHARE = 0.3


def detect_language(text: str) -> str | None:
    """The text's language as an ISO 639-1 code (langdetect, seeded: the same text always gives
    the same answer), or None when it cannot tell."""
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LANGUAGE_LETTERS:
        return None  # too short to tell
    words = sample.lower().split()
    if sum(w in stop_words() for w in words) >= ENGLISH_STOP_WORD_SHARE * len(words):
        return "en"  # English prose is about half stop words: no need for the detector's n-grams
    DetectorFactory.seed = 0
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None
    return best.lang if best.prob >= 0.8 else None


def _new_outlet(outlet: str, index: SourceIndex, new_sources: dict[str, dict], result: IngestResult) -> str:
    """The id of an outlet the registry lacks: a registered source it names ("Reuters" is
    reuters, exactly: a near miss is a new outlet, named in the summary), else a new unregistered one, created once and reported in ``result.new_outlets``."""
    if known := index.resolve(outlet, fuzzy=False):
        return known
    source_id = slug(outlet)
    if source_id not in index.sources:
        source = {"id": source_id, "name": outlet, "kind": "outlet", "aliases": [outlet], "registered": 0}
        new_sources[source_id] = source | {"origin": "derived", "side": None}
        index.add(source)
        result.new_outlets.append(source_id)
    return source_id


def _unknown_outlet(outlet: str, index: SourceIndex, where: str) -> str:
    guess = index.resolve(outlet)
    if not guess:
        close = process.extractOne(outlet, list(index.sources))
        guess = close[0] if close and close[1] >= 70 else None
    hint = f" (did you mean {guess!r}?)" if guess else ""
    return (
        f"{where}: unknown outlet {outlet!r}{hint}; list them with `verify sources` or add it with `verify sources add`"
    )
