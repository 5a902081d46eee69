"""Ingesting documents: reading, claims, new outlets, and storing them in one transaction."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import process

from verify.claims.extract import MAX_SENTENCE_CHARS, MIN_CLAIM_WORDS, iter_claims
from verify.errors import VerifyError
from verify.ingest.fetch import FetchOptions, fetch_pages, is_url
from verify.ingest.languages import detect_language, language_name
from verify.ingest.readers import (
    JSON_TYPES,
    _document,
    expand_paths,
    html_to_text,
    read_documents,
    read_text,
)
from verify.output import one_line, shown_name
from verify.progress import progress
from verify.sources import SourceIndex, slug
from verify.store.rows import sha256
from verify.store.staging import StagedClaims
from verify.times import now


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
    ingested_at = now()
    with StagedClaims(store) as staged:
        for document in progress(documents, "Extracting claims"):
            if document["outlet"] not in index.sources:
                if strict_sources:
                    raise VerifyError(_unknown_outlet(document["outlet"], index, document["path"]))
                document["outlet"] = _new_outlet(document["outlet"], index, new_sources, result)
            sha = sha256(document["text"])
            if sha in seen or store.has_sha256(sha):
                result.duplicates.append({"path": document["path"], "id": sha[:12]})
                continue
            seen.add(sha)
            document.update(
                id=sha[:12], sha256=sha, ingested_at=ingested_at, language=detect_language(document["text"])
            )
            counts[document["id"]] = staged.add(iter_claims(document, index, new_sources))
            result.added.append(document)
        with store.transaction():  # holds the write lock: a document another process stored meanwhile is a duplicate
            for document in [d for d in result.added if store.has_sha256(d["sha256"])]:
                result.added.remove(document)
                result.duplicates.append({"path": document["path"], "id": document["id"]})
                del counts[document["id"]]
            store.add_documents(list(new_sources.values()), result.added)
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
