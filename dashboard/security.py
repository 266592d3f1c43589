"""Login routes, the session requirement on every route, CSRF on our forms, security headers.

Threat model in short: anyone on the network may send any HTTP request, including crafted
Dash callback requests; a logged-in user may try to read beyond the own scope; another site
may try to make a logged-in browser act (CSRF) or frame the app (clickjacking).
- Every route except login, static assets and component bundles needs a session (401 for Dash
  endpoints, redirect to /login for pages).
- The scope is computed from the session's user and applied in ``data/``; callback inputs
  cannot widen it (see ``data.scope.Scope.restrict``), and refusals are audited.
- Our own forms carry a CSRF token (Flask-WTF). Dash's JSON endpoints rely on SameSite=Lax
  session cookies and on JSON bodies, which another site cannot send without CORS consent;
  besides, every state-changing request (any method but GET/HEAD/OPTIONS) whose ``Origin`` or
  ``Referer`` names another site is refused (403).
- Sessions live on the server (:mod:`data.sessions`): the cookie holds only a random id, so
  logout, an administrator's "end session" and a role change end the session at once.
- Every redirect target a request names (``next``, ``neste``, the referrer) passes
  :func:`safe_target`: a path on this site, or the user's start page.
- Headers: a Content-Security-Policy built from Dash's inline-script hashes, frame-ancestors
  'none' and X-Frame-Options DENY, nosniff, a strict referrer policy, HSTS behind TLS,
  ``Cache-Control: no-store`` on every downloaded file; no server version.
- The login page shows only the messages of known error codes (``?feil=``), never text from
  the URL.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from dash import Dash
from flask import Flask, Response, abort, jsonify, redirect, request, session, url_for
from flask.sessions import SessionInterface, SessionMixin
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.datastructures import CallbackDict
from werkzeug.serving import WSGIRequestHandler

from dashboard import i18n
from dashboard.auth import ROLES, User, directory, landing_page, map_claims
from dashboard.i18n import N_, _
from dashboard.settings import Settings
from data import sessions
from geo import reference

log = logging.getLogger(__name__)

PUBLIC_PREFIXES = ("/login", "/logout", "/auth/", "/sprak/", "/assets/", "/_dash-component-suites/")
PUBLIC_PATHS = {"/_favicon.ico", "/favicon.ico"}
DASH_ENDPOINT_PREFIXES = ("/_dash-", "/_reload-hash")
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")

LOGIN_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"></head>
<body class="bg-light"><main class="container py-5" style="max-width: 46rem">
<div class="d-flex justify-content-between align-items-baseline">
<h1 class="h3">Situasjonsbilde</h1>{switch}</div>
<p class="text-muted">{lead}</p>
{error}
{body}
</main></body></html>"""


def _language_links(next_url: str) -> str:
    """Links to the other languages (each named in its own language), back to this login."""
    current = i18n.get_language()
    back = quote(f"/login?next={quote(next_url, safe='/')}", safe="/")
    target = html.escape(back, quote=True)
    links = [
        f'<a href="/sprak/{code}?neste={target}" lang="{code}" hreflang="{code}" '
        f'id="lang-{code}" class="small">{html.escape(name)}</a>'
        for code, (name, _locale, _html) in i18n.LANGUAGES.items()
        if code != current
    ]
    return f'<div id="language-switch" class="d-flex gap-2">{"".join(links)}</div>'


# The messages the login page may show, by the code in ``/login?feil=<code>``: never the
# text of the URL itself (a crafted link must not put words in the app's mouth).
LOGIN_ERRORS = {
    "ingen-rolle": N_("Brukeren har ingen rolle i Situasjonsbilde"),
    "mangler-sub": N_("Innloggingen mangler subject (sub)"),
    "leverandor-utilgjengelig": N_(
        "Innloggingstjenesten svarer ikke. Prøv igjen om litt, eller kontakt brukerstøtte."
    ),
    "innlogging-feilet": N_("Innloggingen ble ikke fullført. Prøv igjen."),
}


