"""Caching headers on every static file the app serves (issue 22).

A file whose URL names its version is the same file for as long as that URL exists: kept a
year without asking (``immutable``). Dash names the version of its component scripts in the
path (``….v4_4_1m….js``, already sent with a year's ``max-age``) and of the files in
``assets/`` in the query (``?m=<mtime>``); the app's own links to ``assets/vendor/`` carry
``?v=<mtime>`` (:func:`versioned`). A static file without a version in its URL (an old link,
a file opened by hand) is kept a day and then revalidated with its ETag (a 304, no body).

Flask's ``send_file`` answers ``/assets/`` with ``Cache-Control: no-cache``: every page load
asked again for every style sheet and script.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, request

YEAR = 365 * 24 * 3600
DAY = 24 * 3600
VERSION_PARAMETERS = ("m", "v")


def versioned(assets_dir: Path, relative: str) -> str:
    """``/assets/<relative>?v=<mtime>``: a link that changes when the file does."""
    path = assets_dir / relative
    stamp = int(path.stat().st_mtime) if path.exists() else 0
    return f"/assets/{relative}?v={stamp}"


def is_static(path: str, prefix: str = "/") -> bool:
    return path.startswith((f"{prefix}assets/", f"{prefix}_dash-component-suites/")) or (
        path == f"{prefix}_favicon.ico"
    )


def cache_control(response: Response, *, has_version: bool) -> None:
    response.cache_control.public = True
    response.cache_control.no_cache = None
    if has_version:
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = DAY


def install(server: Flask, prefix: str = "/") -> None:
    """Set the caching headers of every successful static answer."""

    @server.after_request
    def static_cache_headers(response: Response) -> Response:
        if response.status_code not in (200, 304) or not is_static(request.path, prefix):
            return response
        has_version = any(request.args.get(p) for p in VERSION_PARAMETERS) or (
            request.path.startswith(f"{prefix}_dash-component-suites/")
            and response.cache_control.max_age == YEAR
        )
        cache_control(response, has_version=has_version)
        return response
