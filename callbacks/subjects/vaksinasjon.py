"""Vaksinasjon: coverage by age band × dose and over time, residents 65+ without a dose; the
kommune against its county, the whole country and its neighbours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from callbacks.common import Context
from callbacks.subject import (
    AGE_LABELS,
    Place,
    age_label,
    compare_note,
    comparison_table,
    count,
    declare,
    neighbour_window,
    percent,
)
from callbacks.subjects import View
from dashboard import figures, formatting
from dashboard.definitions.vaccination import (
    COVERAGE,
    COVERAGE_OVER_TIME,
    HIDDEN_NOTE,
    OVER_100_NOTE,
    UNVACCINATED,
)
from dashboard.figures import testing as testing_figures
from dashboard.figures import vaccination as vaccination_figures
from dashboard.figures.testing import Measure
from dashboard.i18n import N_, _
from dashboard.metrics import vaccination as vaccination_metrics
from data.codes import AGE_BANDS
from data.queries import population as population_queries
from data.queries import vaccination as vaccination_queries
from layouts.common import card
from layouts.subject_page import Column, Row, Slot

GROUP_ALL = vaccination_metrics.GROUP_ALL
GROUP_65 = vaccination_metrics.GROUP_65
ROW_LABELS = {
    **{b: age_label(b) for b in AGE_BANDS},
    GROUP_65: N_("65+ samlet"),
    GROUP_ALL: N_("Alle"),
}
HEATMAP_ROWS = [*AGE_BANDS, GROUP_65, GROUP_ALL]
Lookup = dict[tuple[str, int], dict[str, Any]]


def _row_label(group: str) -> str:
    """An age band ("0–11") as it is, a group ("65+ samlet", "Alle") translated."""
    label = ROW_LABELS.get(group, group)
    return _(label) if group in (GROUP_65, GROUP_ALL) else label


def _coverage_text(value: dict[str, Any]) -> str:
    text = percent(value["display"], 1, hidden=value["hidden"])
    return f"{text}*" if value["over_100"] and not value["hidden"] else text


def _value(lookup: Lookup, group: str, dose: int) -> dict[str, Any]:
    nan = float("nan")
    return lookup.get((group, dose), {"display": nan, "over_100": False, "hidden": False})


def _cards(context: Context, lookups: list[Lookup]) -> list:
    def coverage_card(group: str, dose: int, title: str) -> dbc.Col:
        at = [_value(lookup, group, dose) for lookup in lookups]
        return dbc.Col(
            card(
                title,
                _coverage_text(at[0]),
                note=compare_note(context, _coverage_text(at[1]), _coverage_text(at[2])),
                card_id=f"vaksinasjon-card-{'65' if group == GROUP_65 else 'alle'}-{dose}",
            ),
            md=3,
        )

    total = vaccination_metrics.risk_rows(lookups[0])[-1]  # the 65+ group
    unvaccinated = dbc.Col(
        card(
            _("65 år og eldre uten dose 1"),
            count(total["unvaccinated"], bool(total["unvaccinated_suppressed"])),
            note=_(
                "av {population} innbyggere 65+ ({share})",
                population=formatting.number(total["population"]),
                share=percent(total["share"], 1, hidden=bool(total["hidden"])),
            ),
            card_id="vaksinasjon-card-unvaccinated",
        ),
        md=3,
    )
    return [
        coverage_card(GROUP_ALL, 1, _("Hele befolkningen: minst 1 dose")),
        coverage_card(GROUP_ALL, 2, _("Hele befolkningen: minst 2 doser")),
        coverage_card(GROUP_ALL, 3, _("Hele befolkningen: minst 3 doser")),
        unvaccinated,
        coverage_card(GROUP_65, 1, _("65 år og eldre: minst 1 dose")),
        coverage_card(GROUP_65, 2, _("65 år og eldre: minst 2 doser")),
        coverage_card(GROUP_65, 3, _("65 år og eldre: minst 3 doser")),
        coverage_card(GROUP_65, 4, _("65 år og eldre: minst 4 doser")),
    ]


def _by_age(lookup: Lookup) -> pd.DataFrame:
    """Age bands as rows, capped coverage of each dose as columns dose_1 … dose_4."""
    return pd.DataFrame(
        {
            "age_band": [age_label(b) for b in AGE_BANDS],
            **{
                f"dose_{d}": [_value(lookup, b, d)["display"] for b in AGE_BANDS]
                for d in vaccination_metrics.DOSES
            },
        }
    )


def _unvaccinated_table(context: Context, lookups: list[Lookup]) -> html.Div:
    own, fylke, nation = (vaccination_metrics.risk_rows(lookup) for lookup in lookups)
    rows = []
    for i, r in enumerate(own):
        label = _row_label(str(r["age_band"]))
        rows.append(
            (
                _("{band} år", band=label) if r["age_band"] != GROUP_65 else label,
                [
                    formatting.number(r["population"]),
                    count(r["unvaccinated"], bool(r["unvaccinated_suppressed"])),
                    percent(r["share"], 1, hidden=bool(r["hidden"])),
                    percent(fylke[i]["share"], 1, hidden=bool(fylke[i]["hidden"])),
                    percent(nation[i]["share"], 1, hidden=bool(nation[i]["hidden"])),
                ],
                "own" if r["age_band"] == GROUP_65 else "band",
            )
        )
    return comparison_table(
        [
            _("Alder"),
            _("Innbyggere"),
            _("Uten dose 1"),
            _("Andel"),
            _("Andel {fylke}", fylke=context.fylkesnavn),
            _("Andel landet"),
        ],
        rows,
        table_id="vaksinasjon-unvaccinated-table",
        show_neighbour_note=False,
    )


def _row_values(lookup: Lookup) -> list[str]:
    cells = [
        _coverage_text(_value(lookup, group, dose))
        for group, dose in ((GROUP_ALL, 1), (GROUP_ALL, 2), (GROUP_ALL, 3), (GROUP_65, 3))
    ]
    total = lookup.get((GROUP_65, 1))
    if total is None:
        return [*cells, "–"]
    return [*cells, count(total["unvaccinated"], bool(total["unvaccinated_suppressed"]))]


def _neighbour_rows(
    context: Context,
    window: pd.DataFrame,
    names: dict[str, str],
    areas: list[tuple[str, Lookup]],
) -> list[tuple[str, list[str], str]]:
    lookups = vaccination_metrics.coverage_lookup(window, by="kommunenummer")
    rows = []
    for code in dict.fromkeys(window["kommunenummer"].astype(str)):
        kind = "own" if code == context.kommunenummer else "neighbour"
        rows.append((f"{names.get(code, code)} ({code})", _row_values(lookups[code]), kind))
    for label, lookup in areas:
        rows.append((label, _row_values(lookup), "area"))
    return rows


def _population_text(view: View, population: pd.DataFrame) -> str:
    year = int(population["year"].iloc[0])
    if view.notice is not None:
        # Real data: one published coverage snapshot (ages 12+), no doses by age and day.
        return _(
            "Dekningen er FHIs publiserte øyeblikksbilde (SYSVAK): personer med minst dose n "
            "per aldersgruppe 12 år og eldre, regnet mot FHIs befolkningstall for gruppen. "
            "«Hele befolkningen» er vaksinerte 12 år og eldre mot FHIs tall for 12 år og eldre "
            "pluss SSBs tall for 0–11 år (1. januar {year}); vaksinerte under 12 år er ikke "
            "publisert. Før øyeblikksbildet finnes ingen dekning.",
            year=year,
        )
    pop_65 = int(population.loc[population["age_band"].isin(AGE_BANDS[8:]), "population"].sum())
    return _(
        "Befolkning per 1. januar {year} (SSB): {population} innbyggere, herav {population_65} "
        "som er 65 år eller eldre. Dekningen er regnet mot denne befolkningen.",
        year=year,
        population=formatting.number(population["population"].sum()),
        population_65=formatting.number(pop_65),
    )


def render(view: View) -> dict[str, Any]:
    context, scope = view.context, view.scope
    date, info, areas = context.date, context.info, context.areas
    at_date = [
        vaccination_queries.vaccination_coverage(scope=scope, level=level, code=code, date=date)
        for _label, level, code in areas
    ]
    population = population_queries.population_by_age(
        scope=scope, level="kommune", code=context.kommunenummer, date=date
    )
    window, names, left_out = neighbour_window(view, vaccination_queries.vaccination_by_kommune)
    lookups = [vaccination_metrics.coverage_lookup(x) for x in at_date]
    labels = [label for label, _l, _c in areas]
    matrix = vaccination_metrics.coverage_matrix(at_date[0], HEATMAP_ROWS)
    notes = []
    if matrix["over_100"].to_numpy().any():
        notes.append(_(OVER_100_NOTE))
    if matrix["hidden"].to_numpy().any():
        notes.append(_(HIDDEN_NOTE))

    series = [
        vaccination_metrics.coverage_series(
            vaccination_queries.vaccination_series(
                scope=scope,
                level=level,
                code=code,
                start=info["period_start"],
                end=info["data_date"],
                population_date=dt.date(date.year, 1, 1),
            ),
            date=date,
        )
        for _label, level, code in areas
    ]

    def over_time(group: str, title: str) -> Any:
        if view.notice is not None:  # one snapshot is not a series over time
            return figures.message_figure(_("{title}: ikke publisert per kommune.", title=title))
        return vaccination_figures.coverage_over_time(
            [(label, s[s["age_band"] == group]) for label, s in zip(labels, series, strict=True)],
            group_title=title,
        )

    return {
        "population": _population_text(view, population),
        "cards": _cards(context, lookups),
        "heatmap": vaccination_figures.coverage_heatmap(
            matrix,
            title=_(
                "Dekning etter alder og dose – {kommune}, {date}",
                kommune=context.name,
                date=formatting.date_short(date),
            ),
            row_labels={group: _row_label(group) for group in HEATMAP_ROWS},
        ),
        "heatmap-note": " ".join(notes),
        "age": testing_figures.age_comparison(
            [(label, _by_age(lookup)) for label, lookup in zip(labels, lookups, strict=True)],
            [
                Measure(
                    f"dose_{d}",
                    _("Minst dose {n}", n=d),
                    scale=100,
                    decimals=1,
                    suffix=" %",
                    range=(-3, 103),
                )
                for d in vaccination_metrics.DOSES
            ],
            title=_("Kommunen mot fylket og landet, etter aldersgruppe"),
            bands=AGE_LABELS,
        ),
        "over-time-all": over_time(GROUP_ALL, _("Dekning over tid – hele befolkningen")),
        "over-time-65": over_time(GROUP_65, _("Dekning over tid – 65 år og eldre")),
        "unvaccinated": _unvaccinated_table(context, lookups),
        "neighbours": comparison_table(
            [
                _("Kommune"),
                _("Dose {n}", n=1),
                _("Dose {n}", n=2),
                _("Dose {n}", n=3),
                _("65+ dose 3"),
                _("65+ uten dose 1"),
            ],
            _neighbour_rows(
                context, window, names, list(zip(labels[1:], lookups[1:], strict=True))
            ),
            table_id="vaksinasjon-neighbour-table",
            left_out=left_out,
        ),
    }


PAGE = declare(
    Place("vaksinasjon", N_("Vaksinasjon"), 3, "tiltak"),
    parts=(
        Slot("population", "text", class_name="small text-muted mb-2"),
        Slot("cards", "cards"),
        Row(
            (
                Column(
                    (
                        Slot("heatmap", "figure"),
                        Slot("heatmap-note", "text", class_name="small text-muted"),
                    ),
                    {"lg": 5},
                ),
                Slot("age", "figure", {"lg": 7}),
            )
        ),
        Row(
            (
                Slot("over-time-all", "figure", {"lg": 6}),
                Slot("over-time-65", "figure", {"lg": 6}),
            )
        ),
        Row(
            (
                Slot(
                    "unvaccinated",
                    width={"lg": 5},
                    heading=N_("Uvaksinerte 65 år og eldre (ingen dose)"),
                ),
                Slot("neighbours", width={"lg": 7}, heading=N_("Nabokommuner")),
            )
        ),
    ),
    definitions=(COVERAGE, COVERAGE_OVER_TIME, UNVACCINATED),
    render=render,
    subject="vaccination_by_age",
)