def login_page_html(body: str, error: str | None, next_url: str) -> str:
    """The login page in the request's language; ``error`` is a code of :data:`LOGIN_ERRORS`
    (anything else shows nothing)."""
    message = LOGIN_ERRORS.get(error or "")
    error_html = (
        f'<div class="alert alert-danger">{html.escape(_(message))}</div>' if message else ""
    )
    return LOGIN_PAGE.format(
        lang=i18n.html_lang(),
        title=html.escape(_("Logg inn – Situasjonsbilde")),
        switch=_language_links(next_url),
        lead=html.escape(
            _("Situasjonsoversikt for smittevern i kommunene. Logg inn for å fortsette.")
        ),
        body=body,
        error=error_html,
    )


def safe_target(target: object) -> str:
    """A redirect target a request named, if it is a path on this site; else "/".

    The one check for every route that redirects where a request says (``next``, ``neste``,
    the referrer). Refused: anything that is not a string, holds a control character,
    whitespace or a backslash (browsers drop tabs and newlines and read ``\\`` as ``/``:
    ``/\t/evil.example`` becomes ``//evil.example``), does not start with one ``/``, or names
    a scheme or host, also once percent-decoded.
    """
    if not isinstance(target, str) or not target or len(target) > 2000:
        return "/"
    if any(c.isspace() or c == "\\" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    decoded = unquote(target)  # what a lenient client might make of it
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in decoded):
        return "/"
    if decoded.startswith("//"):
        return "/"
    return target


def _next_for(user: User, target: str | None) -> str:
    """The page after login: where the user was going, else the user's landing page."""
    safe = safe_target(target)
    return landing_page(user) if safe == "/" else safe


def _kommune_name(code: str | None) -> str:
    if not code:
        return ""
    names = reference.kommuner(2024).set_index("kommunenummer")["name"]
    return f"{names.get(code, code)} ({code})"


def _fylke_name(code: str) -> str:
    names = reference.fylker(2024).set_index("fylkesnummer")["name"]
    return _("{fylke} fylke ({nummer})", fylke=names.get(code, code), nummer=code)


def _demo_body(next_url: str) -> str:
    rows = []
    for user in directory().demo_users.values():
        where = _kommune_name(user.kommunenummer) or (
            _fylke_name(user.fylkesnummer) if user.fylkesnummer else _("alle kommuner")
        )
        user_id = _("bruker-id {id}", id=user.id)
        button = _("Logg inn")
        rows.append(
            f"""<form method="post" action="/login/demo" class="list-group-item d-flex
            justify-content-between align-items-center">
            <div><div class="fw-semibold">{html.escape(user.role_label)}</div>
            <div class="small text-muted">{html.escape(where)} · {html.escape(user_id)}
            </div></div>
            <input type="hidden" name="csrf_token" value="{generate_csrf()}">
            <input type="hidden" name="user_id" value="{html.escape(user.id)}">
            <input type="hidden" name="next" value="{html.escape(next_url)}">
            <button class="btn btn-primary btn-sm" type="submit"
              id="login-{html.escape(user.id)}">{html.escape(button)}</button></form>"""
        )
    notice = _(
        "Demomodus: ferdige brukere for hver rolle, med syntetiske demodata. Ingen ekte personer."
    )
    return (
        f'<div class="alert alert-warning">{html.escape(notice)}</div>'
        f'<div class="list-group">{"".join(rows)}</div>'
    )


def _oidc_body(next_url: str) -> str:
    label = _("Logg inn med HelseID / ID-porten")
    return (
        f'<a class="btn btn-primary" href="/login/oidc?next={html.escape(next_url)}">'
        f"{html.escape(label)}</a>"
    )


