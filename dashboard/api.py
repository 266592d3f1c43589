"""The read-only JSON API (``/api/v1/…``): the published picture for scripts and other systems.

Behind the same login and scope as the pages (a request without a session gets 401, a kommune
outside the scope 403 and an audit line), reading the same published cells
(:func:`data.queries.key_figures.published_series`) and the indicator registry
(:mod:`data.indicators`): an indicator, area and date give the same value here as on every
page and export. Machine names are stable, dates ISO 8601; malformed parameters get a 400 with
a message, never a 500. The description is ``/api/v1/openapi.json`` (OpenAPI 3.1).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from dash import Dash
from flask import Response, jsonify, request

from dashboard import formatting
from dashboard.auth import current_scope
from dashboard.i18n import _
from dashboard.metrics.vaccination import capped, coverage
from data import indicators, queries, views
from data.codes import DISEASES
from data.queries import key_figures as key_queries
from data.rollups import COUNTY_PREFIX, NATION
from data.scope import ScopeError
from geo import reference

PREFIX = "/api/v1"
MAX_DAYS = 3 * 366
# counts and rates on the published key-figure cells (not the trend, a category)
KEY_FIGURE_INDICATORS = [
    i
    for i in indicators.INDICATORS.values()
    if i.numerator in key_queries.SERIES_COUNTS and i.kind in ("count", "rate", "share")
]
# coverage by dose of the whole population and of residents 65+ (the Morgenbrief's cards)
COVERAGE_INDICATORS = [
    i for i in indicators.INDICATORS.values() if dict(i.params).get("dose") is not None
]
# indicators with a read of their own (the registry's ``reader``), e.g. weekly ILI consultations
READ_INDICATORS = [i for i in indicators.INDICATORS.values() if i.reader is not None]
SERIES_INDICATORS = [*KEY_FIGURE_INDICATORS, *COVERAGE_INDICATORS, *READ_INDICATORS]


class ApiError(ValueError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _error(message: str, status: int) -> tuple[Response, int]:
    return jsonify(error=message, status=status), status


def _area(code: str) -> tuple[str, str, str | None]:
    """(key-figure area, level, code) of an area parameter: a kommunenummer (4 digits), a
    fylkesnummer (2 digits) or ``NO``."""
    if code == NATION:
        return NATION, "nation", None
    if len(code) == 2 and code.isdigit():
        if code not in set(reference.kommuner(2024)["fylkesnummer"].astype(str)):
            raise ApiError(_("Ukjent fylke {fylke}", fylke=code), 404)
        return COUNTY_PREFIX + code, "fylke", code
    if len(code) == 4 and code.isdigit():
        if code not in set(reference.kommuner(2024)["kommunenummer"]):
            raise ApiError(_("Ukjent kommune {kommune}", kommune=code), 404)
        return code, "kommune", code
    raise ApiError(_("Ugyldig område: bruk kommunenummer, fylkesnummer eller NO"))


def _date(name: str, default: dt.date) -> dt.date:
    text = request.args.get(name)
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError(_("Ugyldig dato i {felt}: bruk ÅÅÅÅ-MM-DD", felt=name)) from None


def indicator_value(row: pd.Series | dict[str, Any], indicator: indicators.Indicator) -> dict:
    """One indicator on one published row: value (rounded as shown), status and the label a
    withheld value reads with."""
    numerator = row[indicator.numerator]
    hidden = bool(row.get(f"{indicator.numerator}_suppressed", False))
    value: float | None = None if pd.isna(numerator) else float(numerator)
    if indicator.denominator is not None and not hidden:
        denominator = formatting.as_float(row.get(indicator.denominator))
        hidden = bool(row.get(f"{indicator.denominator}_suppressed", False))
        value = (
            None
            if hidden or value is None or not denominator
            else value * indicator.per / denominator
        )
    if hidden:
        kind = "count" if indicator.is_count else "rate"
        label = formatting.withheld(kind, daily=indicator.window_days == 1)
        return {"value": None, "status": "withheld", "label": label}
    if bool(row.get(f"{indicator.numerator}_withheld", False)):  # to protect other cells
        return {"value": None, "status": "withheld", "label": formatting.withheld("rate")}
    if value is None or math.isnan(value):
        return {"value": None, "status": "missing"}
    return {"value": round(value, indicator.decimals), "status": "shown"}


def coverage_values(
    frame: pd.DataFrame, indicator: indicators.Indicator, days: pd.DatetimeIndex
) -> list[dict[str, Any]]:
    """A coverage indicator on each day: the share of the group with dose n as shown (at
    most 100 %), "skjult" where the role may not see it."""
    stratum = dict(indicator.stratum)
    by_day: dict[pd.Timestamp, Any] = {}
    if not frame.empty:
        rows = frame[
            frame["age_band"].eq(stratum["age_band"]) & frame["dose_number"].eq(stratum["dose"])
        ]
        by_day = {pd.Timestamp(r.date): r for r in rows.itertuples()}
    out: list[dict[str, Any]] = []
    for day in days:
        row = by_day.get(pd.Timestamp(day))
        point: dict[str, Any] = {"date": day.date().isoformat()}
        if row is not None and bool(row.hidden):
            point |= {"value": None, "status": "withheld", "label": formatting.withheld("rate")}
        elif row is None or not row.population:
            point |= {"value": None, "status": "missing"}
        else:  # the vaccination pages' coverage, shown at most 100 %
            share = capped(coverage(float(row.vaccinated), float(row.population)))
            point |= {"value": round(indicator.per * share, indicator.decimals), "status": "shown"}
        out.append(point)
    return out


def _describe(indicator: indicators.Indicator) -> dict[str, Any]:
    return {
        **indicator.as_dict(),
        "label": _(indicator.label, **dict(indicator.params)),
        "unit_label": _(indicator.unit) if indicator.unit else "",
        "definition": _(indicator.definition),
        "source": _(indicator.source),
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API."""
    area = {
        "name": "area",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "examples": ["0301", "46", "NO"]},
        "description": "kommunenummer (4 digits), fylkesnummer (2 digits) or NO (the nation)",
    }
    value = {
        "type": "object",
        "properties": {
            "date": {"type": "string", "format": "date"},
            "value": {"type": ["number", "null"]},
            "status": {"type": "string", "enum": ["shown", "withheld", "missing"]},
            "label": {"type": "string", "description": "how a withheld value reads"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Situasjonsbilde API",
            "version": "1",
            "description": (
                "Read-only published statistics. Session login as for the dashboard; values "
                "are protected for the caller's role exactly as on the pages."
            ),
        },
        "paths": {
            f"{PREFIX}/indicators": {
                "get": {"summary": "The indicator registry", "responses": {"200": {}}}
            },
            f"{PREFIX}/areas": {
                "get": {
                    "summary": "Kommuner, counties and the nation in scope",
                    "responses": {"200": {}},
                }
            },
            f"{PREFIX}/kommuner": {
                "get": {
                    "summary": "One indicator for every kommune in scope on one date",
                    "parameters": [
                        {
                            "name": "indicator",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "enum": [i.id for i in AREA_INDICATORS]},
                        },
                        {
                            "name": "date",
                            "in": "query",
                            "schema": {"type": "string", "format": "date"},
                        },
                    ],
                    "responses": {"200": {}, "400": {"description": "malformed parameter"}},
                }
            },
            f"{PREFIX}/series": {
                "get": {
                    "summary": "One indicator for one area and date range",
                    "parameters": [
                        {
                            "name": "indicator",
                            "in": "query",
                            "required": True,
                            "schema": {
                                "type": "string",
                                "enum": [i.id for i in SERIES_INDICATORS],
                            },
                        },
                        area,
                        {
                            "name": "from",
                            "in": "query",
                            "schema": {"type": "string", "format": "date"},
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "schema": {"type": "string", "format": "date"},
                        },
                        {  # read by dashboard.disease for every API request
                            "name": "disease",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(DISEASES)},
                        },
                    ],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"values": {"type": "array", "items": value}},
                                    }
                                }
                            }
                        },
                        "400": {"description": "malformed parameter"},
                        "401": {"description": "not logged in"},
                        "403": {"description": "area outside the caller's scope"},
                        "404": {"description": "unknown area"},
                    },
                }
            },
        },
    }


