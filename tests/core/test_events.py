"""The event log: written with the change, read in order by consumers that keep a position."""

from __future__ import annotations

import pytest
from django.db import transaction

from rucher.accounts.services import person_follow, profile_update
from rucher.core import events
from rucher.core.errors import Invalid
from rucher.core.models import Event


def test_a_failed_service_leaves_no_event_and_no_change(member):
    before = Event.objects.count()
    with pytest.raises(Invalid):
        profile_update(
            actor=member,
            person_id=member.pk,
            changes={"job_title": "Chief", "phone": "not a phone"},
        )
    member.profile.refresh_from_db()
    assert member.profile.job_title == "Rail engineer"
    assert Event.objects.count() == before


def test_an_event_rolls_back_with_its_transaction(member, outsider):
    before = Event.objects.count()

    def follow_then_crash() -> None:
        with transaction.atomic():
            person_follow(actor=member, person_id=outsider.pk)
            raise RuntimeError("crash after the write")

    with pytest.raises(RuntimeError):
        follow_then_crash()
    assert Event.objects.count() == before


def test_consumer_reads_each_event_once_and_resumes_after_a_crash(member, outsider):
    seen: list[int] = []
    for batch in events.pending(consumer="test", batch_size=3):
        seen.extend(event.id for event in batch)
        events.advance(consumer="test", last_event_id=batch[-1].id)
    assert seen == list(Event.objects.order_by("id").values_list("id", flat=True))

    person_follow(actor=member, person_id=outsider.pk)
    # A consumer that crashes before advancing sees the same batch again next time.
    first_try = [event.id for batch in events.pending(consumer="test") for event in batch]
    second_try = [event.id for batch in events.pending(consumer="test") for event in batch]
    assert first_try == second_try
    assert len(first_try) == 1
    assert Event.objects.get(pk=first_try[0]).verb == "person.followed"


def test_reset_replays_the_whole_log(member):
    for batch in events.pending(consumer="replay"):
        events.advance(consumer="replay", last_event_id=batch[-1].id)
    events.reset(consumer="replay")
    replayed = [event.id for batch in events.pending(consumer="replay") for event in batch]
    assert len(replayed) == Event.objects.count()


def test_profile_change_event_names_the_fields(member):
    profile_update(actor=member, person_id=member.pk, changes={"job_title": "Lead", "bio": "Hi"})
    event = Event.objects.filter(verb="profile.updated").latest("id")
    assert event.actor == member
    assert sorted(event.payload["fields"]) == ["bio", "job_title"]
