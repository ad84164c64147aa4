"""Permission-matrix rows of the pilot steering report: its page, PDF and data annex
(imported by tests/test_permission_matrix; the world comes from tests/pilots/world.py).

Rules the rows spell out: the report is for whoever may see the pilot's results — its
managers (the project team and administrators here) and, once the results are published as in
the world, its beta users (member) and the animators and owners of its pilot communities.
Everybody else gets the 404 of a missing pilot. Someone who sees the pilot but not its results
gets 403 (tested in tests/pilots/test_report.py, where results are not yet published). The
planned pilot, seen by the project team only, has no data: its report still answers 200.
"""

from __future__ import annotations

from tests.test_permission_matrix import Row, api, only, page, url

RESULTS = {"admin", "project_lead", "member", "animator", "owner"}
TEAM = {"admin", "project_lead"}

ROWS: list[Row] = [
    Row(
        "pilots:report",
        "GET",
        url("pilots:report", "pilot_slug"),
        only(RESULTS, 200, others=404, base=page),
    ),
    Row(
        "pilots:report",
        "GET",
        url("pilots:report", "pilot_planned_slug"),
        only(TEAM, 200, others=404, base=page),
        label="a planned pilot without data",
    ),
    Row(
        "pilots:report",
        "GET",
        url("pilots:report", "no-such-pilot"),
        page(404),
        label="missing",
    ),
    Row(
        "pilots:report_pdf",
        "GET",
        url("pilots:report_pdf", "pilot_slug"),
        only(RESULTS, 200, others=404, base=page),
    ),
    Row(
        "pilots:report_annex",
        "GET",
        url("pilots:report_annex", "pilot_slug", "csv"),
        only(RESULTS, 200, others=404, base=page),
        label="csv",
    ),
    Row(
        "pilots:report_annex",
        "GET",
        url("pilots:report_annex", "pilot_planned_slug", "xlsx"),
        only(TEAM, 200, others=404, base=page),
        label="xlsx of a planned pilot",
    ),
    Row(
        "pilots:report_annex",
        "GET",
        url("pilots:report_annex", "pilot_slug", "doc"),
        page(404),
        label="unknown format",
    ),
    Row(
        "api:pilot_report",
        "GET",
        url("api:pilot_report", "pilot"),
        only(RESULTS, 200, others=404, base=api),
    ),
    Row(
        "api:pilot_report",
        "GET",
        url("api:pilot_report", "pilot_planned"),
        only(TEAM, 200, others=404, base=api),
        label="planned",
    ),
    Row("api:pilot_report", "GET", url("api:pilot_report", 999999), api(404), label="missing"),
]
