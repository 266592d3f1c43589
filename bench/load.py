"""Load test: gunicorn as in scale mode, and ``wrk`` (Debian's package) from a second process
on 127.0.0.1 POSTing a realistic mix of callback requests with a logged-in session.

Measures, against whatever the settings point to (``DATABASE_URL``, ``CACHE_TYPE``, …):

- cold start: gunicorn started → first 200 on /login;
- the first request of each body in the mix through gunicorn (the cache empty for it);
- throughput, p50/p95/p99 and errors of ``--clients`` connections for ``--duration`` s;
- RSS (now and peak) of every worker after the load.

The mix: map metric and date changes (4 metrics × 5 dates), and the main callback of every
kommune page (found in /_dash-dependencies as a browser finds it) for several kommuner and
dates, all as the KS analyst (every kommune: the heaviest map). Prints numbers; never fails on
a time. ``python -m bench.load --json out.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.report import emit, heading
from tests.dash_http import MAP_OUTPUTS, dependency_body, output_key

ROOT = Path(__file__).resolve().parents[1]
KOMMUNER = ("0301", "4601", "1151", "5501")
METRICS = ("incidence_14d", "incidence_7d", "cases_7d", "cases_14d")
USER = "ks-analytiker"

LUA = r"""
local bodies = {}
local n = 0
for line in io.lines("%(bodies)s") do n = n + 1; bodies[n] = line end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Encoding"] = "gzip"
wrk.headers["Cookie"] = "%(cookie)s"
local statuses = {}
request = function()
  return wrk.format("POST", "/_dash-update-component", nil, bodies[math.random(n)])
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, ' ..
    '"read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "max_us": %%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _gunicorn() -> str:
    local = Path(sys.executable).with_name("gunicorn")
    return str(local) if local.exists() else "gunicorn"


def start_gunicorn(
    port: int, *, workers: int, threads: int, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], float]:
    """gunicorn with the repo's config; returns (process, seconds to the first 200 on /login)."""
    cmd = [
        _gunicorn(),
        "app:server",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=None)
    url = f"http://127.0.0.1:{port}/login"
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return proc, time.perf_counter() - started
        except requests.ConnectionError:
            pass
        if time.perf_counter() - started > 120:
            raise RuntimeError("gunicorn did not answer within 120 s")
        time.sleep(0.02)


