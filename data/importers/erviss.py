"""ECDC/WHO Europe ERVISS weekly respiratory files (``EU-ECDC/Respiratory_viruses_weekly_data``).

Two layouts, recognised by their header:

* rates (``ILIARIRates``): ``survtype, countryname, yearweek, indicator, age, value`` —
  ILI/ARI consultations per 100 000 population by age band;
* pathogens (``sentinelTestsDetectionsPositivity``, ``activityFluTypeSubtype``):
  ``… pathogen, pathogentype, pathogensubtype, indicator, age, value`` — sentinel tests,
  detections and positivity (%) for influenza, RSV and SARS-CoV-2, and detections by
  influenza (and RSV) type/subtype. Which of the two files it is shows in its indicators
  (the sentinel file has ``tests``/``positivity``).

Only the Norway rows are loaded, as national weekly series (``date`` = the Sunday ending the
ISO week; the disease is the ``disease`` column). Rows of other countries are counted as
skipped. A week without a row is "not reported", never zero: inside each series' span such
weeks are stored as empty (NULL) values.

Each file is one *vintage* of a continuously revised publication: its date is taken from the
file name (``ILIARIRates_2026-05-08.csv.gz``), else the last week of its data. The runner keeps
the newest vintage of each dataset and records what a newer one revised.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from data.importers.base import (
    NATION_CODE,
    Parsed,
    SourceFile,
    date_span,
    read_checked,
)

SOURCE_LABEL = "ECDC/WHO Europe, ERVISS (erviss.org)"
SOURCE = "ecdc_erviss"
COUNTRY = "Norway"
RATE_COLUMNS = {"survtype", "countryname", "yearweek", "indicator", "age", "value"}
PATHOGEN_COLUMNS = RATE_COLUMNS | {"pathogen", "pathogentype", "pathogensubtype"}
RATES = {
    "ILIconsultationrate": "ili_consultation_rate",
    "ARIconsultationrate": "ari_consultation_rate",
}
PATHOGEN_INDICATORS = ("tests", "detections", "positivity")
DISEASES = {"Influenza": "influenza", "RSV": "rsv", "SARS-CoV-2": "covid19"}
SURVEILLANCE = {"primary care sentinel": "sentinel", "non-sentinel": "nonsentinel"}
AGE = r"\d{1,3}-\d{1,3}|\d{1,3}\+|total"
VINTAGE_IN_NAME = re.compile(r"(20\d\d-[01]\d-[0-3]\d)")
# A rate per 100 000 cannot exceed 100 000 (a few countries report per 100 consultations:
# never Norway).
MAX_RATE = 100_000.0


def detect(columns: list[str]) -> bool:
    return set(columns) >= RATE_COLUMNS


def slug(text: str) -> str:
    """``A(H1)pdm09`` → ``a_h1_pdm09``: a subtype as part of a measure name."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def vintage_of(name: str) -> dt.date | None:
    """The publication date in a file name, or None."""
    for found in VINTAGE_IN_NAME.findall(name):
        try:
            return dt.date.fromisoformat(found)
        except ValueError:
            continue
    return None


def week_end(yearweek: pd.Series) -> pd.Series:
    """``2026-W03`` → the Sunday ending that ISO week (NaT where not such a week)."""
    return pd.to_datetime(yearweek + "-7", format="%G-W%V-%u", errors="coerce")


