"""views: a report document (or a check result) -> text for a reader.

Each view renders a document it is given and reads nothing else: :mod:`.terminal` (rich),
:mod:`.markdown`, :mod:`.spreadsheet` (CSV), :mod:`.html`, :mod:`.check` (a check result),
:mod:`.claimreview`, :mod:`.tables` (listings), :mod:`.datasette` (metadata); :mod:`.formats`
names the written formats.
"""
