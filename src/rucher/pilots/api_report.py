"""The pilots API: the steering report.

``GET /pilots/{pilot_id}/report``: the report's summary (status, period, headline figures,
verdicts, decision) and every table of its data annex, as the page, the PDF and the CSV/XLSX
files hold them. Same access as the page: a pilot one may not see is the 404 of a missing
one; one whose results one may not see is a 403.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from rucher.api_schemas import ObjectId, errors
from rucher.pilots import policy
from rucher.pilots.api_common import viewer_of
from rucher.pilots.report import build_report

router = Router(tags=["pilots"])


class ReportVerdictOut(Schema):
    key: str
    label: str
    text: str
    effect: str
    caution: str


class ReportTableOut(Schema):
    key: str
    title: str
    columns: list[str]
    headers: list[str]
    rows: list[list[Any]]
    note: str


class ReportOut(Schema):
    pilot_id: int
    name: str
    status: str
    period: str
    duration: str
    language: str
    generated_at: datetime.datetime
    has_data: bool
    no_data_reason: str
    headline: list[tuple[str, str]]
    verdicts: list[ReportVerdictOut]
    decision: str | None
    warnings: list[str]
    tables: list[ReportTableOut]


def _cell(value: Any) -> Any:
    """JSON-friendly values: dates as ISO strings, the rest as they are."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@router.get(
    "/pilots/{pilot_id}/report",
    response={200: ReportOut, **errors(403, 404, 422)},
    summary="A pilot's steering report",
)
def pilot_report(request: HttpRequest, pilot_id: ObjectId) -> ReportOut:
    """The steering report in the viewer's language: its summary and every table of the data
    annex (shares in [0, 1], dates in ISO format, null for no data)."""
    viewer = viewer_of(request)
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    policy.require_results(viewer, pilot)
    report = build_report(pilot, viewer)
    summary = report.summary
    return ReportOut(
        pilot_id=pilot.pk,
        name=pilot.name,
        status=pilot.status,
        period=summary.period,
        duration=summary.duration,
        language=report.language,
        generated_at=report.generated_at,
        has_data=summary.has_data,
        no_data_reason=summary.no_data_reason,
        headline=[(str(figure), str(what)) for figure, what in summary.headline],
        verdicts=[
            ReportVerdictOut(
                key=v.key, label=str(v.label), text=str(v.text), effect=v.effect, caution=v.caution
            )
            for v in summary.verdicts
        ],
        decision=summary.decision.outcome if summary.decision is not None else None,
        warnings=[str(w) for w in summary.warnings],
        tables=[
            ReportTableOut(
                key=table.key,
                title=str(table.title),
                columns=[name for name, _title in table.columns],
                headers=[str(title) for _name, title in table.columns],
                rows=[[_cell(value) for value in row] for row in table.rows],
                note=str(table.note),
            )
            for table in report.tables()
        ],
    )
