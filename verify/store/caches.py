"""The caches a comparison reads before it computes: embeddings, NLI readings, verdicts and
neighbour lists, each kept under the key of what it rests on (a model's SHA-256, a comparison key)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

# Each cache: its table, the key column, the item column and the value column.
CACHES = {
    "embeddings": ("embeddings", "model_hash", "text_hash", "vector"),
    "nli": ("nli", "model_hash", "pair", "probabilities"),
    "verdicts": ("verdicts", "key", "pair", "verdict"),
}
CHUNK = 900  # items per statement: SQLite's bound-parameter limit, with room for the key


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def cached(store, cache: str, key: str, items: Sequence[str]) -> dict[str, bytes | None]:
    """{item: stored value} for the ``items`` the cache holds under ``key``."""
    table, key_column, item_column, value_column = CACHES[cache]
    out = {}
    for chunk in chunks(items):
        rows = store.conn.execute(
            f"SELECT {item_column}, {value_column} FROM {table} "
            f"WHERE {key_column} = ? AND {item_column} IN ({','.join('?' * len(chunk))})",
            [key, *chunk],
        )
        out.update(rows)
    return out


def keep(store, cache: str, key: str, values: Sequence[tuple[str, bytes | None]]) -> None:
    """Store (item, value) under ``key``; an item already kept stays as it was."""
    table, key_column, item_column, value_column = CACHES[cache]
    with store.transaction():
        store.conn.executemany(
            f"INSERT OR IGNORE INTO {table} ({key_column}, {item_column}, {value_column}) VALUES (?, ?, ?)",
            [(key, item, value) for item, value in values],
        )


def neighbour_pools(store, match_key: str, most_claims: int) -> list[tuple[int, str]]:
    """(claims, pool SHA-256) of the stored neighbour lists under ``match_key`` of at most ``most_claims``."""
    return store.conn.execute(
        "SELECT claims, pool_sha256 FROM neighbours WHERE match_key = ? AND claims <= ?", [match_key, most_claims]
    ).fetchall()


def neighbour_lists(store, match_key: str, pool_sha256: str) -> tuple[bytes, bytes]:
    """The (columns, scores) arrays stored for one pool."""
    return store.conn.execute(
        "SELECT columns, scores FROM neighbours WHERE match_key = ? AND pool_sha256 = ?", [match_key, pool_sha256]
    ).fetchone()


def keep_neighbours(store, match_key: str, pool_sha256: str, claims: int, columns: bytes, scores: bytes, kept: int):
    """Store one pool's lists, keeping only the newest ``kept`` pools under ``match_key``."""
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO neighbours (match_key, pool_sha256, claims, columns, scores) VALUES (?, ?, ?, ?, ?)",
            [match_key, pool_sha256, claims, columns, scores],
        )
        store.conn.execute(
            "DELETE FROM neighbours WHERE match_key = ? AND rowid NOT IN "
            "(SELECT rowid FROM neighbours WHERE match_key = ? ORDER BY rowid DESC LIMIT ?)",
            [match_key, match_key, kept],
        )
