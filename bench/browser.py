"""First page load in headless chromium, and what goes over the wire (gzip on), against
gunicorn as in scale mode on whatever the settings point to.

- time from navigation start (the demo login URL, redirected to the map) to the map's
  choropleth SVG paths being present; first load (server cache cold for that view) and a new
  browser on a warm server;
- bytes transferred for that first load: the sum of ``transferSize`` of the document and
  every resource (Resource Timing), and the biggest ones;
- bytes of a map metric change and of the geometry (compressed as sent, and raw).

``python -m bench.browser --json out.json``; prints numbers, never fails on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import requests

from bench.load import USER, _data_date, _free_port, _map_body, start_gunicorn, stop_gunicorn
from bench.report import emit, heading

WAIT_FOR_MAP = """
const done = arguments[arguments.length - 1];
function check() {
  const paths = document.querySelectorAll('.choroplethlayer path');
  if (paths.length > 0) {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource').map(r => ({
      name: r.name, transfer: r.transferSize, body: r.decodedBodySize}));
    done({ms: performance.now(), paths: paths.length,
          nav: nav ? nav.transferSize : 0, navBody: nav ? nav.decodedBodySize : 0,
          resources: resources});
  } else { requestAnimationFrame(check); }
}
check();
"""


def _driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver")
    service = Service(driver_path) if driver_path else Service()
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_script_timeout(120)
    return driver


def _first_load(base: str) -> dict[str, Any]:
    driver = _driver()
    try:
        driver.get(f"{base}/login/demo/{USER}?next=/")
        return dict(driver.execute_async_script(WAIT_FOR_MAP))
    finally:
        driver.quit()


def _wire_bytes(session: requests.Session, method: str, url: str, **kw: Any) -> tuple[int, int]:
    """(bytes on the wire, bytes decoded) of one response with gzip accepted."""
    response = session.request(
        method, url, stream=True, headers={"Accept-Encoding": "gzip"}, timeout=300, **kw
    )
    wire = response.raw.read(decode_content=False)
    encoding = response.headers.get("Content-Encoding", "")
    if encoding == "gzip":
        import gzip

        return len(wire), len(gzip.decompress(wire))
    return len(wire), len(wire)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="also write the results as JSON to this file")
    args = parser.parse_args()
    if shutil.which("chromium") is None and shutil.which("chromedriver") is None:
        print("skipped: chromium is not installed (make browsers)")
        return
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32)}
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    backend = (env.get("DATABASE_URL") or "sqlite").split(":")[0].split("+")[0]
    data_date = _data_date(env)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc, _cold = start_gunicorn(port, workers=2, threads=4, env=env)
    rows: list[tuple[str, str]] = []
    try:
        first = _first_load(base)
        second = _first_load(base)
        rows.append(
            (
                "first page load → map drawn (choropleth paths present), headless chromium: "
                "cold server cache / warm, ms",
                f"{first['ms']:.0f} / {second['ms']:.0f}",
            )
        )
        total = first["nav"] + sum(r["transfer"] for r in first["resources"])
        body = first["navBody"] + sum(r["body"] for r in first["resources"])
        rows.append(
            (
                f"first page load: bytes transferred (gzip) / decoded, "
                f"{len(first['resources']) + 1} requests",
                f"{total:,} / {body:,}",
            )
        )
        for r in sorted(first["resources"], key=lambda r: -r["transfer"])[:6]:
            name = r["name"].replace(base, "").split("?")[0]
            rows.append(
                (f"  biggest: {name} (transferred / decoded)", f"{r['transfer']:,} / {r['body']:,}")
            )

        session = requests.Session()
        session.get(f"{base}/login/demo/{USER}", allow_redirects=False, timeout=30)
        wire, raw = _wire_bytes(session, "GET", f"{base}/geo/kommuner-2020.geojson")
        rows.append(("geometry once: bytes on the wire (gzip) / raw", f"{wire:,} / {raw:,}"))
        day = data_date.isoformat()
        url = f"{base}/_dash-update-component"
        _wire_bytes(session, "POST", url, json=_map_body("cases_7d", day))  # warm
        wire, raw = _wire_bytes(session, "POST", url, json=_map_body("incidence_7d", day))
        rows.append(("map metric change: bytes on the wire (gzip) / raw", f"{wire:,} / {raw:,}"))
        earlier = (data_date - dt.timedelta(days=7)).isoformat()
        body_date = _map_body("incidence_7d", earlier)
        body_date["changedPropIds"] = ["map-date.date"]
        wire, raw = _wire_bytes(session, "POST", url, json=body_date)
        rows.append(("map date change: bytes on the wire (gzip) / raw", f"{wire:,} / {raw:,}"))
    finally:
        stop_gunicorn(proc)
    emit(heading("Browser", backend), rows, args.json)


if __name__ == "__main__":
    main()
