"""Permission-matrix rows of import and export (rucher.exchange), for tests/test_permission_matrix.

Administrators import and export the whole organisation; everybody else gets 403 there.
Everyone logged in exports their own data ("my data"); an export or import that is not
theirs is the same 404 as a missing one (the API) or 403 for the admin-only pages.
"""

from __future__ import annotations

from tests.test_permission_matrix import Row, api, only, page, url

ADMIN = {"admin"}

ROWS: list[Row] = [
    Row(
        "exchange:imports", "GET", url("exchange:imports"), only(ADMIN, 200, others=403, base=page)
    ),
    Row(
        "exchange:imports",
        "POST",
        url("exchange:imports"),
        only(ADMIN, 200, others=403, base=page),
        {"mode": "check"},
        label="without a file: the form says so",
    ),
    Row(
        "exchange:import_detail",
        "GET",
        url("exchange:import_detail", 999999),
        only(ADMIN, 404, others=403, base=page),
    ),
    Row(
        "exchange:import_progress",
        "GET",
        url("exchange:import_progress", 999999),
        only(ADMIN, 404, others=403, base=page),
    ),
    Row(
        "exchange:import_resume",
        "POST",
        url("exchange:import_resume", 999999),
        only(ADMIN, 404, others=403, base=page),
    ),
    Row(
        "exchange:exports", "GET", url("exchange:exports"), only(ADMIN, 200, others=403, base=page)
    ),
    Row(
        "exchange:exports", "POST", url("exchange:exports"), only(ADMIN, 302, others=403, base=page)
    ),
    Row(
        "exchange:export_download",
        "GET",
        url("exchange:export_download", 999999),
        page(404),
        label="nobody's",
    ),
    Row("exchange:my_data", "GET", url("exchange:my_data"), page(200)),
    Row("exchange:my_data", "POST", url("exchange:my_data"), page(302)),
    Row(
        "api:imports_create",
        "POST",
        url("api:imports_create"),
        api(422),
        label="without a file",
    ),
    Row("api:imports_get", "GET", url("api:imports_get", 999999), api(403, admin=404)),
    Row(
        "api:exports_create",
        "POST",
        url("api:exports_create"),
        api(201),
        {"scope": "me"},
        label="one's own data",
        json=True,
    ),
    Row(
        "api:exports_create",
        "POST",
        url("api:exports_create"),
        api(403, admin=201),
        {"scope": "organisation"},
        label="the whole organisation",
        json=True,
    ),
    Row("api:exports_get", "GET", url("api:exports_get", 999999), api(404)),
]
