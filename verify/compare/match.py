"""Matching: claims from different sources that speak of the same thing.

Claim embeddings are cached in the store (float32 blobs keyed by the model's hash and the claim
text's hash), so a claim is embedded once per model. Candidate pairs come from a nearest-neighbour
search in chunked matrix products (top-k per claim above a similarity floor), boosted by shared
names (places, groups, people) whose spelling variants are merged with rapidfuzz.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import orjson
from rapidfuzz import fuzz, process

from verify.claims.extract import names_in
from verify.models.embedder import EMBEDDING_DIMENSION
from verify.progress import progress
from verify.records import PreparedClaim
from verify.sources import SourceIndex
from verify.store import caches
from verify.store.rows import canonical, sha256

CHUNK_ROWS = 1024
CHUNK_PAIRS = 4096  # pairs whose similarity is computed at once
EMBED_CHUNK = 512  # texts per progress-bar step
NAME_CLUSTER_CUTOFF = 85


def claim_vectors(store, texts: list[str], embedder) -> tuple[np.ndarray, int]:
    """Embeddings of ``texts`` in order, from the cache where present; returns (matrix, n_embedded)."""
    model = embedder.info.sha256
    hashes = [sha256(t) for t in texts]
    found = caches.cached(store, "embeddings", model, sorted(set(hashes)))
    cached = {h: np.frombuffer(v, dtype=np.float32) for h, v in found.items() if v is not None}
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in cached}
    if missing:
        keys = sorted(missing, key=lambda k: len(missing[k]))  # similar lengths batch with less padding
        texts_missing = [missing[k] for k in keys]
        steps = range(0, len(keys), EMBED_CHUNK)
        vectors = np.concatenate(
            [embedder.encode(texts_missing[i : i + EMBED_CHUNK]) for i in progress(steps, "Embedding claims")]
        )
        values = [(k, v.astype(np.float32).tobytes()) for k, v in zip(keys, vectors, strict=True)]
        caches.keep(store, "embeddings", model, values)
        cached.update(zip(keys, vectors, strict=True))
    dim = len(next(iter(cached.values()))) if cached else EMBEDDING_DIMENSION
    matrix = np.stack([cached[h] for h in hashes]) if texts else np.zeros((0, dim), dtype=np.float32)
    return matrix.astype(np.float32), len(missing)


def raw_names(claims: list[PreparedClaim], index: SourceIndex) -> list[set[str]]:
    """The names each claim mentions, as written (kept with the claim since ingest, or found now)."""
    return [set(c["names"]) if c.get("names") is not None else set(names_in(c, index)) for c in claims]


def name_labels(raw: list[set[str]]) -> dict[str, str]:
    """Each capitalised name's cluster label: spelling variants are clustered fuzzily, each name
    labelled by the first name in sorted order that it matches (other names are their own label)."""
    plain = sorted({n for names in raw for n in names if n.startswith("name:")})
    # Spelling variants share their first letters (Saraqeb/Saraqib, Idlib/Idleb): compare names
    # within blocks of the same two-letter prefix only, which keeps this far below all-pairs.
    blocks: dict[str, list[str]] = {}
    for name in plain:
        blocks.setdefault(name[5:7], []).append(name)
    labels = {}
    for block in blocks.values():
        scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=NAME_CLUSTER_CUTOFF)
        for i, name in enumerate(block):
            labels[name] = block[int(np.flatnonzero(scores[i])[0])]
    return labels


def labelled(raw: list[set[str]], labels: dict[str, str]) -> list[set[str]]:
    """Each claim's names as cluster labels: what matching compares."""
    return [{labels.get(n, n) for n in names} for names in raw]


def claim_names(claims: list[PreparedClaim], index: SourceIndex) -> list[set[str]]:
    """The names each claim mentions, merged across spelling variants."""
    raw = raw_names(claims, index)
    return labelled(raw, name_labels(raw))


@dataclass(frozen=True)
class Candidate:
    left: int
    right: int
    similarity: float  # cosine of the two claims' embeddings
    score: float  # similarity plus the shared-name boost: what ranking and the floor use
    shared_names: tuple[str, ...]


