"""The app factory: ``create_app(settings=None) -> Dash``."""

from __future__ import annotations

import gc
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dash_bootstrap_components as dbc  # noqa: F401  (components register with Dash)
from dash import Dash, set_props
from flask import Flask, Response, g, redirect, request
from flask_caching import Cache

import callbacks
import layouts
from dashboard import auth, i18n, outage, static_cache, vendor, warmup
from dashboard.api import init_api
from dashboard.auth import Directory
from dashboard.disease import init_disease_choice
from dashboard.exports import init_exports
from dashboard.overview_exports import init_overview_exports
from dashboard.response_cache import init_response_cache
from dashboard.result_cache import (
    FallbackCache,
    SharedFileCache,
    TieredCache,
    forget_other_stores,
)
from dashboard.security import init_security, safe_target
from dashboard.settings import Settings, load_settings
from dashboard.validation import handled_callback_error, init_validation
from data import cache as data_cache
from data import db, queries, store_identity
from data.queries import sources
from data.scope import ScopeError
from geo import boundaries
from layouts import shell

GEOJSON_ROUTE = "/geo/kommuner-2020.geojson"
IMPORTED_GEOJSON_ROUTE = "/geo/kommuner-<int:structure>.geojson"
DATA_LAYER = "situasjonsbilde.data_layer"


@cache
def _geojson_bytes(cache_dir: Path) -> tuple[bytes, str]:
    payload = json.dumps(
        boundaries.load_kommune_geojson(cache_dir), separators=(",", ":"), ensure_ascii=False
    ).encode()
    return payload, hashlib.sha256(payload).hexdigest()[:16]


@data_cache.cached(process=True, copy=False)
def _imported_geojson_bytes(*, structure: int) -> tuple[bytes, str] | None:
    """Imported kommune boundaries of a structure, simplified like the built-in; None when
    none were imported. One build per data version (the result cache's process tier)."""
    stored = sources.boundary_geojson(structure=structure)
    if stored is None:
        return None
    simplified = boundaries.simplify_imported_kommuner(stored, structure=structure)
    payload = json.dumps(simplified, separators=(",", ":"), ensure_ascii=False).encode()
    return payload, hashlib.sha256(payload).hexdigest()[:16]


def _geojson_response(payload: bytes, etag: str) -> Response:
    # Sent once per browser: the map figure only names the URL, and the ETag lets the
    # browser revalidate instead of downloading again.
    if request.if_none_match.contains(etag):
        return Response(status=304)
    response = Response(payload, mimetype="application/json")
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


# where the Dash renderer fetches plotly.js from when it serves files locally (fixed in
# dash-renderer: window._dashPlotlyJSURL)
PLOTLY_JS_PATH = "_dash-component-suites/plotly/package_data/plotly.min.js"


def _serve_plotly_partial(app: Dash, assets_dir: Path) -> None:
    """Answer the renderer's request for plotly.js (a fixed path, fetched when the first
    graph is drawn) with the partial bundle set-up built (:func:`vendor.ensure_plotly_partial`),
    when there is one; Dash's full bundle otherwise. A static rule wins over Dash's
    ``/_dash-component-suites/<package>/<path>``."""
    bundle = vendor.plotly_partial_path(assets_dir)
    if not bundle.exists():
        return
    route = f"{app.config.routes_pathname_prefix}{PLOTLY_JS_PATH}"
    payload = bundle.read_bytes()  # in memory, as Dash holds its own bundles: compressible
    etag = hashlib.sha256(payload).hexdigest()[:16]
    # compressed once at its best level when built (a fifth smaller than per request)
    brotli_file = vendor.brotli_path(bundle)
    compressed = brotli_file.read_bytes() if brotli_file.exists() else None

    def plotly_partial() -> Response:
        if compressed is not None and "br" in request.accept_encodings:
            response = Response(compressed, mimetype="application/javascript")
            response.headers["Content-Encoding"] = "br"  # flask-compress leaves it as it is
            response.set_etag(etag + "-br")
        else:
            response = Response(payload, mimetype="application/javascript")
            response.set_etag(etag)
        response.vary.add("Accept-Encoding")
        response.cache_control.public = True
        response.cache_control.max_age = 86400
        response.make_conditional(request)  # 304 for a browser that has it
        return response

    app.server.add_url_rule(route, "plotly_partial", plotly_partial)


def refuse_out_of_scope(error: Exception) -> None:
    """Callback errors: a scope refusal becomes a clear message; an unreachable data source
    the outage banner; any other failure one handled message (logged with its traceback).
    No output is sent: the browser keeps the last picture."""
    if isinstance(error, ScopeError):
        set_props("global-alert", {"children": str(error), "is_open": True})
        return None
    if db.is_unavailable_error(error):
        outage.show_banner(db.unavailable(error).since)
        return None
    handled_callback_error(error)
    return None


