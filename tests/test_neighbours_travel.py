"""Neighbours by travel, not only by land: bridges, tunnels and ferries make kommuner
neighbours (issue 20, item 3)."""

from __future__ import annotations

import json

import pytest

from geo import reference
from tests.dash_http import call_kommune


def _of(code: str, structure: int = 2024) -> set[str]:
    pairs = reference.neighbours_by_travel(structure)
    return set(pairs.loc[pairs["kommunenummer"] == code, "neighbour"])


@pytest.mark.parametrize("structure", [2020, 2024])
def test_island_and_bridge_neighbours(structure: int) -> None:
    assert {"4627", "4626"} <= _of("4601", structure)  # Bergen: Askøy, Øygarden
    assert "1106" in _of("1151", structure)  # Utsira: Haugesund (ferry)
    assert {"4601"} <= _of("4627", structure) and {"4601"} <= _of("4626", structure)
    # land borders are kept: Bergen–Bjørnafjorden, Oslo–Bærum (3024 in 2020, 3201 in 2024)
    baerum = "3024" if structure == 2020 else "3201"
    assert "4624" in _of("4601", structure) and baerum in _of("0301", structure)


@pytest.mark.parametrize("structure", [2020, 2024])
def test_every_kommune_has_a_neighbour_and_the_list_is_symmetric(structure: int) -> None:
    pairs = reference.neighbours_by_travel(structure)
    codes = set(reference.kommuner(structure)["kommunenummer"])
    assert codes - set(pairs["kommunenummer"]) == set()
    directed = set(pairs.itertuples(index=False, name=None))
    assert all((b, a) in directed for a, b in directed)
    assert all(a != b for a, b in directed)
    assert set(pairs["kommunenummer"]) | set(pairs["neighbour"]) <= codes


def test_travel_links_name_known_kommuner_and_kinds() -> None:
    links = reference.travel_links(2020)
    codes = set(reference.kommuner(2020)["kommunenummer"])
    assert set(links["kommunenummer"]) <= codes and set(links["neighbour"]) <= codes
    assert set(links["kind"]) <= set(reference.LINK_KINDS) - {"land"}
    assert links["name"].str.len().gt(0).all() and links["source"].str.len().gt(0).all()
    # the 2024 table follows from the 2020 one through the crosswalk (same links, new codes)
    cw = reference.crosswalk_2020_2024()
    assert set(reference.travel_links(2024)["kommunenummer"]) <= set(cw["kommunenummer_2024"])


def test_kommune_page_lists_neighbours_with_the_kind_of_link(client) -> None:
    status, body, _ = call_kommune(client, "1151")
    assert status == 200
    text = json.dumps(body["response"]["kommune-source"], ensure_ascii=False)
    assert "Nabokommuner" in text
    assert "Haugesund (1106): ferje – Haugesund–Utsira" in text
    assert "Ingen nabokommuner" not in text and "Statens vegvesen" in text
    status, body, _ = call_kommune(client, "4601")
    text = json.dumps(body["response"]["kommune-source"], ensure_ascii=False)
    assert "Askøy (4627): bro/tunnel – Askøybrua" in text
    assert "Bjørnafjorden (4624): landegrense" in text


def test_comparison_scope_uses_travel_neighbours() -> None:
    from dashboard import auth

    user = auth.User(
        "test-lege-bergen", "Test", ("kommuneoverlege",), kommunenummer="4601", demo=True
    )
    scope = auth.scope_for(user)
    assert scope.comparison_kommuner is not None
    assert {"4627", "4626", "4624"} <= set(scope.comparison_kommuner)  # Askøy, Øygarden, land
    assert scope.kommuner == frozenset({"4601"})  # the neighbours are comparison rows only