@dataclass(frozen=True)
class Neighbours:
    """Each claim's nearest claims from other sources, best first: one row per claim of a pool,
    ``columns`` their positions in the pool (-1 past the last), ``scores`` their boosted scores."""

    columns: np.ndarray  # (claims, top_k) int32
    scores: np.ndarray  # (claims, top_k) float32


def candidate_pairs(
    vectors: np.ndarray,
    sources: list[str],
    names: list[set[str]],
    top_k: int,
    floor: float,
    name_boost: float,
    known: Neighbours | None = None,
    documents: list[str] | None = None,
) -> tuple[list[Candidate], Neighbours]:
    """Top-k neighbours per claim from other sources whose boosted score reaches ``floor``, and
    the pairs they make (each once, in pair order). Given ``documents`` (each claim's), the
    neighbours are instead the claims of the same source in other documents: what a source said
    before or after (revisions).

    ``known`` holds the lists of the pool's first claims, from an earlier search over just those
    claims: then only the new claims are searched, and the old claims' lists take in the new
    claims that beat their entries. This is exact: an entry that left a list stays out. Each chunk
    of rows is scored in one matrix product; only the entries that reach the floor are ranked.
    The pairs' similarities are computed again one pair at a time, in double precision, so they
    do not depend on how the search was chunked."""
    n = len(sources)
    columns = np.full((n, top_k), -1, dtype=np.int32)
    scores = np.zeros((n, top_k), dtype=np.float32)
    old = len(known.columns) if known is not None else 0
    if known is not None and old:
        columns[:old], scores[:old] = known.columns, known.scores
    if n < 2:
        return [], Neighbours(columns, scores)
    source_ids = np.unique(np.array(sources), return_inverse=True)[1]
    document_ids = np.unique(np.array(documents), return_inverse=True)[1] if documents is not None else None
    incidence = _incidence(names)
    everyone, newcomers = np.arange(n), np.arange(old, n)
    steps = [(np.arange(a, min(n, a + CHUNK_ROWS)), everyone) for a in range(old, n, CHUNK_ROWS)]
    if old and n > old:
        steps += [(np.arange(a, min(old, a + CHUNK_ROWS)), newcomers) for a in range(0, old, CHUNK_ROWS)]
    for rows, targets in progress(steps, "Matching claims"):
        score = vectors[rows] @ vectors[targets].T
        shared = (incidence[rows] @ incidence[targets].T).tocoo()
        score[shared.row, shared.col] += name_boost * np.minimum(shared.data, 2)
        at, to = np.nonzero(score >= floor)
        values, to = score[at, to], targets[to]
        if document_ids is None:
            other = source_ids[rows][at] != source_ids[to]  # same source: never compared
        else:  # the same source in another document
            other = (source_ids[rows][at] == source_ids[to]) & (document_ids[rows][at] != document_ids[to])
        listed = columns[rows] >= 0  # what the rows' lists hold already compete with the new entries
        held_at = np.nonzero(listed)[0]
        at = np.r_[at[other], held_at]
        to = np.r_[to[other], columns[rows][listed]]
        values = np.r_[values[other], scores[rows][listed]]
        order = np.lexsort((to, -values, at))  # each row's best first; ties by column
        at, to, values = at[order], to[order], values[order]
        first = np.r_[0, np.flatnonzero(np.diff(at)) + 1]  # where each row's entries begin
        rank = np.arange(len(at)) - np.repeat(first, np.diff(np.r_[first, len(at)]))
        top = rank < top_k
        columns[rows] = -1
        columns[rows[at[top]], rank[top]] = to[top]
        scores[rows[at[top]], rank[top]] = values[top]
    return _pairs(vectors, names, columns, name_boost), Neighbours(columns, scores)


