"""The SQLite store: opening it, its tables, and every read and write of the corpus."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from verify.errors import VerifyError
from verify.store.migrations import SCHEMA_VERSION, migrate
from verify.store.rows import decode_row, encode_row
from verify.times import claim_time

if TYPE_CHECKING:
    import sqlite_utils


def _import_sqlite_utils():
    """sqlite-utils, imported without pandas: it imports pandas when installed only to type
    pandas.Timestamp columns, which verify never writes, and that import was most of a light
    command's start-up (0.5-0.8 s of 1.0 s here). pandas stays importable for anyone else."""
    blocked = "pandas" not in sys.modules
    if blocked:
        sys.modules["pandas"] = None  # import pandas now raises ImportError
    try:
        import sqlite_utils
    finally:
        if blocked:
            del sys.modules["pandas"]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

DEFAULT_DB = "verify.db"
BUSY_TIMEOUT_MS = 30_000


def default_path() -> str:
    """The database path: ``$VERIFY_DB`` if set, else ``./verify.db``."""
    return os.environ.get("VERIFY_DB") or DEFAULT_DB


# A claim as commands read it: its row, who its source is, and its document's story and date.
CLAIM_COLUMNS = (
    "claims.*, sources.name AS source_name, sources.registered AS source_registered, "
    "sources.side AS source_side, documents.story AS story, documents.published AS published, "
    "documents.ingested_at AS ingested_at, documents.language AS language"
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


class Store:
    """A verify database. Open it with :func:`open_store`."""

    def __init__(self, db: sqlite_utils.Database, path: str, read_only: bool = False):
        self.db = db
        self.path = path
        self.read_only = read_only  # opened from a read-only file or mount: reading commands work

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside succeed together or not at all. The outermost transaction takes the
        write lock up front (BEGIN IMMEDIATE), so a concurrent writer waits for the busy timeout
        instead of failing with 'database is locked' when its read would turn into a write."""
        if self.read_only:
            raise VerifyError(
                f"{self.path} is read-only: this command writes to the store (copy it somewhere writable to run it)"
            )
        with self.errors():
            if self.conn.in_transaction:
                with self.db.atomic():
                    yield
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def errors(self) -> Iterator[None]:
        """SQLite errors inside, as one-line VerifyErrors that name the store."""
        try:
            yield
        except sqlite3.Error as exc:
            raise VerifyError(f"database error in {self.path}: {exc}") from exc

    def rows(self, sql: str, params: Sequence | dict = ()) -> list[dict]:
        """Rows of a query as dicts, with JSON columns decoded."""
        return list(self.iter_rows(sql, params))

    def iter_rows(self, sql: str, params: Sequence | dict = ()) -> Iterator[dict]:
        """:meth:`rows`, one at a time: a caller that stops early decodes no more."""
        return (decode_row(row) for row in self.db.query(sql, params))

    def close(self) -> None:
        self.conn.close()

    # -- sources ---------------------------------------------------------------------------
    def sources(self) -> list[dict]:
        return self.rows("SELECT * FROM sources ORDER BY id")

    def source(self, source_id: str) -> dict | None:
        found = self.rows("SELECT * FROM sources WHERE id = ?", [source_id])
        return found[0] if found else None

    def upsert_sources(self, sources: Iterable[dict]) -> None:
        rows = [encode_row(s) for s in sources]
        if rows:
            self.db.table("sources").upsert_all(rows, pk="id")

    # -- documents and claims --------------------------------------------------------------
    def documents(self, story: str | None = None) -> list[dict]:
        if story is None:
            return self.rows("SELECT * FROM documents ORDER BY rowid")
        return self.rows("SELECT * FROM documents WHERE story = ? ORDER BY rowid", [story])

    def document(self, document_id: str) -> dict | None:
        found = self.rows("SELECT * FROM documents WHERE id = ?", [document_id])
        return found[0] if found else None

    def document_text(self, document_id: str) -> str:
        """A stored document's text ("" when none has that id)."""
        found = self.conn.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
        return found[0] if found else ""

    def add_documents(self, sources: list[dict], documents: list[dict]) -> None:
        """Store new documents and the sources first seen in them (a source already stored stays)."""
        self.db.table("sources").insert_all([encode_row(s) for s in sources], pk="id", ignore=True)
        self.db.table("documents").insert_all([{k: d.get(k) for k in DOCUMENT_COLUMNS} for d in documents], pk="id")

    def claim(self, claim_id: str) -> dict | None:
        found = self.rows("SELECT * FROM claims WHERE id = ?", [claim_id])
        return found[0] if found else None

    def has_sha256(self, sha256: str) -> bool:
        return bool(self.rows("SELECT 1 FROM documents WHERE sha256 = ?", [sha256]))

    def claims(
        self,
        source: str | None = None,
        document: str | None = None,
        story: str | None = None,
        documents: list[str] | None = None,
    ) -> list[dict]:
        return list(self.iter_claims(source, document, story, documents))

    def iter_claims(
        self,
        source: str | None = None,
        document: str | None = None,
        story: str | None = None,
        documents: list[str] | None = None,
    ) -> Iterator[dict]:
        """Claims one at a time, with their source's name, their story and their ``time`` (see
        :mod:`verify.times`): documents in the order they were ingested (rowid, so the order never
        rests on the clock), each document's claims in text order."""
        where, params = [], []
        if source:
            where.append("claims.source = ?")
            params.append(source)
        if document:
            where.append("claims.document_id = ?")
            params.append(document)
        if story:
            where.append("documents.story = ?")
            params.append(story)
        if documents is not None:
            where.append(f"claims.document_id IN ({','.join('?' * len(documents))})")
            params.extend(documents)
        sql = (
            f"SELECT {CLAIM_COLUMNS}"
            " FROM claims JOIN sources ON sources.id = claims.source"
            " JOIN documents ON documents.id = claims.document_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY documents.rowid, claims.position"
        return (
            row
            | {flag: bool(row[flag]) for flag in ("negative", "hedged", "source_registered")}
            | {"time": claim_time(row)}
            for row in self.iter_rows(sql, params)
        )

    def claim_assertions(self, documents: list[str]) -> list[dict]:
        """The claims of ``documents`` as (id, document_id, assertion, negative) only, in the order
        of :meth:`claims`: enough to find the claims near a draft without decoding every field.
        ``assertion`` is None for claims stored before schema 4."""
        return self.rows(
            "SELECT claims.id, claims.document_id, claims.assertion, claims.negative FROM claims"
            " JOIN documents ON documents.id = claims.document_id"
            f" WHERE claims.document_id IN ({','.join('?' * len(documents))})"
            " ORDER BY documents.rowid, claims.position",
            documents,
        )

    def document_listing(self, story: str | None = None) -> list[dict]:
        """The documents (of ``story``) as `verify documents` lists them: every column but the
        text, plus how many claims each holds and how long its text is."""
        counts = dict(self.conn.execute("SELECT document_id, count(*) FROM claims GROUP BY document_id").fetchall())
        return [
            {k: v for k, v in d.items() if k != "text"} | {"claims": counts.get(d["id"], 0), "chars": len(d["text"])}
            for d in self.documents(story)
        ]

    def search_claims(
        self, query: str, source: str | None = None, limit: int = 50, story: str | None = None
    ) -> list[dict]:
        """Claims matching a full-text query (SQLite FTS5 syntax; plain words are matched as words),
        best match first, each with a ``snippet`` marking the matched words with [ ]; only
        ``source``'s and ``story``'s when given."""
        sql = (
            f"SELECT {CLAIM_COLUMNS}, snippet(claims_fts, 0, '[', ']', '…', 12) AS snippet"
            " FROM claims_fts JOIN claims ON claims.rowid = claims_fts.rowid"
            " JOIN sources ON sources.id = claims.source JOIN documents ON documents.id = claims.document_id"
            " WHERE claims_fts MATCH ?"
            + (" AND claims.source = ?" if source else "")
            + (" AND documents.story = ?" if story else "")
            + " ORDER BY rank LIMIT ?"
        )
        params = [*([source] if source else []), *([story] if story else []), limit]
        try:
            return self.rows(sql, [query, *params])
        except sqlite3.OperationalError:  # not FTS5 syntax ('"M5 highway'): search the words as words
            words = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
            return self.rows(sql, [words, *params]) if words else []

    def stories(self) -> list[str]:
        return [r["story"] for r in self.rows("SELECT DISTINCT story FROM documents") if r["story"]]

    def latest_run(self, command: str, story: str) -> dict | None:
        """The newest complete run of ``command`` on ``story``, with its stats (``{}`` if none kept)."""
        found = self.rows(
            "SELECT runs.*, run_stats.stats AS stats FROM runs LEFT JOIN run_stats ON run_stats.run_id = runs.id"
            " WHERE runs.command = ? AND runs.status = 'complete' AND runs.story = ?"
            " ORDER BY runs.started_at DESC, runs.id DESC LIMIT 1",
            [command, story],
        )
        return found[0] | {"stats": found[0]["stats"] or {}} if found else None

    def latest_finding(self, finding_id: str) -> dict | None:
        """A finding as the newest run that made it recorded it (with that run's id), or None."""
        found = self.rows(
            "SELECT findings.* FROM findings JOIN runs ON runs.id = findings.run_id WHERE findings.id = ?"
            " ORDER BY runs.started_at DESC LIMIT 1",
            [finding_id],
        )
        return found[0] if found else None

    def claim_count(self, story: str) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM claims JOIN documents ON documents.id = claims.document_id WHERE documents.story = ?",
            [story],
        ).fetchone()[0]

    def check_known(self, *, story: str | None = None, source: str | None = None, document: str | None = None) -> None:
        """A one-line error for a ``story``, ``source`` or ``document`` this store does not hold:
        a filter that names nothing is a mistake, not an empty answer."""
        if story is not None and story not in self.stories():
            raise VerifyError(f"unknown story {story!r}; stories in this store: {', '.join(self.stories()) or 'none'}")
        if source is not None and not self.source(source):
            raise VerifyError(f"unknown source {source!r}; list them with `verify sources`")
        if document is not None and not self.document(document):
            raise VerifyError(f"unknown document {document!r}; list them with `verify documents`")

    def reads_back(self, table: str, row_id: str) -> bool:
        """Whether a fresh connection to the store's file sees the row ``row_id`` of ``table``:
        what a write must pass before verify says it was recorded (a store whose file was
        replaced, or whose -wal file was deleted, under a running command fails it)."""
        try:
            fresh = sqlite3.connect(f"file:{quote(str(Path(self.path).resolve()))}?mode=ro", uri=True, timeout=5)
            try:
                return fresh.execute(f"SELECT 1 FROM [{table}] WHERE id = ?", [row_id]).fetchone() is not None
            finally:
                fresh.close()
        except sqlite3.Error:
            return False


def open_store(path: str | os.PathLike | None = None, *, create: bool = True) -> Store:
    """Open (and create or migrate) the database at ``path``; errors are one-line VerifyErrors."""
    path = str(path or default_path())
    target = Path(path)
    if path == ":memory:" or path.startswith("file:"):
        raise VerifyError(f"database path {path} is not a file path: verify keeps its store and audit log in a file")
    if target.is_dir():
        raise VerifyError(f"database path {path} is a folder, not a file")
    if target.exists() and not target.is_file():
        raise VerifyError(f"database path {path} is not a regular file (a device, FIFO or socket)")
    if not target.exists() and not create:
        raise VerifyError(f"no database at {path}: ingest documents first (verify ingest ...)")
    if not target.exists() and not target.parent.exists():
        raise VerifyError(f"cannot create database {path}: folder {target.parent} does not exist")
    read_only = target.exists() and not (os.access(target, os.W_OK) and os.access(target.parent, os.W_OK))
    try:
        # Autocommit connection: transactions are explicit, through Store.transaction().
        # A store on a read-only mount or without write permission opens read-only; where not
        # even SQLite's -shm file can be made, as immutable (nothing can change it there).
        uri = f"file:{quote(str(target.resolve()))}?mode=ro" + (
            "" if os.access(target.parent, os.W_OK) else "&immutable=1"
        )
        conn = sqlite3.connect(
            uri if read_only else path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=read_only
        )
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = ON")
        if version > SCHEMA_VERSION:
            raise VerifyError(
                f"{path} was written by a newer verify (schema {version} > {SCHEMA_VERSION}): upgrade verify"
            )
        if read_only:
            if version < SCHEMA_VERSION:
                raise VerifyError(
                    f"{path} is read-only and needs upgrading to schema {SCHEMA_VERSION}: open it once "
                    "where it can be written"
                )
            return Store(sqlite_utils.Database(conn), path, read_only=True)
        if version < SCHEMA_VERSION:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, version)
        elif conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "not a database" in message or "malformed" in message:
            raise VerifyError(f"{path} is not a verify database (corrupt or another kind of file)") from exc
        if "readonly" in message or "unable to open" in message:
            raise VerifyError(f"cannot write database {path}: {message}") from exc
        raise VerifyError(f"cannot open database {path}: {message}") from exc
    store = Store(sqlite_utils.Database(conn), path)
    from verify.sources import sync_bundled_sources  # late import: sources needs Store

    sync_bundled_sources(store)
    return store
