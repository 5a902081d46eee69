"""ingest: files, folders, URLs and feeds -> documents and their claims in the store.

Reads plain text, Markdown, saved HTML, JSON Lines and manifests (:mod:`.readers`, :mod:`.fetch`),
tells each document's language (:mod:`.languages`), and stores documents with their claims in one
transaction (:mod:`.documents`): a failed ingest keeps what was stored before it.
"""

from verify.ingest.documents import ingest, ingest_manifest

__all__ = ["ingest", "ingest_manifest"]
