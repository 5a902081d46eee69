"""How records become rows: canonical JSON, hashes, and the findings a run keeps."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping
from typing import Any

import orjson

from verify.records import Finding, required_keys


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


def encode_row(row: Mapping[str, Any]) -> dict:
    return {k: json_text(v) if k in JSON_COLUMNS and not isinstance(v, str) else v for k, v in row.items()}


def decode_row(row: dict) -> dict:
    return {k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()}
