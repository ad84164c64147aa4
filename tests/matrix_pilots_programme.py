"""Permission-matrix rows of the pilot programme pages and API (imported by
tests/test_permission_matrix; the world's pilot comes from tests/pilots/world.py).

The world's "pilot" is running, with the open and private communities as pilot communities
(animator and owner see their part), member as beta user with the results published, and
the project lead managing it (admins too). Rules the rows spell out: managers (project team,
admins, sponsors, team) read and write; animators and owners of pilot communities and beta
users after publication read (403 on writes and on beta users' names; comparison groups
and baseline gaps come with the results, which the world has published, so every reader
sees them — tests/pilots/test_programme_api.py checks the unpublished case); anyone else
gets the 404 of a missing pilot. Creating a pilot is for the project team. The planned
pilot has no communities and unpublished results: only the project team sees it.
"""

from __future__ import annotations

from tests.test_permission_matrix import Row, api, only, page, url

MANAGE = {"admin", "project_lead"}
VIEW = {"animator", "owner", "member"}
TARGET_DATE = "2099-01-01"


def pilot_page(ok: int, *, viewers: int | None = None) -> dict:
    """Managers get ``ok``; viewers ``viewers`` (``ok`` when None); the rest a 404."""
    expect = page(404)
    expect.update(dict.fromkeys(VIEW, ok if viewers is None else viewers))
    expect.update(dict.fromkeys(MANAGE, ok))
    return expect


def pilot_api(ok: int, *, viewers: int | None = None) -> dict:
    expect = api(404)
    expect.update(dict.fromkeys(VIEW, ok if viewers is None else viewers))
    expect.update(dict.fromkeys(MANAGE, ok))
    return expect