def series(indicator_id: str, area_code: str) -> dict[str, Any]:
    scope = current_scope()
    try:
        indicator = indicators.get(indicator_id)
    except KeyError:
        raise ApiError(_("Ukjent indikator {id}", id=indicator_id)) from None
    if indicator not in SERIES_INDICATORS:
        raise ApiError(_("Ukjent indikator {id}", id=indicator_id))
    area, level, code = _area(area_code)
    info = queries.dataset_info(scope=scope)
    end = min(_date("to", info["data_date"]), info["data_date"])
    start = max(_date("from", end - dt.timedelta(days=27)), info["period_start"])
    if start > end:
        raise ApiError(_("«from» er etter «to»"))
    if (end - start).days > MAX_DAYS:
        raise ApiError(_("Høyst {n} dager per spørring", n=MAX_DAYS))
    if indicator in COVERAGE_INDICATORS:
        frame = key_queries.published_coverage(scope=scope, area=area, start=start, end=end)
        values = coverage_values(frame, indicator, pd.date_range(start, end, freq="D"))
    else:
        # the indicator's reader or the key figures; the nation from the official series
        # the registry names, where imported (data.views: the same read as every page)
        frame = views.series(indicator, scope=scope, level=level, code=code, start=start, end=end)
        values = [
            {
                "date": row["date"].date().isoformat(),
                **(
                    {"value": round(float(row["value"]), indicator.decimals), "status": "shown"}
                    if row["official"]
                    else indicator_value(row, indicator)
                ),
            }
            for _i, row in frame.iterrows()
        ]
    return {
        "indicator": indicator.id,
        "area": area_code,
        "level": level,
        "code": code,
        "disease": views.disease_of(indicator),
        "unit": indicator.unit,
        "definition": _(indicator.definition),
        "source": _(indicator.source),
        "data_date": info["data_date"].isoformat(),
        "from": start.isoformat(),
        "to": end.isoformat(),
        "values": values,
    }


