"""The support log: services, validation, intensity and who sees what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from rucher.core import clock
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.pilots import checks, support
from rucher.pilots.models import Pilot, PilotCommunity, SupportEntry

pytestmark = pytest.mark.usefixtures("shared_cast")


def make_pilot(
    creator, communities, *, start, end, status="running", name="Support pilot", **extra
):
    """A pilot row made directly (the programme services are another helper's part)."""
    pilot = Pilot.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        start_date=start,
        end_date=end,
        status=status,
        created_by=creator,
        **extra,
    )
    for community in communities:
        PilotCommunity.objects.create(pilot=pilot, community=community, reason="need")
    return pilot


@pytest.fixture
def today():
    return checks.today()


@pytest.fixture
def pilot(project_lead, communities, today):
    return make_pilot(
        project_lead,
        [communities["open"], communities["elsewhere"]],
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=60),
        deployment_support_hours=Decimal("2"),
    )


def log(actor, pilot, **kw):
    values = {"kind": "training", "day": checks.today(), "hours": "3", "people_reached": 12}
    values.update(kw)
    return support.support_log(actor=actor, pilot_id=pilot.pk, **values)


def test_log_records_the_entry_and_an_event(project_lead, pilot, communities):
    entry = log(project_lead, pilot, community_id=communities["open"].pk, hours="1,5")
    assert entry.hours == Decimal("1.50")
    assert entry.community_id == communities["open"].pk
    assert entry.recorded_by == project_lead
    event = Event.objects.get(verb="pilot.support_logged")
    assert event.target_id == entry.pk
    # never counted as activity in the community (see support._record)
    assert event.community_id is None
    assert event.payload["community_id"] == communities["open"].pk


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "massage"}, "kind"),
        ({"day": None}, "day"),
        ({"day": "2026-01-01"}, "day"),
        ({"hours": "abc"}, "hours"),
        ({"hours": "-1"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"hours": "1.234"}, "hours"),
        ({"hours": "5000"}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"people_reached": "-3"}, "people_reached"),
        ({"people_reached": "many"}, "people_reached"),
        ({"description": "x" * 3000}, "description"),
        ({"community_id": 999999}, "community_id"),
    ],
)
def test_bad_input_is_refused_field_by_field(project_lead, pilot, changes, field):
    with pytest.raises(Invalid) as caught:
        log(project_lead, pilot, **changes)
    assert field in caught.value.fields
    assert not SupportEntry.objects.exists()


def test_future_days_and_days_after_the_end_are_refused(project_lead, pilot, today, communities):
    with pytest.raises(Invalid) as caught:
        log(project_lead, pilot, day=today + datetime.timedelta(days=1))
    assert "future" in caught.value.fields["day"][0]
    closed = make_pilot(
        project_lead,
        [communities["private"]],
        start=today - datetime.timedelta(days=200),
        end=today - datetime.timedelta(days=100),
        status="closed",
        name="Old pilot",
    )
    with pytest.raises(Invalid) as caught:
        log(project_lead, closed, day=today - datetime.timedelta(days=10))
    assert "day" in caught.value.fields
    # preparation before the start is support too
    assert log(project_lead, closed, day=closed.start_date - datetime.timedelta(days=7))


def test_a_community_outside_the_pilot_is_refused(project_lead, pilot, communities):
    with pytest.raises(Invalid) as caught:
        log(project_lead, pilot, community_id=communities["private"].pk)
    assert "community_id" in caught.value.fields


def test_only_managers_write(pilot, personas, communities):
    for name in ("member", "outsider", "guest", "deactivated", "manager"):
        with pytest.raises(NotFound):
            log(personas[name], pilot)
    # the animator sees the pilot (a pilot community's animator) but may not write
    with pytest.raises(Forbidden):
        log(personas["animator"], pilot, community_id=communities["open"].pk)
    pilot.sponsors.add(personas["manager"])
    assert log(personas["manager"], pilot)
    assert log(personas["admin"], pilot)


def test_update_and_delete(project_lead, pilot, communities, personas):
    entry = log(project_lead, pilot)
    updated = support.support_update(actor=project_lead, entry_id=entry.pk, hours="2.25")
    assert updated.hours == Decimal("2.25")
    assert updated.kind == "training"
    with pytest.raises(Invalid):
        support.support_update(actor=project_lead, entry_id=entry.pk, kind="nope")
    entry.refresh_from_db()
    assert entry.kind == "training"
    with pytest.raises(NotFound):
        support.support_delete(actor=personas["outsider"], entry_id=entry.pk)
    with pytest.raises(NotFound):
        support.support_delete(actor=project_lead, entry_id=987654)
    support.support_delete(actor=project_lead, entry_id=entry.pk)
    assert not SupportEntry.objects.exists()
    assert Event.objects.filter(verb="pilot.support_deleted").count() == 1


