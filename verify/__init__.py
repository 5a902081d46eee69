"""verify: cross-verify what sources claim about one event.

The pipeline, one module per stage: :mod:`verify.ingest` -> :mod:`verify.claims` (with
:mod:`verify.attribution` and :mod:`verify.facts`) -> :mod:`verify.match` -> :mod:`verify.compare`
-> :mod:`verify.report`, with :mod:`verify.store`, :mod:`verify.models` and :mod:`verify.audit`
beside them.
"""

__version__ = "0.1.0"

from .errors import VerifyError  # noqa: E402
from .ingest import ingest  # noqa: E402
from .store import open_store  # noqa: E402

__all__ = ["VerifyError", "__version__", "ingest", "open_store"]
