"""The schema's history: every migration, applied in order, one transaction each open."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator

from verify.store.rows import FINDING_CONTENT, store_findings


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


MIGRATIONS: list[tuple[str, str | Callable]] = [  # (name, SQL script or a function of the connection)
    (
        "sources, documents, claims and runs",
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
    ),
    (
        "embeddings cache",
        """
    CREATE TABLE embeddings (
        model_hash TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_hash, text_hash)
    );
    """,
    ),
    (
        "store id, findings, decisions and the audit chain",
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
    ),
    (
        "claim assertions, signals and names",
        """
    ALTER TABLE claims ADD COLUMN assertion TEXT;
    ALTER TABLE claims ADD COLUMN signals TEXT;
    ALTER TABLE claims ADD COLUMN names TEXT;
    """,
    ),
    (
        "stances cache",
        """
    CREATE TABLE stances (
        model_hash TEXT NOT NULL,
        claim TEXT NOT NULL,
        voice TEXT NOT NULL,
        probabilities BLOB NOT NULL,
        PRIMARY KEY (model_hash, claim, voice)
    ) WITHOUT ROWID;
    """,
    ),
    (
        "nli cache",
        """
    CREATE TABLE nli (
        model_hash TEXT NOT NULL,
        pair TEXT NOT NULL,
        probabilities BLOB NOT NULL,
        PRIMARY KEY (model_hash, pair)
    ) WITHOUT ROWID;
    """,
    ),
    (
        "decision ratings",
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
    ),
    # Full-text search (the layout sqlite-utils and Datasette expect: TABLE_fts, kept in step by
    # triggers), and views that read well in Datasette.
    (
        "full-text search and Datasette views",
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
    ),
    # Each finding stored once, content-addressed; runs reference the list of findings they made.
    (
        "content-addressed findings",
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
    ),
    ("findings into content-addressed rows", _findings_once),
    (
        "findings as a view",
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
    ),
    (
        "disputes view",
        """
    CREATE VIEW disputes AS
        SELECT json_extract(sources, '$[0]') AS source, json_extract(sources, '$[1]') AS other_source,
               count(*) AS contradictions, max(confidence) AS strongest,
               (SELECT reason FROM latest_findings w WHERE w.kind = 'contradiction' AND w.sources = f.sources
                ORDER BY w.confidence DESC LIMIT 1) AS strongest_reason
        FROM latest_findings f WHERE kind = 'contradiction'
        GROUP BY sources ORDER BY contradictions DESC, strongest DESC;
    """,
    ),
    # A finding's summary is kept with it (runs made before this keep theirs without one).
    (
        "finding summaries",
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
    ),
    # What a report run did and how long it took (what it found is in the audit tables), and what
    # its findings rest on besides its inputs: a key of its thresholds, models and version, and a
    # digest of the names of its claims' sources (reasons quote them).
    (
        "run stats",
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
    ),
    # Each claim's nearest neighbours from the last reports (a cache, like embeddings and nli):
    # a report whose claims extend an earlier one's searches only from and to the new claims.
    (
        "neighbours cache",
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
    ),
    # Each candidate pair's outcome (a cache): a comparison judges only pairs none judged before.
    (
        "verdicts cache",
        """
    CREATE TABLE verdicts (
        key TEXT NOT NULL,
        pair TEXT NOT NULL,
        verdict BLOB,
        PRIMARY KEY (key, pair)
    ) WITHOUT ROWID;
    """,
    ),
    # What a JSON Lines document carried besides the fields verify reads (JSON object, or NULL).
    ("document metadata", "ALTER TABLE documents ADD COLUMN metadata TEXT;"),
]
SCHEMA_VERSION = len(MIGRATIONS)


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


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Apply MIGRATIONS[version:] in one transaction (BEGIN IMMEDIATE: one migrator at a time)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        for _name, step in MIGRATIONS[current:]:
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
