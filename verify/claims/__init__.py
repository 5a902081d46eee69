"""claims: a document's text -> its claims, each with its source and the facts read from it.

Reads a document (text, outlet, publication date) and the source registry; writes claim records
(:class:`verify.records.Claim`) with exact offsets. :mod:`.extract` splits sentences and builds
claims; :mod:`.attribution` (with :mod:`.cues`) finds who speaks and through which relays;
:mod:`.parse` runs spaCy once per claim; :mod:`.quantities`, :mod:`.dates`, :mod:`.places`,
:mod:`.events` and :mod:`.negation` read the facts the checks compare; :mod:`.words` the tokens.
"""
