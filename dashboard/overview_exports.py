"""Export routes of the Kommuneoversikt (CSV, Excel) and the weekly report (PDF, CSV, JSON).

Each export is checked against the role's export right, read with the user's scope (so the
same small-number protection as the page applies: a KS analyst's file has "1–4" where the
page has "1–4"), and written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from dash import Dash
from flask import Response, abort, request
from flask_login import current_user

from dashboard import disease, i18n, report_pdf, reports
from dashboard import overview as overview_view
from dashboard.auth import current_scope, directory
from dashboard.i18n import _
from data import audit, queries
from data.scope import Scope, ScopeError

# export rights (dashboard.auth.Role.export) that allow each kind of file
OVERVIEW_EXPORT = {"yes", "protected"}
REPORT_EXPORT = {"yes", "protected", "briefing"}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def may_export(allowed: set[str]) -> bool:
    roles = getattr(current_user, "roles", ())
    known = directory().roles
    return any(known[r].export in allowed for r in roles if r in known)


def refuse_export(scope: Scope, what: str, kommunenummer: str | None = None) -> None:
    audit.refused(
        scope,
        f"export.{what}",
        ScopeError(f"Rollen {scope.role} kan ikke eksportere {what}", kommunenummer=kommunenummer),
    )
    abort(403, description=_("Rollen din har ikke rett til denne eksporten."))


def _date(scope: Scope) -> tuple[dt.date, dict]:
    info = queries.dataset_info(scope=scope)
    try:
        date = dt.date.fromisoformat(request.args.get("dato", ""))
    except ValueError:
        date = info["data_date"]
    return min(max(date, info["period_start"]), info["data_date"]), info


def _file(payload: bytes, fmt: str, filename: str) -> Response:
    return Response(
        payload,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def init_overview_exports(app: Dash) -> None:
    server = app.server

    @server.route("/oversikt/eksport.<fmt>")
    def overview_export(fmt: str) -> Response:
        """For people: CSV for Norwegian Excel, Excel."""
        if fmt not in ("csv", "xlsx"):
            abort(404)
        return _overview_file(fmt, "eksport")

    @server.route("/oversikt/data.<fmt>")
    def overview_data(fmt: str) -> Response:
        """For scripts: CSV (English names, decimal point, ISO dates) and JSON."""
        if fmt not in ("csv", "json"):
            abort(404)
        return _overview_file(fmt, "data")

    def _overview_file(fmt: str, kind: str) -> Response:
        scope = current_scope()
        if not may_export(OVERVIEW_EXPORT):
            refuse_export(scope, "kommuneoversikt")
        date, info = _date(scope)
        started = time.perf_counter()
        overview = overview_view.build_overview(scope=scope, date=date, info=info)
        renderers: dict[tuple[str, str], Callable[[overview_view.Overview], bytes]] = {
            ("eksport", "csv"): overview_view.to_csv,
            ("eksport", "xlsx"): overview_view.to_excel,
            ("data", "csv"): overview_view.to_machine_csv,
            ("data", "json"): overview_view.to_json,
        }
        payload = renderers[(kind, fmt)](overview)
        audit.record(
            scope,
            "export",
            detail={
                "format": fmt if kind == "eksport" else f"{kind}.{fmt}",
                "what": "kommuneoversikt",
                "disease": disease.chosen().code,
                "date": date.isoformat(),
                "rows": len(overview.kommuner),
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
        suffix = "" if kind == "eksport" else "-data"
        name = f"kommuneoversikt{suffix}{disease.file_part()}-{date.isoformat()}.{fmt}"
        return _file(payload, fmt, name)

    @server.route("/rapport/<kommunenummer>/<week>.<fmt>")
    def weekly_report(kommunenummer: str, week: str, fmt: str) -> Response:
        if fmt not in ("pdf", "csv", "json"):
            abort(404)
        scope = current_scope()
        if not may_export(REPORT_EXPORT):
            refuse_export(scope, "ukerapport", kommunenummer)
        started = time.perf_counter()
        # the PDF in the language asked for (?sprak=en), bokmål by default; CSV and JSON are
        # the documented machine layout, always bokmål whatever the page's language
        language = request.args.get("sprak", i18n.DEFAULT_LANGUAGE) if fmt == "pdf" else ""
        if language not in i18n.LANGUAGES:
            language = i18n.DEFAULT_LANGUAGE
        try:
            with i18n.language(language):
                report = reports.build_weekly_report(
                    scope=scope, kommunenummer=kommunenummer, week=week
                )
        except ScopeError as err:  # already audited by the data layer
            abort(403, description=str(err))
        except reports.ReportError as err:
            abort(404, description=str(err))
        if fmt == "pdf":
            payload = report_pdf.report_pdf(report, language)
        else:
            payload = {"csv": reports.report_csv, "json": reports.report_json}[fmt](report)
        audit.record(
            scope,
            "export",
            kommunenummer=kommunenummer,
            detail={
                "format": fmt,
                "what": "ukerapport",
                "week": report.week,
                "language": language,
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
        return _file(
            payload, fmt, f"ukerapport-{kommunenummer}{disease.file_part()}-{report.week}.{fmt}"
        )