def test_intensity_per_community_and_against_deployment(project_lead, pilot, communities, today):
    open_, elsewhere = communities["open"], communities["elsewhere"]
    log(project_lead, pilot, community_id=open_.pk, hours="10", people_reached=5)
    log(project_lead, pilot, community_id=open_.pk, hours="2", people_reached=3, kind="coaching")
    log(project_lead, pilot, community_id=elsewhere.pk, hours="4", people_reached=1)
    log(project_lead, pilot, hours="6", people_reached=20)  # the whole pilot
    months = Decimal(61) / support.DAYS_PER_MONTH
    intensity = support.support_intensity(pilot)
    rows = {row.community_id: row for row in intensity.rows}
    assert rows[open_.pk].hours == Decimal("12")
    assert rows[open_.pk].entries == 2
    assert rows[open_.pk].people_reached == 8
    assert rows[open_.pk].shared_hours == Decimal("3.00")
    assert rows[open_.pk].hours_per_month == ((Decimal(15)) / months).quantize(Decimal("0.01"))
    assert rows[elsewhere.pk].hours_per_month == (Decimal(7) / months).quantize(Decimal("0.01"))
    assert intensity.total_hours == Decimal("22")
    assert intensity.total_entries == 4
    assert intensity.total_people == 29
    assert intensity.communities == 2
    assert intensity.mean_per_community_month == (Decimal(11) / months).quantize(Decimal("0.01"))
    assert intensity.ratio_to_deployment == pytest.approx(
        float(intensity.mean_per_community_month) / 2, abs=0.01
    )
    assert support.hours_per_community_month(pilot)[open_.pk] == pytest.approx(
        float(rows[open_.pk].hours_per_month)
    )


def test_animator_sees_only_own_community(project_lead, pilot, communities, personas):
    open_, elsewhere = communities["open"], communities["elsewhere"]
    mine = log(project_lead, pilot, community_id=open_.pk)
    log(project_lead, pilot, community_id=elsewhere.pk)
    log(project_lead, pilot)
    animator = personas["animator"]
    assert list(support.entries_visible(pilot, animator)) == [mine]
    intensity = support.support_intensity(pilot, animator)
    assert [row.community_id for row in intensity.rows] == [open_.pk]
    assert intensity.whole_pilot is None
    assert intensity.partial
    assert intensity.total_entries == 1
    assert support.entries_visible(pilot, project_lead).count() == 3


def test_intensity_before_the_start_has_no_rate(project_lead, communities, today):
    planned = make_pilot(
        project_lead,
        [communities["open"]],
        start=today + datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=100),
        status="planned",
        name="Later pilot",
    )
    log(project_lead, planned, community_id=communities["open"].pk, hours="2")
    intensity = support.support_intensity(planned)
    assert intensity.months is None
    assert intensity.rows[0].hours_per_month is None
    assert intensity.ratio_to_deployment is None


def test_deployment_level_is_a_parameter(project_lead, pilot, personas):
    support.pilot_set_deployment_support(actor=project_lead, pilot_id=pilot.pk, hours="3.5")
    pilot.refresh_from_db()
    assert pilot.deployment_support_hours == Decimal("3.50")
    with pytest.raises(Invalid) as caught:
        support.pilot_set_deployment_support(actor=project_lead, pilot_id=pilot.pk, hours="lots")
    assert "deployment_support_hours" in caught.value.fields
    with pytest.raises(Forbidden):
        support.pilot_set_deployment_support(
            actor=personas["animator"], pilot_id=pilot.pk, hours="1"
        )
    # zero is a real plan: no support at deployment
    support.pilot_set_deployment_support(actor=project_lead, pilot_id=pilot.pk, hours="0")


def test_frozen_clock_is_today(project_lead, pilot, communities):
    moment = datetime.datetime.combine(
        pilot.start_date + datetime.timedelta(days=3), datetime.time(10), tzinfo=datetime.UTC
    )
    with clock.frozen(moment):
        entry = log(project_lead, pilot, day=pilot.start_date + datetime.timedelta(days=2))
    assert entry.day == pilot.start_date + datetime.timedelta(days=2)
    with clock.frozen(moment), pytest.raises(Invalid):
        log(project_lead, pilot, day=pilot.start_date + datetime.timedelta(days=5))


def test_a_decided_pilot_support_log_is_frozen(project_lead, pilot, communities):
    entry = log(project_lead, pilot)
    Pilot.objects.filter(pk=pilot.pk).update(status="decided")
    with pytest.raises(Conflict):
        log(project_lead, pilot)
    with pytest.raises(Conflict):
        support.support_update(actor=project_lead, entry_id=entry.pk, hours="1")
    with pytest.raises(Conflict):
        support.support_delete(actor=project_lead, entry_id=entry.pk)
