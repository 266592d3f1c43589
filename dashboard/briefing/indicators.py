"""The brief's indicators of one area on a date, read from the published layer, and what
moved since the day before."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from dashboard import formatting, metrics
from dashboard.briefing.model import TREND_WORDS, Indicator
from dashboard.definitions import (
    case_basis_text,
    definition_of,
    label_of,
    trend_label,
    unit_of,
)
from dashboard.definitions.gaps import not_published_text
from dashboard.i18n import N_, _, ngettext
from dashboard.metrics import testing as testing_metrics
from data import indicators, queries
from data.queries import clusters as cluster_queries
from data.queries import completeness as completeness_queries
from data.queries import key_figures as key_queries
from data.queries import sources as source_queries
from data.queries import vaccination as vaccination_queries
from data.scope import Scope


def _percent(share: Any) -> float | None:
    value = formatting.as_float(share)
    return None if value is None else 100.0 * value


def day_note(scope: Scope, date: dt.date, last: pd.DataFrame, basis: str) -> str:
    """What the day's count counts, and whether that day is complete yet (the data layer's
    completeness window, :mod:`data.queries.completeness`)."""
    day = formatting.date_short(date)
    if basis != "test":
        return _("Tilfeller registrert {dato}.", dato=day)
    complete = bool(last["complete"].all()) if "complete" in last and len(last) else True
    if complete:
        return _("Tilfeller med prøvedato {dato}. Dagen er komplett.", dato=day)
    window = completeness_queries.case_completeness(scope=scope)
    return ngettext(
        "Tilfeller med prøvedato {dato}. Ufullstendig: dagen er ikke ferdig registrert "
        "({andel} % av tilfellene registreres innen {n} dag etter prøvedato), så tallet vil øke.",
        "Tilfeller med prøvedato {dato}. Ufullstendig: dagen er ikke ferdig registrert "
        "({andel} % av tilfellene registreres innen {n} dager etter prøvedato), så tallet vil "
        "øke.",
        int(window["days"]),
        dato=day,
        n=int(window["days"]),
        andel=formatting.number(100 * window["share"]),
    )


def _flags(series: pd.DataFrame, date: dt.date, column: str) -> dict[str, bool]:
    """Whether ``column`` of a published series is hidden as small ("1–4") or withheld to
    protect other cells ("skjult") on ``date``: ``suppressed``, ``withheld``."""
    row = series[series["date"] == pd.Timestamp(date)]
    return {
        kind: bool(len(row) and f"{column}_{kind}" in row and row[f"{column}_{kind}"].iloc[0])
        for kind in ("suppressed", "withheld")
    }


def _with_flags(
    indicator: Indicator, county: pd.DataFrame, nation: pd.DataFrame, date: dt.date, column: str
) -> Indicator:
    """``indicator`` with the county's and the nation's flags of the count ``column``."""
    c, n = _flags(county, date, column), _flags(nation, date, column)
    indicator.county_suppressed, indicator.county_withheld = c["suppressed"], c["withheld"]
    indicator.nation_suppressed, indicator.nation_withheld = n["suppressed"], n["withheld"]
    return indicator


def _case_indicators(
    scope: Scope, date: dt.date, own: pd.DataFrame, county: pd.DataFrame, nation: pd.DataFrame
) -> dict[str, Indicator]:
    basis = queries.dataset_info(scope=scope)["case_date_basis"]
    k, f, n = (metrics.window_counts(s, date) for s in (own, county, nation))
    last = own[own["date"] == pd.Timestamp(date)]
    day_suppressed = bool(last["cases_suppressed"].any()) if len(last) else False
    week_hidden = bool(math.isnan(k["cases_7d"]))
    # the 14-day rate is built on the published 14-day window: shown whenever that cell is
    # (as on every other output), whatever its two halves are
    fortnight_hidden = bool(math.isnan(k["cases_14d"]))

    def compared(key: str, hidden: bool, count: str) -> Indicator:
        """A window's indicator with the county's and the nation's value beside it, and their
        flags of the count it is built on."""
        indicator = Indicator(
            key,
            label_of(key, short=True),
            formatting.as_float(k[key]),
            unit_of(key),
            indicators.get(key).decimals,
            suppressed=hidden,
            county=formatting.as_float(f[key]),
            nation=formatting.as_float(n[key]),
            definition=case_basis_text(indicators.get(key).definition, basis),
        )
        return _with_flags(indicator, county, nation, date, count)

    out = {
        "cases_24h": Indicator(
            "cases_24h",
            label_of("cases", short=True),
            formatting.as_float(last["cases"].iloc[0]) if len(last) else None,
            unit_of("cases"),
            suppressed=day_suppressed,
            daily=True,
            definition=case_basis_text(indicators.get("cases").definition, basis),
            note=day_note(scope, date, last, basis),
        ),
        "cases_7d": compared("cases_7d", week_hidden, "cases_7d"),
        "incidence_7d": compared("incidence_7d", week_hidden, "cases_7d"),
        "incidence_14d": compared("incidence_14d", fortnight_hidden, "cases_14d"),
        "trend": Indicator(
            "trend",
            label_of("trend"),
            None,
            text=trend_label(k["trend"]),
            code=k["trend"],
            definition=definition_of("trend"),
        ),
    }
    return out


def _flag(row: dict[str, Any], *counts: str) -> bool:
    return any(bool(row.get(f"{c}_suppressed", False)) for c in counts)


# the counts each compared indicator is built on (its county/nation value is withheld with them)
BUILT_ON = {
    "cases_7d": ("cases_7d",),
    "incidence_7d": ("cases_7d",),
    "incidence_14d": ("cases_14d",),
    "positivity_7d": ("tests_7d", "positive_7d"),
    "admissions_7d": ("admissions_7d",),
}


def _mark_withheld(indicators: dict[str, Indicator], rows: dict[str, dict[str, Any]]) -> None:
    """The county's and the nation's values that are missing because a count they are built
    on is withheld for the reader (1–4) say so, instead of reading as no data."""
    for key, counts in BUILT_ON.items():
        indicator = indicators.get(key)
        if indicator is None:
            continue
        indicator.county_suppressed = indicator.county is None and _flag(
            rows.get("fylke", {}), *counts
        )
        indicator.nation_suppressed = indicator.nation is None and _flag(
            rows.get("nation", {}), *counts
        )


def _testing_indicator(rows: dict[str, dict[str, Any]]) -> Indicator:
    """Positivity of the 7 days ending on the day, from each level's row of that day (the
    key figures hold the windows): withheld where a count it is built on is."""

    def positivity(level: str) -> float | None:
        row = rows.get(level, {})
        if not row or _flag(row, "tests_7d", "positive_7d"):
            return None
        share = testing_metrics.positivity(row["positive_7d"], row["tests_7d"])
        return _percent(share)

    own = rows.get("kommune", {})
    registered = indicators.get("positivity_7d")
    return Indicator(
        "positivity_7d",
        label_of("positivity_7d", short=True),
        positivity("kommune"),
        registered.unit,
        registered.decimals,
        suppressed=_flag(own, "tests_7d", "positive_7d"),
        county=positivity("fylke"),
        nation=positivity("nation"),
        definition=_(registered.definition),
    )


def _hospital_indicator(rows: dict[str, dict[str, Any]]) -> Indicator:
    """Admissions of the 7 days ending on the day, from each level's row of that day."""

    def admissions(level: str) -> float | None:
        return formatting.as_float(rows.get(level, {}).get("admissions_7d"))

    registered = indicators.get("admissions_7d")
    return Indicator(
        "admissions_7d",
        label_of("admissions_7d", short=True),
        admissions("kommune"),
        unit_of("admissions_7d"),
        suppressed=_flag(rows.get("kommune", {}), "admissions_7d"),
        county=admissions("fylke"),
        nation=admissions("nation"),
        definition=_(registered.definition),
    )


