"""The SQLite store: one file holding sources, documents, claims, embeddings, NLI results, runs and findings.

(The ``stances`` table of schema 5 held pair stances before the NLI judge; nothing writes it now.)

Everything is written through sqlite-utils. The schema is versioned with ``PRAGMA user_version``;
opening an older file applies the missing migrations in one transaction, so old stores keep working.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import orjson

from .errors import VerifyError
from .records import Finding, required_keys
from .times import claim_time


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


def canonical(data) -> str:
    """JSON with sorted keys and no spaces: the form verify hashes."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def json_text(data) -> str:
    """Compact JSON, by orjson (several times faster than the standard library): how the store
    keeps its JSON columns and how reports are written. What verify hashes is :func:`canonical`."""
    return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode()


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FINDING_CONTENT = required_keys(Finding)  # what the store keeps of each finding


def store_findings(conn: sqlite3.Connection, run_id: str, rows: list[dict], content=FINDING_CONTENT) -> None:
    """Store a run's finding rows (encoded, in order) once: each distinct finding in
    ``finding_contents`` by the hash of its ``content`` columns, each distinct ordered list of
    them in ``finding_lists``, and the run's reference to its list. A run whose findings an earlier
    run already made adds one row. The ``findings`` view joins them back, one row per run and finding."""
    keys = [sha256(canonical([row[k] for k in content])) for row in rows]
    list_key = sha256(canonical(keys))
    columns = ", ".join(f'"{k}"' for k in content)
    conn.executemany(
        f"INSERT OR IGNORE INTO finding_contents (sha256, {columns}) VALUES (?, {', '.join('?' * len(content))})",
        [[key, *(row[k] for k in content)] for key, row in zip(keys, rows, strict=True)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO finding_lists (list_sha256, position, finding_sha256) VALUES (?, ?, ?)",
        [(list_key, n, key) for n, key in enumerate(keys)],
    )
    conn.execute("INSERT INTO run_findings (run_id, list_sha256) VALUES (?, ?)", [run_id, list_key])


def _findings_once(conn: sqlite3.Connection) -> None:
    """Migration 9's data step: every run's finding rows into the content-addressed tables."""
    for (run_id,) in conn.execute("SELECT DISTINCT run_id FROM findings ORDER BY run_id").fetchall():
        found = conn.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY position", [run_id])
        names = [c[0] for c in found.description]
        rows = [dict(zip(names, row, strict=True)) for row in found.fetchall()]
        store_findings(conn, run_id, rows, tuple(k for k in FINDING_CONTENT if k != "summary"))  # not kept until 11


def _append_only(table: str, ops: tuple[str, ...] = ("UPDATE", "DELETE")) -> str:
    """Triggers that refuse ``ops`` on an audit table."""
    return "".join(
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}\n"
        "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;\n"
        for op in ops
    )


# Each entry upgrades the schema from version i to i + 1. Never edit a shipped entry: append.
def _full_text(table: str, columns: tuple[str, ...]) -> str:
    """An FTS5 index TABLE_fts over ``columns``, filled now and kept in step by triggers."""
    cols = ", ".join(columns)
    new, old = (", ".join(f"{side}.{c}" for c in columns) for side in ("new", "old"))
    insert = f"INSERT INTO {table}_fts (rowid, {cols}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO {table}_fts ({table}_fts, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    return (
        f"CREATE VIRTUAL TABLE {table}_fts USING fts5({cols}, content='{table}', content_rowid='rowid');\n"
        f"INSERT INTO {table}_fts (rowid, {cols}) SELECT rowid, {cols} FROM {table};\n"
        f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN {insert} END;\n"
        f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN {delete} END;\n"
        f"CREATE TRIGGER {table}_au AFTER UPDATE ON {table} BEGIN {delete} {insert} END;\n"
    )


