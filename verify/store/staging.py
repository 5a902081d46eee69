"""Claims staged in a temporary table while a long ingest runs, then kept in one step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import islice
from typing import Any

from verify.store.rows import encode_row


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

    def add(self, claims: Iterable[Mapping[str, Any]]) -> int:
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
