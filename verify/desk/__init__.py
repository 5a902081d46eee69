"""The desk in a browser: `verify serve`, a local web app over the same library and store.

Stories, a story's coverage matrix, disputes, timelines and findings (dismissed ones hidden
unless asked for), a finding with both claims inside their paragraphs and a review form, a draft
check recorded as `verify check` records it, search, and the audit log. It reads what the report,
check and audit stages stored (:mod:`verify.desk.pages`) and writes only through them
(:func:`verify.store.decisions.record_decision`, :func:`verify.report.check.check_draft`,
:func:`verify.report.run.run_report`). :mod:`verify.desk.app` holds the routes and the security.
"""

from verify.desk.app import make_app, serve

__all__ = ["make_app", "serve"]