def _unavailable_page(error: Exception) -> Response:
    """A page request (not a callback) that needed the store while it was unreachable."""
    since = db.unavailable(error).since
    response = Response(outage.banner_text(since), status=503, mimetype="text/plain")
    response.headers["Retry-After"] = str(outage.CHECK_SECONDS)
    return response


def _same_site_path(referrer: str | None) -> str:
    """The path (and query) of a referring page on this site, else "/"."""
    if not referrer:
        return "/"
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def freeze_startup() -> None:
    """Move every object alive once the app is built (geometry, reference tables, the page
    layouts, plotly's templates) out of the garbage collector's view: they live as long as
    the process, and a full collection walking them paused one request in twenty-four for
    about 100 ms (the Morgenbrief's p95 at full scale). The servers call it after
    :func:`create_app` (``app.py``, which gunicorn imports in the master before forking, so
    the workers also keep those pages shared)."""
    gc.collect()
    gc.freeze()


def start_warmup(settings: Settings, app: Dash | None = None) -> None:
    """Start the background warm-up of ``app`` (None: the app built last; ``WARMUP=false``:
    never). The servers call it (``app.py``, and gunicorn in each worker after the fork);
    tests and scripts that build an app do not."""
    instance = warmup.current(app)
    if settings.warmup and settings.cache_type != "NullCache" and instance is not None:
        instance.start()


