"""Real data in English: what is missing, the registration-date wording and the header's
sources come through the translation layer (the bokmål texts are tested in
tests/test_realdata_pages.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import REALDATA
from tests.dash_http import call, call_map
from tests.test_page_testing import texts
from tests.test_realdata_pages import as_user, oslo_brief  # noqa: F401  (as_user: a fixture)

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real data not available at {REALDATA}"),
]


def test_morgenbrief_in_english_says_not_published(as_user: Any) -> None:  # noqa: F811
    client = as_user("lege-oslo")
    client.set_cookie("sb_lang", "en")
    _body, rendered = oslo_brief(client, "Not published")
    assert "Cases by registration date" in rendered
    assert "FHI did not publish test data per municipality" in rendered
    assert "registreringsdato" not in rendered and "Ikke publisert" not in rendered


def test_header_and_map_in_english(as_user: Any) -> None:  # noqa: F811
    client = as_user("ks-analytiker")
    client.set_cookie("sb_lang", "en")
    status, body, _ = call(
        client, outputs=[("data-status", "children")], inputs=[("nav-location", "pathname", "/")]
    )
    assert status == 200
    shown = " | ".join(texts(body["response"]["data-status"]["children"]))
    for expected in ("Data as of 13/11/2022", "REAL DATA", "SSB 07459 population 2020, 2024"):
        assert expected in shown, shown
    status, body, _ = call_map(client, "incidence_14d", "2022-01-20")
    definition = json.dumps(body["response"]["map-definition"], ensure_ascii=False)
    assert "Cases by registration date in the 14 days" in definition
    assert "FHI did not publish cases by test date per municipality" in definition
    assert "Cases by registration date." in definition