MIGRATIONS: list = [  # SQL scripts, or a function of the connection for a data step
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        registered INTEGER NOT NULL DEFAULT 1,
        origin TEXT NOT NULL DEFAULT 'bundled'
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        outlet TEXT NOT NULL REFERENCES sources(id),
        story TEXT,
        title TEXT,
        url TEXT,
        published TEXT,
        path TEXT,
        format TEXT NOT NULL,
        text TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX documents_story ON documents(story);
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id),
        position INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        source TEXT NOT NULL REFERENCES sources(id),
        outlet TEXT NOT NULL REFERENCES sources(id),
        cue TEXT,
        negative INTEGER NOT NULL DEFAULT 0,
        hedged INTEGER NOT NULL DEFAULT 0,
        numbers TEXT NOT NULL DEFAULT '[]',
        dates TEXT NOT NULL DEFAULT '[]',
        places TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX claims_document ON claims(document_id);
    CREATE INDEX claims_source ON claims(source);
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        command TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        tool_version TEXT NOT NULL,
        argv TEXT NOT NULL DEFAULT '[]',
        models TEXT NOT NULL DEFAULT '[]',
        thresholds TEXT NOT NULL DEFAULT '{}',
        inputs TEXT NOT NULL DEFAULT '[]',
        n_claims INTEGER,
        n_findings INTEGER
    );
    """,
    """
    CREATE TABLE embeddings (
        model_hash TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_hash, text_hash)
    );
    """,
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));
    ALTER TABLE runs ADD COLUMN pid INTEGER;
    ALTER TABLE runs ADD COLUMN story TEXT;
    CREATE TABLE findings (
        run_id TEXT NOT NULL REFERENCES runs(id),
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL,
        claims TEXT NOT NULL,
        sources TEXT NOT NULL,
        omitted_by TEXT NOT NULL,
        confidence REAL NOT NULL,
        reason TEXT NOT NULL,
        evidence TEXT NOT NULL,
        thresholds TEXT NOT NULL,
        PRIMARY KEY (run_id, id)
    );
    CREATE INDEX findings_id ON findings(id);
    CREATE TABLE decisions (
        id TEXT PRIMARY KEY,
        finding_id TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs(id),
        decision TEXT NOT NULL CHECK (decision IN ('confirm', 'dismiss', 'escalate')),
        note TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX decisions_finding ON decisions(finding_id);
    CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('run', 'decision')),
        ref TEXT NOT NULL,
        digest TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TRIGGER runs_append_only BEFORE UPDATE ON runs WHEN OLD.status != 'running'
    BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
    """
    + _append_only("runs", ("DELETE",))
    + _append_only("findings")
    + _append_only("decisions")
    + _append_only("audit_log"),
    """
    ALTER TABLE claims ADD COLUMN assertion TEXT;
    ALTER TABLE claims ADD COLUMN signals TEXT;
    ALTER TABLE claims ADD COLUMN names TEXT;
    """,
    """
    CREATE TABLE stances (
        model_hash TEXT NOT NULL,
        claim TEXT NOT NULL,
        voice TEXT NOT NULL,
        probabilities BLOB NOT NULL,
        PRIMARY KEY (model_hash, claim, voice)
    ) WITHOUT ROWID;
    """,
    """
    CREATE TABLE nli (
        model_hash TEXT NOT NULL,
        pair TEXT NOT NULL,
        probabilities BLOB NOT NULL,
        PRIMARY KEY (model_hash, pair)
    ) WITHOUT ROWID;
    """,
    """
    ALTER TABLE decisions ADD COLUMN claim TEXT;
    ALTER TABLE decisions ADD COLUMN rating TEXT;
    ALTER TABLE decisions ADD COLUMN url TEXT;
    ALTER TABLE claims ADD COLUMN via TEXT;
    ALTER TABLE claims ADD COLUMN resolved_from TEXT;
    ALTER TABLE sources ADD COLUMN side TEXT;
    ALTER TABLE sources ADD COLUMN domains TEXT;
    ALTER TABLE documents ADD COLUMN language TEXT;
    """,
    # Full-text search (the layout sqlite-utils and Datasette expect: TABLE_fts, kept in step by
    # triggers), and views that read well in Datasette.
    _full_text("claims", ("text", "source"))
    + _full_text("documents", ("title", "text"))
    + """
    CREATE VIEW latest_findings AS
        SELECT f.id, f.kind, round(f.confidence, 3) AS confidence, f.sources, f.omitted_by,
               a.text AS claim, b.text AS other_claim, f.reason, f.run_id
        FROM findings f
        LEFT JOIN claims a ON a.id = json_extract(f.claims, '$[0]')
        LEFT JOIN claims b ON b.id = json_extract(f.claims, '$[1]') AND f.kind != 'omission'
        WHERE f.run_id = (SELECT id FROM runs WHERE command = 'report' AND status = 'complete'
                          ORDER BY finished_at DESC LIMIT 1)
        ORDER BY f.position;
    CREATE VIEW findings_by_source AS
        SELECT s.value AS source, f.kind, count(*) AS findings, round(avg(f.confidence), 3) AS mean_confidence
        FROM latest_findings f, json_each(f.sources) s
        GROUP BY s.value, f.kind ORDER BY s.value, f.kind;
    CREATE VIEW claims_by_source AS
        SELECT claims.source, sources.name, sources.kind, count(*) AS claims, count(DISTINCT claims.document_id) AS documents
        FROM claims JOIN sources ON sources.id = claims.source
        GROUP BY claims.source ORDER BY claims DESC;
    """,
    # Each finding stored once, content-addressed; runs reference the list of findings they made.
    """
    CREATE TABLE finding_contents (
        sha256 TEXT PRIMARY KEY,
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        claims TEXT NOT NULL,
        sources TEXT NOT NULL,
        omitted_by TEXT NOT NULL,
        confidence REAL NOT NULL,
        reason TEXT NOT NULL,
        evidence TEXT NOT NULL,
        thresholds TEXT NOT NULL
    );
    CREATE INDEX finding_contents_id ON finding_contents(id);
    CREATE TABLE finding_lists (
        list_sha256 TEXT NOT NULL,
        position INTEGER NOT NULL,
        finding_sha256 TEXT NOT NULL REFERENCES finding_contents(sha256),
        PRIMARY KEY (list_sha256, position)
    ) WITHOUT ROWID;
    CREATE INDEX finding_lists_finding ON finding_lists(finding_sha256);
    CREATE TABLE run_findings (
        run_id TEXT PRIMARY KEY REFERENCES runs(id),
        list_sha256 TEXT NOT NULL
    );
    """,
    _findings_once,
    """
    DROP TRIGGER findings_no_update;
    DROP TRIGGER findings_no_delete;
    DROP TABLE findings;
    CREATE VIEW findings AS
        SELECT r.run_id, c.id, l.position, c.kind, c.claims, c.sources, c.omitted_by, c.confidence, c.reason,
               c.evidence, c.thresholds
        FROM run_findings r
        JOIN finding_lists l ON l.list_sha256 = r.list_sha256
        JOIN finding_contents c ON c.sha256 = l.finding_sha256;
    """
    + _append_only("finding_contents")
    + _append_only("finding_lists")
    + _append_only("run_findings"),
    """
    CREATE VIEW disputes AS
        SELECT json_extract(sources, '$[0]') AS source, json_extract(sources, '$[1]') AS other_source,
               count(*) AS contradictions, max(confidence) AS strongest,
               (SELECT reason FROM latest_findings w WHERE w.kind = 'contradiction' AND w.sources = f.sources
                ORDER BY w.confidence DESC LIMIT 1) AS strongest_reason
        FROM latest_findings f WHERE kind = 'contradiction'
        GROUP BY sources ORDER BY contradictions DESC, strongest DESC;
    """,
    # A finding's summary is kept with it (runs made before this keep theirs without one).
    """
    ALTER TABLE finding_contents ADD COLUMN summary TEXT;
    DROP VIEW findings;
    CREATE VIEW findings AS
        SELECT r.run_id, c.id, l.position, c.kind, c.claims, c.sources, c.omitted_by, c.confidence, c.reason,
               c.evidence, c.thresholds, c.summary
        FROM run_findings r
        JOIN finding_lists l ON l.list_sha256 = r.list_sha256
        JOIN finding_contents c ON c.sha256 = l.finding_sha256;
    """,
    # What a report run did and how long it took (what it found is in the audit tables), and what
    # its findings rest on besides its inputs: a key of its thresholds, models and version, and a
    # digest of the names of its claims' sources (reasons quote them).
    """
    CREATE TABLE run_stats (
        run_id TEXT PRIMARY KEY REFERENCES runs(id),
        stats TEXT NOT NULL,
        comparison_key TEXT NOT NULL,
        source_names TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX run_stats_key ON run_stats(comparison_key);
    """
    + _append_only("run_stats"),
    # Each claim's nearest neighbours from the last reports (a cache, like embeddings and nli):
    # a report whose claims extend an earlier one's searches only from and to the new claims.
    """
    CREATE TABLE neighbours (
        match_key TEXT NOT NULL,
        pool_sha256 TEXT NOT NULL,
        claims INTEGER NOT NULL,
        columns BLOB NOT NULL,
        scores BLOB NOT NULL,
        PRIMARY KEY (match_key, pool_sha256)
    );
    """,
    # Each candidate pair's outcome (a cache): a comparison judges only pairs none judged before.
    """
    CREATE TABLE verdicts (
        key TEXT NOT NULL,
        pair TEXT NOT NULL,
        verdict BLOB,
        PRIMARY KEY (key, pair)
    ) WITHOUT ROWID;
    """,
    # What a JSON Lines document carried besides the fields verify reads (JSON object, or NULL).
    "ALTER TABLE documents ADD COLUMN metadata TEXT;",
]
SCHEMA_VERSION = len(MIGRATIONS)
JSON_COLUMNS = {
    "aliases",
    "metadata",
    "stats",
    "numbers",
    "dates",
    "places",
    "argv",
    "models",
    "thresholds",
    "inputs",
    "claims",
    "sources",
    "omitted_by",
    "evidence",
    "signals",
    "names",
    "via",
    "resolved_from",
    "domains",
}


