"""compare: a story's claims -> findings (agreements, partial agreements, contradictions, omissions).

Reads claims and their embeddings; writes :class:`verify.records.Finding` records. :mod:`.match`
finds candidate pairs by meaning and names; :mod:`.clashes` and :mod:`.verdict` run the checks;
:mod:`.judge` reads the NLI model and settles each pair with a calibrated confidence;
:mod:`.story` runs it all over a story, :mod:`.groups` groups claims and finds omissions;
:mod:`.passages` is `verify judge`; :mod:`.engines` the other matching engines; :mod:`.stance`
a document's stance towards a claim.
"""