# indicators read for every kommune at once (the registry's ``area_reader``): the map's and
# the overview's values, P(growth) among them
AREA_INDICATORS = [i for i in indicators.INDICATORS.values() if i.area_reader is not None]


def kommune_values(indicator_id: str) -> dict[str, Any]:
    """Every kommune in the caller's scope on one date (a weekly indicator: the ISO week
    ending on or before it), as the map and the Kommuneoversikt show them."""
    scope = current_scope()
    indicator = next((i for i in AREA_INDICATORS if i.id == indicator_id), None)
    if indicator is None:
        raise ApiError(_("Ukjent indikator {id}", id=indicator_id))
    info = queries.dataset_info(scope=scope)
    day = _date("date", info["data_date"])
    if not info["period_start"] <= day <= info["data_date"]:
        raise ApiError(
            _(
                "Datoen må være mellom {fra} og {til}",
                fra=info["period_start"].isoformat(),
                til=info["data_date"].isoformat(),
            )
        )
    frame = views.area_values(indicator, scope=scope, date=day)
    values = []
    for row in frame.to_dict("records"):
        point: dict[str, Any] = {"area": str(row["kommunenummer"])}
        if bool(row["hidden"]) and (
            pd.isna(row[indicator.numerator]) or bool(row.get(f"{indicator.numerator}_suppressed"))
        ):
            label = formatting.withheld("count" if indicator.is_count else "rate")
            point |= {"value": None, "status": "withheld", "label": label}
        elif pd.isna(row["value"]):
            point |= {"value": None, "status": "missing"}
        else:
            point |= {"value": round(float(row["value"]), indicator.decimals), "status": "shown"}
        values.append(point)
    end = pd.Timestamp(frame["date"].iloc[0]).date() if len(frame) else day
    return {
        "indicator": indicator.id,
        "date": end.isoformat(),
        "period": indicator.period,
        "unit": indicator.unit,
        "definition": _(indicator.definition),
        "source": _(indicator.source),
        "data_date": info["data_date"].isoformat(),
        "values": values,
    }


def init_api(app: Dash) -> None:
    server = app.server

    @server.errorhandler(ApiError)
    def api_error(err: ApiError) -> tuple[Response, int]:
        return _error(str(err), err.status)

    @server.route(f"{PREFIX}/openapi.json")
    def api_openapi() -> Response:
        return jsonify(openapi())

    @server.route(f"{PREFIX}/indicators")
    def api_indicators() -> Response:
        return jsonify(indicators=[_describe(i) for i in SERIES_INDICATORS])

    @server.route(f"{PREFIX}/areas")
    def api_areas() -> Response:
        scope = current_scope()
        kommuner = queries.kommune_list(scope=scope)
        fylker = reference.kommuner(2024)[["fylkesnummer", "fylkesnavn"]].drop_duplicates()
        return jsonify(
            kommuner=[
                {"code": str(k), "name": str(n), "level": "kommune"}
                for k, n in zip(kommuner["kommunenummer"], kommuner["name"], strict=True)
            ],
            fylker=[
                {"code": str(f), "name": str(n), "level": "fylke"}
                for f, n in zip(fylker["fylkesnummer"], fylker["fylkesnavn"], strict=True)
            ],
            nation=[{"code": NATION, "name": _("Hele landet"), "level": "nation"}],
        )

    @server.route(f"{PREFIX}/kommuner")
    def api_kommuner() -> Any:
        return jsonify(kommune_values(request.args.get("indicator", "")))

    @server.route(f"{PREFIX}/series")
    def api_series() -> Any:
        indicator_id = request.args.get("indicator", "")
        area_code = request.args.get("area", "")
        try:
            return jsonify(series(indicator_id, area_code))
        except ScopeError as err:  # audited by the data layer
            return _error(str(err), 403)


__all__ = ["PREFIX", "indicator_value", "init_api", "kommune_values", "openapi"]
