"""Permission-matrix rows of the support, lessons, library and decision-and-deployment pages
and API (imported by tests/test_permission_matrix; the world comes from tests/pilots/world.py,
tests/pilots/world_support.py and tests/pilots/world_deployment.py).

The world's "pilot" is running with the open and private communities, member as beta user and
its results published, so its readers are the project team and admins (managers), the
animator and owner of its pilot communities and member. "pilot_closed" is a closed pilot of
the open community, results unpublished: the project team, admins, and the open community's
animator and owner see it. Rules the rows spell out: readers see the tabs and the API reads;
managers write (302 on pages, 200/201 in the API); other readers get 403 on writes; anyone
else gets the 404 of a missing pilot. The library is for every internal person (403 for
partner guests). A wave created through the API with no scope is refused with 400 after the
permission checks, so a manager's 400 there shows the rights passed.
"""

from __future__ import annotations

from django.utils import timezone

from rucher.core import clock
from tests.test_permission_matrix import INTERNAL, Row, api, only, page, url

MANAGERS = {"admin", "project_lead"}
READERS = MANAGERS | {"member", "animator", "owner"}
CLOSED_READERS = MANAGERS | {"animator", "owner"}
TODAY = timezone.localdate(clock.now()).isoformat()


def readers(ok: int, *, base=page, who: set[str] = READERS) -> dict:
    return only(who, ok, others=404, base=base)


def writers(ok: int, *, base=page, who: set[str] = READERS) -> dict:
    expect = only(who, 403, others=404, base=base)
    expect.update(dict.fromkeys(MANAGERS, ok))
    return expect


ENTRY = {"kind": "training", "day": TODAY, "hours": "1.5", "community": ""}
LESSON = {"kind": "success", "title": "A practice", "body": "What worked."}
DECISION = {
    "outcome": "go",
    "rationale": "The pilot met its objectives.",
    "decided_by": "Steering committee",
    "decided_on": TODAY,
}
WAVE = {"name": "Wave 2", "start_date": TODAY, "support_hours": "1", "communities": "C:OPEN"}

