"""gunicorn settings of scale mode (`make scale`, `python -m bench.load`); the command line
overrides any of them (``-w``, ``--threads``, ``-b``).

- ``preload_app``: the app is imported once in the master and the workers are forked from it,
  so they share the imported code's memory (copy-on-write) and start at once; each worker
  drops any database connection it inherited (``post_fork``) and opens its own.
- ``gthread`` workers with a few threads: a callback spends part of its time waiting for
  PostgreSQL or Redis, and threads keep the worker busy meanwhile.
"""

import os

workers = int(os.environ.get("SCALE_WORKERS", 2))
threads = int(os.environ.get("SCALE_THREADS", 4))
worker_class = "gthread"
preload_app = True
timeout = 120
graceful_timeout = 30
keepalive = 5


def post_fork(server, worker):  # type: ignore[no-untyped-def]
    from data import db

    for engine in db._engines.values():
        engine.dispose(close=False)
