"""Permission-matrix rows of the pilot evaluation page and API (imported by
tests/test_permission_matrix; the world comes from tests/pilots/world.py).

Rules the rows spell out: the evaluation is for whoever may see the pilot's results — its
managers (the project team and administrators here) and, once the results are published as in
the world, its beta users (member) and the animators and owners of its pilot communities;
everybody else gets the 404 of a missing pilot. Someone who sees the pilot but not its results
gets 403 (tested in tests/pilots/test_evaluation.py, where results are not yet published).
"""

from __future__ import annotations

from tests.test_permission_matrix import Row, api, only, page, url

RESULTS = {"admin", "project_lead", "member", "animator", "owner"}

ROWS: list[Row] = [
    Row(
        "pilots:evaluation",
        "GET",
        url("pilots:evaluation", "pilot_slug"),
        only(RESULTS, 200, others=404, base=page),
    ),
    Row(
        "pilots:evaluation",
        "GET",
        url("pilots:evaluation", "no-such-pilot"),
        page(404),
        label="missing",
    ),
    Row(
        "api:pilot_evaluation",
        "GET",
        url("api:pilot_evaluation", "pilot"),
        only(RESULTS, 200, others=404, base=api),
    ),
    Row(
        "api:pilot_evaluation",
        "GET",
        url("api:pilot_evaluation", 999999),
        api(404),
        label="missing",
    ),
]
