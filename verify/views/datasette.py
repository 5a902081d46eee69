"""The store in Datasette: titles, descriptions and column labels for its tables and views.

    verify datasette-metadata -o metadata.json
    datasette verify.db -m metadata.json

Full-text search needs nothing more: ``claims_fts`` and ``documents_fts`` follow the layout
Datasette detects, so ``?_search=`` works on ``claims`` and ``documents``.
"""

from __future__ import annotations

from pathlib import Path

from verify import __version__

TABLES = {
    "claims": (
        "Claims",
        "Checkable sentences, each attributed to the source that makes it (source), through "
        "relays (via), published by an outlet; start and end are offsets into the document's text.",
        {
            "source": "who makes the claim",
            "outlet": "who published the document",
            "via": "relays between",
            "cue": "attribution words",
            "negative": "a negative report (did not report ...)",
        },
    ),
    "documents": (
        "Documents",
        "Ingested texts, stored once each (keyed by the SHA-256 of their text).",
        {"sha256": "SHA-256 of the text", "path": "file or URL it came from"},
    ),
    "sources": (
        "Sources",
        "Who can make or carry a claim: the bundled registry, sources added with `verify sources "
        "add`, and sources derived from the texts (registered = 0).",
        {"side": "whose side an anonymous source speaks for", "domains": "web domains it publishes on"},
    ),
    "finding_contents": (
        "Findings",
        "Every distinct finding, stored once by the SHA-256 of its content.",
        {"confidence": "probability that the finding is right", "claims": "claim ids, JSON"},
    ),
    "findings": (
        "Findings by run",
        "A view: each run's findings in order (runs reference finding_contents "
        "through finding_lists and run_findings).",
        {},
    ),
    "runs": ("Runs", "Every report and check: inputs with their SHA-256, models, thresholds, status.", {}),
    "run_stats": (
        "Run stats",
        "What each report run did and how long it took: pairs compared, NLI readings, seconds per stage, "
        "and which earlier run it repeats when nothing changed.",
        {"stats": "JSON"},
    ),
    "decisions": (
        "Reviewer decisions",
        "Confirm, dismiss or escalate, with a note, and an optional rating for ClaimReview. Append-only.",
        {},
    ),
    "audit_log": (
        "Audit chain",
        "One hash-chained entry per completed run and per decision (`verify audit verify` walks it).",
        {},
    ),
    "latest_findings": ("Latest findings", "The latest complete report run's findings, with both claims' text.", {}),
    "findings_by_source": (
        "Findings by source",
        "How many findings of each kind involve each source, in the latest report run.",
        {},
    ),
    "disputes": (
        "Disputes",
        "Which sources contradict which in the latest report run: how often, the strongest "
        "contradiction and its reason.",
        {"strongest": "the highest confidence among them"},
    ),
    "claims_by_source": ("Claims by source", "How many claims each source makes, in how many documents.", {}),
}


def metadata(database: str | Path) -> dict:
    """Datasette metadata for the store at ``database`` (its name is the file's stem)."""
    tables = {
        name: {"title": title, "description": description, **({"columns": columns} if columns else {})}
        for name, (title, description, columns) in TABLES.items()
    }
    tables["claims"]["fts_table"] = "claims_fts"
    tables["documents"]["fts_table"] = "documents_fts"
    return {
        "title": "verify: cross-verified claims",
        "description": "What sources claim about one event, how their claims agree or clash, and the audit log.",
        "source": f"verify {__version__}",
        "databases": {Path(database).stem: {"tables": tables}},
    }
