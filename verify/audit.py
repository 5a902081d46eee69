"""The audit log: every run, its inputs, models, thresholds and findings, and every reviewer decision.

Audit rows are append-only (SQLite triggers refuse updates and deletes) and chained: each
completed run and each decision adds an ``audit_log`` entry whose hash covers the previous
entry's hash and a digest of the row it records, so editing, deleting, inserting or reordering
rows by hand is caught by :func:`verify_chain`. A run is written as 'running' first and completed,
with all its findings, in one transaction: a run killed halfway never looks complete.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .compare import compare
from .errors import VerifyError
from .judge import judge_model_info
from .models import NLI_DIR, NLIModel, current_nli_model_info, embedding_model_info
from .records import DECISIONS, RATINGS, RunSummary, Thresholds, required_keys
from .stance import stance_model_info
from .store import FINDING_CONTENT, canonical, encode_row, sha256, store_findings

# What each recorded model role is now, for replay to compare against.
CURRENT_MODELS = {
    "embedding": embedding_model_info,
    "nli": current_nli_model_info,
    "judge": judge_model_info,
    "stance": stance_model_info,
}

GENESIS = "0" * 64
RATING_COLUMNS = ("claim", "rating", "url")


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


# -- runs ------------------------------------------------------------------------------------


def start_run(
    store,
    command: str,
    documents: list[dict],
    thresholds: dict,
    story: str | None = None,
    argv: list[str] | None = None,
) -> dict:
    """Record a run as started. Runs left 'running' by a dead process are marked 'aborted'."""
    _mark_dead_runs_aborted(store)
    run = {
        "id": "r-" + uuid.uuid4().hex[:12],
        "command": command,
        "status": "running",
        "started_at": now(),
        "finished_at": None,
        "tool_version": __version__,
        "argv": list(sys.argv if argv is None else argv),
        "models": [],
        "thresholds": thresholds,
        "inputs": input_records(store, documents),
        "n_claims": None,
        "n_findings": None,
        "pid": os.getpid(),
        "story": story,
    }
    with store.transaction():
        store.db["runs"].insert(encode_row(run))
    return run


def claims_sha256(claims: list[dict]) -> str:
    """One SHA-256 over a document's claims: each claim's id, text, offsets and source."""
    return sha256(canonical(sorted([c["id"], c["text"], c["start"], c["end"], c["source"]] for c in claims)))


def current_hashes(store, document_ids: list[str] | None = None) -> dict[str, tuple[str, str]]:
    """Each stored document's (text SHA-256, claims SHA-256), re-computed from what is stored now
    (of ``document_ids``, or of every document)."""
    chosen = f"IN ({','.join('?' * len(document_ids))})" if document_ids is not None else "IS NOT NULL"
    texts = store.rows(f"SELECT id, text FROM documents WHERE id {chosen}", document_ids or [])
    claims: dict[str, list[dict]] = {}
    for c in store.rows(
        f'SELECT document_id, id, text, start, "end", source FROM claims WHERE document_id {chosen}', document_ids or []
    ):
        claims.setdefault(c["document_id"], []).append(c)
    return {d["id"]: (sha256(d["text"]), claims_sha256(claims.get(d["id"], []))) for d in texts}


def input_records(store, documents: list[dict]) -> list[dict]:
    """What a run records of each input: the SHA-256 of its text as stored now (re-computed, not
    read from the documents table) and of its claims. Refuses text edited outside verify."""
    hashes = current_hashes(store, [d["id"] for d in documents])
    records = []
    for d in documents:
        text_sha, claims_sha = hashes[d["id"]]
        if text_sha != d["sha256"]:
            raise VerifyError(
                f"document {d['id']} was edited outside verify (its text no longer matches its "
                "SHA-256); `verify audit verify` says more"
            )
        records.append(
            {
                "id": d["id"],
                "sha256": d["sha256"],
                "outlet": d["outlet"],
                "path": d.get("path"),
                "claims_sha256": claims_sha,
            }
        )
    return records


def changed_inputs(inputs: list[dict], hashes: dict[str, tuple[str, str]]) -> list[dict]:
    """The recorded inputs whose document or claims are no longer stored as they were (``hashes``
    from :func:`current_hashes`): each ``{"id", "change"}`` with change ``deleted``, ``text edited``
    or ``claims changed``."""
    changes = []
    for item in inputs:
        if item["id"] not in hashes:
            changes.append({"id": item["id"], "change": "deleted"})
        elif hashes[item["id"]][0] != item["sha256"]:
            changes.append({"id": item["id"], "change": "text edited"})
        elif "claims_sha256" in item and hashes[item["id"]][1] != item["claims_sha256"]:
            changes.append({"id": item["id"], "change": "claims changed"})  # older runs did not record it
    return changes


def completed_run(run: dict, findings: list[dict], models: list[dict], n_claims: int) -> dict:
    """The run as it will be recorded once its output is delivered (see :func:`record_run`)."""
    return dict(run, status="complete", finished_at=now(), models=models, n_claims=n_claims, n_findings=len(findings))


def source_names(store, documents: list[str]) -> str:
    """SHA-256 of the id and name of every source the claims of ``documents`` quote."""
    rows = store.conn.execute(
        "SELECT DISTINCT sources.id, sources.name FROM claims JOIN sources ON sources.id = claims.source"
        f" WHERE claims.document_id IN ({','.join('?' * len(documents))}) ORDER BY sources.id",
        documents,
    ).fetchall()
    return sha256(canonical(rows))


def run_summary(run: dict, **more) -> RunSummary:
    """A run as a report or a check shows it (``more``: what only one of them adds)."""
    summary = {k: run.get(k) for k in required_keys(RunSummary)}
    summary["inputs"] = [{"id": i["id"], "sha256": i["sha256"]} for i in run["inputs"]]
    return summary | more


def record_run(store, run: dict, findings: list[dict], stats: dict | None = None, key: str | None = None) -> dict:
    """Store a completed run's findings (and a report's stats, with the key of what its findings
    rest on besides its inputs: see :func:`verify.judge.comparison_key`), mark it complete and
    chain it, all in one transaction."""
    rows = [encode_row(_finding_row(run["id"], n, f)) for n, f in enumerate(findings)]
    stored = encode_row(run)
    with store.transaction():
        store_findings(store.conn, run["id"], rows)
        store.db["runs"].update(run["id"], {k: v for k, v in stored.items() if k != "id"})
        if stats is not None:
            store.conn.execute(
                "INSERT INTO run_stats (run_id, stats, comparison_key, source_names) VALUES (?, ?, ?, ?)",
                [run["id"], canonical(stats), key, source_names(store, [i["id"] for i in run["inputs"]])],
            )
        _append(store, "run", run["id"], _digest(stored, rows))  # the rows as stored: what verify re-reads
    return run


@contextmanager
def aborting(store, run: dict) -> Iterator[None]:
    """Mark the run aborted if the work inside fails or is interrupted."""
    try:
        yield
    except BaseException:
        with store.transaction():
            store.conn.execute("UPDATE runs SET status = 'aborted', finished_at = ? WHERE id = ?", [now(), run["id"]])
        raise


def _finding_row(run_id: str, position: int, finding: dict) -> dict:
    return {"run_id": run_id, "position": position, **{k: finding[k] for k in FINDING_CONTENT}}


def _mark_dead_runs_aborted(store) -> None:
    stale = [r for r in store.rows("SELECT id, pid FROM runs WHERE status = 'running'") if not _alive(r["pid"])]
    if stale:
        with store.transaction():
            for r in stale:
                store.conn.execute("UPDATE runs SET status = 'aborted' WHERE id = ?", [r["id"]])


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(store, run_id: str) -> dict:
    found = store.rows("SELECT * FROM runs WHERE id = ?", [run_id])
    if not found:
        raise VerifyError(f"unknown run {run_id!r}; list them with `verify audit runs`")
    return found[0]


def runs(store) -> list[dict]:
    return store.rows("SELECT * FROM runs ORDER BY started_at, id")


def run_findings(store, run_id: str) -> list[dict]:
    return store.rows("SELECT * FROM findings WHERE run_id = ? ORDER BY position", [run_id])


# -- decisions -------------------------------------------------------------------------------


def record_decision(
    store,
    finding_id: str,
    decision: str,
    note: str,
    reviewer: str | None = None,
    rating: str | None = None,
    url: str | None = None,
    claim: str | None = None,
) -> dict:
    """A reviewer's decision on a finding; later decisions supersede, never erase, earlier ones.
    With a ``rating`` (one of :data:`RATINGS`) it is a published fact-check of one of the
    finding's claims (``claim``, by default its first) at ``url``: what ClaimReview exports."""
    if decision not in DECISIONS:
        raise VerifyError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
    if rating is not None and rating not in RATINGS:
        raise VerifyError(f"unknown rating {rating!r}: use one of {', '.join(RATINGS)}")
    if (url or claim) and rating is None:
        raise VerifyError("--url and --claim describe a rating: give --rating too")
    if url and not url.startswith(("https://", "http://")):
        raise VerifyError(f"the fact-check's URL must start with https:// or http://, not {url!r}")
    if not note.strip():
        raise VerifyError("a decision needs a note saying why (--note TEXT)")
    latest_run = store.rows(
        "SELECT findings.run_id FROM findings JOIN runs ON runs.id = findings.run_id"
        " WHERE findings.id = ? ORDER BY runs.started_at DESC LIMIT 1",
        [finding_id],
    )
    if not latest_run:
        raise VerifyError(
            f"unknown finding {finding_id!r} in {store.path}: it was not produced by a run of this database"
        )
    if rating is not None:
        claims = store.rows(
            "SELECT claims FROM findings WHERE run_id = ? AND id = ?", [latest_run[0]["run_id"], finding_id]
        )[0]["claims"]
        if claim is not None and claim not in claims:
            raise VerifyError(f"claim {claim!r} is not one of finding {finding_id}'s claims ({', '.join(claims)})")
        claim = claim or claims[0]
    row = {
        "id": "d-" + uuid.uuid4().hex[:12],
        "finding_id": finding_id,
        "run_id": latest_run[0]["run_id"],
        "decision": decision,
        "note": note,
        "reviewer": reviewer or _os_user(),
        "decided_at": now(),
        "claim": claim,
        "rating": rating,
        "url": url,
    }
    with store.transaction():
        store.db["decisions"].insert(row)
        _append(store, "decision", row["id"], _decision_row_digest(row))
    if not store.reads_back("decisions", row["id"]):
        raise VerifyError(
            f"decision {row['id']} was written but cannot be read back from {store.path}: the store's files "
            "changed under this command (replaced, or its -wal file deleted); it is not recorded, review again"
        )
    return row


