"""The 07:45 surge: every kommune's Morgenbrief for the latest data date, each asked once,
by 16 concurrent clients against gunicorn (2 workers × 4 threads) right after start without
the warm-up (cold: nothing cached), then the same 357 again (what a second reader of each
brief meets); then a fresh gunicorn with the warm-up (dashboard/warmup.py), waited for until
``/status/warmup`` says done, and the surge once more (what the morning meets after a night's
import).

Each phase begins as after a fresh load: the data version is bumped (every cache key
changes, in Redis too) and the embedded default's shared cache folder is a new one. Beside
the wall times: the gunicorn workers' CPU time per request (which other processes on the
machine do not inflate) and the load average.

``python -m bench.surge --json out.json``; prints requests/s and p50/p95/max, never fails on
a time.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

from bench.load import (
    USER,
    _data_date,
    _free_port,
    in_store,
    start_gunicorn,
    stop_gunicorn,
    workers_cpu_seconds,
)
from bench.report import emit
from tests.dash_http import dependency_body

BRIEF_OUTPUT = "brief-body.children"


def _brief_dependency(session: requests.Session, base: str) -> dict[str, Any]:
    for dep in session.get(f"{base}/_dash-dependencies", timeout=60).json():
        if BRIEF_OUTPUT in dep["output"].strip(".").split("..."):
            return dict(dep)
    raise RuntimeError("the Morgenbrief's main callback was not found")


def _bump_version(env: dict[str, str]) -> str:
    """What a fresh load does to every cache: a new data version (so no key of before)."""
    code = (
        "from data.load import bump_data_version\n"
        "with db.engine().begin() as conn:\n    print(bump_data_version(conn))\n"
    )
    return in_store(env, code)


def _pass(base: str, cookies: Any, bodies: list[dict[str, Any]], clients: int, master: int) -> dict:
    local = threading.local()

    def one(body: dict[str, Any]) -> tuple[float, int, bool]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.cookies.update(cookies)
        started = time.perf_counter()
        response = local.session.post(f"{base}/_dash-update-component", json=body, timeout=300)
        hit = response.headers.get("X-Response-Cache") == "hit"
        return (time.perf_counter() - started) * 1000, response.status_code, hit

    cpu = workers_cpu_seconds(master)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one, bodies))
    seconds = time.perf_counter() - started
    cpu = workers_cpu_seconds(master) - cpu
    times = sorted(t for t, _s, _h in results)
    return {
        "rps": len(results) / seconds,
        "p50": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "max": times[-1],
        "errors": sum(1 for _t, s, _h in results if s != 200),
        "hits": sum(1 for _t, _s, h in results if h),
        "cpu_ms": 1000 * cpu / len(results),
        "load": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument(
        "--warmup-limit",
        type=float,
        default=3600,
        help="seconds to wait for the warm-up; then the surge runs on what it has warmed",
    )
    parser.add_argument("--no-warm", action="store_true", help="only the cold and second pass")
    parser.add_argument("--no-cold", action="store_true", help="only the pass after the warm-up")
    parser.add_argument(
        "--warmup-roles",
        help="the roles the warm-up computes pages for (WARMUP_ROLES; default: the settings')",
    )
    args = parser.parse_args()
    from geo import reference

    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32)}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    day = _data_date(env).isoformat()
    kommuner = list(reference.kommuner(2024)["kommunenummer"])
    rows: list[tuple[str, str]] = []
    phases = [
        (False, ("cold (right after start, no warm-up)", "again (the same briefs)")),
        (True, ("after the warm-up",)),
    ]
    if args.warmup_roles:
        env["WARMUP_ROLES"] = args.warmup_roles
    chosen = [p for p in phases if not (args.no_warm and p[0]) and not (args.no_cold and not p[0])]
    for warm, names in chosen:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        version = _bump_version(env)  # as after a fresh load: nothing cached for it
        folder = tempfile.mkdtemp(prefix="surge-cache-")
        proc, _cold = start_gunicorn(
            port,
            workers=args.workers,
            threads=args.threads,
            env={**env, "WARMUP": "true" if warm else "false", "CACHE_DIR": folder},
        )
        try:
            session = requests.Session()
            session.get(f"{base}/login/demo/{USER}", allow_redirects=False, timeout=60)
            if warm:
                cpu = workers_cpu_seconds(proc.pid)
                seconds, state = _wait_for_warmup(
                    session, base, args.workers, args.warmup_limit, version=version
                )
                cpu = workers_cpu_seconds(proc.pid) - cpu
                done = state.get("done", 0)
                rows.append(
                    (
                        f"warm-up after start (roles {env.get('WARMUP_ROLES', 'default')}; "
                        + "split between the workers"
                        + ("" if state.get("shared") else ": NOT shared, one per worker")
                        + "): seconds waited, pages warmed, server CPU ms per page, load average",
                        f"{seconds:.0f}, {done} of {state.get('total', '?')}"
                        + ("" if state.get("state") == "done" else " (not finished)")
                        + f", {1000 * cpu / max(done, 1):.0f}, {os.getloadavg()[0]:.1f}",
                    )
                )
                print(*rows[-1], sep=": ", flush=True)
            dep = _brief_dependency(session, base)
            bodies = [dependency_body(dep, kommune=k, date=day) for k in kommuner]
            for name in names:
                got = _pass(base, session.cookies, bodies, args.clients, proc.pid)
                rows.append(
                    (
                        f"07:45 surge, {name}: {len(bodies)} Morgenbriefs, {args.clients} "
                        f"clients, {args.workers}×{args.threads} gunicorn: requests/s, "
                        "p50 / p95 / max ms, server CPU ms per request, load average",
                        f"{got['rps']:.1f}, {got['p50']:.0f} / {got['p95']:.0f} / "
                        f"{got['max']:.0f}"
                        + (f" ({got['errors']} errors)" if got["errors"] else "")
                        + f", {got['hits']} of {len(bodies)} from the cache"
                        + f", {got['cpu_ms']:.1f}, {got['load']:.1f}",
                    )
                )
                print(*rows[-1], sep=": ", flush=True)  # a long run keeps what it measured
        finally:
            stop_gunicorn(proc)
    emit("### 07:45 surge (all kommuner's Morgenbrief, latest data date)", rows, args.json)


def _wait_for_warmup(
    session: requests.Session,
    base: str,
    workers: int,
    limit: float = 3600,
    *,
    version: str | None = None,
) -> tuple[float, dict[str, Any]]:
    """Seconds until every worker's warm-up is done (with the in-process cache each worker
    warms its own and reports its own progress, so wait for ``workers`` distinct ones), and
    the last state seen; at most ``limit`` seconds."""
    started = time.perf_counter()
    done: set[int] = set()
    state: dict[str, Any] = {}
    while time.perf_counter() - started < limit:
        # a new connection each time: a kept-alive one always reaches the same worker
        state = session.get(
            f"{base}/status/warmup", headers={"Connection": "close"}, timeout=30
        ).json()
        if state.get("state") == "done" and version in (None, state.get("version")):
            done.add(int(state.get("worker", 0)))
            if state.get("shared") or len(done) >= workers:
                return time.perf_counter() - started, state
        time.sleep(2.0)
    return time.perf_counter() - started, state


if __name__ == "__main__":
    main()
