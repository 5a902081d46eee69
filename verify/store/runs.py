"""The run lifecycle in the audit log: start, record, abort, and reading runs back."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import cast

from verify import __version__
from verify.errors import VerifyError
from verify.records import Finding, RunSummary, required_keys
from verify.store.chain import append_entry, run_row_digest
from verify.store.decisions import decisions
from verify.store.inputs import input_records
from verify.store.rows import FINDING_CONTENT, canonical, encode_row, sha256, store_findings
from verify.times import now

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


def completed_run(run: dict, findings: Sequence[Mapping], models: list[dict], n_claims: int) -> dict:
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
    return cast(RunSummary, summary | more)


def record_run(
    store, run: dict, findings: Sequence[Mapping], stats: dict | None = None, key: str | None = None
) -> dict:
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
        append_entry(store, "run", run["id"], run_row_digest(stored, rows))  # the rows as stored: what verify re-reads
    return run


class RunRecording:
    """A run in progress (see :func:`recorded_run`): :meth:`complete` it with what it found."""

    def __init__(self, run: dict):
        self.run = run
        self.findings: list[Finding] | None = None
        self.stats: dict | None = None
        self.key: str | None = None

    def complete(
        self,
        findings: list[Finding],
        models: list[dict],
        n_claims: int,
        stats: dict | None = None,
        key: str | None = None,
    ) -> dict:
        """The run as it will be recorded (``stats`` and ``key``: a report's, see :func:`record_run`)."""
        self.run = completed_run(self.run, findings, models, n_claims)
        self.findings, self.stats, self.key = findings, stats, key
        return self.run


@contextmanager
def recorded_run(
    store, command: str, documents: list[dict], thresholds: dict, story: str | None = None, argv=None
) -> Iterator[RunRecording]:
    """The whole life of a run: started on entry; recorded complete on a clean exit after
    :meth:`RunRecording.complete` (what the block delivers in between is delivered first);
    aborted if the block fails or is interrupted, so a failed write leaves no complete run."""
    recording = RunRecording(start_run(store, command, documents, thresholds, story, argv))
    try:
        yield recording
        if recording.findings is None:
            raise RuntimeError(f"run {recording.run['id']} left without completing")
    except BaseException:
        with store.transaction():
            store.conn.execute(
                "UPDATE runs SET status = 'aborted', finished_at = ? WHERE id = ?", [now(), recording.run["id"]]
            )
        raise
    record_run(store, recording.run, recording.findings, recording.stats, recording.key)


def _finding_row(run_id: str, position: int, finding: Mapping) -> dict:
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


def report_runs(store, key: str) -> Iterator[dict]:
    """The complete report runs made under comparison ``key``, newest first, read one at a time."""
    return store.iter_rows(
        "SELECT runs.id, runs.inputs, runs.models, run_stats.stats, run_stats.source_names FROM runs"
        " JOIN run_stats ON run_stats.run_id = runs.id"
        " WHERE run_stats.comparison_key = ? AND runs.command = 'report' AND runs.status = 'complete'"
        " ORDER BY runs.started_at DESC, runs.id DESC",
        [key],
    )


def runs(store) -> list[dict]:
    return store.rows("SELECT * FROM runs ORDER BY started_at, id")


def stored_findings(store, run_id: str) -> list[Finding]:
    """A run's findings as it found them: the stored content of each, without the row's run and position."""
    return [cast(Finding, {k: row[k] for k in FINDING_CONTENT}) for row in run_findings(store, run_id)]


def run_findings(store, run_id: str) -> list[dict]:
    return store.rows("SELECT * FROM findings WHERE run_id = ? ORDER BY position", [run_id])


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
        "appeared": [brief_finding(b[f]) for f in sorted(b.keys() - a.keys())],
        "disappeared": [brief_finding(a[f]) for f in sorted(a.keys() - b.keys())],
        "changed": changed,
        "changed_fields": {c["id"]: c["fields"] for c in changed},
    }


def changed_fields(before: Mapping, after: Mapping) -> list[str]:
    """The fields of a finding's stored content (kind, claims, sources, summary, reason,
    confidence, evidence, ...) that differ between two versions of it."""
    return [k for k in FINDING_CONTENT if canonical(before[k]) != canonical(after[k])]


def brief_finding(finding: Mapping) -> dict:
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