def build_data_layer(settings: Settings, server: Flask) -> db.DataLayer:
    """The app's data layer: the engines of its two stores, and its result cache on the
    flask-caching backend the settings name (Redis with a local fallback in scale mode)."""
    shared = settings.cache_type == "RedisCache"
    flask_cache = Cache(
        server,
        config={
            "CACHE_TYPE": settings.cache_type,
            "CACHE_DEFAULT_TIMEOUT": settings.cache_default_timeout,
            "CACHE_THRESHOLD": settings.cache_threshold,
            "CACHE_REDIS_URL": settings.cache_redis_url,
            # an unreachable Redis must cost milliseconds, not a hung request
            **(
                {"CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}}
                if shared
                else {}
            ),
        },
    )
    backend: data_cache.CacheBackend = (
        FallbackCache(flask_cache.cache, default_timeout=settings.cache_default_timeout)
        if shared
        else flask_cache.cache
    )
    if settings.cache_type == "SimpleCache" and settings.shared_cache:
        # the embedded default: every worker reads the responses (and the warm-up's pages)
        # from one folder beside the database (one folder per database: two stores in
        # one data directory never read each other's pages)
        store = hashlib.sha256(settings.database_url.encode()).hexdigest()[:16]
        folder = (settings.cache_dir or settings.data_dir / "cache") / store
        backend = TieredCache(
            backend, SharedFileCache(folder, default_timeout=settings.cache_default_timeout)
        )
        shared = True
    layer = db.DataLayer(
        database_url=settings.database_url,
        tracing_database_url=settings.tracing_database_url,
        incomplete_days=settings.incomplete_days,
        cache=data_cache.ResultCache(
            backend,
            # Several workers share the cache (Redis, or the shared folder): each reads the
            # data version for every cached call (once per request, pinned), so an import or
            # a rule change made anywhere is in the keys at once (one indexed read).
            version_reader=queries.read_data_version,
            version_ttl=0.0 if shared else None,
            # The language is part of every cached result: a page built in bokmål is never
            # served to someone who chose English.
            key_context=i18n.get_language,
        ),
    )
    if isinstance(backend, TieredCache) and store_identity.exists(settings.database_url):
        # a database made anew at the same address counts its versions from 1 again
        with layer.active():
            forget_other_stores(backend, store_identity.identity())
    return layer


def _serve_with(server: Flask, layer: db.DataLayer) -> None:
    """Every request of ``server`` reads through ``layer``, from the moment it arrives: the
    server-side session is opened (read from the store) before any request hook runs."""
    inner = server.wsgi_app

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        token = layer.activate()
        try:
            return inner(environ, start_response)
        finally:
            layer.deactivate(token)

    server.wsgi_app = wsgi_app  # type: ignore[method-assign]


def data_layer(app: Dash) -> db.DataLayer:
    """The data layer ``create_app`` built for ``app``."""
    layer: db.DataLayer = app.server.extensions[DATA_LAYER]
    return layer


def directory(app: Dash) -> Directory:
    """The roles and demo users ``app`` knows (a test may add a demo user to it)."""
    found: Directory = app.server.extensions[auth.DIRECTORY_KEY]
    return found


def create_app(settings: Settings | None = None, *, directory: Directory | None = None) -> Dash:
    """The app of ``settings``. It owns its data layer (:func:`build_data_layer`), active in
    each of its requests and the process default for scripts and threads, and its
    ``directory`` of roles and demo users (default: :data:`dashboard.auth.DIRECTORY`)."""
    settings = settings or load_settings()
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(settings.assets_dir),
        # assets/vendor/ holds files the app links itself (Bootstrap, the bokmål plotly locale)
        # or never serves to users (axe-core, for the tests): not auto-included in every page.
        # (assets_ignore matches file names only, so a folder needs assets_path_ignore.)
        assets_path_ignore=["vendor"],
        external_stylesheets=[
            static_cache.versioned(settings.assets_dir, "vendor/bootstrap.min.css")
        ],
        external_scripts=vendor.plotly_locale_scripts(settings.assets_dir),
        title="Situasjonsbilde",
        suppress_callback_exceptions=True,
        compress=True,
        update_title="",
        on_error=refuse_out_of_scope,
    )
    server = app.server
    _serve_plotly_partial(app, settings.assets_dir)
    vendor.slim_renderer_dependencies(app, settings.assets_dir)
    static_cache.install(server)

    layer = db.install(build_data_layer(settings, server))
    server.extensions[DATA_LAYER] = layer
    server.extensions[auth.DIRECTORY_KEY] = directory or auth.DIRECTORY
    _serve_with(server, layer)

    @server.before_request
    def use_data_layer() -> None:
        # first of the hooks: this app's stores and cache (again, for a request made with
        # test_request_context, as the warm-up does), and one data version for the whole
        # request (the response cache's lookup uses the pinned version too)
        g.data_layer_token = layer.activate()
        g.data_version_token = data_cache.pin_version()

    @server.teardown_request
    def leave_data_layer(_error: BaseException | None) -> None:
        token = g.pop("data_version_token", None)
        if token is not None:
            data_cache.unpin_version(token)
        layer_token = g.pop("data_layer_token", None)
        if layer_token is not None:
            layer.deactivate(layer_token)

    server.config["SITUASJONSBILDE_SETTINGS"] = settings
    init_security(app, settings)
    init_validation(app)  # after the session check: a stranger gets 401, not 400
    init_exports(app)
    init_overview_exports(app)
    init_api(app)
    server.register_error_handler(db.DataSourceUnavailable, _unavailable_page)
    # after the session check (a stranger gets 401), before the response cache (its keys
    # carry the chosen disease)
    init_disease_choice(server)
    init_response_cache(server)
    warmup.install(app, layer, roles=tuple(r for r in settings.warmup_roles.split(",") if r))

    @server.route(GEOJSON_ROUTE)
    def kommune_geojson() -> Response:
        return _geojson_response(*_geojson_bytes(settings.geo_dir))

    @server.route(IMPORTED_GEOJSON_ROUTE)
    def imported_kommune_geojson(structure: int) -> Response:
        # The built-in 2020 geometry has its own route (registered first); other structures
        # exist only when their boundaries were imported (`situasjonsbilde import boundaries`).
        if not 1838 <= structure <= 2200:  # a year of a kommune structure, else nothing
            return Response("Ingen importerte kommunegrenser for denne inndelingen.", 404)
        built = _imported_geojson_bytes(structure=structure)
        if built is None:
            return Response("Ingen importerte kommunegrenser for denne inndelingen.", 404)
        return _geojson_response(*built)

    # Dash's page template wraps its scripts in a <footer>: a second "contentinfo" landmark
    # beside the shell's own footer (axe: landmark-no-duplicate-contentinfo).
    app.index_string = (
        app.index_string.replace("<html>", '<html lang="nb">')
        .replace("<footer>", '<div class="dash-scripts">')
        .replace("</footer>", "</div>")
    )
    render_index = app.interpolate_index

    def interpolate_index(**kwargs: Any) -> str:
        html = render_index(**kwargs)
        return html.replace('<html lang="nb">', f'<html lang="{i18n.html_lang()}">', 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]

    @server.route("/sprak/<code>")
    def choose_language(code: str) -> Response:
        """Switch language for this browser (a cookie) and go back where the user was."""
        target = safe_target(request.args.get("neste") or _same_site_path(request.referrer))
        if not i18n.is_supported(code):
            return Response(i18n.gettext("Ukjent språk."), 404)
        response = redirect(target)
        response.set_cookie(
            i18n.COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
        return response  # type: ignore[return-value]

    layouts.register_pages()
    app.layout = shell.layout
    callbacks.register(app)
    return app
