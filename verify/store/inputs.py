"""What a run read: each document's text and claims, hashed."""

from __future__ import annotations

from verify.errors import VerifyError
from verify.store.rows import canonical, sha256


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
