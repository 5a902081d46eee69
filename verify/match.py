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
from rapidfuzz import fuzz, process

from .claims import names_in
from .models import EMBEDDING_DIMENSION
from .progress import progress
from .sources import SourceIndex

CHUNK_ROWS = 1024
EMBED_CHUNK = 512  # texts per progress-bar step
NAME_CLUSTER_CUTOFF = 85


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def claim_vectors(store, texts: list[str], embedder) -> tuple[np.ndarray, int]:
    """Embeddings of ``texts`` in order, from the cache where present; returns (matrix, n_embedded)."""
    model = embedder.info.sha256
    hashes = [text_hash(t) for t in texts]
    cached = {}
    unique = sorted(set(hashes))
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        rows = store.conn.execute(
            f"SELECT text_hash, vector FROM embeddings WHERE model_hash = ? AND text_hash IN ({','.join('?' * len(chunk))})",
            [model, *chunk],
        )
        cached.update({h: np.frombuffer(v, dtype=np.float32) for h, v in rows})
    missing = {h: t for h, t in zip(hashes, texts, strict=True) if h not in cached}
    if missing:
        keys = sorted(missing, key=lambda k: len(missing[k]))  # similar lengths batch with less padding
        texts_missing = [missing[k] for k in keys]
        steps = range(0, len(keys), EMBED_CHUNK)
        vectors = np.concatenate(
            [embedder.encode(texts_missing[i : i + EMBED_CHUNK]) for i in progress(steps, "Embedding claims")]
        )
        with store.transaction():
            store.conn.executemany(
                "INSERT OR IGNORE INTO embeddings (model_hash, text_hash, vector) VALUES (?, ?, ?)",
                [(model, k, v.astype(np.float32).tobytes()) for k, v in zip(keys, vectors, strict=True)],
            )
        cached.update(zip(keys, vectors, strict=True))
    dim = len(next(iter(cached.values()))) if cached else EMBEDDING_DIMENSION
    matrix = np.stack([cached[h] for h in hashes]) if texts else np.zeros((0, dim), dtype=np.float32)
    return matrix.astype(np.float32), len(missing)


def claim_names(claims: list[dict], index: SourceIndex) -> list[set[str]]:
    """The names each claim mentions (kept with the claim since ingest, or found now), merged
    across spelling variants: capitalised names are clustered fuzzily."""
    raw = [set(c["names"]) if c.get("names") is not None else set(names_in(c, index)) for c in claims]
    plain = sorted({n for names in raw for n in names if n.startswith("name:")})
    # Spelling variants share their first letters (Saraqeb/Saraqib, Idlib/Idleb): compare names
    # within blocks of the same two-letter prefix only, which keeps this far below all-pairs.
    blocks: dict[str, list[str]] = {}
    for name in plain:
        blocks.setdefault(name[5:7], []).append(name)
    canonical = {}
    for block in blocks.values():
        scores = process.cdist(block, block, scorer=fuzz.ratio, score_cutoff=NAME_CLUSTER_CUTOFF)
        for i, name in enumerate(block):
            canonical[name] = block[int(np.flatnonzero(scores[i])[0])]  # first of its cluster, in sorted order
    return [{canonical.get(n, n) for n in names} for names in raw]


@dataclass(frozen=True)
class Candidate:
    left: int
    right: int
    similarity: float  # cosine of the two claims' embeddings
    score: float  # similarity plus the shared-name boost: what ranking and the floor use
    shared_names: tuple[str, ...]


def candidate_pairs(
    vectors: np.ndarray,
    sources: list[str],
    names: list[set[str]],
    top_k: int,
    floor: float,
    name_boost: float,
) -> list[Candidate]:
    """Top-k neighbours per claim from other sources whose boosted score reaches ``floor``.

    Each chunk of rows is scored against every claim in one matrix product; only the entries
    that reach the floor are ranked (a few per row, where ranking whole rows costs as much
    as the product itself)."""
    n = len(sources)
    if n < 2:
        return []
    source_ids = np.unique(np.array(sources), return_inverse=True)[1]
    incidence = _incidence(names)
    k = min(top_k, n - 1)
    pairs, sims, scores = [], [], []
    for start in progress(range(0, n, CHUNK_ROWS), "Matching claims", total=-(-n // CHUNK_ROWS)):
        chunk = np.arange(start, min(n, start + CHUNK_ROWS))
        similarity = vectors[chunk] @ vectors.T
        score = similarity.copy()
        shared = (incidence[chunk] @ incidence.T).tocoo()
        score[shared.row, shared.col] += name_boost * np.minimum(shared.data, 2)
        rows, cols = np.nonzero(score >= floor)
        other = source_ids[chunk][rows] != source_ids[cols]  # same source: never compared
        rows, cols = rows[other], cols[other]
        values = score[rows, cols]
        order = np.lexsort((cols, -values, rows))  # each row's best first; ties by column
        rows, cols, values = rows[order], cols[order], values[order]
        first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]  # where each row's entries begin
        rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
        top = rank < k
        left, right = chunk[rows[top]], cols[top]
        pairs.append(np.minimum(left, right).astype(np.int64) * n + np.maximum(left, right))
        sims.append(similarity[rows[top], cols[top]])
        scores.append(values[top])
    keys, first = np.unique(np.concatenate(pairs), return_index=True)  # pair keys i * n + j, sorted, once each
    if not len(keys):
        return []
    sims, scores = np.concatenate(sims)[first].tolist(), np.concatenate(scores)[first].tolist()
    lefts, rights = (keys // n).tolist(), (keys % n).tolist()
    return [
        Candidate(i, j, sims[m], scores[m], tuple(sorted(names[i] & names[j])))
        for m, (i, j) in enumerate(zip(lefts, rights, strict=True))
    ]


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
