"""Builders shared by the survey tests: a running pilot with beta users and a comparison
group, a survey, an open wave, respondents."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from rucher.core import clock
from tests.cast import make_person

DAY = datetime.timedelta(days=1)


def make_pilot(people: dict[str, Any], communities: dict[str, Any], org: dict[str, Any]):
    """A running pilot: the open community, member as beta user, team_b as comparison."""
    from rucher.pilots import services

    lead = people["project_lead"]
    today = timezone.localdate(clock.now())
    pilot = services.pilot_create(
        actor=lead,
        name="Survey pilot",
        start_date=today - 20 * DAY,
        end_date=today + 100 * DAY,
        team_ids=[lead.pk],
    )
    services.pilot_community_add(
        actor=lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.beta_users_add(actor=lead, pilot_id=pilot.pk, user_ids=[people["member"].pk])
    services.comparison_add(actor=lead, pilot_id=pilot.pk, org_unit_id=org["team_b"].pk)
    return services.pilot_set_status(actor=lead, pilot_id=pilot.pk, status="running")


def add_people(lead, pilot, org, count: int, *, arm: str, prefix: str = "p") -> list:
    """``count`` employees in the pilot arm (beta users, in team_a) or the comparison arm
    (people of team_b)."""
    from rucher.pilots import services

    unit = org["team_a"] if arm == "pilot" else org["team_b"]
    people = [
        make_person(
            f"{prefix}{arm}{i}@exemple.fr", f"{prefix.title()} {arm} {i}", org_unit_id=unit.pk
        )
        for i in range(count)
    ]
    if arm == "pilot":
        services.beta_users_add(actor=lead, pilot_id=pilot.pk, user_ids=[p.pk for p in people])
    return people


def open_wave(lead, survey, *, kind: str = "baseline", reminder_days: int = 5, send: bool = True):
    from rucher.pilots import surveys

    now = clock.now()
    wave = surveys.wave_create(
        actor=lead,
        survey_id=survey.pk,
        kind=kind,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + 14 * DAY,
        reminder_days=reminder_days,
    )
    if send:
        surveys.wave_send(actor=lead, wave_id=wave.pk)
        wave.refresh_from_db()
    return wave


def full_answers(survey, *, likert: int = 6, score: int = 9, text: str = "") -> dict[int, Any]:
    """An answer to every question of a default survey."""
    answers: dict[int, Any] = {}
    for question in survey.questions.all():
        if question.kind == "likert7":
            answers[question.pk] = likert
        elif question.kind == "likert5":
            answers[question.pk] = min(likert, 5)
        elif question.kind == "scale10":
            answers[question.pk] = score
        elif question.kind == "text":
            answers[question.pk] = text
        elif question.kind == "single":
            answers[question.pk] = 0
        elif question.kind == "multiple":
            answers[question.pk] = [0]
    return answers
