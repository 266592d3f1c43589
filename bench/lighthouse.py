"""Lighthouse (npm ``lighthouse@12.2.3``, Debian's chromium) on the pages a person opens first,
logged in, against gunicorn as in scale mode on whatever the settings point to.

Pages: the map (KS-analytiker), the Morgenbrief and Vaksinasjon (Oslo's kommuneoverlege) and
the Kommuneoversikt (KS-analytiker); desktop and mobile presets. For each: the performance
and accessibility scores, TBT, LCP, CLS and the bytes transferred. Lighthouse is installed
into ``instance/bench/lighthouse`` on first use (needs the npm registry once).

Each page and preset is run ``--runs`` times (3 by default) and the median of each number is
reported: on a shared machine single runs scatter. ``--base`` measures a server already running
(its caches as they are) instead of starting gunicorn; ``--pages``/``--presets`` pick a subset.

``python -m bench.lighthouse --json out.json``; prints numbers, never fails on a score.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import requests

from bench.load import _free_port, start_gunicorn, stop_gunicorn
from bench.report import emit

LIGHTHOUSE_VERSION = "12.2.3"
TOOLS = Path(__file__).resolve().parents[1] / "instance" / "bench" / "lighthouse"
PAGES = (  # (name, user, path)
    ("Smittekart", "ks-analytiker", "/"),
    ("Morgenbrief", "lege-oslo", "/morgenbrief/0301"),
    ("Kommuneoversikt", "ks-analytiker", "/oversikt"),
    ("Vaksinasjon", "lege-oslo", "/vaksinasjon/0301"),
)
PRESETS = ("desktop", "mobile")
SESSION_COOKIE = "situasjonsbilde_session"


def lighthouse_bin() -> Path | None:
    """The pinned Lighthouse, installed on first use; None without npm."""
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if shutil.which("npm") is None:
        return None
    TOOLS.mkdir(parents=True, exist_ok=True)
    (TOOLS / "package.json").write_text('{"name": "bench-lighthouse", "private": true}')
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        cwd=TOOLS,
        check=True,
    )
    return binary


def _cookie(base: str, user: str) -> str:
    session = requests.Session()
    session.get(f"{base}/login/demo/{user}", allow_redirects=False, timeout=60)
    return str(session.cookies.get(SESSION_COOKIE))


def run_lighthouse(binary: Path, url: str, cookie: str, preset: str) -> dict[str, Any]:
    """One Lighthouse run: scores (0–100), TBT/LCP in ms, CLS, bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = [
            str(binary),
            url,
            "--quiet",
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
            f"--extra-headers={json.dumps({'Cookie': f'{SESSION_COOKIE}={cookie}'})}",
            "--output=json",
            f"--output-path={out}",
        ]
        if preset == "desktop":
            cmd.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
        subprocess.run(cmd, check=True, env=env, timeout=600, capture_output=True)
        report = json.loads(out.read_text())
    audits = report["audits"]
    requests_made = audits.get("network-requests", {}).get("details", {}).get("items", [])
    return {
        # plotly.js fetched while Lighthouse watched (LazyGraph: only after the page is quiet)
        "plotly_kb": sum(
            r.get("transferSize", 0) for r in requests_made if "plotly.min.js" in r.get("url", "")
        )
        / 1024,
        "performance": round(100 * (report["categories"]["performance"]["score"] or 0)),
        "accessibility": round(100 * (report["categories"]["accessibility"]["score"] or 0)),
        "tbt": audits["total-blocking-time"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
    }


def median_run(binary: Path, url: str, cookie: str, preset: str, runs: int) -> dict[str, Any]:
    """The median of each number over ``runs`` Lighthouse runs, with the machine's 1-minute
    load average before each run (the median too: the machine is shared)."""
    got = []
    for _ in range(runs):
        load = os.getloadavg()[0]
        got.append({**run_lighthouse(binary, url, cookie, preset), "load": load})
    return {key: statistics.median(run[key] for run in got) for key in got[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="also write the results as JSON to this file")
    parser.add_argument("--runs", type=int, default=3, help="runs per page and preset")
    parser.add_argument("--base", help="a running server's URL (else gunicorn is started)")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--presets", default=",".join(PRESETS))
    args = parser.parse_args()
    binary = lighthouse_bin() if shutil.which("chromium") else None
    if binary is None:
        print("skipped: Lighthouse needs chromium and npm (make browsers)")
        return
    pages = [p for p in PAGES if not args.pages or p[0] in args.pages.split(",")]
    presets = args.presets.split(",")
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32)}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = None
    if args.base:
        base = args.base.rstrip("/")
    else:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        proc, _cold = start_gunicorn(port, workers=2, threads=4, env=env)
    rows: list[tuple[str, str]] = []
    try:
        cookies = {user: _cookie(base, user) for _name, user, _path in pages}
        for name, user, path in pages:
            # a first visit warms the server's caches: Lighthouse measures the browser's work
            requests.get(f"{base}{path}", cookies={SESSION_COOKIE: cookies[user]}, timeout=120)
            for preset in presets:
                got = median_run(binary, f"{base}{path}", cookies[user], preset, args.runs)
                print(name, preset, got, flush=True)
                rows.append(
                    (
                        f"Lighthouse {name} ({user}), {preset}, median of {args.runs}: "
                        "performance / accessibility, TBT ms, LCP ms, CLS, KB transferred "
                        "(of it plotly.js), load average",
                        f"{got['performance']} / {got['accessibility']}, {got['tbt']:.0f}, "
                        f"{got['lcp']:.0f}, {got['cls']:.3f}, {got['bytes'] / 1024:.0f} "
                        f"({got['plotly_kb']:.0f}), {got['load']:.1f}",
                    )
                )
    finally:
        if proc is not None:
            stop_gunicorn(proc)
    emit("### Lighthouse (logged in, Debian chromium)", rows, args.json)


if __name__ == "__main__":
    main()
