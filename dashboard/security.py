"""Login routes, the session requirement on every route, CSRF on our forms, security headers.

Threat model in short: anyone on the network may send any HTTP request, including crafted
Dash callback requests; a logged-in user may try to read beyond the own scope; another site
may try to make a logged-in browser act (CSRF) or frame the app (clickjacking).
- Every route except login, static assets and component bundles needs a session (401 for Dash
  endpoints, redirect to /login for pages).
- The scope is computed from the session's user and applied in ``data/``; callback inputs
  cannot widen it (see ``data.scope.Scope.restrict``), and refusals are audited.
- Our own forms carry a CSRF token (Flask-WTF). Dash's JSON endpoints rely on SameSite=Lax
  session cookies and on JSON bodies, which another site cannot send without CORS consent.
- Headers: a Content-Security-Policy built from Dash's inline-script hashes, frame-ancestors
  'none' and X-Frame-Options DENY, nosniff, a strict referrer policy, HSTS behind TLS.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote, urlparse

from dash import Dash
from flask import Flask, Response, abort, jsonify, redirect, request, session, url_for
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf

from dashboard import i18n
from dashboard.auth import DEMO_USERS, ROLES, User, landing_page, map_claims
from dashboard.i18n import _
from dashboard.settings import Settings
from geo import reference

PUBLIC_PREFIXES = ("/login", "/logout", "/auth/", "/sprak/", "/assets/", "/_dash-component-suites/")
PUBLIC_PATHS = {"/_favicon.ico", "/favicon.ico"}
DASH_ENDPOINT_PREFIXES = ("/_dash-", "/_reload-hash")

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


def login_page_html(body: str, error: str | None, next_url: str) -> str:
    """The login page in the request's language."""
    error_html = f'<div class="alert alert-danger">{html.escape(error)}</div>' if error else ""
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


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect would help phishing.
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _next_for(user: User, target: str | None) -> str:
    """The page after login: where the user was going, else the user's landing page."""
    safe = _safe_next(target)
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
    for user in DEMO_USERS.values():
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


def init_security(app: Dash, settings: Settings) -> None:
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=settings.secret_key.get_secret_value(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.session_cookie_secure),
        SESSION_COOKIE_NAME="situasjonsbilde_session",
        WTF_CSRF_CHECK_DEFAULT=False,  # checked on our own forms; see module docstring
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    csrf = CSRFProtect(server)
    login_manager = LoginManager(server)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if settings.auth_mode == "demo" and user_id in DEMO_USERS:
            return DEMO_USERS[user_id]
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
    def require_session() -> Any:
        path = request.path
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        if current_user.is_authenticated:
            return None
        if path.startswith((*DASH_ENDPOINT_PREFIXES, "/api/")) or request.method != "GET":
            return jsonify(error=_("Innlogging kreves")), 401
        return redirect(url_for("login_page", next=request.full_path.rstrip("?")))

    @server.route("/login", methods=["GET"], endpoint="login_page")
    def login_page() -> str:
        next_url = _safe_next(request.args.get("next"))
        body = _demo_body(next_url) if settings.auth_mode == "demo" else _oidc_body(next_url)
        return login_page_html(body, request.args.get("feil"), next_url)

    @server.route("/logout", methods=["GET", "POST"])
    def logout() -> Response:
        logout_user()
        session.clear()
        return redirect("/login")  # type: ignore[return-value]

    if settings.auth_mode == "demo":

        @server.route("/login/demo", methods=["POST"])
        def login_demo_form() -> Response:
            csrf.protect()
            user = DEMO_USERS.get(request.form.get("user_id", ""))
            if user is None:
                abort(400)
            login_user(user)
            return redirect(_next_for(user, request.form.get("next")))  # type: ignore[return-value]

        # Documented URL so that scripts and browser tests can act as any role (demo only).
        @server.route("/login/demo/<user_id>", methods=["GET"])
        def login_demo_url(user_id: str) -> Response:
            user = DEMO_USERS.get(user_id)
            if user is None:
                abort(404)
            session.clear()
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
        session["next"] = _safe_next(request.args.get("next"))
        return provider.authorize_redirect(url_for("auth_callback", _external=True))

    @server.route("/auth/callback", endpoint="auth_callback")
    def auth_callback() -> Any:
        token = provider.authorize_access_token()
        claims = token.get("userinfo") or provider.userinfo()
        try:
            user = map_claims(dict(claims), mapping_json=settings.oidc_role_mapping)
        except PermissionError as err:
            return redirect(url_for("login_page", feil=str(err)))
        next_url = _next_for(user, session.pop("next", None))
        session.clear()
        session["oidc_user"] = {
            "id": user.id,
            "display_name": user.display_name,
            "roles": list(user.roles),
            "kommunenummer": user.kommunenummer,
            "fylkesnummer": user.fylkesnummer,
        }
        login_user(user)
        return redirect(next_url)


__all__ = ["ROLES", "init_security"]