ROWS: list[Row] = [
    # support
    Row("pilots:support", "GET", url("pilots:support", "pilot_slug"), readers(200)),
    Row(
        "pilots:support",
        "POST",
        url("pilots:support", "pilot_slug"),
        writers(302),
        {"action": "log", **ENTRY},
    ),
    Row(
        "pilots:support",
        "POST",
        url("pilots:support", "pilot_slug"),
        writers(302),
        {"action": "level", "deployment_support_hours": "2"},
        label="deployment level",
    ),
    Row(
        "pilots:support_edit",
        "GET",
        url("pilots:support_edit", "pilot_slug", "pilot_support_entry"),
        writers(200),
    ),
    Row(
        "pilots:support_edit",
        "POST",
        url("pilots:support_edit", "pilot_slug", "pilot_support_entry"),
        writers(302),
        ENTRY,
    ),
    Row(
        "pilots:support_delete",
        "POST",
        url("pilots:support_delete", "pilot_slug", "pilot_support_entry"),
        writers(302),
    ),
    Row(
        "pilots:support_chart",
        "GET",
        url("pilots:support_chart", "pilot_slug", "svg"),
        readers(200),
    ),
    # lessons and library
    Row("pilots:lessons", "GET", url("pilots:lessons", "pilot_slug"), readers(200)),
    Row("pilots:lessons", "POST", url("pilots:lessons", "pilot_slug"), writers(302), LESSON),
    Row(
        "pilots:lesson_edit",
        "GET",
        url("pilots:lesson_edit", "pilot_slug", "pilot_lesson"),
        writers(200),
    ),
    Row(
        "pilots:lesson_edit",
        "POST",
        url("pilots:lesson_edit", "pilot_slug", "pilot_lesson"),
        writers(302),
        LESSON,
    ),
    Row(
        "pilots:lesson_delete",
        "POST",
        url("pilots:lesson_delete", "pilot_slug", "pilot_lesson"),
        writers(302),
    ),
    Row(
        "pilots:library",
        "GET",
        url("pilots:library"),
        only(INTERNAL, 200, others=403, base=page),
    ),
    # decision and deployment
    Row("pilots:deployment", "GET", url("pilots:deployment", "pilot_slug"), readers(200)),
    Row(
        "pilots:deployment",
        "GET",
        url("pilots:deployment", "pilot_closed_slug"),
        readers(200, who=CLOSED_READERS),
        label="closed pilot",
    ),
    Row(
        "pilots:deployment",
        "POST",
        url("pilots:deployment", "pilot_closed_slug"),
        writers(302, who=CLOSED_READERS),
        {"action": "decision", **DECISION},
        label="decision",
    ),
    Row(
        "pilots:deployment",
        "POST",
        url("pilots:deployment", "pilot_slug"),
        writers(302),
        {"action": "wave", **WAVE},
        label="wave",
    ),
    Row(
        "pilots:wave_edit",
        "GET",
        url("pilots:wave_edit", "pilot_slug", "pilot_wave"),
        writers(200),
    ),
    Row(
        "pilots:wave_edit",
        "POST",
        url("pilots:wave_edit", "pilot_slug", "pilot_wave"),
        writers(302),
        WAVE,
    ),
    Row(
        "pilots:wave_delete",
        "POST",
        url("pilots:wave_delete", "pilot_slug", "pilot_wave"),
        writers(302),
    ),
    # API: support
    Row(
        "api:pilot_support_get",
        "GET",
        url("api:pilot_support_get", "pilot"),
        readers(200, base=api),
    ),
    Row(
        "api:pilot_support_log",
        "POST",
        url("api:pilot_support_log", "pilot"),
        writers(201, base=api),
        {"kind": "training", "day": TODAY, "hours": "1.5"},
        json=True,
    ),
    Row(
        "api:pilot_support_update",
        "PATCH",
        url("api:pilot_support_update", "pilot_support_entry"),
        writers(200, base=api),
        {"hours": 2},
        json=True,
    ),
    Row(
        "api:pilot_support_delete",
        "DELETE",
        url("api:pilot_support_delete", "pilot_support_entry"),
        writers(200, base=api),
    ),
    Row(
        "api:pilot_support_level",
        "PUT",
        url("api:pilot_support_level", "pilot"),
        writers(200, base=api),
        {"deployment_support_hours": "2"},
        json=True,
    ),
    # API: lessons and library
    Row(
        "api:pilot_library",
        "GET",
        url("api:pilot_library"),
        only(INTERNAL, 200, others=403, base=api),
    ),
    Row(
        "api:pilot_lessons_list",
        "GET",
        url("api:pilot_lessons_list", "pilot"),
        readers(200, base=api),
    ),
    Row(
        "api:pilot_lesson_create",
        "POST",
        url("api:pilot_lesson_create", "pilot"),
        writers(201, base=api),
        LESSON,
        json=True,
    ),
    Row(
        "api:pilot_lesson_update",
        "PATCH",
        url("api:pilot_lesson_update", "pilot_lesson"),
        writers(200, base=api),
        {"title": "Renamed"},
        json=True,
    ),
    Row(
        "api:pilot_lesson_delete",
        "DELETE",
        url("api:pilot_lesson_delete", "pilot_lesson"),
        writers(200, base=api),
    ),
    # API: decision and waves
    Row(
        "api:pilot_decision_get",
        "GET",
        url("api:pilot_decision_get", "pilot"),
        readers(200, base=api),
    ),
    Row(
        "api:pilot_decision_record",
        "PUT",
        url("api:pilot_decision_record", "pilot_closed"),
        writers(200, base=api, who=CLOSED_READERS),
        DECISION,
        json=True,
    ),
    Row(
        "api:pilot_waves_list",
        "GET",
        url("api:pilot_waves_list", "pilot"),
        readers(200, base=api),
    ),
    Row(
        "api:pilot_wave_create",
        "POST",
        url("api:pilot_wave_create", "pilot"),
        writers(400, base=api),
        {"name": "Wave 2", "start_date": TODAY, "support_hours": 1},
        label="no scope: refused after the rights",
        json=True,
    ),
    Row(
        "api:pilot_wave_update",
        "PATCH",
        url("api:pilot_wave_update", "pilot_wave"),
        writers(200, base=api),
        {"name": "Renamed"},
        json=True,
    ),
    Row(
        "api:pilot_wave_delete",
        "DELETE",
        url("api:pilot_wave_delete", "pilot_wave"),
        writers(200, base=api),
    ),
    Row(
        "api:pilot_wave_measurement",
        "GET",
        url("api:pilot_wave_measurement", "pilot_wave"),
        readers(200, base=api),
    ),
]