class ServerSession(CallbackDict, SessionMixin):
    """A session whose data live in :mod:`data.sessions`; the cookie holds its id only."""

    def __init__(self, data: dict[str, Any] | None = None, sid: str | None = None) -> None:
        def changed(_self: Any) -> None:
            self.modified = True

        super().__init__(data or {}, changed)
        self.sid = sid
        self.modified = False


class ServerSessionInterface(SessionInterface):
    """Flask sessions backed by the database: a new random id at every login (no fixation),
    the row deleted at logout, nothing but the id in the cookie."""

    def open_session(self, app: Flask, request: Any) -> ServerSession:
        if request.path.startswith(STATIC_PREFIXES):
            return ServerSession()  # files need no session: no store read, nothing saved
        sid = request.cookies.get(self.get_cookie_name(app), "")
        data = sessions.load(sid) if sid else None
        if data is None:
            return ServerSession()
        return ServerSession(data, sid)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        if not session:
            if session.sid is not None:
                sessions.end(session.sid)
                response.delete_cookie(name, domain=domain, path=path)
            return
        if not session.modified and session.sid is not None:
            return
        if session.sid is None:
            session.sid = sessions.new_id()
        user_id = session.get("_user_id")
        sessions.save(
            session.sid,
            dict(session),
            user_id=str(user_id) if user_id else None,
            lifetime=app.permanent_session_lifetime,
        )
        response.set_cookie(
            name,
            session.sid,
            max_age=int(app.permanent_session_lifetime.total_seconds()),
            httponly=self.get_cookie_httponly(app),
            secure=self.get_cookie_secure(app),
            samesite=self.get_cookie_samesite(app),
            domain=domain,
            path=path,
        )


def new_session() -> None:
    """Start a fresh session (login): the old id, if any, is ended and never reused."""
    if getattr(session, "sid", None):
        sessions.end(session.sid)  # type: ignore[attr-defined]
        session.sid = None  # type: ignore[attr-defined]
    session.clear()


class QuietRequestHandler(WSGIRequestHandler):
    """The development server's request handler without its version in ``Server``."""

    server_version = "Situasjonsbilde"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version


SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _foreign_origin() -> bool:
    """Whether a state-changing request names another site as its origin (Origin, else
    Referer). Requests naming none (scripts, the test client) are left to the session and
    CSRF checks."""
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            if value == "null":
                return True
            return urlsplit(value).netloc != request.host
    return False


def init_security(app: Dash, settings: Settings) -> None:
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.session_cookie_secure),
        SESSION_COOKIE_NAME="situasjonsbilde_session",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked on our own forms; see module docstring
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=8),
    )
    server.session_interface = ServerSessionInterface()
    csrf = CSRFProtect(server)
    login_manager = LoginManager(server)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        demo_users = directory().demo_users
        if settings.auth_mode == "demo" and user_id in demo_users:
            return demo_users[user_id]
        stored = session.get("oidc_user")
        if stored and stored.get("id") == user_id:
            return User(
                id=stored["id"],
                display_name=stored["display_name"],
                roles=tuple(stored["roles"]),
                kommunenummer=stored.get("kommunenummer"),
                fylkesnummer=stored.get("fylkesnummer"),
            )
        return None

    @server.before_request
    def same_origin_only() -> Any:
        if request.method not in SAFE_METHODS and _foreign_origin():
            return jsonify(error=_("Forespørselen kom fra et annet nettsted.")), 403
        return None

    @server.before_request
    def require_session() -> Any:
        path = request.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if current_user.is_authenticated:
            return None
        if path.startswith((*DASH_ENDPOINT_PREFIXES, "/api/")) or request.method != "GET":
            return jsonify(error=_("Innlogging kreves")), 401
        return redirect(url_for("login_page", next=safe_target(request.full_path.rstrip("?"))))

    @server.route("/login", methods=["GET"], endpoint="login_page")
    def login_page() -> str:
        next_url = safe_target(request.args.get("next"))
        body = _demo_body(next_url) if settings.auth_mode == "demo" else _oidc_body(next_url)
        return login_page_html(body, request.args.get("feil"), next_url)

    @server.route("/logout", methods=["GET", "POST"])
    def logout() -> Response:
        logout_user()
        session.clear()  # an empty session: its row is deleted and the cookie removed
        return redirect("/login")  # type: ignore[return-value]

    if settings.auth_mode == "demo":

        @server.route("/login/demo", methods=["POST"])
        def login_demo_form() -> Response:
            csrf.protect()
            user = directory().demo_users.get(request.form.get("user_id", ""))
            if user is None:
                abort(400)
            target = request.form.get("next")
            new_session()
            login_user(user)
            return redirect(_next_for(user, target))  # type: ignore[return-value]

        # Documented URL so that scripts and browser tests can act as any role (demo only).
        @server.route("/login/demo/<user_id>", methods=["GET"])
        def login_demo_url(user_id: str) -> Response:
            user = directory().demo_users.get(user_id)
            if user is None:
                abort(404)
            new_session()
            login_user(user)
            return redirect(_next_for(user, request.args.get("next")))  # type: ignore[return-value]

    else:
        _init_oidc(server, settings)

    @server.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = _csp(app)
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "attachment" in response.headers.get("Content-Disposition", ""):
            # exports, reports and PDFs hold protected data: no shared or browser cache keeps them
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        response.headers.pop("Server", None)
        return response


