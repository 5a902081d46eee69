"""store: the one SQLite file, and every SQL statement verify runs.

Reads and writes: sources, documents and claims (:mod:`.db`, :mod:`.staging`), the caches a
comparison reuses (:mod:`.caches`), and the audit log: runs, reviewer decisions and the hash
chain over them (:mod:`.runs`, :mod:`.decisions`, :mod:`.chain`, :mod:`.inputs`). The schema's
history is :mod:`.migrations`. No other stage holds SQL.
"""