def _decision_row_digest(row: dict) -> str:
    """SHA-256 of a decision row; the rating columns count only when set, so decisions recorded
    before they existed keep their digest."""
    return sha256(canonical({k: v for k, v in row.items() if not (k in RATING_COLUMNS and v is None)}))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def latest_decisions(store) -> dict[str, dict]:
    """The latest decision on each finding id."""
    latest = {}
    for row in store.rows("SELECT * FROM decisions ORDER BY decided_at, id"):
        latest[row["finding_id"]] = row
    return latest


def decisions(store, finding_ids: list[str] | None = None) -> list[dict]:
    rows = store.rows("SELECT * FROM decisions ORDER BY decided_at, id")
    return [r for r in rows if finding_ids is None or r["finding_id"] in finding_ids]


# -- the chain -------------------------------------------------------------------------------


def _append(store, kind: str, ref: str, digest: str) -> None:
    last = store.conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    store.conn.execute(
        "INSERT INTO audit_log (seq, kind, ref, digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
        [seq, kind, ref, digest, prev, _link(seq, kind, ref, digest, prev)],
    )


def _link(seq: int, kind: str, ref: str, digest: str, prev: str) -> str:
    return sha256(f"{prev}|{seq}|{kind}|{ref}|{digest}")


def _run_digest(store, run_id: str) -> str | None:
    found = store.conn.execute("SELECT * FROM runs WHERE id = ?", [run_id])
    columns = [c[0] for c in found.description]
    row = found.fetchone()
    if row is None:
        return None
    findings = store.conn.execute("SELECT * FROM findings WHERE run_id = ? ORDER BY position", [run_id])
    names = [c[0] for c in findings.description]
    return _digest(dict(zip(columns, row, strict=True)), [dict(zip(names, f, strict=True)) for f in findings])