ROWS: list[Row] = [
    # Pages
    Row("pilots:index", "GET", url("pilots:index"), page(200)),
    Row("pilots:create", "GET", url("pilots:create"), only(MANAGE, 200, others=403, base=page)),
    Row(
        "pilots:create",
        "POST",
        url("pilots:create"),
        only(MANAGE, 302, others=403, base=page),
        {
            "name": "Matrix pilot",
            "start_date": "2030-01-01",
            "end_date": "2030-05-01",
            "deployment_support_hours": "2",
        },
    ),
    Row("pilots:detail", "GET", url("pilots:detail", "pilot_slug"), pilot_page(200)),
    Row(
        "pilots:detail",
        "GET",
        url("pilots:detail", "pilot_planned_slug"),
        only(MANAGE, 200, others=404, base=page),
        label="planned, no communities",
    ),
    Row(
        "pilots:detail",
        "POST",
        url("pilots:detail", "pilot_slug"),
        pilot_page(302, viewers=403),
        {"action": "publish", "published": "1"},
    ),
    Row("pilots:edit", "GET", url("pilots:edit", "pilot_slug"), pilot_page(200, viewers=403)),
    Row("pilots:scope", "GET", url("pilots:scope", "pilot_slug"), pilot_page(200)),
    Row(
        "pilots:scope",
        "POST",
        url("pilots:scope", "pilot_slug"),
        pilot_page(302, viewers=403),
        {"action": "add_members"},
    ),
    Row(
        "pilots:scope_suggestions",
        "GET",
        url("pilots:scope_suggestions", "pilot_slug"),
        pilot_page(200, viewers=403),
    ),
    Row("pilots:objectives", "GET", url("pilots:objectives", "pilot_slug"), pilot_page(200)),
    Row(
        "pilots:objectives",
        "POST",
        url("pilots:objectives", "pilot_slug"),
        pilot_page(302, viewers=403),
        {"action": "add_objective", "new-title": "From the matrix"},
    ),
    # API
    Row("api:pilots_list", "GET", url("api:pilots_list"), api(200)),
    Row(
        "api:pilots_create",
        "POST",
        url("api:pilots_create"),
        only(MANAGE, 201, others=403, base=api),
        {"name": "Matrix pilot", "start_date": "2030-01-01", "end_date": "2030-05-01"},
        json=True,
    ),
    Row("api:pilots_get", "GET", url("api:pilots_get", "pilot"), pilot_api(200)),
    Row(
        "api:pilots_update",
        "PATCH",
        url("api:pilots_update", "pilot"),
        pilot_api(200, viewers=403),
        {"purpose": "Changed by the matrix"},
        json=True,
    ),
    Row(
        "api:pilots_set_status",
        "POST",
        url("api:pilots_set_status", "pilot"),
        pilot_api(200, viewers=403),
        {"status": "closed"},
        json=True,
    ),
    Row(
        "api:pilots_publish",
        "POST",
        url("api:pilots_publish", "pilot"),
        pilot_api(200, viewers=403),
        {"published": True},
        json=True,
    ),
    Row(
        "api:pilot_communities_list",
        "GET",
        url("api:pilot_communities_list", "pilot"),
        pilot_api(200),
    ),
    Row(
        "api:pilot_communities_add",
        "POST",
        url("api:pilot_communities_add", "pilot"),
        pilot_api(201, viewers=403),
        {"community_id": "C:ELSEWHERE", "reason": "volunteers"},
        json=True,
    ),
    Row(
        "api:pilot_communities_remove",
        "DELETE",
        url("api:pilot_communities_remove", "pilot", "c:private"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:beta_users_list",
        "GET",
        url("api:beta_users_list", "pilot"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:beta_users_add",
        "POST",
        url("api:beta_users_add", "pilot"),
        pilot_api(200, viewers=403),
        {"members_of_pilot_communities": True},
        json=True,
    ),
    Row(
        "api:beta_users_remove",
        "DELETE",
        url("api:beta_users_remove", "pilot", "member"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:comparisons_list",
        "GET",
        url("api:comparisons_list", "pilot"),
        pilot_api(200),
    ),
    Row(
        "api:comparisons_add",
        "POST",
        url("api:comparisons_add", "pilot"),
        pilot_api(201, viewers=403),
        {"community_id": "C:ELSEWHERE"},
        json=True,
    ),
    Row(
        "api:comparisons_remove",
        "DELETE",
        url("api:comparisons_remove", "pilot", "pilot_comparison"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:comparisons_suggest",
        "GET",
        url("api:comparisons_suggest", "pilot"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:comparisons_gaps",
        "GET",
        url("api:comparisons_gaps", "pilot"),
        pilot_api(200),
    ),
    Row("api:objectives_list", "GET", url("api:objectives_list", "pilot"), pilot_api(200)),
    Row(
        "api:objectives_create",
        "POST",
        url("api:objectives_create", "pilot"),
        pilot_api(201, viewers=403),
        {"title": "From the matrix"},
        json=True,
    ),
    Row(
        "api:objectives_update",
        "PATCH",
        url("api:objectives_update", "pilot_objective"),
        pilot_api(200, viewers=403),
        {"title": "Renamed by the matrix"},
        json=True,
    ),
    Row(
        "api:objectives_delete",
        "DELETE",
        url("api:objectives_delete", "pilot_objective"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:measures_add",
        "POST",
        url("api:measures_add", "pilot_objective"),
        pilot_api(201, viewers=403),
        {"kind": "kpi", "kpi_key": "reach", "target_value": 0.5, "target_date": TARGET_DATE},
        json=True,
    ),
    Row(
        "api:measures_update",
        "PATCH",
        url("api:measures_update", "pilot_measure"),
        pilot_api(200, viewers=403),
        {"target_value": 0.5},
        json=True,
    ),
    Row(
        "api:measures_remove",
        "DELETE",
        url("api:measures_remove", "pilot_measure"),
        pilot_api(200, viewers=403),
    ),
    Row(
        "api:measures_refresh_baseline",
        "POST",
        url("api:measures_refresh_baseline", "pilot_measure"),
        pilot_api(200, viewers=403),
    ),
]
