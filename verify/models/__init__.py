"""models: the embedder and the NLI cross-encoder, loaded from PyPI packages' own files, never the hub.

Reads the installed embedding package and ``verify/data/nli``; refuses files whose SHA-256 does not
match the pins; gives each model's :class:`~verify.records.ModelInfo` for the audit log.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before transformers is imported anywhere
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
