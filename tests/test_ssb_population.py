"""Populations are SSB's: the committed reference table rebuilds from the two exports, and the
default demo's store holds exactly its residents for every kommune, year and age band."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from dashboard.settings import Settings
from data.reference import SSB_POPULATION, ssb_population
from data.synthetic import SCALES
from data.synthetic._common import POPULATION_YEARS, rng_for
from data.synthetic.geography import load_geography
from data.synthetic.population import build_population, population_table

SOURCE = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "ssb_population"


@pytest.mark.realdata
def test_reference_table_rebuilds_from_the_exports(tmp_path: Path) -> None:
    if not SOURCE.is_dir():
        pytest.skip(f"SSB exports not available at {SOURCE}")
    from data.reference.build_ssb_population import main

    out = tmp_path / "rebuilt.csv"
    main(["--source", str(SOURCE), "--out", str(out)])
    assert out.read_bytes() == SSB_POPULATION.read_bytes()
    table = ssb_population()
    totals = table.groupby("year")["population"].sum()
    assert totals[2020] == 5_367_580 and totals[2024] == 5_550_203  # SOURCES.md §4
    assert set(table.loc[table["year"].between(2021, 2023), "derivation"]) == {"interpolated"}


@pytest.fixture(scope="module")
def default_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A fresh store holding the default scale's population table, loaded by the real loader;
    the data layer reads it for the module's tests, then what it read before."""
    from data import db
    from data.load import load_dataset
    from tests.stores import new_stores

    scale = SCALES[Settings.model_fields["demo_scale"].default]
    geo = load_geography()
    pop = build_population(geo, scale.population_fraction, rng_for(42, "population"))
    urls = new_stores(tmp_path_factory.mktemp("ssb"))
    with db.using(**urls):
        db.upgrade()
        load_dataset(
            main=db.engine("main"),
            tracing=db.engine("tracing"),
            tables={"population": population_table(pop, geo)},
            tracing_tables={},
            meta={"data_date": f"{POPULATION_YEARS[-1]}-01-01", "is_demo": "true"},
            source="test:population",
            progress=False,
        )
        yield


def test_default_scale_keeps_every_resident() -> None:
    assert SCALES[Settings.model_fields["demo_scale"].default].population_fraction == 1.0


def test_store_population_equals_the_ssb_table(default_store: None) -> None:
    """Every kommune × year × age band in the store (summed over the sexes the generator
    splits into) is SSB's figure, and the kommune list the pages show reads the same totals."""
    from data import db, queries
    from data.schema import Population
    from data.scope import Scope

    ssb = ssb_population()
    ssb = ssb[ssb["year"].isin(POPULATION_YEARS)]
    expected = ssb.set_index(["kommunenummer", "year", "age_band"])["population"].sort_index()
    q = select(
        Population.kommunenummer,
        Population.year,
        Population.age_band,
        func.sum(Population.population),
    ).group_by(Population.kommunenummer, Population.year, Population.age_band)
    with db.engine().connect() as conn:
        stored = pd.DataFrame(conn.execute(q).all(), columns=[*expected.index.names, "p"])
    got = stored.set_index(list(expected.index.names))["p"].astype("int64").sort_index()
    pd.testing.assert_series_equal(got, expected, check_names=False)
    for year in POPULATION_YEARS:
        shown = queries.kommune_list(scope=Scope.full(), year=year)
        totals = ssb[ssb["year"] == year].groupby("kommunenummer")["population"].sum()
        assert len(shown) == len(totals) == 357
        assert (
            shown.set_index("kommunenummer")["population"]
            .astype("int64")
            .equals(totals.reindex(shown["kommunenummer"]).astype("int64"))
        )