class NeighbourCache:
    """The neighbour lists of a store's last few report pools, by match key (embedding model and
    search thresholds). A pool whose first claims are an earlier pool's, with the same names
    shared between them, reuses that pool's lists: only its new claims are searched."""

    KEPT = 4  # pools kept per match key

    def __init__(
        self,
        store,
        model_sha256: str,
        thresholds,
        claims: list[PreparedClaim],
        raw: list[set[str]],
        labels,
        kind="neighbours",
    ):
        self.store = store
        self.key = sha256(  # kind: "neighbours" (other sources) or "revisions" (the same source elsewhere)
            canonical([kind, model_sha256, thresholds.top_k, thresholds.match_floor, thresholds.name_boost])
        )
        stored = caches.neighbour_pools(store, self.key, len(claims))
        digests = {size: _pool_digest(claims[:size], raw[:size], labels) for size in {s for s, _ in stored}}
        self.pool_sha256 = _pool_digest(claims, raw, labels)
        self.found = max(((size, sha) for size, sha in stored if digests[size] == sha), default=None)

    def known(self) -> Neighbours | None:
        """The lists of the longest earlier pool this one begins with, or None."""
        if self.found is None:
            return None
        size, pool = self.found
        columns, scores = caches.neighbour_lists(self.store, self.key, pool)
        return Neighbours(
            np.frombuffer(columns, dtype=np.int32).reshape(size, -1).copy(),
            np.frombuffer(scores, dtype=np.float32).reshape(size, -1).copy(),
        )

    def keep(self, neighbours: Neighbours) -> None:
        """Store this pool's lists (unless they are the ones found), keeping the newest few pools."""
        if self.found and self.found[1] == self.pool_sha256:
            return
        caches.keep_neighbours(
            self.store,
            self.key,
            self.pool_sha256,
            len(neighbours.columns),
            neighbours.columns.astype(np.int32).tobytes(),
            neighbours.scores.astype(np.float32).tobytes(),
            self.KEPT,
        )


def _pool_digest(claims: list[PreparedClaim], raw: list[set[str]], labels: dict[str, str]) -> str:
    """SHA-256 of a pool: each claim's id and source, and which names it shares with which other
    claims of the pool (each cluster named by its first name found in the pool, so new names that
    join a cluster leave the digest alone unless they merge clusters of the pool)."""
    first: dict[str, str] = {}
    for names in raw:
        for name in names:
            label = labels.get(name, name)
            first[label] = min(first.get(label, name), name)
    digest = hashlib.sha256()
    for claim, names in zip(claims, raw, strict=True):
        shared = sorted({first[labels.get(n, n)] for n in names})
        digest.update(orjson.dumps([claim["id"], claim["source"], shared]) + b"\n")
    return digest.hexdigest()


def _pairs(vectors: np.ndarray, names: list[set[str]], columns: np.ndarray, name_boost: float) -> list[Candidate]:
    """The pairs the neighbour lists make, each once, in (left, right) order."""
    n = len(columns)
    rows, ranks = np.nonzero(columns >= 0)
    left, right = rows, columns[rows, ranks].astype(np.int64)
    keys = np.unique(np.minimum(left, right) * n + np.maximum(left, right))
    if not len(keys):
        return []
    lefts, rights = keys // n, keys % n
    wide = vectors.astype(np.float64)
    sims = np.concatenate(
        [
            np.einsum("ij,ij->i", wide[lefts[a : a + CHUNK_PAIRS]], wide[rights[a : a + CHUNK_PAIRS]])
            for a in range(0, len(keys), CHUNK_PAIRS)
        ]
    )
    sims = sims.astype(np.float32).tolist()
    out = []
    for i, j, similarity in zip(lefts.tolist(), rights.tolist(), sims, strict=True):
        shared = tuple(sorted(names[i] & names[j]))
        out.append(Candidate(i, j, similarity, similarity + name_boost * min(len(shared), 2), shared))
    return out


def _incidence(names: list[set[str]]):
    """Claims by names, a sparse matrix: shared-name counts come from one sparse product per chunk."""
    from scipy import sparse  # imported here: commands that never match stay light

    vocabulary = {name: j for j, name in enumerate(sorted({x for s in names for x in s}))}
    rows = [i for i, found in enumerate(names) for _ in found]
    cols = [vocabulary[name] for found in names for name in found]
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(names), max(1, len(vocabulary))))


def connected_groups(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """Connected components (union-find) of the claims joined by ``edges``; singletons left out."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    return [sorted(m) for m in members.values() if len(m) > 1]


def most_central(members: list[int], vectors: np.ndarray) -> int:
    """The member closest to all the others: the group's label. Scores are rounded first, so the
    last bits of an embedding (which vary with how claims were batched, e.g. on Ray) never pick
    another label; a tie goes to the first member."""
    block = vectors[members] @ vectors[members].T
    return members[int(np.argmax(np.round(block.sum(axis=1), 3)))]
