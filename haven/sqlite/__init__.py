"""Django's SQLite backend, with writers queued on an operating-system lock.

SQLite lets one writer in at a time. A writer that finds the database busy polls,
sleeping up to 100 ms between tries, so under load a few requests wait far longer than
the rest. Here every write transaction first takes an exclusive `flock` on a file beside
the database: waiting writers block in the kernel and are woken the moment the lock is
free, in every thread and process alike. Readers are not affected (WAL mode).
"""