def default_path() -> str:
    """The database path: ``$VERIFY_DB`` if set, else ``./verify.db``."""
    return os.environ.get("VERIFY_DB") or DEFAULT_DB


# A claim as commands read it: its row, who its source is, and its document's story and date.
CLAIM_COLUMNS = (
    "claims.*, sources.name AS source_name, sources.registered AS source_registered, "
    "sources.side AS source_side, documents.story AS story, documents.published AS published, "
    "documents.ingested_at AS ingested_at, documents.language AS language"
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

    def rows(self, sql: str, params: Iterable | dict = ()) -> list[dict]:
        """Rows of a query as dicts, with JSON columns decoded."""
        return list(self.iter_rows(sql, params))

    def iter_rows(self, sql: str, params: Iterable | dict = ()) -> Iterator[dict]:
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
            self.db["sources"].upsert_all(rows, pk="id")

    # -- documents and claims --------------------------------------------------------------
    def documents(self, story: str | None = None) -> list[dict]:
        if story is None:
            return self.rows("SELECT * FROM documents ORDER BY rowid")
        return self.rows("SELECT * FROM documents WHERE story = ? ORDER BY rowid", [story])

    def document(self, document_id: str) -> dict | None:
        found = self.rows("SELECT * FROM documents WHERE id = ?", [document_id])
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
        return (row | {"time": claim_time(row)} for row in self.iter_rows(sql, params))

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


def encode_row(row: dict) -> dict:
    return {k: json_text(v) if k in JSON_COLUMNS and not isinstance(v, str) else v for k, v in row.items()}


def decode_row(row: dict) -> dict:
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()}


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
            _migrate(conn, version)
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
    from .sources import sync_bundled_sources  # late import: sources needs Store

    sync_bundled_sources(store)
    return store


def _statements(script: str) -> Iterator[str]:
    """Split a script into whole statements (trigger bodies keep their inner semicolons)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply MIGRATIONS[version:] in one transaction (BEGIN IMMEDIATE: one migrator at a time)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in MIGRATIONS[current:]:
            if callable(step):
                step(conn)
                continue
            for statement in _statements(step):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
