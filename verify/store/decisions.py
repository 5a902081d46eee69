"""Reviewer decisions on findings, appended to the audit log."""

from __future__ import annotations

import getpass
import uuid

from verify.errors import VerifyError
from verify.records import DECISIONS, RATINGS
from verify.store.chain import append_entry, decision_row_digest
from verify.times import now

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
        append_entry(store, "decision", row["id"], decision_row_digest(row))
    if not store.reads_back("decisions", row["id"]):
        raise VerifyError(
            f"decision {row['id']} was written but cannot be read back from {store.path}: the store's files "
            "changed under this command (replaced, or its -wal file deleted); it is not recorded, review again"
        )
    return row


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
