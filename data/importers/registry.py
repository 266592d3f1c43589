"""The kinds of file the importers know, how each is recognised, and the order of import.

A kind is recognised by its content (header columns, GeoJSON properties, row spacing), never
by its name. ``group`` is the name on the command line (``situasjonsbilde import covidnor …``);
one group may hold several kinds (covidnor: kommune/nation × day/week).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from data.importers import (
    boundaries,
    covidnor,
    erviss,
    fhi_surveillance,
    lookups,
    oxcgrt,
    ssb_population,
)
from data.importers.base import (
    HEADER_SEARCH_LINES,
    SEPARATORS,
    Parsed,
    SourceFile,
    split_header,
)

Store = Callable[[Connection, Parsed, int, str], int]
Remove = Callable[[Connection, int], None]

ORDER_REFERENCE = 0
ORDER_POPULATION = 10
ORDER_GEOMETRY = 20
ORDER_SERIES = 30
ORDER_RULES = 40
LEVEL_NB = {"kommune": "kommuner", "fylke": "fylker", "nation": "hele landet"}
PERIOD_NB = {"day": "per dag", "week": "per uke"}


@dataclass(frozen=True)
class Kind:
    name: str
    group: str
    source: str
    label: str
    order: int
    parse: Callable[[SourceFile], Parsed]
    store: Store | None = None
    remove: Remove | None = None


def _covidnor(level: str, period: str) -> Callable[[SourceFile], Parsed]:
    def parse(src: SourceFile) -> Parsed:
        return covidnor.parse(src, level=level, period=period)

    return parse


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "crosswalk_kommune",
            "crosswalk",
            lookups.SOURCE,
            lookups.SOURCE_LABEL,
            ORDER_REFERENCE,
            lookups.parse_crosswalk,
            lookups.store_crosswalk,
            lookups.remove_crosswalk,
        ),
        Kind(
            "crosswalk_fylke",
            "crosswalk",
            lookups.SOURCE,
            lookups.SOURCE_LABEL,
            ORDER_REFERENCE + 1,
            lookups.parse_crosswalk,
        ),
        Kind(
            "location_names",
            "location-names",
            lookups.SOURCE,
            lookups.SOURCE_LABEL,
            ORDER_REFERENCE + 2,
            lookups.parse_names,
        ),
        Kind(
            "ssb_population",
            "ssb-population",
            ssb_population.SOURCE,
            ssb_population.SOURCE_LABEL,
            ORDER_POPULATION,
            ssb_population.parse,
        ),
        Kind(
            "boundaries",
            "boundaries",
            boundaries.SOURCE,
            boundaries.SOURCE_LABEL,
            ORDER_GEOMETRY,
            boundaries.parse,
            boundaries.store,
            boundaries.remove,
        ),
        *(
            Kind(
                f"covidnor_{level}_{period}",
                "covidnor",
                covidnor.SOURCE,
                covidnor.SOURCE_LABEL,
                ORDER_SERIES + i,
                _covidnor(level, period),
            )
            for i, (level, period) in enumerate(
                [
                    ("kommune", "day"),
                    ("kommune", "week"),
                    ("nation", "day"),
                    ("nation", "week"),
                    ("fylke", "day"),
                    ("fylke", "week"),
                ]
            )
        ),
        Kind(
            "sysvak_coverage",
            "sysvak",
            fhi_surveillance.SOURCE_SYSVAK,
            fhi_surveillance.SOURCE_LABEL,
            ORDER_SERIES + 7,
            fhi_surveillance.parse_sysvak,
        ),
        Kind(
            "msis_age_sex",
            "msis",
            fhi_surveillance.SOURCE_MSIS,
            fhi_surveillance.SOURCE_LABEL,
            ORDER_SERIES + 8,
            fhi_surveillance.parse_msis,
        ),
        Kind(
            "fhi_time_location",
            "fhi",
            fhi_surveillance.SOURCE_MSIS,
            fhi_surveillance.SOURCE_LABEL,
            ORDER_SERIES + 9,
            fhi_surveillance.parse_time_location,
        ),
        Kind(
            "fhi_total",
            "fhi",
            fhi_surveillance.SOURCE_MSIS,
            fhi_surveillance.SOURCE_LABEL,
            ORDER_SERIES + 9,
            fhi_surveillance.parse_total,
        ),
        Kind(
            "erviss",
            "erviss",
            erviss.SOURCE,
            erviss.SOURCE_LABEL,
            ORDER_SERIES + 10,
            erviss.parse,
        ),
        Kind(
            "oxcgrt",
            "oxcgrt",
            oxcgrt.SOURCE,
            oxcgrt.SOURCE_LABEL,
            ORDER_RULES,
            oxcgrt.parse,
            oxcgrt.store_rules,
            oxcgrt.remove_rules,
        ),
    )
}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(k.group for k in KINDS.values()))


def _headers(text: str) -> list[list[str]]:
    lines = text.split("\n", 12)[:12]
    return [split_header(line, sep) for line in lines for sep in SEPARATORS]


def _first_rows(text: str, columns: list[str], limit: int = 40) -> list[dict[str, str]]:
    """The first data rows under the header ``columns`` (for judging a file by its rows)."""
    lines = text.split("\n", limit + HEADER_SEARCH_LINES)[: limit + HEADER_SEARCH_LINES]
    for index, line in enumerate(lines):
        for sep in SEPARATORS:
            if split_header(line, sep) == columns:
                # each line on its own: a stray quote must not run one row into the next
                rows = []
                for ln in lines[index + 1 :]:
                    if not ln.strip():
                        continue
                    try:
                        row = next(csv.reader([ln.rstrip("\r")], delimiter=sep, strict=True))
                    except (csv.Error, StopIteration):
                        continue
                    if len(row) == len(columns):
                        rows.append(dict(zip(columns, row, strict=True)))
                return rows
    return []


def identify(src: SourceFile) -> tuple[Kind | None, str]:
    """The kind of ``src`` and what the file is, in words: for a file of a known family in a
    layout no importer reads, the family and layout and what is supported instead."""
    head = src.text[:20000]
    if boundaries.detect(head):
        return KINDS["boundaries"], "grenser (GeoJSON)"
    for cols in _headers(head):
        if len(cols) < 2:
            continue
        level = covidnor.detect(cols)
        if level is not None:
            # a county file without fylkesnummer is still a county file: its codes say so
            by_codes = covidnor.detect_level_by_codes(head)
            if level == "nation" and by_codes in ("fylke", "kommune"):
                level = by_codes
            kind = KINDS[f"covidnor_{level}_{covidnor.detect_period(head)}"]
            return kind, f"covidnor, {LEVEL_NB[level]}, {PERIOD_NB[kind.name.rsplit('_', 1)[1]]}"
        found = fhi_surveillance.layout(cols, _first_rows(head, cols))
        if found is not None:
            name = fhi_surveillance.SUPPORTED_LAYOUTS.get(found)
            if name is None:
                return None, fhi_surveillance.unsupported_message(*found)
            return KINDS[name], fhi_surveillance.layout_name(*found)
        if erviss.detect(cols):
            layout = "patogener" if set(cols) >= erviss.PATHOGEN_COLUMNS else "ILI/ARI-rater"
            return KINDS["erviss"], f"ECDC ERVISS, {layout} (Norge)"
        if fhi_surveillance.detect_sysvak(cols):
            return KINDS["sysvak_coverage"], "FHI SYSVAK"
        if fhi_surveillance.detect_msis(cols):
            return KINDS["msis_age_sex"], "FHI MSIS"
        other = _detect_other(cols)
        if other is not None:
            return other, other.label
    return None, "ukjent filtype"


def detect(src: SourceFile) -> Kind | None:
    """The kind of ``src`` from its content, or None when it is no known kind."""
    return identify(src)[0]


def _detect_other(cols: list[str]) -> Kind | None:
    if ssb_population.detect(cols):
        return KINDS["ssb_population"]
    which = lookups.detect_crosswalk(cols)
    if which is not None:
        return KINDS[f"crosswalk_{which}"]
    if lookups.detect_names(cols):
        return KINDS["location_names"]
    if oxcgrt.detect(cols):
        return KINDS["oxcgrt"]
    return None


def kinds_in_group(group: str) -> list[Kind]:
    found = [k for k in KINDS.values() if k.group == group]
    if not found:
        raise KeyError(group)
    return found


def describe() -> list[dict[str, Any]]:
    return [
        {"group": k.group, "kind": k.name, "source": k.label, "order": k.order}
        for k in KINDS.values()
    ]