def _coverage_indicators(
    scope: Scope,
    code: str,
    fylke: str,
    date: dt.date,
    coverage: pd.DataFrame,
    compare: bool = True,
) -> dict[str, Indicator]:
    """Coverage of dose 1–3, all ages and 65+, from the key figures' ``coverage`` rows; where
    the data have none (a published snapshot), from :func:`vaccination_groups`."""

    def table(level: Any, area: str | None) -> pd.DataFrame:
        if coverage.empty:
            frame = vaccination_queries.vaccination_groups(
                scope=scope, level=level, code=area, date=date
            )
        else:
            rows = coverage["level"].eq(level) & coverage["date"].eq(pd.Timestamp(date))
            frame = coverage[rows]
        return frame[frame["age_band"].isin(["alle", "65+"])].set_index(["age_band", "dose_number"])

    own = table("kommune", code)
    none = own.iloc[0:0]
    county = table("fylke", fylke) if compare else none
    nation = table("nation", None) if compare else none

    def rows(frame: pd.DataFrame) -> dict[tuple[str, int], tuple[Any, Any, bool]]:
        hidden = frame["hidden"] if "hidden" in frame else pd.Series(False, index=frame.index)
        values = zip(frame["vaccinated"], frame["population"], hidden, strict=True)
        return dict(zip(frame.index, values, strict=True))

    tables = {"own": rows(own), "county": rows(county), "nation": rows(nation)}

    def share(which: str, group: str, dose: int) -> float | None:
        row = tables[which].get((group, dose))
        if row is None:
            return None
        vaccinated, population, hidden = row
        if bool(hidden) or not population:
            return None
        return min(100.0, 100.0 * float(vaccinated) / float(population))

    def withheld(which: str, group: str, dose: int) -> bool:
        row = tables[which].get((group, dose))
        return row is not None and bool(row[2])

    out = {}
    for name, group, _population, _label in indicators.COVERAGE_GROUPS:
        for dose in (1, 2, 3):
            key = f"coverage_{name}_d{dose}"
            value = share("own", group, dose)
            out[key] = Indicator(
                key,
                label_of(key, short=True),
                value,
                indicators.get(key).unit,
                indicators.get(key).decimals,
                # withheld only where the published row says so; a group without
                # residents has no share ("–", as in the API)
                suppressed=withheld("own", group, dose),
                county=share("county", group, dose),
                nation=share("nation", group, dose),
                county_suppressed=withheld("county", group, dose),
                nation_suppressed=withheld("nation", group, dose),
                definition=definition_of(key),
            )
    return out


