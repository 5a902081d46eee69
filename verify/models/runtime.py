"""The inference runtime: ONNX Runtime by default, torch as the reference.

Loading torch and transformers takes seconds; ONNX Runtime and the tokenizers library start in
a fraction of one. The ONNX files are exported from the very weights verify pins (the installed
embedding model and the bundled NLI model) the first time a model runs, with torch, and kept in
verify's cache folder (``$VERIFY_CACHE``, else ``$XDG_CACHE_HOME/verify``, else
``~/.cache/verify``), keyed by the weights' SHA-256. Each exported file's SHA-256 is written
beside it at export and checked at every load; runs record it. ``VERIFY_RUNTIME=torch`` runs the
reference implementation instead (sentence-transformers and transformers).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import warnings
from functools import cache
from pathlib import Path

import numpy as np

from verify.errors import VerifyError
from verify.models.files import cache_dir, file_sha256

RUNTIMES = ("onnx", "torch")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def chosen_runtime() -> str:
    """``$VERIFY_RUNTIME`` (default onnx); torch when ONNX Runtime is not installed."""
    runtime = os.environ.get("VERIFY_RUNTIME", "onnx").strip().lower() or "onnx"
    if runtime not in RUNTIMES:
        raise VerifyError(f"VERIFY_RUNTIME={runtime!r}: use one of {', '.join(RUNTIMES)}")
    if runtime == "onnx" and importlib.util.find_spec("onnxruntime") is None:
        return "torch"
    return runtime


def exported(name: str, weights_sha256: str, build) -> tuple[Path, str]:
    """(path, SHA-256) of the ONNX export of the torch module ``build()`` makes, exporting it
    first when the cache lacks it or holds a file that no longer matches its recorded hash."""
    folder = cache_dir() / "onnx" / weights_sha256[:16]
    path, manifest = folder / f"{name}.onnx", folder / f"{name}.json"
    if path.is_file() and manifest.is_file():
        try:
            recorded = json.loads(manifest.read_text()).get("sha256")
        except (ValueError, AttributeError):  # an unreadable manifest: export again
            recorded = None
        if recorded == file_sha256(path):
            return path, recorded
    print(f"verify: preparing the fast runtime for the {name} model (once; about 10 s)", file=sys.stderr)
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".onnx.tmp")
        os.close(handle)
        _export(build(), Path(temporary))
        digest = file_sha256(Path(temporary))
        os.replace(temporary, path)
        manifest.write_text(json.dumps({"sha256": digest, "weights_sha256": weights_sha256}) + "\n")
    except OSError as exc:
        raise VerifyError(
            f"cannot write the ONNX export to {folder}: {exc.strerror or exc}; set VERIFY_CACHE to "
            "a writable folder, or VERIFY_RUNTIME=torch"
        ) from exc
    finally:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)
    return path, digest


def _export(module, path: Path) -> None:
    """Trace ``module(input_ids, attention_mask, token_type_ids)`` into an ONNX file at ``path``."""
    import torch

    example = {name: torch.ones((1, 8), dtype=torch.long) for name in INPUTS}
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {"output": {0: "batch"}}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module.eval(),
            tuple(example.values()),
            str(path),
            input_names=list(INPUTS),
            output_names=["output"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


def positional(model, output: str):
    """``model`` (a Hugging Face model) as a torch module called with the three input tensors
    in order and returning its ``output`` alone: the form ONNX export traces."""
    import torch

    class Positional(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            result = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return getattr(result, output)

    return Positional()


@cache
def session(path: str):
    """An ONNX Runtime session over the file at ``path``, on up to four CPU threads."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = max(1, min(4, os.cpu_count() or 1))
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


@cache
def tokenizer(path: str, max_tokens: int):
    """The model's own fast tokenizer (tokenizer.json), padding each batch and truncating."""
    from tokenizers import Tokenizer

    loaded = Tokenizer.from_file(path)
    loaded.enable_truncation(max_tokens)
    loaded.enable_padding()
    return loaded


def run(model_path: str, tokenizer_path: str, max_tokens: int, texts: list) -> tuple[np.ndarray, np.ndarray]:
    """(the model's output, the attention mask) for one batch: strings, or (first, second) pairs."""
    encoded = tokenizer(tokenizer_path, max_tokens).encode_batch(texts)
    feeds = {
        "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
    }
    return session(model_path).run(None, feeds)[0], feeds["attention_mask"]


def quiet_transformers() -> None:
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()