def _digest(run_row: dict, finding_rows: list[dict]) -> str:
    """SHA-256 over the run row and its finding rows, each as canonical JSON, in order."""
    digest = hashlib.sha256(canonical(run_row).encode("utf-8"))
    for row in finding_rows:
        if row.get("summary") is None:  # runs recorded before summaries were kept (schema 11)
            row = {k: v for k, v in row.items() if k != "summary"}
        digest.update(b"\n" + canonical(row).encode("utf-8"))
    return digest.hexdigest()


def _decision_digest(store, decision_id: str) -> str | None:
    found = store.rows("SELECT * FROM decisions WHERE id = ?", [decision_id])
    return _decision_row_digest(found[0]) if found else None


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
        if _link(entry["seq"], entry["kind"], entry["ref"], entry["digest"], entry["prev_hash"]) != entry["hash"]:
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


# -- reading the log -------------------------------------------------------------------------


def diff(store, run_a: str, run_b: str) -> dict:
    """Findings that appeared, disappeared or changed (confidence, reason, evidence) from A to B."""
    a = {f["id"]: f for f in run_findings(store, run(store, run_a)["id"])}
    b = {f["id"]: f for f in run_findings(store, run(store, run_b)["id"])}
    changed = []
    for fid in sorted(a.keys() & b.keys()):
        if fields := changed_fields(a[fid], b[fid]):
            changed.append(
                {
                    "id": fid,
                    "kind": b[fid]["kind"],
                    "fields": fields,
                    "confidence": [a[fid]["confidence"], b[fid]["confidence"]],
                }
            )
    return {
        "from": run_a,
        "to": run_b,
        "appeared": [_brief(b[f]) for f in sorted(b.keys() - a.keys())],
        "disappeared": [_brief(a[f]) for f in sorted(a.keys() - b.keys())],
        "changed": changed,
        "changed_fields": {f: fields[f] for f in changed},
    }


