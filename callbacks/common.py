"""Helpers shared by callbacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, no_update

from dashboard import dates, disease
from dashboard.auth import current_scope
from dashboard.definitions.gaps import not_published_text, subject_lacking_text
from dashboard.i18n import N_, _, ngettext
from data import published, queries
from data.codes import CURRENT_STRUCTURE, SUBJECTS
from data.queries import AreaLevel, sources
from geo import reference


def as_of(requested: str | None) -> tuple[dt.date, dict[str, Any]]:
    """The reference date to show: the requested one clamped to the data, else the data date."""
    return dates.as_of(requested, scope=current_scope())


def first_date(requested: str | None) -> str | None:
    """The first value of a page's date picker (see :func:`layouts.common.first_date`)."""
    try:
        date, _info = as_of(requested)
    except LookupError:  # no data loaded yet: the page's callback says so
        return requested
    return date.isoformat()


def kommune_options(_id: str) -> list[dict[str, str]]:
    """The kommuner the user may choose, from the user's scope."""
    kommuner = queries.kommune_list(scope=current_scope())
    return [
        {"label": f"{row.name} ({row.kommunenummer})", "value": row.kommunenummer}
        for row in kommuner.itertuples()
    ]


def date_bounds(_id: str) -> tuple[str, str]:
    _date, info = as_of(None)
    return info["period_start"].isoformat(), info["data_date"].isoformat()


URL_SYNC = """
function(kommune, date) {
    if (!kommune) { return window.dash_clientside.no_update; }
    const params = new URLSearchParams(window.location.search);
    if (date) { params.set('dato', date); }
    const query = params.toString();
    const path = '/%(path)s/' + kommune + (query ? '?' + query : '');
    window.history.replaceState(null, '', path);
    return path;
}
"""


def register_kommune_controls(app: Dash, *, prefix: str, path: str) -> None:
    """Options, date bounds and URL state for :func:`layouts.common.kommune_date_controls`."""
    app.callback(Output(f"{prefix}-select", "options"), Input(f"{prefix}-select", "id"))(
        kommune_options
    )
    app.callback(
        Output(f"{prefix}-date", "min_date_allowed"),
        Output(f"{prefix}-date", "max_date_allowed"),
        Input(f"{prefix}-date", "id"),
    )(date_bounds)
    app.clientside_callback(
        URL_SYNC % {"path": path},
        Output(f"{prefix}-url-sync", "data"),
        Input(f"{prefix}-select", "value"),
        Input(f"{prefix}-date", "date"),
    )


def _component(prefix: str, spec: str) -> tuple[str, str]:
    """``"cards"`` → (``{prefix}-cards``, "children"); ``"daily.figure"`` → its figure."""
    name, _dot, prop = spec.partition(".")
    return f"{prefix}-{name}", prop or "children"


def register_kommune_page(
    app: Dash,
    update: Callable[..., Any],
    *,
    prefix: str,
    path: str,
    outputs: str,
    inputs: str = "",
) -> None:
    """A kommune page's controls (:func:`register_kommune_controls`) and its main callback:
    ``update(kommune, date, *inputs)`` fills ``outputs``. Outputs and extra inputs are named,
    separated by spaces, by id suffix and property (``"daily.figure"``; ``"cards"`` is
    ``cards.children``)."""
    register_kommune_controls(app, prefix=prefix, path=path)
    app.callback(
        *(Output(*_component(prefix, spec)) for spec in outputs.split()),
        Input(f"{prefix}-select", "value"),
        Input(f"{prefix}-date", "date"),
        *(Input(*_component(prefix, spec)) for spec in inputs.split()),
    )(update)


# A source string: show it as _(NATION_LABEL) (or nation_label()).
NATION_LABEL = N_("Hele landet")


def nation_label() -> str:
    """ "Hele landet" in the current language."""
    return _(NATION_LABEL)


def series_basis_note(fylkesnummer: str, fylkesnavn: str) -> str:
    """What the county's and the nation's case numbers are: FHI's official series where one
    is imported (:mod:`data.official_series`), else the sum of the kommuner."""
    county = published.series_basis(f"F{fylkesnummer}")
    nation = published.series_basis("NO")
    return _(
        "Fylket ({fylke}): {fylkesgrunnlag}. Hele landet: {landsgrunnlag}.",
        fylke=fylkesnavn,
        fylkesgrunnlag=_("offisiell fylkesserie (FHI)")
        if county == "official"
        else _("summen av kommunene"),
        landsgrunnlag=_("offisiell landsserie (FHI)")
        if nation == "official"
        else _("summen av kommunene"),
    )


def with_disease(title: str) -> str:
    """A heading of numbers of one disease, naming the disease chosen for the request
    («Testing – Oslo (0301), Oslo · influensa»)."""
    return _("{tittel} · {sykdom}", tittel=title, sykdom=disease.name())


def fylke_label(fylkesnavn: str) -> str:
    """A county's name marked as a county, e.g. "Oslo (fylke)", in the current language."""
    return _("{fylke} (fylke)", fylke=fylkesnavn)


def compare_line(fylkesnavn: str, county: str, nation: str) -> str:
    """The line under a kommune's number: its county's and the country's value, the county
    named as a county («Oslo (fylke): 30 · Landet: 309»: Oslo is kommune and county)."""
    return _(
        "{fylke}: {fylkesverdi} · Landet: {landsverdi}",
        fylke=fylke_label(fylkesnavn),
        fylkesverdi=county,
        landsverdi=nation,
    )


