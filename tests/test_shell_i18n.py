"""The shell (header, navigation), the login page and Krisemøte in English."""

from __future__ import annotations

import html
import json
from urllib.parse import parse_qs, urlsplit

from tests.conftest import login
from tests.dash_http import KRISE_OUTPUTS, call


def test_header_and_navigation_in_english(app) -> None:
    client = login(app.server.test_client(), "lege-oslo")
    client.set_cookie("sb_lang", "en")
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    for english in ("Infection map", "Morning brief", "Municipality", "Skip to content"):
        assert english in layout, english
    assert "Smittekart" not in layout and "Hopp til innhold" not in layout
    status, body, _ = call(
        client,
        outputs=[("data-status", "children")],
        inputs=[("nav-location", "pathname", "/")],
    )
    assert status == 200
    header = json.dumps(body["response"], ensure_ascii=False)
    assert "Data as of " in header and "DEMO DATA – synthetic figures" in header
    status, body, _ = call(
        client,
        outputs=[("user-status", "children")],
        inputs=[("nav-location", "pathname", "/")],
    )
    user = json.dumps(body["response"], ensure_ascii=False)
    assert "Log out" in user and "Demo: chief municipal medical officer, Oslo" in user


def test_login_page_in_both_languages(anonymous_client) -> None:
    page = anonymous_client.get("/login").get_data(as_text=True)
    assert '<html lang="nb">' in page and "Logg inn" in page and 'id="lang-en"' in page
    anonymous_client.set_cookie("sb_lang", "en")
    page = anonymous_client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in to continue." in page and "Chief municipal medical officer" in page
    assert "Logg inn" not in page and 'id="lang-nb"' in page


def test_krisemote_in_english(client) -> None:
    client.set_cookie("sb_lang", "en")
    status, body, _ = call(
        client,
        outputs=KRISE_OUTPUTS,
        inputs=[("krise-kommune", "data", "0301"), ("krise-refresh", "n_clicks", 0)],
        state=[("krise-date", "data", "2022-01-15")],
    )
    assert status == 200
    response = body["response"]
    assert response["krise-title"]["children"] == "Crisis meeting – Oslo"
    assert response["krise-asof"]["children"].startswith("The situation on 15 January 2022")
    panels = json.dumps(response["krise-panels"], ensure_ascii=False)
    assert "The situation now" in panels and "Norway: " in panels
    layout = client.get("/krisemote/0301").status_code
    assert layout == 200


def test_login_page_language_link_keeps_the_next_page(anonymous_client) -> None:
    page = anonymous_client.get("/login?next=/signaler?kommune%3D0301%26dato%3D2022-01-15")
    text = page.get_data(as_text=True)
    href = text.split('id="lang-en"')[0].rsplit('href="', 1)[1].split('"')[0]
    response = anonymous_client.get(html.unescape(href))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query)["next"] == ["/signaler?kommune=0301&dato=2022-01-15"]
