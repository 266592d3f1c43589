"""Totals and their parts (issue 20): a county, the nation or a 14-day window published beside
hidden parts must not pin them. Built directly, whatever the demo's data and store secret."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data import disclosure, key_figures, published
from data.scope import Scope
from tests import attacker
from tests.attacker import Collector, fylke, window

KOMMUNER = ("1101", "1103", "1106", "1108", "1124", "1135")
COUNTY = "F11"
DAYS = pd.date_range("2021-07-01", "2021-07-28", freq="D")
ENDS = ("2021-07-20", "2021-07-21", "2021-07-28")
ANALYST = Scope(user_id="analytiker", role="ks_analytiker")  # every kommune, no small numbers


def _counts(cases: dict[tuple[str, str], int]) -> np.ndarray:
    out = np.zeros((len(DAYS), len(KOMMUNER) + 2), dtype=np.int64)
    for (kommune, day), n in cases.items():
        out[DAYS.get_loc(pd.Timestamp(day)), KOMMUNER.index(kommune)] = n
    out[:, -2] = out[:, : len(KOMMUNER)].sum(axis=1)  # the county
    out[:, -1] = out[:, -2]  # the nation (this county only)
    return out


def _shown(counts: np.ndarray, secret: str) -> dict[str, pd.DataFrame]:
    """The Kommuneoversikt's windows of every area and day as the analyst receives them
    (through data.published.apply, as every page does): "1–4", "skjult" or the number."""
    areas = [*KOMMUNER, COUNTY, key_figures.NATION]
    daily = {family: np.zeros_like(counts) for family, _w in key_figures.PUBLISHED.values()}
    daily["cases"] = counts
    cells = key_figures._published(
        secret, areas, DAYS, daily, "cases", dict.fromkeys(KOMMUNER, COUNTY)
    )
    true = {
        "cases_7d": key_figures._window(counts, 7),
        "cases_14d": key_figures._window(counts, 14),
        "cases_prev_7d": key_figures._window(counts, 14) - key_figures._window(counts, 7),
    }
    out = {}
    for name, values in true.items():
        frame = pd.DataFrame(
            {
                "area": np.tile(areas, len(DAYS)),
                name: values.ravel(),
                published.pub(name): cells[name].ravel(),
            }
        )
        shown = published.apply(frame, scope=ANALYST, counts=[name], kommune_column="area")
        text = np.where(
            shown[f"{name}_suppressed"],
            "1–4",
            np.where(shown[name].isna(), "skjult", shown[name].fillna(0).astype(int).astype(str)),
        )
        out[name] = pd.DataFrame(text.reshape(len(DAYS), len(areas)), columns=areas, index=DAYS)
    return out


def _attack(cases: dict[tuple[str, str], int], secret: str) -> attacker.Result:
    counts = _counts(cases)
    shown = _shown(counts, secret)
    c = Collector("oversikt", "ks-analytiker", max_perturbation=disclosure.MAX_PERTURBATION)
    for end in ENDS:
        for area in (*KOMMUNER, COUNTY):
            name = fylke("11") if area == COUNTY else area
            for cell, days, skip in (
                ("cases_7d", 7, 0),
                ("cases_prev_7d", 7, 7),
                ("cases_14d", 14, 0),
            ):
                value = shown[cell].loc[pd.Timestamp(end), area]
                c.count(name, end, cell, window(name, end, days, skip=skip), value)
    truth = {
        (k, d.date().isoformat()): float(counts[i, j])
        for j, k in enumerate(KOMMUNER)
        for i, d in enumerate(DAYS)
    }
    return attacker.attack(
        c.observations, county_of=dict.fromkeys(KOMMUNER, "11"), truth=truth, name=secret
    )


# four kommuner with one case each in the week before: the county's "1–4" for that week
# over four kommuner each "1–4" would pin every one of them to 1
FOUR_ONES = {(k, "2021-07-10"): 1 for k in KOMMUNER[1:5]} | {("1101", "2021-07-19"): 2}


@pytest.mark.parametrize("secret", [f"secret-{i}" for i in range(6)])
def test_a_county_of_hidden_kommuner_pins_none_of_them(secret: str) -> None:
    result = _attack(FOUR_ONES, secret)
    assert result.examined > 0
    assert not result.pinned, result.report(8)


def test_quiet_weeks_in_many_shapes_pin_nothing() -> None:
    """Random quiet weeks (each kommune has none, one or two single cases in four weeks), each
    under its own secret: no window of a kommune or of the county is pinned (without the
    secondary suppression about one in three of these pins one)."""
    rng = np.random.default_rng(20)
    pinned = []
    for trial in range(16):
        cases = {}
        for kommune in KOMMUNER:
            for _ in range(int(rng.choice([0, 1, 2]))):
                day = DAYS[int(rng.integers(len(DAYS)))].date().isoformat()
                cases[(kommune, day)] = 1
        result = _attack(cases, f"trial-{trial}")
        pinned += [f.observation.describe() for f in result.pinned]
    assert not pinned, "\n".join(pinned[:8])


def test_a_withheld_total_reads_skjult_and_its_parts_1_4() -> None:
    shown = _shown(_counts(FOUR_ONES), "secret-0")
    week_before = shown["cases_prev_7d"].loc[pd.Timestamp("2021-07-20")]
    assert list(week_before[list(KOMMUNER[1:5])]) == ["1–4"] * 4
    assert week_before[COUNTY] == "skjult"


def test_the_peoples_files_flag_a_withheld_total_as_skjult_not_1_4() -> None:
    """The flag column «Skjult (1–4)» of the CSV and Excel files lists a count hidden as
    1–4 by its label, and one withheld to protect other cells with «(skjult)»: the file
    never claims 1–4 for a total that is not."""
    import csv
    import io

    import openpyxl

    from dashboard import tabular

    fields = [
        tabular.Field("area", "Område"),
        tabular.Field("cases_7d", "Tilfeller 7 d", "int", withholdable=True),
        tabular.Field("cases_14d", "Tilfeller 14 d", "int", withholdable=True),
    ]
    table = tabular.Table(fields)
    table.add({"area": "F11", "cases_7d": None, "cases_14d": None}, {"cases_7d"}, {"cases_14d"})
    rows = list(
        csv.reader(io.StringIO(tabular.excel_csv(table).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][-1] == "Tilfeller 7 d; Tilfeller 14 d (skjult)"
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        tabular.xlsx_sheet(writer, table, "Fylker")
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["Fylker"]
    assert sheet.cell(2, 4).value == "Tilfeller 7 d; Tilfeller 14 d (skjult)"
    assert tabular.machine_records(table)[0]["cases_14d_withheld"] is True
