"""The surveys API: managing, answering and reading results, with structured errors."""

from __future__ import annotations

import pytest

from rucher.core import clock
from rucher.pilots import surveys
from tests.pilots.survey_cast import DAY, add_people, full_answers, make_pilot, open_wave

API = "/api/v1/pilots"


@pytest.fixture
def pilot(personas, communities, org, former_member):
    return make_pilot(personas, communities, org)


def test_a_manager_builds_a_survey_and_a_wave(client, project_lead, pilot):
    client.force_login(project_lead)
    made = client.post(f"{API}/{pilot.pk}/surveys", {}, content_type="application/json")
    assert made.status_code == 201
    survey = made.json()
    assert len(survey["questions"]) == 11 and survey["waves"] == []
    question = client.post(
        f"{API}/surveys/{survey['id']}/questions",
        {
            "kind": "single",
            "text_fr": "Fréquence ?",
            "text_en": "How often?",
            "choices": [{"fr": "Souvent", "en": "Often"}, {"fr": "Rarement", "en": "Rarely"}],
        },
        content_type="application/json",
    )
    assert question.status_code == 201 and question.json()["position"] == 12
    now = clock.now()
    bad = client.post(
        f"{API}/surveys/{survey['id']}/waves",
        {
            "kind": "baseline",
            "opens_at": (now + 2 * DAY).isoformat(),
            "closes_at": (now + DAY).isoformat(),
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"closes_at": ["The survey must close after it opens."]}
    wave = client.post(
        f"{API}/surveys/{survey['id']}/waves",
        {"kind": "baseline", "opens_at": now.isoformat(), "closes_at": (now + DAY).isoformat()},
        content_type="application/json",
    )
    assert wave.status_code == 201
    sent = client.post(f"{API}/surveys/waves/{wave.json()['id']}/send")
    assert sent.status_code == 200 and sent.json()["invited"] == 2
    assert {p["arm"]: p["invited"] for p in sent.json()["wave"]["participation"]} == {
        "pilot": 1,
        "comparison": 1,
    }
    measures = client.get(f"{API}/surveys/measures").json()
    assert "umux_lite" in {m["key"] for m in measures}


def test_answering_through_the_api(client, project_lead, pilot, member, outsider):
    survey = surveys.survey_create(actor=project_lead, pilot_id=pilot.pk)
    wave = open_wave(project_lead, survey)
    client.force_login(member)
    mine = client.get(f"{API}/surveys/mine").json()
    assert [item["wave_id"] for item in mine] == [wave.pk]
    form = client.get(f"{API}/surveys/waves/{wave.pk}/questionnaire").json()
    assert len(form["questions"]) == 11 and form["responded"] is False
    answers = {str(k): v for k, v in full_answers(survey).items()}
    first = str(form["questions"][0]["id"])
    refused = client.post(
        f"{API}/surveys/waves/{wave.pk}/responses",
        {"answers": {**answers, first: 0}},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {first: ["Choose a value from 1 to 7."]}
    done = client.post(
        f"{API}/surveys/waves/{wave.pk}/responses",
        {"answers": answers},
        content_type="application/json",
    )
    assert done.status_code == 201
    again = client.post(
        f"{API}/surveys/waves/{wave.pk}/responses",
        {"answers": answers},
        content_type="application/json",
    )
    assert again.status_code == 409
    client.force_login(outsider)
    assert client.get(f"{API}/surveys/waves/{wave.pk}/questionnaire").status_code == 404


def test_results_through_the_api_hide_small_groups(client, project_lead, pilot, org):
    survey = surveys.survey_create(actor=project_lead, pilot_id=pilot.pk)
    beta = add_people(project_lead, pilot, org, 5, arm="pilot")
    wave = open_wave(project_lead, survey)
    for person in beta:
        surveys.response_submit(user=person, wave_id=wave.pk, answers=full_answers(survey))
    client.force_login(project_lead)
    body = client.get(f"{API}/surveys/waves/{wave.pk}/results").json()
    assert body["min_group_size"] == 5
    umux = next(m for m in body["measures"] if m["key"] == "umux_lite")
    arms = {arm["arm"]: arm for arm in umux["arms"]}
    assert arms["pilot"]["shown"] and arms["pilot"]["score"]["estimate"] == pytest.approx(
        (6 + 6 - 2) * 100 / 12
    )
    assert not arms["comparison"]["shown"] and arms["comparison"]["score"] is None


def test_a_sent_survey_cannot_be_deleted(client, project_lead, pilot):
    survey = surveys.survey_create(actor=project_lead, pilot_id=pilot.pk)
    open_wave(project_lead, survey)
    client.force_login(project_lead)
    refused = client.delete(f"{API}/surveys/{survey.pk}")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"
