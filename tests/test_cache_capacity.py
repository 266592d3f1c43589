"""The in-process result cache keeps what one busy page needs: cachelib's SimpleCache prunes
every third entry above its threshold, and its default (500) made warm pages miss."""

from __future__ import annotations

from data import cache as data_cache


def test_simple_cache_keeps_thousands_of_entries(app, settings) -> None:  # type: ignore[no-untyped-def]
    backend = data_cache._backend
    assert backend is not None
    assert settings.cache_threshold >= 5000
    assert getattr(backend, "_threshold", settings.cache_threshold) == settings.cache_threshold
    for i in range(2000):
        backend.set(f"capacity-test-{i}", i, timeout=60)
    kept = sum(backend.get(f"capacity-test-{i}") is not None for i in range(2000))
    for i in range(2000):
        backend.delete(f"capacity-test-{i}")
    assert kept == 2000
