"""The surveys part of the permission-matrix world (called by tests/pilots/world.py).

Adds to the running pilot a survey copied from the default questionnaire and a mid-pilot wave
open now, sent: member (the beta user) is invited in the pilot arm, and the people of the
comparison org unit team_b who are not in a pilot community — former_member — in the
comparison arm (animator, also in team_b, belongs to the pilot communities and is left out).

Keys: "survey", "survey_question" (its first question), "survey_wave" (the open, sent wave).
"""

from __future__ import annotations

import datetime
from typing import Any

from rucher.core import clock


def build(world: dict[str, Any]) -> dict[str, Any]:
    from rucher.pilots import surveys

    lead = world["project_lead"]
    pilot = world["pilot"]
    now = clock.now()
    survey = surveys.survey_create(actor=lead, pilot_id=pilot.pk)
    wave = surveys.wave_create(
        actor=lead,
        survey_id=survey.pk,
        kind="mid",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        reminder_days=5,
    )
    surveys.wave_send(actor=lead, wave_id=wave.pk)
    wave.refresh_from_db()
    return {
        "survey": survey,
        "survey_question": survey.questions.order_by("position").first(),
        "survey_wave": wave,
    }
