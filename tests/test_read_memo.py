"""read_memo(): one build asks for a read twice, the read runs once, with or without the
result cache, and callers still get copies."""

from collections.abc import Iterator

import pandas as pd
import pytest

from data import cache as data_cache
from data import db
from data.cache import cached, read_memo
from tests.stores import DictCache

calls: list[int] = []


@cached()
def _series(*, n: int) -> pd.DataFrame:
    calls.append(n)
    return pd.DataFrame({"x": range(n)})


@pytest.fixture(autouse=True)
def _own_layer() -> Iterator[None]:
    """A data layer of its own (no store is read): ``set_backend`` below changes its cache."""
    with db.using(database_url="sqlite://", tracing_database_url="sqlite://"):
        yield


def test_memo_reads_once_without_result_cache() -> None:
    data_cache.set_backend(None)
    calls.clear()
    with read_memo():
        first = _series(n=3)
        first.loc[0, "x"] = 99  # a caller changing its copy changes nobody else's
        second = _series(n=3)
        _series(n=4)
    assert calls == [3, 4]
    assert second["x"].tolist() == [0, 1, 2]
    _series(n=3)  # outside the block: no memo, the read runs
    assert calls == [3, 4, 3]


def test_memo_with_result_cache_and_nested_blocks() -> None:
    backend = DictCache()
    data_cache.set_backend(backend)
    calls.clear()
    with read_memo():
        _series(n=5)
        with read_memo():
            _series(n=5)
    _series(n=5)  # from the result cache
    assert calls == [5]
    assert len(backend.store) == 1


def test_cached_value_never_computes() -> None:
    backend = DictCache()
    data_cache.set_backend(backend)
    calls.clear()
    assert _series.cached_value(n=6) is None  # type: ignore[attr-defined]
    _series(n=6)
    hit = _series.cached_value(n=6)  # type: ignore[attr-defined]
    assert hit["x"].tolist() == list(range(6)) and calls == [6]
    data_cache.set_backend(None)
    assert _series.cached_value(n=6) is None  # type: ignore[attr-defined]
