"""Lessons learned and the best-practice library: rules, who writes, who reads."""

from __future__ import annotations

import datetime

import pytest

from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.pilots import deployment, lessons
from rucher.pilots.models import Lesson
from tests.pilots.test_support import make_pilot

pytestmark = pytest.mark.usefixtures("shared_cast")


@pytest.fixture
def pilot(project_lead, communities):
    today = datetime.date.today()
    return make_pilot(
        project_lead,
        [communities["open"], communities["elsewhere"]],
        start=today - datetime.timedelta(days=60),
        end=today + datetime.timedelta(days=60),
        name="Lessons pilot",
    )


def success(actor, pilot, **kw):
    values = {"kind": "success", "title": "Fix of the week", "body": "It worked."}
    values.update(kw)
    return lessons.lesson_create(actor=actor, pilot_id=pilot.pk, **values)


def test_success_in_the_library_with_kinds(project_lead, pilot, communities):
    lesson = success(
        project_lead,
        pilot,
        community_id=communities["open"].pk,
        in_library=True,
        community_kinds=["profession", "profession"],
    )
    assert lesson.community_kinds == ["profession"]
    assert Event.objects.filter(verb="pilot.lesson_created", target_id=lesson.pk).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  "}, "title"),
        ({"body": ""}, "body"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "draw"}, "kind"),
        ({"adjustment": "Change it"}, "adjustment"),
        ({"in_library": True, "community_kinds": ["no-such-kind"]}, "community_kinds"),
        ({"community_kinds": ["profession"]}, "community_kinds"),
        ({"community_id": 987654}, "community_id"),
        ({"kind": "failure", "in_library": True}, "in_library"),
        ({"kind": "failure", "wave_id": 987654}, "wave_id"),
    ],
)
def test_bad_lessons_are_refused(project_lead, pilot, values, field):
    with pytest.raises(Invalid) as caught:
        success(project_lead, pilot, **values)
    assert field in caught.value.fields
    assert not Lesson.objects.exists()


def test_failure_attached_to_a_wave_of_the_same_pilot(project_lead, pilot, communities):
    wave = deployment.wave_create(
        actor=project_lead,
        pilot_id=pilot.pk,
        name="Wave 1",
        start_date=pilot.end_date,
        support_hours="1",
        community_ids=[communities["open"].pk],
    )
    failure = lessons.lesson_create(
        actor=project_lead,
        pilot_id=pilot.pk,
        kind="failure",
        title="Trainings during shifts",
        body="Nobody came.",
        adjustment="Train at shift change.",
        wave_id=wave.pk,
    )
    assert failure.wave == wave
    other = make_pilot(
        project_lead,
        [communities["private"]],
        start=pilot.start_date,
        end=pilot.end_date,
        name="Other pilot",
    )
    with pytest.raises(Invalid):
        lessons.lesson_create(
            actor=project_lead,
            pilot_id=other.pk,
            kind="failure",
            title="T",
            body="B",
            wave_id=wave.pk,
        )
    assert lessons.failures_for_plan(pilot, project_lead) == [failure]


def test_update_and_delete(project_lead, pilot, personas):
    lesson = success(project_lead, pilot)
    lesson = lessons.lesson_update(actor=project_lead, lesson_id=lesson.pk, in_library=True)
    assert lesson.in_library and lesson.title == "Fix of the week"
    with pytest.raises(Invalid):
        lessons.lesson_update(actor=project_lead, lesson_id=lesson.pk, kind="failure")
    with pytest.raises(Forbidden):
        lessons.lesson_update(actor=personas["animator"], lesson_id=lesson.pk, title="Mine")
    with pytest.raises(NotFound):
        lessons.lesson_delete(actor=personas["outsider"], lesson_id=lesson.pk)
    lessons.lesson_delete(actor=project_lead, lesson_id=lesson.pk)
    assert not Lesson.objects.exists()


def test_only_managers_write(pilot, personas):
    with pytest.raises(Forbidden):
        success(personas["animator"], pilot)
    for name in ("member", "outsider", "guest"):
        with pytest.raises(NotFound):
            success(personas[name], pilot)


def test_animator_sees_whole_pilot_and_own_community_lessons(
    project_lead, pilot, communities, personas
):
    mine = success(project_lead, pilot, community_id=communities["open"].pk, title="Mine")
    whole = success(project_lead, pilot, title="Whole")
    success(project_lead, pilot, community_id=communities["elsewhere"].pk, title="Theirs")
    seen = {lesson.title for lesson in lessons.lessons_visible(pilot, personas["animator"])}
    assert seen == {mine.title, whole.title}
    assert lessons.lessons_visible(pilot, project_lead).count() == 3


def test_library_readers_and_filter(project_lead, pilot, personas):
    success(
        project_lead,
        pilot,
        title="For professions",
        in_library=True,
        community_kinds=["profession"],
    )
    success(project_lead, pilot, title="For all", in_library=True)
    success(project_lead, pilot, title="Not in the library")
    titles = {item.lesson.title for item in lessons.library(personas["outsider"])}
    assert titles == {"For professions", "For all"}
    assert {
        item.lesson.title for item in lessons.library(personas["outsider"], kind="project")
    } == {"For all"}
    # the pilot is named only to those who may see it
    assert all(item.pilot is None for item in lessons.library(personas["outsider"]))
    assert all(item.pilot == pilot for item in lessons.library(project_lead))
    assert lessons.library(personas["guest"]) == []
    assert lessons.library(personas["deactivated"]) == []
