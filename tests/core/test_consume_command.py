"""`rucher consume` catches up on events the in-process run missed."""

from __future__ import annotations

from django.core.management import call_command

from rucher.communities.services import join_request_create
from rucher.core import events
from rucher.core.models import ConsumerPosition
from rucher.notifications.consumer import CONSUMER
from rucher.notifications.models import Notification


def test_consume_catches_up_after_a_missed_run(
    communities, outsider, animator, settings, monkeypatch
):
    settings.EVENT_CONSUMERS_INLINE = False  # as in production: nothing runs inline
    monkeypatch.setattr(events, "_schedule_consumers", lambda: None)  # the run is missed
    join_request_create(actor=outsider, community_id=communities["private"].pk)
    assert not Notification.objects.filter(recipient=animator, verb="join_request.created")
    call_command("consume")
    assert Notification.objects.filter(recipient=animator, verb="join_request.created").exists()
    assert ConsumerPosition.objects.get(consumer=CONSUMER).last_event_id == (
        events.Event.objects.latest("id").id
    )
