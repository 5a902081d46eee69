"""The ONNX runtime against the torch reference: same vectors, same rankings, same NLI readings;
its exports cached, checked and recorded; a new draft checked without importing torch."""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pytest

from verify.models import runtime
from verify.models.embedder import Embedder, embedding_model_info
from verify.models.files import file_sha256
from verify.models.nli import NLIModel

from .conftest import ROOT, reported_story, verify_process

PAIRS = [json.loads(line) for line in (ROOT / "fixtures" / "pairs.jsonl").read_text().splitlines() if line.strip()]
TEXTS = sorted({p[key] for p in PAIRS for key in ("claim", "evidence")})


@pytest.fixture(scope="module")
def vectors():
    info = embedding_model_info()
    return {name: Embedder(info, runtime=name).encode(TEXTS) for name in runtime.RUNTIMES}


def test_both_runtimes_give_the_same_vectors_and_rankings(vectors):
    onnx, torch = vectors["onnx"], vectors["torch"]
    assert onnx.shape == torch.shape == (len(TEXTS), 384)
    assert np.abs((onnx * torch).sum(axis=1) - 1).max() < 1e-3  # cosine of each text's two vectors
    similarity = {name: v @ v.T for name, v in vectors.items()}
    for i in range(len(TEXTS)):
        tops = [np.argsort(-similarity[name][i], kind="stable")[:5] for name in runtime.RUNTIMES]
        assert (tops[0] == tops[1]).all(), TEXTS[i]


def test_both_runtimes_read_the_fixture_pairs_alike():
    premises, hypotheses = [p["evidence"] for p in PAIRS], [p["claim"] for p in PAIRS]
    onnx, torch = (NLIModel.bundled(name, "float").predict(premises, hypotheses) for name in runtime.RUNTIMES)
    assert np.abs(onnx - torch).max() < 1e-3
    assert (onnx.argmax(axis=1) == torch.argmax(axis=1)).all()


def test_exports_are_cached_checked_and_redone_when_altered(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFY_CACHE", str(tmp_path))
    model = NLIModel.bundled("onnx", "float").load()
    (exported,) = tmp_path.glob("onnx/*/nli.onnx")
    recorded = json.loads(exported.with_suffix(".json").read_text())["sha256"]
    assert model.info.runtime == "onnx" and model.info.runtime_files == {"nli.onnx": recorded}
    assert model.info.sha256 == NLIModel.bundled("torch").info.sha256  # one model, two runtimes: one cache key
    before = exported.stat().st_mtime_ns
    runtime.exported("nli", model.info.sha256, lambda: pytest.fail("a good export is not redone"))
    with exported.open("ab") as handle:
        handle.write(b"tampered")
    path, digest = runtime.exported("nli", model.info.sha256, lambda: runtime.positional(model.build()[1], "logits"))
    assert path == exported and exported.stat().st_mtime_ns != before
    assert digest == file_sha256(exported) == json.loads(exported.with_suffix(".json").read_text())["sha256"]
    exported.with_suffix(".json").write_text("{not json")  # a damaged manifest: exported again, no traceback
    assert (
        runtime.exported("nli", model.info.sha256, lambda: runtime.positional(model.build()[1], "logits"))[1] == digest
    )
    assert not list(tmp_path.glob("onnx/*/*.tmp"))


def test_an_unknown_runtime_is_one_clear_line(run, story_db, tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFY_RUNTIME", "tensorflow")
    draft = tmp_path / "draft.txt"
    draft.write_text("Rebels recaptured the town of Saraqeb on Thursday after heavy fighting.\n")
    result = run("--db", story_db, "check", draft)
    assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0  # check: 1 means contradicted
    assert "VERIFY_RUNTIME='tensorflow'" in result.stderr and "onnx, torch" in result.stderr


def test_a_new_draft_is_checked_without_torch(tmp_path):
    """Once the exports exist, checking new text loads ONNX Runtime and the tokenizer only."""
    report_db, _ = reported_story(tmp_path)
    draft = tmp_path / "draft.txt"
    for n, figure in enumerate((7, 11)):  # the first may export; the second meets only new text
        draft.write_text(f"Rebels said {figure} soldiers were captured near Saraqeb on Thursday, run {n}.\n")
        done, imported = verify_process("--db", report_db, "check", draft, "--story", "saraqeb", "--format", "json")
        assert done.returncode in (0, 1), done.stderr[-500:]
    result = json.loads(done.stdout)
    assert {m["role"]: m.get("runtime") for m in result["run"]["models"]}["nli"] == "onnx"
    assert "onnxruntime" in imported
    # spaCy's thinc probes `import torch`, which verify.claims.parse answers with ImportError: -X importtime still
    # lists the bare name (a 3 µs failed import), never a module of torch
    loaded = {name for name in imported if name.split(".")[0] in ("torch", "transformers", "sentence_transformers")}
    assert loaded <= {"torch"} and "torch._C" not in imported


def test_file_digests_are_remembered_until_the_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("VERIFY_CACHE", str(tmp_path / "cache"))
    weights = tmp_path / "weights.bin"
    weights.write_bytes(b"a" * 4096)
    first = file_sha256(weights)
    remembered = json.loads((tmp_path / "cache" / "file-hashes.json").read_text())
    assert remembered[str(weights.resolve())][-1] == first == hashlib.sha256(b"a" * 4096).hexdigest()
    weights.write_bytes(b"b" * 4096)  # same size, and its modification time set back: still hashed again
    os.utime(weights, ns=(weights.stat().st_atime_ns, remembered[str(weights.resolve())][2]))
    assert file_sha256(weights) == hashlib.sha256(b"b" * 4096).hexdigest()


def test_the_quantised_model_reads_the_fixture_pairs_like_the_float_one():
    premises, hypotheses = [p["evidence"] for p in PAIRS], [p["claim"] for p in PAIRS]
    quantised, exact = (
        NLIModel.bundled("onnx", precision).predict(premises, hypotheses) for precision in ("int8", "float")
    )
    assert np.abs(quantised - exact).mean() < 0.03
    assert (quantised.argmax(axis=1) == exact.argmax(axis=1)).mean() >= 0.9


def test_a_quantised_reading_does_not_depend_on_the_pairs_read_beside_it():
    premises, hypotheses = [p["evidence"] for p in PAIRS], [p["claim"] for p in PAIRS]
    model = NLIModel.bundled("onnx", "int8")
    together = model.predict(premises, hypotheses)
    alone = np.vstack([model.predict([p], [h]) for p, h in zip(premises[:5], hypotheses[:5], strict=True)])
    assert (together[:5] == alone).all()