def _cluster_indicator(scope: Scope, code: str, date: dt.date) -> tuple[Indicator, pd.DataFrame]:
    clusters = cluster_queries.clusters_on(scope=scope, kommunenummer=code, date=date)
    active = clusters[clusters["active"]]
    return (
        Indicator(
            "active_clusters",
            label_of("active_clusters", short=True),
            float(len(active)),
            unit_of("active_clusters"),
            definition=definition_of("active_clusters"),
        ),
        active,
    )


NOT_PUBLISHED = N_("Ikke publisert")
INDICATOR_SUBJECTS = {
    "positivity_7d": "tests",
    "admissions_7d": "hospital",
    "active_clusters": "clusters",
}


def _mark_not_published(indicators: dict[str, Indicator], gaps: dict[str, Any]) -> None:
    """Indicators whose series the data lack per kommune say so, instead of showing 0."""
    for key, subject in INDICATOR_SUBJECTS.items():
        text = not_published_text(subject, gaps[subject])
        if text is None or key not in indicators:
            continue
        old = indicators[key]
        indicators[key] = Indicator(
            key, old.label, None, text=_(NOT_PUBLISHED), code="not_published", definition=text
        )


LEVELS = ("kommune", "fylke", "nation")


def indicators_on(
    *,
    scope: Scope,
    kommunenummer: str,
    fylkesnummer: str,
    date: dt.date,
    start: dt.date,
    read_end: dt.date | None = None,
    compare: bool = True,
) -> tuple[dict[str, Indicator], dict[str, pd.DataFrame]]:
    """The indicators on ``date``, from the key figures of the kommune, its county and the
    nation (:mod:`data.queries.key_figures`). They are read through ``read_end`` (default
    ``date``) and cut at ``date``: the brief reads once for its day and the day before. Without
    ``compare`` the county's and the country's positivity, admissions and coverage are left
    out (the day before needs the kommune's own values only)."""
    end = read_end or date
    figures = key_queries.area_key_figures(
        scope=scope, kommunenummer=kommunenummer, fylkesnummer=fylkesnummer, start=start, end=end
    )
    daily = {
        level: testing_metrics.through(figures[figures["level"] == level], date) for level in LEVELS
    }
    # positivity and admissions: each level's row of the day (the windows are in the row)
    day = pd.Timestamp(date)
    rows = {
        level: frame[frame["date"] == day].iloc[0].to_dict() if (frame["date"] == day).any() else {}
        for level, frame in daily.items()
        if compare or level == "kommune"
    }
    out = _case_indicators(scope, date, daily["kommune"], daily["fylke"], daily["nation"])
    out["positivity_7d"] = _testing_indicator(rows)
    out["admissions_7d"] = _hospital_indicator(rows)
    _mark_withheld(out, rows)
    # coverage is shown for the day and compared with the day before: two days of the read
    coverage = key_queries.area_coverage(
        scope=scope,
        kommunenummer=kommunenummer,
        fylkesnummer=fylkesnummer,
        start=start,
        end=end,
        days=2,
    )
    out.update(_coverage_indicators(scope, kommunenummer, fylkesnummer, date, coverage, compare))
    clusters_indicator, clusters = _cluster_indicator(scope, kommunenummer, date)
    out["active_clusters"] = clusters_indicator
    _mark_not_published(out, source_queries.subject_availability(scope=scope))
    frames = {
        "own": daily["kommune"],
        "county": daily["fylke"],
        "nation": daily["nation"],
        "clusters": clusters,
    }
    return out, frames


