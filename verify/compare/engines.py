"""Where the heavy stages run: embedding claims and the structured checks on candidate pairs.

The local engine runs them in this process. The Ray engine (``pip install verify[ray]``) runs them
as Ray Data batch jobs over partitions, on the cluster at ``$RAY_ADDRESS`` or on a local one it
starts; the driver keeps reading and writing the same SQLite store. Both engines call the same
functions (:meth:`verify.models.embedder.Embedder.encode`, :func:`verify.compare.verdict.judge_pair`), so the
findings are the same. The NLI judge (:mod:`verify.compare.judge`) then reads the checked pairs in the
driver, where its cache lives.
"""

from __future__ import annotations

import json
import os
import socket
from typing import Protocol

import numpy as np

from verify.compare.verdict import judge_pair
from verify.errors import VerifyError
from verify.models.embedder import EMBEDDING_DIMENSION, Embedder, embedding_model_info
from verify.records import ENGINES, ModelInfo, PreparedClaim, Thresholds

RAY_BATCH = 256
# A candidate pair as the engines judge it: (left claim, right claim, similarity, tf-idf cosine).
Pair = tuple[int, int, float, float]


class Engine(Protocol):
    """What a comparison asks of the place its heavy stages run."""

    name: str
    info: ModelInfo  # the embedding model's

    def encode(self, texts: list[str]) -> np.ndarray:
        """One embedding a text, in order."""
        ...

    def judge(self, claims: list[PreparedClaim], pairs: list[Pair], thresholds: Thresholds) -> list[dict | None]:
        """:func:`verify.compare.verdict.judge_pair` of each pair, in order."""
        ...


class LocalEngine:
    """The heavy stages in this process."""

    name = "local"

    def __init__(self, embedder: Embedder):
        self.embedder = embedder
        self.info = embedder.info

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)

    def judge(self, claims: list[PreparedClaim], pairs: list[Pair], thresholds: Thresholds) -> list[dict | None]:
        return [
            judge_pair(claims[a], claims[b], similarity, lexical, thresholds) for a, b, similarity, lexical in pairs
        ]


class _RayEmbed:
    """A Ray Data actor holding the embedding model, loaded once per worker."""

    def __init__(self, batch_size: int):
        self.embedder = Embedder(embedding_model_info(), batch_size)

    def __call__(self, batch: dict) -> dict:
        return {"row": batch["row"], "vector": self.embedder.encode(list(batch["text"]))}


def _ray_judge(batch: dict, claims: list[PreparedClaim], thresholds: dict) -> dict:
    limits = Thresholds(**thresholds)
    verdicts = [
        json.dumps(judge_pair(claims[int(a)], claims[int(b)], float(s), float(t), limits))
        for a, b, s, t in zip(batch["left"], batch["right"], batch["similarity"], batch["tfidf"], strict=True)
    ]
    return {"row": batch["row"], "verdict": np.array(verdicts, dtype=object)}


class RayEngine:
    """Embedding and pair judging as Ray Data jobs; connects to $RAY_ADDRESS or starts a local cluster."""

    name = "ray"

    def __init__(self, embedder: Embedder, num_cpus: int | None = None):
        try:
            import ray
        except ImportError as exc:
            raise VerifyError("the Ray engine needs Ray: pip install 'verify[ray]'") from exc
        self.ray = ray
        self.info = embedder.info
        self.batch_size = embedder.batch_size
        if not ray.is_initialized():
            address = os.environ.get("RAY_ADDRESS")
            if address:
                _check_reachable(address)
            try:
                if address:
                    ray.init(address=address, log_to_driver=False)
                else:
                    ray.init(
                        num_cpus=num_cpus or os.cpu_count(),
                        include_dashboard=False,
                        log_to_driver=False,
                        object_store_memory=256 * 1024 * 1024,
                    )
            except Exception as exc:  # Ray raises many kinds; all mean the same thing here
                raise VerifyError(f"cannot start or reach a Ray cluster: {str(exc).splitlines()[0]}") from exc
        ray.data.DataContext.get_current().enable_progress_bars = False

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSION), dtype=np.float32)
        data = self.ray.data.from_items([{"row": n, "text": t} for n, t in enumerate(texts)])
        out = data.map_batches(
            _RayEmbed, fn_constructor_kwargs={"batch_size": self.batch_size}, batch_size=RAY_BATCH, concurrency=2
        ).take_all()
        vectors = np.zeros((len(texts), len(out[0]["vector"])), dtype=np.float32)
        for row in out:
            vectors[row["row"]] = row["vector"]
        return vectors

    def judge(self, claims: list[PreparedClaim], pairs: list[Pair], thresholds: Thresholds) -> list[dict | None]:
        if not pairs:
            return []
        items = [{"row": n, "left": a, "right": b, "similarity": s, "tfidf": t} for n, (a, b, s, t) in enumerate(pairs)]
        out = (
            self.ray.data.from_items(items)
            .map_batches(
                _ray_judge,  # type: ignore[arg-type]  # Ray's stubs know only its own batch types
                fn_kwargs={"claims": claims, "thresholds": thresholds.as_dict()},
                batch_size=RAY_BATCH,
            )
            .take_all()
        )
        verdicts: list[dict | None] = [None] * len(pairs)
        for row in out:
            verdicts[row["row"]] = json.loads(row["verdict"])
        return verdicts


def _check_reachable(address: str, timeout: float = 3.0) -> None:
    """Fail fast, in one line, when $RAY_ADDRESS names a host and port nobody answers on
    (Ray itself would retry for minutes)."""
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return  # "auto" and other forms: leave them to Ray
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise VerifyError(f"cannot reach the Ray cluster at {address} ($RAY_ADDRESS): {exc.strerror or exc}") from exc


def make_engine(name: str, embedder: Embedder, num_cpus: int | None = None) -> Engine:
    if name == "local":
        return LocalEngine(embedder)
    if name == "ray":
        return RayEngine(embedder, num_cpus)
    raise VerifyError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