def _csp(app: Dash) -> str:
    hashes = " ".join(app.csp_hashes())  # already quoted: 'sha256-…'
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}",
            # plotly and Dash components set inline styles
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _init_oidc(server: Flask, settings: Settings) -> None:
    from authlib.integrations.flask_client import OAuth

    if not (settings.oidc_server_metadata_url and settings.oidc_client_id):
        raise RuntimeError("AUTH_MODE=oidc needs OIDC_SERVER_METADATA_URL and OIDC_CLIENT_ID")
    oauth = OAuth(server)
    provider = oauth.register(
        "provider",
        server_metadata_url=settings.oidc_server_metadata_url,
        client_id=settings.oidc_client_id,
        client_secret=(
            settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        ),
        client_kwargs={"scope": settings.oidc_scopes, "code_challenge_method": "S256"},
    )

    @server.route("/login/oidc")
    def login_oidc() -> Any:
        session["next"] = safe_target(request.args.get("next"))
        try:
            return provider.authorize_redirect(url_for("auth_callback", _external=True))
        except Exception:  # the provider is down or its metadata unusable
            log.exception("OIDC provider unavailable")
            return redirect(url_for("login_page", feil="leverandor-utilgjengelig"))

    @server.route("/auth/callback", endpoint="auth_callback")
    def auth_callback() -> Any:
        try:
            token = provider.authorize_access_token()
            claims = token.get("userinfo") or provider.userinfo()
        except Exception:  # a bad or replayed state, a refused code, the provider down
            log.warning("OIDC callback refused", exc_info=True)
            return redirect(url_for("login_page", feil="innlogging-feilet"))
        try:
            user = map_claims(dict(claims), mapping_json=settings.oidc_role_mapping)
        except PermissionError as err:
            code = "mangler-sub" if "sub" in str(err) else "ingen-rolle"
            return redirect(url_for("login_page", feil=code))
        next_url = _next_for(user, session.pop("next", None))
        new_session()
        stored = {
            "id": user.id,
            "display_name": user.display_name,
            "roles": list(user.roles),
            "kommunenummer": user.kommunenummer,
            "fylkesnummer": user.fylkesnummer,
        }
        # roles or kommune changed at the provider: the user's older sessions end now
        sessions.end_stale_sessions(user.id, key="oidc_user", current=stored)
        session["oidc_user"] = stored
        login_user(user)
        return redirect(next_url)


__all__ = ["ROLES", "init_security"]