def changed_fields(before: dict, after: dict) -> list[str]:
    """The fields of a finding's stored content (kind, claims, sources, summary, reason,
    confidence, evidence, ...) that differ between two versions of it."""
    return [k for k in FINDING_CONTENT if canonical(before[k]) != canonical(after[k])]


def _brief(finding: dict) -> dict:
    return {k: finding[k] for k in ("id", "kind", "sources", "omitted_by", "confidence", "reason")}


def export_run(store, run_id: str) -> list[dict]:
    """The run, its inputs, findings and decisions as JSON Lines records."""
    record = run(store, run_id)
    findings = run_findings(store, run_id)
    lines = [{"type": "run", **{k: v for k, v in record.items() if k != "inputs"}}]
    lines += [{"type": "input", "run_id": run_id, **i} for i in record["inputs"]]
    lines += [{"type": "finding", **f} for f in findings]
    lines += [{"type": "decision", **d} for d in decisions(store, [f["id"] for f in findings])]
    chain = store.rows("SELECT * FROM audit_log WHERE kind = 'run' AND ref = ?", [run_id])
    if chain:
        lines.append({"type": "chain", **chain[0]})
    return lines


def replay(store, run_id: str, embedder=None) -> dict:
    """Re-run a report with its recorded thresholds on its recorded inputs, every pair judged
    again; say whether the findings come out the same and which models changed since."""
    record = run(store, run_id)
    if record["status"] != "complete":
        raise VerifyError(f"run {run_id} is {record['status']}, not complete: there is nothing to replay")
    if record["command"] != "report":
        raise VerifyError(
            f"run {run_id} is a {record['command']} run; replay re-runs report runs (drafts are not stored)"
        )
    inputs_changed = changed_inputs(record["inputs"], current_hashes(store, [i["id"] for i in record["inputs"]]))
    changed_models, nli_model = [], None
    for model in record["models"]:
        if model["role"] == "nli" and model["path"] != str(NLI_DIR):  # a newsroom's own folder
            nli_model = NLIModel.from_folder(model["path"]) if Path(model["path"]).is_dir() else None
            current = nli_model.info.sha256 if nli_model else None
        else:
            current = CURRENT_MODELS[model["role"]]().sha256
        if current != model["sha256"]:
            changed_models.append(
                {"role": model["role"], "name": model["name"], "recorded": model["sha256"], "current": current}
            )
    for role in ("nli", "judge"):  # a run recorded before the judge: its findings rest on other models
        if role not in {m["role"] for m in record["models"]}:
            current = CURRENT_MODELS[role]()
            changed_models.append({"role": role, "name": current.name, "recorded": None, "current": current.sha256})
    thresholds = Thresholds(**record["thresholds"])
    claims = store.claims(documents=[i["id"] for i in record["inputs"]])
    if not claims:
        raise VerifyError(f"no input of run {run_id} is stored any more: nothing to replay")
    result = compare(store, thresholds=thresholds, embedder=embedder, nli_model=nli_model, claims=claims, reuse=False)
    before = {f["id"]: f for f in run_findings(store, run_id)}
    after = {f["id"]: f for f in result.findings}
    fields = {f: changed_fields(before[f], after[f]) for f in sorted(before.keys() & after.keys())}
    changed = [f for f, differ in fields.items() if differ]
    return {
        "run": run_id,
        "same": before.keys() == after.keys() and not changed,
        "findings": len(after),
        "models_changed": changed_models,
        "inputs_changed": inputs_changed,
        "appeared": [_brief(after[f]) for f in sorted(after.keys() - before.keys())],
        "disappeared": [_brief(before[f]) for f in sorted(before.keys() - after.keys())],
        "changed": changed,
        "changed_fields": {f: fields[f] for f in changed},
    }
