"""Permission-matrix rows of the pilot survey pages and API (imported by
tests/test_permission_matrix; the world comes from tests/pilots/world.py and
tests/pilots/world_surveys.py).

Rules the rows spell out: the "Surveys" tab, the editor, questions and waves are for the
pilot's managers (the project team and administrators here); whoever sees the pilot without
managing it (member as a beta user once results are published, the animator and owner of its
pilot communities) gets 403; everybody else the 404 of a missing pilot. Results are for
whoever may see the pilot's results. The answer page and its API are for the people invited
to the wave — member (pilot arm) and former_member (comparison arm, who cannot see the
pilot) — and a 404 for everyone else, managers included. "My surveys" and the measures list
are for everyone logged in.
"""

from __future__ import annotations

import datetime

from tests.test_permission_matrix import Row, api, only, page, url

MANAGE = {"admin", "project_lead"}
SEES = {"member", "animator", "owner"}  # see the pilot without managing it
RESULTS = MANAGE | SEES  # results are published in the world
INVITED = {"member", "former_member"}


def manage(ok: int, *, base=page) -> dict:
    expect = base(404)
    expect.update(dict.fromkeys(SEES, 403))
    expect.update(dict.fromkeys(MANAGE, ok))
    return expect


def results(ok: int, *, base=page) -> dict:
    return only(RESULTS, ok, others=404, base=base)


def invited(ok: int, *, base=page) -> dict:
    return only(INVITED, ok, others=404, base=base)


# Dates of a new wave, in the future whenever the matrix runs.
_SOON = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=40)
_LATER = _SOON + datetime.timedelta(days=14)

ROWS: list[Row] = [
    # Pages for respondents
    Row("pilots:my_surveys", "GET", url("pilots:my_surveys"), page(200)),
    Row("pilots:survey_answer", "GET", url("pilots:survey_answer", "survey_wave"), invited(200)),
    Row(
        "pilots:survey_answer",
        "POST",
        url("pilots:survey_answer", "survey_wave"),
        invited(400),
        {},
        label="nothing answered",
    ),
    # Pages of the "Surveys" tab
    Row("pilots:surveys", "GET", url("pilots:surveys", "pilot_slug"), manage(200)),
    Row(
        "pilots:surveys",
        "POST",
        url("pilots:surveys", "pilot_slug"),
        manage(302),
        {"start": "default"},
    ),
    Row(
        "pilots:survey_edit",
        "GET",
        url("pilots:survey_edit", "pilot_slug", "survey"),
        manage(200),
    ),
    Row(
        "pilots:survey_edit",
        "POST",
        url("pilots:survey_edit", "pilot_slug", "survey"),
        manage(302),
        {
            "action": "add_question",
            "kind": "text",
            "text_fr": "Un mot ?",
            "text_en": "One word?",
            "measure": "",
        },
    ),
    Row(
        "pilots:survey_question",
        "GET",
        url("pilots:survey_question", "pilot_slug", "survey", "survey_question"),
        manage(200),
    ),
    Row(
        "pilots:survey_wave",
        "GET",
        url("pilots:survey_wave", "pilot_slug", "survey_wave"),
        manage(200),
    ),
    Row(
        "pilots:survey_wave",
        "POST",
        url("pilots:survey_wave", "pilot_slug", "survey_wave"),
        manage(302),
        {"action": "send"},
        label="send again",
    ),
    Row(
        "pilots:survey_results",
        "GET",
        url("pilots:survey_results", "pilot_slug", "survey_wave"),
        results(200),
    ),
    # API
    Row("api:pilot_survey_measures", "GET", url("api:pilot_survey_measures"), api(200)),
    Row("api:pilot_surveys_mine", "GET", url("api:pilot_surveys_mine"), api(200)),
    Row(
        "api:pilot_surveys_list",
        "GET",
        url("api:pilot_surveys_list", "pilot"),
        manage(200, base=api),
    ),
    Row(
        "api:pilot_survey_create",
        "POST",
        url("api:pilot_survey_create", "pilot"),
        manage(201, base=api),
        {"default": True},
        json=True,
    ),
    Row(
        "api:pilot_survey_get", "GET", url("api:pilot_survey_get", "survey"), manage(200, base=api)
    ),
    Row(
        "api:pilot_survey_update",
        "PATCH",
        url("api:pilot_survey_update", "survey"),
        manage(200, base=api),
        {"title_en": "Your view of Rucher"},
        json=True,
    ),
    Row(
        "api:pilot_survey_delete",
        "DELETE",
        url("api:pilot_survey_delete", "survey"),
        manage(409, base=api),
        label="a sent survey",
    ),
    Row(
        "api:pilot_survey_question_create",
        "POST",
        url("api:pilot_survey_question_create", "survey"),
        manage(201, base=api),
        {"kind": "text", "text_fr": "Un mot ?", "text_en": "One word?", "required": False},
        json=True,
    ),
    Row(
        "api:pilot_survey_question_update",
        "PATCH",
        url("api:pilot_survey_question_update", "survey_question"),
        manage(200, base=api),
        {"text_en": "Rucher's capabilities meet my needs."},
        json=True,
    ),
    Row(
        "api:pilot_survey_question_delete",
        "DELETE",
        url("api:pilot_survey_question_delete", "survey_question"),
        manage(200, base=api),
        label="not answered yet",
    ),
    Row(
        "api:pilot_survey_question_move",
        "POST",
        url("api:pilot_survey_question_move", "survey_question"),
        manage(200, base=api),
        {"offset": 1},
        json=True,
    ),
    Row(
        "api:pilot_survey_wave_create",
        "POST",
        url("api:pilot_survey_wave_create", "survey"),
        manage(201, base=api),
        {"kind": "end", "opens_at": _SOON.isoformat(), "closes_at": _LATER.isoformat()},
        json=True,
    ),
    Row(
        "api:pilot_survey_wave_get",
        "GET",
        url("api:pilot_survey_wave_get", "survey_wave"),
        manage(200, base=api),
    ),
    Row(
        "api:pilot_survey_wave_update",
        "PATCH",
        url("api:pilot_survey_wave_update", "survey_wave"),
        manage(200, base=api),
        {"reminder_days": 3},
        json=True,
    ),
    Row(
        "api:pilot_survey_wave_delete",
        "DELETE",
        url("api:pilot_survey_wave_delete", "survey_wave"),
        manage(409, base=api),
        label="a sent wave",
    ),
    Row(
        "api:pilot_survey_wave_send",
        "POST",
        url("api:pilot_survey_wave_send", "survey_wave"),
        manage(200, base=api),
        label="send again",
    ),
    Row(
        "api:pilot_survey_wave_results",
        "GET",
        url("api:pilot_survey_wave_results", "survey_wave"),
        results(200, base=api),
    ),
    Row(
        "api:pilot_survey_questionnaire",
        "GET",
        url("api:pilot_survey_questionnaire", "survey_wave"),
        invited(200, base=api),
    ),
    Row(
        "api:pilot_survey_respond",
        "POST",
        url("api:pilot_survey_respond", "survey_wave"),
        invited(400, base=api),
        {"answers": {}},
        json=True,
        label="nothing answered",
    ),
]
