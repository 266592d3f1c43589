"""The population of every kommune on one day (the Kommuneoversikt's vaccination
denominators) is read from the database once per data version, not once per new date: one
memo entry per kommune was more than the memo keeps, so it was emptied and the whole table
read again within each call."""

from __future__ import annotations

import datetime as dt

from data import cache as data_cache
from data.queries import population


def test_every_kommunes_population_is_read_once(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    reads = []
    original = population._load

    def counted():  # type: ignore[no-untyped-def]
        reads.append(1)
        return original()

    monkeypatch.setattr(population, "_load", counted)
    data_cache.forget_process_facts()  # nothing of the dataset kept yet
    codes = list(population._loaded().codes)
    assert len(codes) >= 300  # every kommune: more than the memo's 256 entries
    first = population._population_rows(codes, dt.date(2021, 6, 1))
    again = population._population_rows(codes, dt.date(2021, 12, 1))
    assert len(reads) == 1
    # the same numbers as each kommune's own population
    for code in (codes[0], "0301", codes[-1]):
        years, table = population._population_arrays((code,))
        assert list(first.loc[code]) == list(table[list(years).index(2021)])
        assert list(again.loc[code]) == list(first.loc[code])
