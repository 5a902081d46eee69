"""The bundled NLI cross-encoder, int8 or float, and loading models in the background."""

from __future__ import annotations

import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import cache, cached_property
from pathlib import Path

import numpy as np

from verify.errors import VerifyError
from verify.models.embedder import MAX_TOKENS, embedding_model_info
from verify.models.files import combined_sha256, file_sha256, verified_files
from verify.models.runtime import chosen_runtime, exported, positional, quiet_transformers, run, session, tokenizer
from verify.records import ModelInfo, NLIScores, required_keys

NLI_BATCH_SIZE = 32  # pairs per batch: about 15% faster than 64
# Dynamic int8 scales each batch's activations together, so a pair's reading would depend on the
# pairs read beside it: the quantised model reads one pair at a time (as fast here, no padding).
NLI_INT8_BATCH_SIZE = 1


NLI_LABELS = required_keys(NLIScores)
NLI_DIR = Path(__file__).parents[1] / "data" / "nli"
NLI_NAME = "verify-nli-minilm (all-MiniLM-L6-v2 cross-encoder, trained by bench/train_nli.py)"
# The bundled judge's files and their pinned SHA-256 (written by `bench/train_nli.py --export`).
NLI_FILES = {
    "weights.safetensors": "c6e9e02d35ce24f4ff37fb935aab7675ba20f00f667204de075b5330432d5968",
    "model.json": "fa50654415968813b037963cbf6c29acffc690bd90f5879437b48fe65d9199ba",
}
# The same model quantised (ONNX Runtime dynamic int8, per channel, after the graph optimiser;
# `bench/train_nli.py --quantise`), with its reference outputs: the default, about twice as fast.
NLI_INT8_FILES = {
    "model-int8.onnx": "86a00f5e16179a202b558c8df4aba2d95a16e44f2cfad1d94610c706b2e919e3",
    "int8.json": "9f836ace7fe79d219d041b616a7fe935d4366b313e9799d5bb300365ed1e616c",
}
NLI_PRECISIONS = ("int8", "float")
NLI_MAX_TOKENS = 128  # the length it was trained at
FROZEN_KEYS = ("bert.embeddings.word_embeddings.weight",)  # taken from the installed base model


def shipped_nli_state(state_dict: dict) -> dict:
    """The tensors the bundled NLI model ships: every trained one, in fp16 (the frozen word
    embeddings and buffers come from the installed embedding package)."""
    return {
        k: v.detach().to("cpu").half().contiguous()
        for k, v in state_dict.items()
        if k not in FROZEN_KEYS and not k.endswith("position_ids")
    }


def chosen_precision(runtime: str, precision: str | None = None) -> str:
    """``precision``, else ``$VERIFY_NLI_PRECISION`` (default int8); float on torch, which runs
    only the float model."""
    precision = precision or os.environ.get("VERIFY_NLI_PRECISION", "int8").strip().lower() or "int8"
    if precision not in NLI_PRECISIONS:
        raise VerifyError(f"VERIFY_NLI_PRECISION={precision!r}: use one of {', '.join(NLI_PRECISIONS)}")
    return "float" if runtime == "torch" else precision


def current_nli_model_info() -> ModelInfo:
    """The bundled NLI model as a run made now would use it (runtime and precision chosen)."""
    return nli_model_info(chosen_precision(chosen_runtime()))


@cache
def nli_model_info(precision: str) -> ModelInfo:
    """The bundled NLI model's files, checked against their pinned hashes: the float weights, and
    for int8 (the default on ONNX Runtime, :func:`chosen_precision`) the quantised file too, so the
    two readings never share a cache key or pass for one model in the audit log."""
    files = verified_files(NLI_DIR, NLI_FILES, "the bundled NLI model", "reinstall verify")
    base = embedding_model_info()
    files["base:model.safetensors"] = base.files["model.safetensors"]
    name = NLI_NAME
    if precision == "int8":
        files |= verified_files(NLI_DIR, NLI_INT8_FILES, "the bundled NLI model", "reinstall verify")
        name = f"{NLI_NAME}, int8"
    from verify import __version__

    return ModelInfo(
        "nli", name, "verify", __version__, str(NLI_DIR), combined_sha256(files), files, precision=precision
    )


