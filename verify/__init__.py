"""verify: cross-verify what sources claim about one event.

The pipeline, one package per stage, each importing only those before it:
:mod:`verify.ingest` (files -> documents) -> :mod:`verify.claims` (claims, sources, facts) ->
:mod:`verify.compare` (matching, checks, the judge: findings) -> :mod:`verify.report` (the report
document, `verify check`, replay) -> :mod:`verify.views` (terminal, Markdown, CSV, HTML), with
:mod:`verify.store` (SQLite, caches, the audit log) and :mod:`verify.models` (the embedder and the
NLI model) beneath them, the records in :mod:`verify.records`, and :mod:`verify.cli` and
:mod:`verify.desk` on top.

From Python::

    from verify import open_store, run_report, judge_texts
    from verify.ingest.documents import ingest   # `verify.ingest` is the stage's package
    store = open_store("verify.db")
    ingest(store, ["fixtures/saraqeb/sana.txt"], outlet="sana", story="saraqeb")
    report = run_report(store, story="saraqeb")   # the JSON document `verify report --format json` prints
    judge_texts([("Rebels took Saraqeb on Thursday.", "The army holds Saraqeb.")])   # `verify judge`
"""

from importlib import import_module

__version__ = "0.3.0"

# The public API, imported on first use: `import verify` (and `verify --help`) stay light.
_EXPORTS = {
    "Thresholds": "records",
    "VerifyError": "errors",
    "check_draft": "report.check",
    "judge_texts": "compare.passages",
    "open_store": "store.db",
    "run_report": "report.run",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
