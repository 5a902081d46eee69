"""The tamper-evident audit log: a hash chain over runs and decisions, and its verification."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from verify.errors import VerifyError
from verify.store.inputs import changed_inputs, current_hashes
from verify.store.rows import canonical, sha256

GENESIS = "0" * 64


# -- the chain -------------------------------------------------------------------------------


def append_entry(store, kind: str, ref: str, digest: str) -> None:
    last = store.conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    store.conn.execute(
        "INSERT INTO audit_log (seq, kind, ref, digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
        [seq, kind, ref, digest, prev, link_hash(seq, kind, ref, digest, prev)],
    )


def link_hash(seq: int, kind: str, ref: str, digest: str, prev: str) -> str:
    return sha256(f"{prev}|{seq}|{kind}|{ref}|{digest}")


def _run_digest(store, run_id: str) -> str | None:
    found = store.conn.execute("SELECT * FROM runs WHERE id = ?", [run_id])
    columns = [c[0] for c in found.description]
    row = found.fetchone()
    if row is None:
        return None
    findings = store.conn.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY position", [run_id])
    names = [c[0] for c in findings.description]
    return run_row_digest(dict(zip(columns, row, strict=True)), [dict(zip(names, f, strict=True)) for f in findings])


def run_row_digest(run_row: dict, finding_rows: list[dict]) -> str:
    """SHA-256 over the run row and its finding rows, each as canonical JSON, in order."""
    digest = hashlib.sha256(canonical(run_row).encode("utf-8"))
    for row in finding_rows:
        if row.get("summary") is None:  # runs recorded before summaries were kept (schema 11)
            row = {k: v for k, v in row.items() if k != "summary"}
        digest.update(b"\n" + canonical(row).encode("utf-8"))
    return digest.hexdigest()


def _decision_digest(store, decision_id: str) -> str | None:
    found = store.rows("SELECT * FROM decisions WHERE id = ?", [decision_id])
    return decision_row_digest(found[0]) if found else None


@dataclass
class ChainReport:
    ok: bool
    entries: int
    problem: str | None = None
    seq: int | None = None
    head: str | None = None  # "SEQ:HASH" of the last entry: copy it elsewhere, check it later with expect_head


def verify_chain(store, expect_head: str | None = None) -> ChainReport:
    """Walk the chain; report the first row altered, deleted or inserted out of order. With
    ``expect_head`` (a head "SEQ:HASH" this report gave earlier, kept outside the store) the chain
    must still hold that entry: a chain cut short, or rewritten from there, fails."""
    report = _walk_chain(store)
    if report.ok and expect_head is not None:
        seq, _, digest = expect_head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise VerifyError(
                f"{expect_head!r} is not a chain head: expected SEQ:HASH, as `verify audit verify` prints it"
            )
        found = store.rows("SELECT hash FROM audit_log WHERE seq = ?", [int(seq)])
        if not found or found[0]["hash"] != digest:
            lost = "no such entry: entries were lost" if not found else "another entry there: it was rewritten"
            problem = f"the chain head {seq}:{digest[:12]}… recorded earlier is gone (the chain holds {lost})"
            return ChainReport(False, report.entries, problem, int(seq), report.head)
    return report


def _walk_chain(store) -> ChainReport:
    """:func:`verify_chain` from the store alone."""
    entries = store.rows("SELECT * FROM audit_log ORDER BY seq")
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        where = f"audit entry {entry['seq']} ({entry['kind']} {entry['ref']})"
        if entry["seq"] != expected_seq:
            return ChainReport(
                False, len(entries), f"entry {expected_seq} is missing: a row was deleted before {where}", expected_seq
            )
        if entry["prev_hash"] != prev:
            return ChainReport(
                False,
                len(entries),
                f"{where} does not follow entry {expected_seq - 1}: rows were reordered, deleted or inserted",
                entry["seq"],
            )
        if link_hash(entry["seq"], entry["kind"], entry["ref"], entry["digest"], entry["prev_hash"]) != entry["hash"]:
            return ChainReport(False, len(entries), f"{where} was altered (its hash does not match)", entry["seq"])
        digest = _run_digest(store, entry["ref"]) if entry["kind"] == "run" else _decision_digest(store, entry["ref"])
        if digest is None:
            return ChainReport(
                False, len(entries), f"{where}: the {entry['kind']} it records was deleted", entry["seq"]
            )
        if digest != entry["digest"]:
            return ChainReport(
                False, len(entries), f"{where}: the {entry['kind']} it records was altered", entry["seq"]
            )
        prev = entry["hash"]
    chained = {(e["kind"], e["ref"]) for e in entries}
    for r in store.rows("SELECT id FROM runs WHERE status = 'complete' ORDER BY started_at"):
        if ("run", r["id"]) not in chained:
            return ChainReport(
                False, len(entries), f"run {r['id']} is marked complete but is not in the chain: inserted by hand"
            )
    for d in store.rows("SELECT id FROM decisions ORDER BY decided_at"):
        if ("decision", d["id"]) not in chained:
            return ChainReport(False, len(entries), f"decision {d['id']} is not in the chain: inserted by hand")
    orphans = store.rows(
        "SELECT DISTINCT run_id FROM findings WHERE run_id NOT IN (SELECT id FROM runs WHERE status = 'complete')"
    )
    if orphans:
        return ChainReport(False, len(entries), f"findings of run {orphans[0]['run_id']} belong to no complete run")
    checked = _check_inputs(store, len(entries))
    checked.head = f"{entries[-1]['seq']}:{entries[-1]['hash']}" if entries else None
    return checked


def _check_inputs(store, entries: int) -> ChainReport:
    """The chained runs' inputs as stored now, every document's text against its hash, and
    SQLite's own integrity check."""
    integrity = store.conn.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        return ChainReport(False, entries, f"the database file is damaged (SQLite integrity_check: {integrity})")
    hashes = current_hashes(store)  # once: every run's inputs are checked against the same figures
    for d in store.rows("SELECT id, sha256 FROM documents ORDER BY id"):
        if hashes[d["id"]][0] != d["sha256"]:
            return ChainReport(False, entries, f"document {d['id']} was edited: its text no longer matches its SHA-256")
    for r in store.rows("SELECT id, inputs FROM runs WHERE status = 'complete' ORDER BY started_at"):
        if changes := changed_inputs(r["inputs"], hashes):
            first = changes[0]
            return ChainReport(
                False,
                entries,
                f"input document {first['id']} of run {r['id']} changed after the run "
                f"({first['change']}): it no longer hashes to what the run recorded",
            )
    return ChainReport(True, entries)


RATING_COLUMNS = ("claim", "rating", "url")


def decision_row_digest(row: dict) -> str:
    """SHA-256 of a decision row; the rating columns count only when set, so decisions recorded
    before they existed keep their digest."""
    return sha256(canonical({k: v for k, v in row.items() if not (k in RATING_COLUMNS and v is None)}))