class NLIModel:
    """A natural-language-inference cross-encoder: entailment, neutral and contradiction
    probabilities for (premise, hypothesis) pairs, columns in :data:`NLI_LABELS` order.

    :func:`load_nli_model` gives verify's own (bundled) model; :meth:`from_folder` loads a
    newsroom's own sequence-classification folder whose labels include those three. The model
    loads on first use, so a run whose NLI results are all cached never imports torch."""

    def __init__(self, info: ModelInfo, build, max_tokens: int = NLI_MAX_TOKENS, runtime: str = "torch"):
        self._info = info
        self.build = build  # () -> (tokenizer, torch model): the model as trained, for export and tests
        self.max_tokens = max_tokens
        self.runtime = runtime
        self._runtime_files: dict[str, str] = {}

    @property
    def info(self) -> ModelInfo:
        return replace(self._info, runtime=self.runtime, runtime_files=dict(self._runtime_files))

    @property
    def onnx_file(self) -> str:
        """The ONNX file this model runs on ONNX Runtime: the shipped int8 file, or the float export."""
        if self.runtime != "onnx":
            raise VerifyError(f"NLI model {self._info.name} runs on {self.runtime}, not ONNX Runtime")
        return self._loaded[1]

    @classmethod
    def bundled(cls, runtime: str | None = None, precision: str | None = None) -> NLIModel:
        """verify's own model, on ONNX Runtime unless ``runtime`` (or ``$VERIFY_RUNTIME``) says
        torch; quantised to int8 unless ``precision`` (or ``$VERIFY_NLI_PRECISION``) says float."""
        runtime = runtime or chosen_runtime()
        return cls(nli_model_info(chosen_precision(runtime, precision)), build_bundled, runtime=runtime)

    @classmethod
    def from_folder(cls, path: str | os.PathLike) -> NLIModel:
        folder = Path(path)
        if not (folder / "config.json").is_file():
            raise VerifyError(f"NLI model folder {folder} has no config.json (a local cross-encoder folder is needed)")
        weights = sorted(p for p in folder.iterdir() if p.suffix in (".safetensors", ".bin") and p.is_file())
        if not weights:
            raise VerifyError(f"NLI model folder {folder} has no weight file (.safetensors or .bin)")
        files = {p.name: file_sha256(p) for p in sorted(folder.iterdir()) if p.is_file()}
        info = ModelInfo("nli", folder.name, None, None, str(folder.resolve()), combined_sha256(files), files)
        return cls(info, lambda: _build_folder(folder), MAX_TOKENS)

    @cached_property
    def _loaded(self):
        """(tokenizer, model, the model's columns in NLI_LABELS order). On ONNX Runtime the
        tokenizer is the tokenizer.json path and the model the exported file's path."""
        if self.runtime == "onnx":
            labels = json.loads((NLI_DIR / "model.json").read_text())["labels"]
            if self._info.precision == "int8":  # shipped, its hash checked with the model's
                path = NLI_DIR / "model-int8.onnx"
            else:
                path, digest = exported("nli", self._info.sha256, lambda: positional(self.build()[1], "logits"))
                self._runtime_files["nli.onnx"] = digest
            tokenizer = str(Path(embedding_model_info().path) / "tokenizer.json")
            return tokenizer, str(path), [labels.index(label) for label in NLI_LABELS]
        import torch

        torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
        tokenizer, model = self.build()
        model.eval()
        labels = {label.lower(): i for i, label in model.config.id2label.items()}
        missing = [label for label in NLI_LABELS if label not in labels]
        if missing:
            raise VerifyError(f"NLI model {self._info.name} has no {missing[0]!r} label (it has {', '.join(labels)})")
        return tokenizer, model, [labels[label] for label in NLI_LABELS]

    def load(self) -> NLIModel:
        """Load now rather than on first use (benchmarks start their clocks after it)."""
        if self.runtime == "onnx":
            session(self._loaded[1])
            tokenizer(self._loaded[0], self.max_tokens)
        _ = self._loaded
        return self

    def predict(self, premises: list[str], hypotheses: list[str], batch_size: int | None = None) -> np.ndarray:
        """Probabilities (rows: pairs; columns: :data:`NLI_LABELS`). Pairs are batched by length
        (one at a time on the int8 model: :data:`NLI_INT8_BATCH_SIZE`)."""
        out = np.zeros((len(premises), len(NLI_LABELS)), dtype=np.float32)
        if not premises:
            return out
        if batch_size is None:
            batch_size = NLI_INT8_BATCH_SIZE if self._info.precision == "int8" else NLI_BATCH_SIZE
        tokenizer, model, columns = self._loaded
        from verify.progress import progress

        order = sorted(range(len(premises)), key=lambda i: len(premises[i]) + len(hypotheses[i]))
        starts = range(0, len(order), batch_size)
        shown = len(order) > 4 * NLI_BATCH_SIZE
        for start in progress(starts, "Reading pairs (NLI)") if shown else starts:
            rows = order[start : start + batch_size]
            pairs = [(premises[i], hypotheses[i]) for i in rows]
            out[rows] = self._probabilities(tokenizer, model, pairs)[:, columns]
        return out

    def _probabilities(self, tokenizer, model, pairs: list[tuple[str, str]]) -> np.ndarray:
        if self.runtime == "onnx":
            logits, _ = run(model, tokenizer, self.max_tokens, pairs)
            exp = np.exp(logits - logits.max(axis=1, keepdims=True))
            return exp / exp.sum(axis=1, keepdims=True)
        import torch

        first, second = zip(*pairs, strict=True)
        batch = tokenizer(
            list(first), list(second), padding=True, truncation=True, max_length=self.max_tokens, return_tensors="pt"
        )
        with torch.inference_mode():
            return model(**batch).logits.float().softmax(-1).numpy()


