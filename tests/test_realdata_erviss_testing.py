"""The Testing page's national comparison on ../shared/realdata: Norway's weekly primary-care
sentinel positivity from ERVISS for the chosen disease, beside the page's own positivity. The
values on the page equal the file's Norway rows (read here with pandas, never through our
importer or queries); a week the file has no value for reads «ikke rapportert», never zero.
Skipped with the reason when the folder is absent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from tests.browser_helpers import FULL_ACCESS_USER
from tests.conftest import REALDATA, login
from tests.dash_http import call_dependency
from tests.test_realdata_pages import DATA_DATE, _main_callbacks

SENTINEL = sorted((REALDATA / "ecdc_erviss").glob("sentinelTestsDetectionsPositivity_*.csv.gz"))
PATHOGENS = {"covid19": "SARS-CoV-2", "influensa": "Influenza", "rsv": "RSV"}
NAME = "Norge, ERVISS sentinel (uke)"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not SENTINEL, reason=f"ERVISS sentinel file not available in {REALDATA}"),
]


def _norway_positivity(pathogen: str) -> dict[str, float]:
    """The file's Norway sentinel positivity (all ages) by week's Sunday (ISO date)."""
    raw = pd.read_csv(SENTINEL[-1], dtype=str)
    rows = raw[
        raw["countryname"].eq("Norway")
        & raw["survtype"].eq("primary care sentinel")
        & raw["pathogen"].eq(pathogen)
        & raw["pathogentype"].eq(pathogen)
        & raw["indicator"].eq("positivity")
        & raw["age"].eq("total")
    ]
    out = {}
    for yearweek, value in zip(rows["yearweek"], rows["value"], strict=True):
        year, week = yearweek.split("-W")
        out[dt.date.fromisocalendar(int(year), int(week), 7).isoformat()] = float(value)
    return out


@pytest.fixture()
def client(real_app: Any, use_real_data: dict[str, Any]) -> Any:
    return login(real_app.server.test_client(), FULL_ACCESS_USER)


@pytest.mark.parametrize("disease", ["covid19", "influensa", "rsv"])
def test_testing_page_shows_erviss_sentinel_positivity_as_the_file_has_it(
    client: Any, disease: str
) -> None:
    client.environ_base["HTTP_X_SYKDOM"] = disease
    expected = _norway_positivity(PATHOGENS[disease])
    dep = _main_callbacks(client)["testing"]
    status, body = call_dependency(client, dep, kommune="4601", date=DATA_DATE.isoformat())
    assert status == 200
    figure = body["response"]["testing-positivity"]["figure"]
    traces = [t for t in figure["data"] if t.get("name") == NAME]
    assert len(traces) == 1, [t.get("name") for t in figure["data"]]
    shown = dict(zip(traces[0]["x"], traces[0]["y"], strict=True))
    assert max(shown) <= DATA_DATE.isoformat()
    # every week the file has up to the date, zeros included: its value, as shown (1 decimal)
    weeks = [week for week in sorted(expected) if week <= DATA_DATE.isoformat()]
    assert len(weeks) >= 5 and set(weeks) <= set(shown), sorted(set(weeks) - set(shown))[:5]
    for week in weeks:
        assert shown[week] == pytest.approx(expected[week], abs=0.05), week
    assert 0.0 in [shown[week] for week in weeks]  # the file's zero weeks read as zero
    # weeks inside the series without a value in the file: a gap named «ikke rapportert»
    text = dict(zip(traces[0]["x"], traces[0]["text"], strict=True))
    for week in set(shown) - set(expected):
        assert shown[week] is None and text[week] == "ikke rapportert", week
    notes = " ".join(a.get("text", "") for a in figure["layout"].get("annotations", []))
    assert "ERVISS" in notes and "erviss.org" in notes
