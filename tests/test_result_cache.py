"""The in-process result cache keeps what one busy page needs: cachelib's SimpleCache prunes
every third entry above its threshold, and its default (500) made warm pages miss."""

from __future__ import annotations


def test_simple_cache_keeps_thousands_of_entries(app, settings) -> None:  # type: ignore[no-untyped-def]
    # the app's own result cache (a CLI command run in the same process may swap the global)
    (backend,) = app.server.extensions["cache"].values()
    assert settings.cache_threshold >= 5000
    assert getattr(backend, "_threshold", settings.cache_threshold) == settings.cache_threshold
    backend.clear()  # what earlier tests of the session cached is not this test's measure
    for i in range(2000):
        backend.set(f"capacity-test-{i}", i, timeout=60)
    kept = sum(backend.get(f"capacity-test-{i}") is not None for i in range(2000))
    for i in range(2000):
        backend.delete(f"capacity-test-{i}")
    assert kept == 2000


def test_page_outputs_are_never_shared_across_scopes(app) -> None:  # type: ignore[no-untyped-def]
    """The same page, kommune and date for two users: Utsira's kommuneoverlege sees its small
    numbers, the KS analyst (no small-number access) gets the withheld view, whichever asked
    first and although whole page responses are cached."""
    import json

    from tests.conftest import login
    from tests.dash_http import call_dependency, kommune_page_callbacks

    def testing_page(user_id: str) -> str:
        client = login(app.server.test_client(), user_id)
        dep = next(
            d for d in kommune_page_callbacks(client) if d["output"].startswith("..testing-title")
        )
        status, body = call_dependency(client, dep, kommune="1151", date="2022-01-20")
        assert status == 200
        return json.dumps(body["response"], ensure_ascii=False)

    for order in (("lege-utsira", "ks-analytiker"), ("ks-analytiker", "lege-utsira")):
        seen = {user: testing_page(user) for user in order}
        assert seen["lege-utsira"] != seen["ks-analytiker"]
        assert seen["ks-analytiker"].count("1–4") > seen["lege-utsira"].count("1–4")