@dataclass(frozen=True)
class Context:
    """What every situation page callback starts from."""

    date: dt.date
    date_out: Any  # the date to write back to the picker, or no_update
    info: dict[str, Any]
    kommunenummer: str
    name: str
    fylkesnummer: str
    fylkesnavn: str

    @property
    def fylke_label(self) -> str:
        return fylke_label(self.fylkesnavn)

    def title(self, page: str) -> str:
        """The page heading, naming the disease its numbers are of. ``page`` is the page name
        as a source string (as in ``PAGE["name"]``), translated here; an already translated
        name passes unchanged."""
        return with_disease(
            _(
                "{side} – {kommune} ({nummer}), {fylke}",
                side=_(page),
                kommune=self.name,
                nummer=self.kommunenummer,
                fylke=self.fylkesnavn,
            )
        )

    @property
    def areas(self) -> list[tuple[str, AreaLevel, str | None]]:
        """(label, level, code) of the kommune, its county and the nation, in drawing order."""
        return [
            (self.name, "kommune", self.kommunenummer),
            (self.fylke_label, "fylke", self.fylkesnummer),
            (nation_label(), "nation", None),
        ]


def unknown_kommune_text(kommunenummer: str | None) -> str:
    """The alert text when no (known) kommune was chosen."""
    if kommunenummer:
        return _(
            "Fant ingen kommune med nummer {nummer}. Velg en kommune i listen.",
            nummer=kommunenummer,
        )
    return _("Velg en kommune i listen.")


def page_context(
    kommunenummer: str | None, requested_date: str | None
) -> tuple[Context | None, Any, dbc.Alert | None]:
    """Resolve the as-of date and the kommune; an alert (translated) when the kommune is unknown.

    Returns (context or None, date to write back, alert or None).
    """
    date, info = as_of(requested_date)
    date_out = date.isoformat() if date.isoformat() != requested_date else no_update
    # Existence from the reference register; access is decided by the data layer, which
    # refuses (and audits) a kommune outside the user's scope, whatever the dropdown sent:
    # the ScopeError goes to the app's error handler, and no output is sent.
    kommuner = reference.kommuner(CURRENT_STRUCTURE).set_index("kommunenummer")
    if not kommunenummer or kommunenummer not in kommuner.index:
        return None, date_out, dbc.Alert(unknown_kommune_text(kommunenummer), color="warning")
    row = kommuner.loc[kommunenummer]
    context = Context(
        date=date,
        date_out=date_out,
        info=info,
        kommunenummer=kommunenummer,
        name=str(row["name"]),
        fylkesnummer=str(row["fylkesnummer"]),
        fylkesnavn=str(row["fylkesnavn"]),
    )
    return context, date_out, None


def availability(subject: str, kommunenummer: str | None = None) -> dict[str, Any]:
    """What the loaded data have of a page subject (see ``sources.subject_availability``);
    with ``kommunenummer``, a kommune outside the user's scope is refused there."""
    return sources.subject_availability(scope=current_scope(), kommunenummer=kommunenummer)[subject]


def not_published(subject: str, kommunenummer: str | None = None) -> dbc.Alert | None:
    """A plain "not published" notice when the data lack ``subject`` per kommune, else None.

    Pages show it (and national figures where those exist) instead of zeros. Pass the page's
    kommune: the request is then refused (and audited) for a kommune outside the scope even
    when there is nothing to show. A subject the chosen disease does not have (certificates
    for influenza, from ``data.codes.DISEASES``) is said to exist only for those that have it.
    """
    chosen = disease.chosen()
    if subject in SUBJECTS and not chosen.has(subject):
        availability(subject, kommunenummer)  # a kommune outside the scope is still refused
        return dbc.Alert(
            subject_lacking_text(subject, chosen.code), color="info", className="not-published mb-3"
        )
    text = not_published_text(subject, availability(subject, kommunenummer))
    if text is None:
        return None
    return dbc.Alert(text, color="info", className="not-published mb-3")


def national_daily(measure: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """A published national series on every day in [start, end]: date, value (NaN where not
    published), mean_7d."""
    frame = sources.reported_series(scope=current_scope(), measure=measure, start=start, end=end)
    days = pd.DataFrame({"date": pd.date_range(start, end, freq="D")})
    published = frame[["date", "value"]].assign(date=pd.to_datetime(frame["date"]))
    out = days.merge(published, on="date", how="left")
    out["mean_7d"] = out["value"].astype("float64").rolling(7, min_periods=7).mean()
    return out


def incomplete_note(series: pd.DataFrame, date: Any) -> str | None:
    """A card's note when its window ends in test dates not yet complete (the ``complete``
    column the data layer sets, :mod:`data.queries.completeness`)."""
    if "complete" not in series:
        return None
    window = series[(series["date"] <= pd.Timestamp(date))].tail(7)
    missing = int((~window["complete"].astype(bool)).sum())
    if not missing:
        return None
    return ngettext(
        "Siste dag er ufullstendig (ikke ferdig registrert)",
        "Siste {n} dager er ufullstendige (ikke ferdig registrert)",
        missing,
        n=missing,
    )
