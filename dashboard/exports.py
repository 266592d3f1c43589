"""Export routes (PDF of the Morgenbrief). Each export is checked against the role's export
right and the data scope, and written to the audit log. The PDF is in the user's language
(the request's); audit entries stay in bokmål."""

from __future__ import annotations

import datetime as dt
import time

from dash import Dash
from flask import Response, abort, request

from dashboard import disease
from dashboard.auth import current_scope
from dashboard.briefing import briefing_view
from dashboard.overview_exports import REPORT_EXPORT, may_export, refuse_export
from dashboard.pdf import PdfUnavailable, briefing_pdf
from data import audit, queries
from data.scope import ScopeError
from geo import reference


def init_exports(app: Dash) -> None:
    server = app.server

    @server.route("/morgenbrief/<kommunenummer>/pdf")
    def briefing_pdf_route(kommunenummer: str) -> Response:
        scope = current_scope()
        if kommunenummer not in set(reference.kommuner(2024)["kommunenummer"]):
            abort(404)
        # the same export right as the weekly report: an administrator's right ("audit")
        # is not an export of kommune data
        if not may_export(REPORT_EXPORT):
            refuse_export(scope, "morgenbrief_pdf", kommunenummer)
        info = queries.dataset_info(scope=scope)
        try:
            date = dt.date.fromisoformat(request.args.get("dato", ""))
        except ValueError:
            date = info["data_date"]
        date = min(max(date, info["period_start"]), info["data_date"])
        started = time.perf_counter()
        try:
            brief, incidence, _daily = briefing_view(
                scope=scope, kommunenummer=kommunenummer, date=date
            )
            pdf = briefing_pdf(brief, incidence_figure=incidence)
        except ScopeError as err:  # already audited by the data layer
            abort(403, description=str(err))
        except PdfUnavailable as err:
            abort(503, description=str(err))
        audit.record(
            scope,
            "export",
            kommunenummer=kommunenummer,
            detail={
                "format": "pdf",
                "what": "morgenbrief",
                "date": date.isoformat(),
                "seconds": round(time.perf_counter() - started, 2),
            },
        )
        filename = f"morgenbrief-{kommunenummer}{disease.file_part()}-{date.isoformat()}.pdf"
        return Response(
            pdf,
            mimetype="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