def stop_gunicorn(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def worker_rss_mb(master: int) -> list[tuple[float, float]]:
    """(RSS now, peak RSS) in MB of each worker of the gunicorn master."""
    out = []
    for child in Path("/proc").glob("[0-9]*"):
        try:
            status = (child / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() != str(master):
            continue
        rss = int(fields["VmRSS"].split()[0]) / 1024
        hwm = int(fields["VmHWM"].split()[0]) / 1024
        out.append((rss, hwm))
    return out


def workers_cpu_seconds(master: int) -> float:
    """User + system CPU seconds used so far by the workers of the gunicorn master."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for child in Path("/proc").glob("[0-9]*"):
        try:
            fields = (child / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(master):  # ppid
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def _map_body(metric: str, date: str) -> dict[str, Any]:
    return {
        "output": output_key(MAP_OUTPUTS),
        "outputs": [{"id": i, "property": p} for i, p in MAP_OUTPUTS],
        "inputs": [
            {"id": "map-metric", "property": "value", "value": metric},
            {"id": "map-date", "property": "date", "value": date},
            {"id": "map-structure", "property": "value", "value": None},
        ],
        "changedPropIds": ["map-metric.value"],
        "state": [{"id": "map-rendered", "property": "data", "value": True}],
    }


def build_mix(session: requests.Session, base: str, data_date: dt.date) -> list[dict[str, Any]]:
    """The request bodies of the mix: half map changes, half page main callbacks."""
    deps = session.get(f"{base}/_dash-dependencies", timeout=30).json()
    pages = []
    for dep in deps:
        ids = [(i["id"], i["property"]) for i in dep["inputs"]]
        selects = [i for i, p in ids if str(i).endswith("-select") and p == "value"]
        if selects and any(p == "date" for _i, p in ids) and not dep.get("clientside_function"):
            pages.append(dep)
    page_dates = [(data_date - dt.timedelta(days=d)).isoformat() for d in (0, 45)]
    page_bodies = [
        dependency_body(dep, kommune=k, date=d)
        for dep in pages
        for k in KOMMUNER
        for d in page_dates
    ]
    map_dates = [(data_date - dt.timedelta(days=7 * i)).isoformat() for i in range(5)]
    map_bodies = [_map_body(m, d) for m in METRICS for d in map_dates]
    # equal weight for map changes and page loads, whatever the number of pages
    repeat = max(1, round(len(page_bodies) / len(map_bodies)))
    return page_bodies + map_bodies * repeat


def in_store(env: dict[str, str], code: str) -> str:
    """The last line ``code`` prints, run in a fresh Python with the data layer configured from
    the settings of ``env`` (``s`` is the settings, ``db`` the data layer)."""
    setup = (
        "from dashboard.settings import load_settings\nfrom data import db\ns = load_settings()\n"
        "db.configure(database_url=s.database_url, tracing_database_url=s.tracing_database_url)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", setup + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _data_date(env: dict[str, str]) -> dt.date:
    code = (
        "from data import queries\nfrom data.scope import Scope\n"
        "print(queries.dataset_info(scope=Scope.full())['data_date'])\n"
    )
    return dt.date.fromisoformat(in_store(env, code))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("SCALE_THREADS", 4)))
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--json", help="also write the results as JSON to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (make bench installs Debian's wrk)")
        return
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32)}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    backend = (env.get("DATABASE_URL") or "sqlite").split(":")[0].split("+")[0]
    data_date = _data_date(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc, cold_start = start_gunicorn(port, workers=args.workers, threads=args.threads, env=env)
    rows: list[tuple[str, str]] = []
    try:
        rows.append(("cold start: gunicorn start → first 200 on /login, s", f"{cold_start:.2f}"))
        session = requests.Session()
        login = session.get(f"{base}/login/demo/{USER}", allow_redirects=False, timeout=30)
        assert login.status_code == 302, login.status_code
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        mix = build_mix(session, base, data_date)
        unique = {json.dumps(b, sort_keys=True): b for b in mix}
        first = []
        errors = 0
        for body in unique.values():
            started = time.perf_counter()
            response = session.post(f"{base}/_dash-update-component", json=body, timeout=300)
            first.append((time.perf_counter() - started) * 1000)
            errors += response.status_code not in (200, 204)
        rows.append(
            (
                f"mix: first request of each body through gunicorn (n={len(first)}): "
                "p50 / p95 / max ms",
                f"{statistics.median(first):.0f} / "
                f"{sorted(first)[int(0.95 * (len(first) - 1))]:.0f} / {max(first):.0f}"
                + (f" ({errors} errors)" if errors else ""),
            )
        )
        with tempfile.TemporaryDirectory() as tmp:
            bodies = Path(tmp) / "bodies.txt"
            bodies.write_text("\n".join(json.dumps(b, separators=(",", ":")) for b in mix) + "\n")
            script = Path(tmp) / "mix.lua"
            script.write_text(LUA % {"bodies": bodies, "cookie": cookie})
            threads = min(args.clients, max(2, os.cpu_count() or 2))
            cpu_before = workers_cpu_seconds(proc.pid)
            out = subprocess.run(
                [
                    *("wrk", f"-t{threads}", f"-c{args.clients}", f"-d{args.duration}s"),
                    *("--timeout", "30s", "-s", str(script), base),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        cpu = workers_cpu_seconds(proc.pid) - cpu_before
        line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
        wrk = json.loads(line.removeprefix("WRK_JSON "))
        seconds = wrk["duration_us"] / 1e6
        errs = sum(wrk[k] for k in ("connect", "read", "write", "status", "timeout"))
        label = f"load: {args.clients} clients, {args.workers} workers × {args.threads} threads"
        rows += [
            (f"{label}, {args.duration} s: requests/s", f"{wrk['requests'] / seconds:.0f}"),
            (
                f"{label}: p50 / p95 / p99 ms",
                f"{wrk['p50_us'] / 1000:.0f} / {wrk['p95_us'] / 1000:.0f} / "
                f"{wrk['p99_us'] / 1000:.0f}",
            ),
            (
                f"{label}: errors (connect/read/write/status/timeout)",
                f"{errs} ({wrk['connect']}/{wrk['read']}/{wrk['write']}/{wrk['status']}/"
                f"{wrk['timeout']}) of {wrk['requests']}",
            ),
            (
                f"{label}: server CPU per request, ms (→ req/s on {os.cpu_count()} idle cores)",
                f"{cpu * 1000 / max(1, wrk['requests']):.1f} "
                f"(→ {wrk['requests'] * (os.cpu_count() or 1) / max(cpu, 0.001):.0f})",
            ),
            (
                f"{label}: mean response bytes (gzip)",
                f"{wrk['bytes'] / max(1, wrk['requests']):,.0f}",
            ),
        ]
        rss = worker_rss_mb(proc.pid)
        rows.append(
            (
                "RSS per worker after the load: now / peak MB",
                ", ".join(f"{now:.0f} / {peak:.0f}" for now, peak in rss),
            )
        )
    finally:
        stop_gunicorn(proc)
    emit(heading("Load", backend), rows, args.json)


if __name__ == "__main__":
    main()
