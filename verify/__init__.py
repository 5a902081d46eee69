"""verify: cross-verify what sources claim about one event.

The pipeline, one module per stage: :mod:`verify.ingest` -> :mod:`verify.claims` (with
:mod:`verify.attribution` and :mod:`verify.facts`) -> :mod:`verify.match` -> :mod:`verify.compare`
(each pair checked by :mod:`verify.verdict` and settled by :mod:`verify.judge`) ->
:mod:`verify.report`, with :mod:`verify.store`, :mod:`verify.models` and :mod:`verify.audit` beside
them, and the data model in :mod:`verify.records`.

From Python::

    from verify import open_store, run_report, judge_texts
    from verify.ingest import ingest
    store = open_store("verify.db")
    ingest(store, ["fixtures/saraqeb/sana.txt"], outlet="sana", story="saraqeb")
    report = run_report(store, story="saraqeb")   # the JSON document `verify report --format json` prints
    judge_texts([("Rebels took Saraqeb on Thursday.", "The army holds Saraqeb.")])   # `verify judge`
"""

from importlib import import_module

__version__ = "0.3.0"

# The public API, imported on first use: `import verify` (and `verify --help`) stay light.
# ingest() and compare() share their modules' names, so they are imported from those modules.
_EXPORTS = {
    "Thresholds": "records",
    "VerifyError": "errors",
    "check_draft": "check",
    "judge_texts": "compare",
    "open_store": "store",
    "run_report": "report",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