def build_bundled():
    """The base model's architecture and frozen embeddings, with the shipped trained tensors over them."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    quiet_transformers()
    base = Path(embedding_model_info().path)
    meta = json.loads((NLI_DIR / "model.json").read_text())
    config = BertConfig.from_pretrained(
        str(base),
        num_labels=len(meta["labels"]),
        id2label=dict(enumerate(meta["labels"])),
        label2id={label: i for i, label in enumerate(meta["labels"])},
    )
    model = BertForSequenceClassification(config)
    state = {f"bert.{k}": v for k, v in load_file(str(base / "model.safetensors")).items()}
    state.update({k: v.to(torch.float32) for k, v in load_file(str(NLI_DIR / "weights.safetensors")).items()})
    missing, _ = model.load_state_dict(state, strict=False)
    if [k for k in missing if not k.endswith("position_ids")]:
        raise VerifyError(f"the bundled NLI model lacks {missing[0]}: reinstall verify")
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    return tokenizer, model


def _build_folder(folder: Path):
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    quiet_transformers()
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModelForSequenceClassification.from_pretrained(str(folder), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise VerifyError(f"cannot load NLI model from {folder}: {exc}".splitlines()[0]) from exc
    return tokenizer, model


def load_nli_model(path: str | None = None, precision: str | None = None) -> NLIModel:
    """verify's own NLI model on the chosen runtime and precision, or with ``path`` a local
    cross-encoder folder (on torch); once per process."""
    if path:
        return _nli_model(path, None, None)
    runtime = chosen_runtime()
    return _nli_model(None, runtime, chosen_precision(runtime, precision))


def load_in_background(*models) -> Future:
    """Load ``models`` on another thread; ``result()`` waits and re-raises a failure. ONNX Runtime
    builds its sessions in C++, so they load while this thread reads the store."""
    executor = ThreadPoolExecutor(1, thread_name_prefix="verify-load")
    loading = executor.submit(lambda: [model.load() for model in models])
    executor.shutdown(wait=False)
    return loading


@cache
def _nli_model(path: str | None, runtime: str | None, precision: str | None) -> NLIModel:
    return NLIModel.from_folder(path) if path else NLIModel.bundled(runtime, precision)
