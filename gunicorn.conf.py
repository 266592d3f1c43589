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

    db.current().dispose(close=False)  # the app's layer, built in the master
    # threads do not survive the fork: each worker starts its own warm-up watcher; the workers
    # split each data version's pages between them through the shared cache (Redis, or the
    # embedded default's shared folder), so each page is warmed once
    import app as application
    from dashboard.app_factory import start_warmup

    start_warmup(application.settings, application.app)


def when_ready(server):  # type: ignore[no-untyped-def]
    """In the master, before the workers are forked: render the index page once. Dash learns
    which component scripts it may serve (``registered_paths``) only when it renders the index;
    without this, a worker whose first request is a script (the other worker rendered the
    page) answers 500 "not a registered library"."""
    import app as application

    with application.server.test_request_context("/"):
        application.app.index()
