"""verify: cross-verify what sources claim about one event.

The pipeline, one module per stage: :mod:`verify.ingest` -> :mod:`verify.claims` (with
:mod:`verify.attribution` and :mod:`verify.facts`) -> :mod:`verify.match` -> :mod:`verify.compare`
(whose pairs :mod:`verify.judge` settles) -> :mod:`verify.report`, with :mod:`verify.store`, :mod:`verify.models` and :mod:`verify.audit`
beside them.

From Python::

    from verify import open_store, ingest, run_report
    store = open_store("verify.db")
    ingest(store, ["fixtures/saraqeb/sana.txt"], outlet="sana", story="saraqeb")
    report = run_report(store, story="saraqeb")   # the JSON document `verify report --format json` prints
    judge_texts([("Rebels took Saraqeb on Thursday.", "The army holds Saraqeb.")])   # `verify judge`
"""

__version__ = "0.1.0"

from .check import check_draft  # noqa: E402
from .compare import Thresholds, compare, judge_texts  # noqa: E402
from .errors import VerifyError  # noqa: E402
from .ingest import ingest  # noqa: E402
from .report import run_report  # noqa: E402
from .store import open_store  # noqa: E402

__all__ = [
    "Thresholds",
    "VerifyError",
    "__version__",
    "check_draft",
    "compare",
    "judge_texts",
    "ingest",
    "open_store",
    "run_report",
]
