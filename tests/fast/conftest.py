"""The fast tier: pure functions and committed documents, no model, no parse, no subprocess.

A test here that reaches for a model fails: the tier stays under a minute because nothing in it
loads one (`make test-fast`)."""

from __future__ import annotations

import pytest

HEAVY = ("onnxruntime", "torch", "spacy", "transformers", "sentence_transformers", "tokenizers")


@pytest.fixture(autouse=True)
def no_model_is_loaded():
    import sys

    before = {name for name in HEAVY if name in sys.modules}
    yield
    loaded = {name for name in HEAVY if name in sys.modules} - before
    assert not loaded, f"a fast test loaded {sorted(loaded)}: it belongs in the full tier"
