"""How much the audit log grows per report run that changes nothing (findings are stored once).

    python bench/audit_size.py [--runs N]

Ingests the fixture story into a fresh store, runs `verify report` once (which stores its
findings and fills the embedding and NLI caches), then N more times (default 5), and measures the
database file (WAL checkpointed) before and after.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path

from verify.ingest.documents import ingest_manifest
from verify.report.run import run_report
from verify.store.db import open_store

ROOT = Path(__file__).resolve().parent.parent


def file_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "size.db"
        store = open_store(db)
        ingest_manifest(store, ROOT / "fixtures" / "saraqeb" / "expected.json")
        store.close()
        ingested = file_size(db)
        store = open_store(db)
        run_report(store, story="saraqeb")  # stores the findings and warms the caches: later runs only reference them
        store.close()
        base = file_size(db)
        findings = 0
        for _ in range(args.runs):
            store = open_store(db)
            findings += len(run_report(store, story="saraqeb")["findings"])
            store.close()
        grown = file_size(db) - base
    result = {
        "runs": args.runs,
        "bytes": grown,
        "bytes_per_run": grown // args.runs,
        "findings_per_run": findings // args.runs,
        "first_run_bytes": base - ingested,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{args.runs} report runs of the fixture story ({result['findings_per_run']} findings each): "
            f"+{grown:,} bytes, {result['bytes_per_run']:,} bytes per run (the first run: "
            f"+{result['first_run_bytes']:,} bytes with its findings and the embedding and NLI caches)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
