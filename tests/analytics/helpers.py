"""A small analytics world for the page, file and API tests: the shared cast and
communities, a few posts and comments made through services, the rollups caught up."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from rucher.analytics import rollups
from rucher.analytics.models import StageHistory


def activity(personas: dict[str, Any], communities: dict[str, Any]) -> dict[str, Any]:
    from rucher.content.services import comment_create, post_create

    open_ = communities["open"]
    question = post_create(
        actor=personas["member"],
        community_id=open_.pk,
        title="Which torque for the rail bolts?",
        body="Anyone knows the torque for the new rail bolts?",
        type="question",
    )
    comment_create(actor=personas["animator"], post_id=question.pk, body="120 N·m, see the guide.")
    post_create(actor=personas["owner"], community_id=open_.pk, body="Welcome, everyone!")
    rollups.consume()
    week = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    StageHistory.objects.create(
        community_id=open_.pk,
        week_start=week - datetime.timedelta(days=7),
        stage="establishment",
        explanation={"rule": "establishment", "organic_share": 0.62, "response_rate": 0.71},
        changed=True,
    )
    StageHistory.objects.create(
        community_id=open_.pk,
        week_start=week,
        stage="decline",
        explanation={"rule": "decline", "candidate": "decline", "contributors_change": -0.35},
        changed=True,
    )
    return {"question": question}


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)
