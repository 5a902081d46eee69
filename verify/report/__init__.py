"""report: a comparison -> the report document, recorded as a run in the audit log.

:mod:`.run` chooses the documents, compares (or repeats an identical earlier run) and records the
run; :mod:`.document` builds the JSON report document every view renders; :mod:`.check` checks a
draft against the store (`verify check`); :mod:`.replay` runs a recorded run again and says what
changed.
"""
