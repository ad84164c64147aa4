"""Lessons learned from a pilot, and the best-practice library they feed.

A success may enter the library, tagged with the community kinds it suits, where every
internal person (animators of future communities first) can read it. A failure carries an
adjustment to the deployment plan, optionally attached to the deployment wave it changes.

The library shows a lesson's title, text and the kinds it suits — never the community it
came from (that community may be secret) and the pilot only to those who may see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rucher.core import events
from rucher.core.errors import NotFound
from rucher.pilots import checks, policy
from rucher.pilots.models import DeploymentWave, Lesson, LessonKind, Pilot

if TYPE_CHECKING:
    from rucher.accounts.models import User

TITLE_MAX = 200
BODY_MAX = 10_000
ADJUSTMENT_MAX = 5_000

_UNSET: Any = object()


def kind_codes() -> dict[str, Any]:
    """Community kinds by code (the library's filter and the lesson form's choices)."""
    from rucher.communities.models import CommunityKind

    return {kind.code: kind for kind in CommunityKind.objects.order_by("position", "code")}


def _check(pilot: Pilot, values: dict[str, Any]) -> dict[str, Any]:
    """Validated lesson fields, or ``Invalid`` with every problem under its field."""
    problems: dict[str, list[str]] = {}
    kind = values["kind"]
    if kind not in LessonKind.values:
        problems["kind"] = [_("Say whether it is a success or a failure.")]
    clean: dict[str, Any] = {"kind": kind}
    clean["title"] = checks.collect_text(
        problems, "title", values["title"], TITLE_MAX, _("Give the lesson a short title.")
    )
    clean["body"] = checks.collect_text(
        problems, "body", values["body"], BODY_MAX, _("Say what happened and what was learned.")
    )
    clean["adjustment"] = checks.collect_text(
        problems, "adjustment", values["adjustment"], ADJUSTMENT_MAX
    )
    clean["community_id"] = checks.pilot_community_id(
        problems,
        pilot,
        values["community_id"],
        _("Choose one of the pilot's communities, or none for the whole pilot."),
    )
    in_library = bool(values["in_library"])
    kinds = [str(code) for code in (values["community_kinds"] or [])]
    wave_id = values["wave_id"]
    clean["wave_id"] = None
    if kind == LessonKind.SUCCESS:
        if clean["adjustment"]:
            problems["adjustment"] = [
                _("Only a failure carries an adjustment to the deployment plan.")
            ]
        if wave_id not in (None, "", 0):
            problems["wave_id"] = [_("Only a failure is attached to a deployment wave.")]
        known = kind_codes()
        unknown = [code for code in kinds if code not in known]
        if unknown:
            problems["community_kinds"] = [_("Unknown community kind: %s.") % ", ".join(unknown)]
        if kinds and not in_library:
            problems["community_kinds"] = [
                _("Community kinds say whom a practice suits: put it in the library first.")
            ]
        clean["in_library"] = in_library
        clean["community_kinds"] = list(dict.fromkeys(kinds))
    elif kind == LessonKind.FAILURE:
        if in_library:
            problems["in_library"] = [
                _("The library holds practices that worked: a failure becomes an adjustment.")
            ]
        if kinds:
            problems["community_kinds"] = [_("Only successes in the library name community kinds.")]
        if wave_id not in (None, "", 0):
            try:
                wid = int(wave_id)
            except (TypeError, ValueError):
                wid = 0
            if not DeploymentWave.objects.filter(pilot=pilot, pk=wid).exists():
                problems["wave_id"] = [_("Choose one of this pilot's deployment waves.")]
            clean["wave_id"] = wid or None
        clean["in_library"] = False
        clean["community_kinds"] = []
    checks.raise_problems(problems)
    return clean


def _record(actor: User, verb: str, lesson: Lesson) -> None:
    # No community_id: writing a lesson is not activity in the community (analytics reach).
    events.record(
        actor=actor,
        verb=verb,
        target=lesson,
        payload={
            "pilot_id": lesson.pilot_id,
            "kind": lesson.kind,
            "in_library": lesson.in_library,
            "community_id": lesson.community_id,
            "wave_id": lesson.wave_id,
        },
    )


@transaction.atomic
def lesson_create(
    *,
    actor: User,
    pilot_id: int,
    kind: str,
    title: str,
    body: str,
    community_id: int | None = None,
    in_library: bool = False,
    community_kinds: list[str] | tuple[str, ...] = (),
    adjustment: str = "",
    wave_id: int | None = None,
) -> Lesson:
    pilot = policy.access_pilot(user=actor, pilot_id=pilot_id)
    policy.require_manage(actor, pilot)
    clean = _check(
        pilot,
        {
            "kind": kind,
            "title": title,
            "body": body,
            "community_id": community_id,
            "in_library": in_library,
            "community_kinds": community_kinds,
            "adjustment": adjustment,
            "wave_id": wave_id,
        },
    )
    lesson = Lesson.objects.create(pilot=pilot, created_by=actor, **clean)
    _record(actor, "pilot.lesson_created", lesson)
    return lesson


def _access_lesson(actor: User, lesson_id: int) -> Lesson:
    try:
        lesson = Lesson.objects.get(pk=lesson_id)
    except (Lesson.DoesNotExist, ValueError, TypeError):
        raise NotFound("lesson") from None
    pilot = policy.access_pilot(user=actor, pilot_id=lesson.pilot_id)
    policy.require_manage(actor, pilot)
    lesson.pilot = pilot
    return lesson


@transaction.atomic
def lesson_update(
    *,
    actor: User,
    lesson_id: int,
    kind: str = _UNSET,
    title: str = _UNSET,
    body: str = _UNSET,
    community_id: int | None = _UNSET,
    in_library: bool = _UNSET,
    community_kinds: list[str] | tuple[str, ...] = _UNSET,
    adjustment: str = _UNSET,
    wave_id: int | None = _UNSET,
) -> Lesson:
    """Change a lesson; fields left out keep their value."""
    lesson = _access_lesson(actor, lesson_id)
    current = {
        "kind": lesson.kind,
        "title": lesson.title,
        "body": lesson.body,
        "community_id": lesson.community_id,
        "in_library": lesson.in_library,
        "community_kinds": lesson.community_kinds,
        "adjustment": lesson.adjustment,
        "wave_id": lesson.wave_id,
    }
    given = {
        "kind": kind,
        "title": title,
        "body": body,
        "community_id": community_id,
        "in_library": in_library,
        "community_kinds": community_kinds,
        "adjustment": adjustment,
        "wave_id": wave_id,
    }
    merged = {key: current[key] if value is _UNSET else value for key, value in given.items()}
    clean = _check(lesson.pilot, merged)
    for key, value in clean.items():
        setattr(lesson, key, value)
    lesson.save()
    _record(actor, "pilot.lesson_updated", lesson)
    return lesson


@transaction.atomic
def lesson_delete(*, actor: User, lesson_id: int) -> None:
    lesson = _access_lesson(actor, lesson_id)
    _record(actor, "pilot.lesson_deleted", lesson)
    lesson.delete()


# ---- selectors ------------------------------------------------------------------------


def lessons_visible(pilot: Pilot, viewer: User) -> QuerySet[Lesson]:
    """A pilot's lessons for its tab: all for managers and results viewers; an animator sees
    the lessons about the whole pilot and about their own communities."""
    lessons = pilot.lessons.select_related("community", "wave", "created_by").order_by(
        "kind", "-created_at", "-id"
    )
    visible = policy.visible_community_ids(viewer, pilot)
    if visible is not None:
        lessons = lessons.filter(community_id__isnull=True) | lessons.filter(
            community_id__in=visible
        )
    return lessons


def may_read_library(viewer: User) -> bool:
    """Every active internal person (not partner guests)."""
    return bool(viewer.is_authenticated and viewer.is_active and not viewer.is_guest)


@dataclass
class LibraryItem:
    lesson: Lesson
    kinds: list[Any]  # CommunityKind rows the practice suits; empty = every kind
    pilot: Pilot | None  # None when the reader may not see the pilot


def library(viewer: User, *, kind: str = "") -> list[LibraryItem]:
    """The best-practice library: successes put in it, newest first, those suiting ``kind``
    (a community kind code) when given — practices for every kind included."""
    if not may_read_library(viewer):
        return []
    known = kind_codes()
    lessons = (
        Lesson.objects.filter(kind=LessonKind.SUCCESS, in_library=True)
        .select_related("pilot")
        .order_by("-created_at", "-id")
    )
    visible = set(policy.pilots_visible_to(viewer).values_list("pk", flat=True))
    items = []
    for lesson in lessons:
        codes = lesson.community_kinds or []
        if kind and codes and kind not in codes:
            continue
        items.append(
            LibraryItem(
                lesson=lesson,
                kinds=[known[code] for code in codes if code in known],
                pilot=lesson.pilot if lesson.pilot_id in visible else None,
            )
        )
    return items


def failures_for_plan(pilot: Pilot, viewer: User) -> list[Lesson]:
    """Failures with their adjustments, for the deployment plan, as ``viewer`` may see them."""
    return sorted(
        lessons_visible(pilot, viewer).filter(kind=LessonKind.FAILURE),
        key=lambda lesson: (lesson.wave_id is not None, lesson.created_at, lesson.pk),
    )
