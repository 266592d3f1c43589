"""Every static file a page loads comes compressed and with a caching header that lets the
browser keep it (issue 22): a year for a URL that names its version, a day (then an ETag
revalidation) for one that does not — never Flask's ``no-cache`` that asked again on every
page load."""

from __future__ import annotations

import re

from dashboard.static_cache import DAY, YEAR


def _static_urls(page: str) -> list[str]:
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    return [u for u in urls if u.startswith(("/assets/", "/_dash-component-suites/", "/_fav"))]


def _max_age(header: str) -> int:
    found = re.search(r"max-age=(\d+)", header)
    return int(found.group(1)) if found else 0


def test_every_static_file_of_a_page_is_compressed_and_kept(client) -> None:
    urls = _static_urls(client.get("/").get_data(as_text=True))
    assert any("/assets/vendor/bootstrap.min.css" in u for u in urls)
    assert any(u.startswith("/assets/app.css") for u in urls)
    for url in urls:
        # what Chromium asks for over plain HTTP
        response = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
        assert response.status_code == 200, url
        header = response.headers.get("Cache-Control", "")
        assert "no-cache" not in header and "no-store" not in header, (url, header)
        # every link the page writes names the file's version: kept a year, never asked again
        assert _max_age(header) == YEAR and "immutable" in header, (url, header)
        if len(response.data) > 2000 and not url.endswith(".ico"):
            assert response.headers.get("Content-Encoding") in ("gzip", "deflate"), url


def test_a_static_url_without_a_version_is_kept_a_day_and_revalidated(client) -> None:
    response = client.get("/assets/app.css")
    assert response.status_code == 200
    assert _max_age(response.headers["Cache-Control"]) == DAY
    again = client.get("/assets/app.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_pages_and_data_are_not_cached_as_static_files(client) -> None:
    page = client.get("/")
    assert "max-age" not in page.headers.get("Cache-Control", "")
    layout = client.get("/_dash-layout")
    assert "max-age" not in layout.headers.get("Cache-Control", "")