def parse(src: SourceFile) -> Parsed:
    table, v = read_checked(src, detect)
    frame, rejects = table.frame, v.rejects
    pathogens = set(frame.columns) >= PATHOGEN_COLUMNS
    indicator_all = frame["indicator"].str.strip()
    if pathogens:
        layout = "sentinel" if indicator_all.isin(["tests", "positivity"]).any() else "activity"
    else:
        layout = "rates"
    country = frame["countryname"].str.strip()
    norway = (country == COUNTRY).to_numpy() & ~v.bad
    other = ~norway & ~v.bad & (country != "").to_numpy()
    v.reject((country == "").to_numpy() & ~v.bad, "countryname", "missing_value")
    # rows of other countries are read and skipped, not validated
    skipped = other
    v.bad |= skipped
    yearweek = frame["yearweek"].str.strip()
    dates = week_end(yearweek)
    v.reject(norway & (yearweek == "").to_numpy(), "yearweek", "missing_value")
    v.reject(
        norway & (yearweek != "").to_numpy() & dates.isna().to_numpy(), "yearweek", "invalid_date"
    )
    today = pd.Timestamp(dt.date.today())
    v.reject(
        norway
        & dates.notna().to_numpy()
        & ((dates < pd.Timestamp("2000-01-01")) | (dates > today + pd.Timedelta(days=6)))
        .fillna(False)
        .to_numpy(dtype=bool),
        "yearweek",
        "date_out_of_range",
    )
    age = frame["age"].str.strip()
    v.reject(norway & ~age.str.fullmatch(AGE).to_numpy(dtype=bool), "age", "unknown_category")
    indicator = indicator_all
    value_text = frame["value"].str.strip()
    values = pd.to_numeric(value_text.where(value_text != ""), errors="coerce").to_numpy(
        dtype="float64"
    )
    v.reject(norway & (value_text == "").to_numpy(), "value", "missing_value")
    v.reject(norway & (value_text != "").to_numpy() & ~np.isfinite(values), "value", "not_a_number")
    finite = np.isfinite(values)
    v.reject(norway & finite & (values < 0), "value", "negative_count")
    disease = pd.Series("respiratory", index=frame.index, dtype=object)
    measure = pd.Series("", index=frame.index, dtype=object)
    if pathogens:
        pathogen = frame["pathogen"].str.strip()
        v.reject(norway & ~pathogen.isin(list(DISEASES)).to_numpy(), "pathogen", "unknown_category")
        v.reject(
            norway & ~indicator.isin(list(PATHOGEN_INDICATORS)).to_numpy(),
            "indicator",
            "unknown_category",
        )
        surv = frame["survtype"].str.strip()
        surv_key = surv.map(SURVEILLANCE).fillna(surv.map(slug))
        v.reject(norway & (surv == "").to_numpy(), "survtype", "missing_value")
        ptype = frame["pathogentype"].str.strip()
        subtype = frame["pathogensubtype"].str.strip()
        total = ptype == pathogen
        label = subtype.where(~subtype.isin(["", "NA", "total"]), ptype)
        v.reject(norway & (~total & (label == "")).to_numpy(), "pathogentype", "missing_value")
        measure = surv_key + "_" + indicator
        measure = measure.where(total, measure + "_" + label.map(slug))
        disease = pathogen.map(DISEASES)
        percent = (indicator == "positivity").to_numpy()
        v.reject(norway & percent & finite & (values > 100), "value", "out_of_range")
        counts = ~percent
        whole = np.zeros(len(values), dtype=bool)
        whole[finite] = values[finite] == np.round(values[finite])
        v.reject(norway & counts & finite & ~whole, "value", "not_an_integer")
        v.reject(norway & counts & finite & (values > 50_000_000), "value", "implausibly_large")
    else:
        v.reject(norway & ~indicator.isin(list(RATES)).to_numpy(), "indicator", "unknown_category")
        measure = indicator.map(RATES).fillna("")
        v.reject(norway & finite & (values > MAX_RATE), "value", "out_of_range")
    v.duplicates(
        [measure.to_numpy(dtype=object), disease.to_numpy(dtype=object), age.to_numpy(), dates],
        "yearweek",
    )
    keep = v.good & norway
    idx = np.flatnonzero(keep)
    facts = pd.DataFrame(
        {
            "disease": disease.to_numpy(dtype=object)[idx],
            "measure": measure.to_numpy(dtype=object)[idx],
            "date": dates.to_numpy()[idx],
            "age_band": age.to_numpy(dtype=object)[idx],
            "value": values[idx],
            "line": table.lines[idx],
        }
    )
    facts = _with_gaps(facts)
    span = date_span(dates[keep])
    last = span["data_date"]
    vintage = vintage_of(src.path.name)
    return Parsed.from_table(
        table,
        keep,
        rejects=rejects,
        dataset=f"{SOURCE}:{layout}",
        structure=2024,
        rows_skipped=int(skipped.sum()),
        skipped_lines=table.lines[skipped],
        facts={"reported_series": facts},
        **span,
        detail={
            "layout": layout,
            "country": COUNTRY,
            "vintage": (vintage or last or dt.date.min).isoformat(),
            "vintage_from": "file name" if vintage else "last week",
            "facts": int(facts["value"].notna().sum()),
        },
        extra={
            "constants": {
                "source": f"erviss_{layout}",
                "structure": 2024,
                "area_level": "nation",
                "area_code": NATION_CODE,
                "period": "week",
                "sex": "T",
            }
        },
    )


SERIES_KEYS = ["disease", "measure", "age_band"]


def _with_gaps(facts: pd.DataFrame) -> pd.DataFrame:
    """Each series with an empty (NaN) row for every week inside its span that has no row:
    a missing week is "not reported", and a stored gap keeps it from reading as a zero."""
    if facts.empty:
        return facts
    spans = facts.groupby(SERIES_KEYS, sort=False)["date"].agg(["min", "max"]).reset_index()
    weeks = (spans["max"] - spans["min"]).dt.days // 7 + 1
    if int(weeks.sum()) == len(facts):
        return facts.sort_values([*SERIES_KEYS, "date"], kind="stable").reset_index(drop=True)
    grid = spans.loc[spans.index.repeat(weeks), SERIES_KEYS].reset_index(drop=True)
    offsets = np.concatenate([np.arange(n) for n in weeks]) * 7
    grid["date"] = spans["min"].repeat(weeks).to_numpy() + pd.to_timedelta(offsets, unit="D")
    full = grid.merge(facts, on=[*SERIES_KEYS, "date"], how="left")
    full["line"] = full["line"].astype("Int64")
    return full