CHANGE_KEYS = (
    "incidence_14d",
    "incidence_7d",
    "cases_7d",
    "positivity_7d",
    "admissions_7d",
    "active_clusters",
    "coverage_all_d3",
)


def since_yesterday(today: dict[str, Indicator], yesterday: dict[str, Indicator]) -> list[str]:
    """Plain sentences (in the current language) for the indicators that moved since the
    previous day. Labels and units are shown as given (translated when the briefing is built;
    a source string is translated here)."""
    sentences: list[str] = []
    t_now, t_before = today["trend"].code, yesterday["trend"].code
    if t_now != t_before:
        sentences.append(
            _(
                "Trenden endret seg fra {fra} til {til}.",
                fra=_(TREND_WORDS[t_before]),
                til=_(TREND_WORDS[t_now]),
            )
        )
    for key in CHANGE_KEYS:
        now, before = today.get(key), yesterday.get(key)
        if now is None or before is None:
            continue
        if now.suppressed or before.suppressed or now.value is None or before.value is None:
            continue
        a = round(before.value, now.decimals)
        b = round(now.value, now.decimals)
        if a == b:
            continue
        unit = f" {now.unit}" if now.unit and now.unit != "%" else ""
        til = formatting.number(b, now.decimals)
        values = dict(
            label=_(now.label),
            fra=formatting.number(a, now.decimals),
            til=_("{verdi} %", verdi=til) if now.unit == "%" else til,
            enhet=unit,
        )
        if b > a:
            sentences.append(_("{label} økte fra {fra} til {til}{enhet}.", **values))
        else:
            sentences.append(_("{label} sank fra {fra} til {til}{enhet}.", **values))
    if not sentences:
        sentences.append(_("Ingen av nøkkeltallene endret seg siden i går."))
    return sentences
