"""The support log ("accompagnement") of a pilot: services that write it, selectors that read it.

Support intensity is what the evaluation relates outcomes to, and what deployment will not
match: the pilot's hours per community per month are read against
``Pilot.deployment_support_hours`` (the level planned for deployment, editable here).

Intensity per community counts the community's own entries plus an equal share of the
entries logged for the whole pilot (a training for every beta user helps every pilot
community), over the months the pilot has run so far.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rucher.core import events
from rucher.core.errors import Conflict, NotFound
from rucher.pilots import checks, policy
from rucher.pilots.models import Pilot, PilotStatus, SupportEntry, SupportKind

if TYPE_CHECKING:
    from rucher.accounts.models import User

# One entry may cover a multi-day event or a month of coaching, never a year of work.
MAX_HOURS = Decimal("1000")
MAX_PEOPLE = 1_000_000
MAX_DESCRIPTION = 2000
# Average month length, so that "per month" means the same whatever month the pilot ran in.
DAYS_PER_MONTH = Decimal("30.4375")
TWO_PLACES = Decimal("0.01")


def parse_hours(value: Any, *, limit: Decimal = MAX_HOURS, allow_zero: bool = False) -> Decimal:
    """Hours as a Decimal with two places; ``Invalid``-free: raises ValueError with the message.

    Accepts numbers and strings with a dot or a comma ("1,5" as French speakers type it).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(_("Enter a number of hours."))
    text = str(value).strip().replace(",", ".").replace(" ", "")
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("Enter a number of hours, for example 1.5.")) from None
    if not hours.is_finite():
        raise ValueError(_("Enter a number of hours, for example 1.5."))
    if hours < 0 or (hours == 0 and not allow_zero):
        raise ValueError(
            _("Hours cannot be negative.") if hours < 0 else _("Hours must be more than zero.")
        )
    if hours > limit:
        raise ValueError(_("At most %(limit)s hours.") % {"limit": format(limit.normalize(), "f")})
    rounded = hours.quantize(TWO_PLACES)
    if rounded != hours:
        raise ValueError(_("Use at most two decimals (for example 1.25)."))
    return rounded


def _not_decided(pilot: Pilot) -> None:
    """The support log of a decided pilot is what the decision rested on: it stays as it is."""
    if pilot.status == PilotStatus.DECIDED:
        raise Conflict(_("This pilot has been decided: its support log can no longer change."))


def _check_fields(
    pilot: Pilot,
    *,
    kind: Any,
    day: Any,
    hours: Any,
    people_reached: Any,
    community_id: Any,
    description: Any,
) -> dict[str, Any]:
    """Validated values, or ``Invalid`` with every problem at once (each under its field)."""
    problems: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if kind not in SupportKind.values:
        problems["kind"] = [_("Choose the kind of support.")]
    clean["kind"] = kind
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        problems["day"] = [_("Enter the date the support was given.")]
    elif day > checks.today():
        problems["day"] = [_("Log support once it has been given: the date is in the future.")]
    elif day > pilot.end_date:
        problems["day"] = [
            _("The pilot ended on %(end)s: support after its end is not part of it.")
            % {"end": pilot.end_date.isoformat()}
        ]
    clean["day"] = day
    try:
        clean["hours"] = parse_hours(hours)
    except ValueError as error:
        problems["hours"] = [str(error)]
    if people_reached is None or people_reached == "":
        people = 0
    else:
        try:
            people = int(str(people_reached).strip())
        except ValueError:
            people = -1
    if people < 0:
        problems["people_reached"] = [_("Enter a whole number of people, zero or more.")]
    elif people > MAX_PEOPLE:
        problems["people_reached"] = [_("That is more people than the organisation holds.")]
    clean["people_reached"] = max(people, 0)
    clean["community_id"] = checks.pilot_community_id(
        problems,
        pilot,
        community_id,
        _("Choose one of the pilot's communities, or the whole pilot."),
    )
    clean["description"] = checks.collect_text(
        problems, "description", description, MAX_DESCRIPTION
    )
    checks.raise_problems(problems)
    return clean


def _payload(entry: SupportEntry) -> dict[str, Any]:
    return {
        "pilot_id": entry.pilot_id,
        "community_id": entry.community_id,
        "kind": entry.kind,
        "day": entry.day.isoformat(),
        "hours": str(entry.hours),
        "people_reached": entry.people_reached,
    }


def _record(actor: User, verb: str, entry: SupportEntry) -> None:
    # community_id stays empty on purpose: the analytics rollups count any event with an
    # actor as that actor "reached" in the event's community, and logging support is not
    # activity in the community. The community is in the payload.
    events.record(actor=actor, verb=verb, target=entry, payload=_payload(entry))


@transaction.atomic
def support_log(
    *,
    actor: User,
    pilot_id: int,
    kind: str,
    day: datetime.date,
    hours: Decimal | float | int | str,
    people_reached: int = 0,
    community_id: int | None = None,
    description: str = "",
) -> SupportEntry:
    """Log support given to one pilot community (or to the whole pilot: ``community_id=None``)."""
    pilot = policy.access_pilot(user=actor, pilot_id=pilot_id)
    policy.require_manage(actor, pilot)
    _not_decided(pilot)
    clean = _check_fields(
        pilot,
        kind=kind,
        day=day,
        hours=hours,
        people_reached=people_reached,
        community_id=community_id,
        description=description,
    )
    entry = SupportEntry.objects.create(pilot=pilot, recorded_by=actor, **clean)
    _record(actor, "pilot.support_logged", entry)
    return entry


def _access_entry(actor: User, entry_id: int) -> SupportEntry:
    """The entry of a pilot ``actor`` manages; NotFound when it is missing or out of sight."""
    try:
        entry = SupportEntry.objects.select_related("pilot").get(pk=entry_id)
    except (SupportEntry.DoesNotExist, ValueError, TypeError):
        raise NotFound("support entry") from None
    pilot = policy.access_pilot(user=actor, pilot_id=entry.pilot_id)
    visible = policy.visible_community_ids(actor, pilot)
    if visible is not None and entry.community_id not in visible:
        raise NotFound("support entry")
    policy.require_manage(actor, pilot)
    _not_decided(pilot)
    return entry


_UNSET: Any = object()


@transaction.atomic
def support_update(
    *,
    actor: User,
    entry_id: int,
    kind: str = _UNSET,
    day: datetime.date = _UNSET,
    hours: Decimal | float | int | str = _UNSET,
    people_reached: int = _UNSET,
    community_id: int | None = _UNSET,
    description: str = _UNSET,
) -> SupportEntry:
    """Change an entry; fields left out keep their value."""
    entry = _access_entry(actor, entry_id)
    given = {
        "kind": kind,
        "day": day,
        "hours": hours,
        "people_reached": people_reached,
        "community_id": community_id,
        "description": description,
    }
    current = {
        "kind": entry.kind,
        "day": entry.day,
        "hours": entry.hours,
        "people_reached": entry.people_reached,
        "community_id": entry.community_id,
        "description": entry.description,
    }
    merged = {key: current[key] if value is _UNSET else value for key, value in given.items()}
    clean = _check_fields(entry.pilot, **merged)
    for key, value in clean.items():
        setattr(entry, key, value)
    entry.save()
    _record(actor, "pilot.support_updated", entry)
    return entry


@transaction.atomic
def support_delete(*, actor: User, entry_id: int) -> None:
    entry = _access_entry(actor, entry_id)
    payload = _payload(entry)
    events.record(actor=actor, verb="pilot.support_deleted", target=entry, payload=payload)
    entry.delete()


def pilot_set_deployment_support(
    *, actor: User, pilot_id: int, hours: Decimal | float | int | str
) -> Pilot:
    """Set the support planned for deployment (hours per community per month).

    Through ``pilot_update`` so that one rule (range, decided pilots frozen) holds wherever
    the parameter is edited; hours typed with a comma are read as French speakers write them.
    """
    from rucher.pilots.services import pilot_update

    text = str(hours).strip().replace(",", ".") if hours is not None else ""
    if not text:
        raise checks.field_error("deployment_support_hours", _("Enter a number of hours."))
    return pilot_update(actor=actor, pilot_id=pilot_id, deployment_support_hours=text)


# ---- selectors ------------------------------------------------------------------------


def entries_visible(pilot: Pilot, viewer: User) -> QuerySet[SupportEntry]:
    """The entries ``viewer`` may see: all for managers; an animator only their communities'."""
    entries = pilot.support_entries.select_related("community", "recorded_by")
    visible = policy.visible_community_ids(viewer, pilot)
    if visible is not None:
        entries = entries.filter(community_id__in=visible)
    return entries


def months_run(pilot: Pilot, *, today: datetime.date | None = None) -> Decimal | None:
    """Months from the start to the end (or to today while running); None before the start."""
    today = today or checks.today()
    last = min(pilot.end_date, today)
    if last < pilot.start_date:
        return None
    days = (last - pilot.start_date).days + 1
    return Decimal(days) / DAYS_PER_MONTH


@dataclass
class IntensityRow:
    community_id: int | None  # None: the whole-pilot row
    name: str
    entries: int = 0
    hours: Decimal = Decimal(0)  # the community's own entries
    shared_hours: Decimal = Decimal(0)  # its share of the whole-pilot entries
    people_reached: int = 0
    hours_per_month: Decimal | None = None  # (own + shared) per month run
    ratio_to_deployment: float | None = None  # hours_per_month ÷ deployment level
    in_pilot: bool = True  # False: a community removed from the pilot since


@dataclass
class Intensity:
    rows: list[IntensityRow]
    whole_pilot: IntensityRow | None
    total_hours: Decimal
    total_entries: int
    total_people: int
    months: Decimal | None
    communities: int
    mean_per_community_month: Decimal | None
    deployment_level: Decimal
    # None when it cannot be said (nothing run yet); else pilot intensity ÷ deployment level
    ratio_to_deployment: float | None
    by_month: list[tuple[datetime.date, str, Decimal]] = field(default_factory=list)
    partial: bool = False  # True: an animator's view, limited to their communities


def _per_month(hours: Decimal, months: Decimal | None) -> Decimal | None:
    if months is None or months <= 0:
        return None
    return (hours / months).quantize(TWO_PLACES)


def _ratio(value: Decimal | None, level: Decimal) -> float | None:
    if value is None or level <= 0:
        return None
    return round(float(value / level), 2)


def support_intensity(
    pilot: Pilot, viewer: User | None = None, *, today: datetime.date | None = None
) -> Intensity:
    """Hours, entries and people reached per community, against the deployment level.

    ``viewer=None`` means the whole pilot (the evaluation and report); with a viewer the rows
    are those ``viewer`` may see.
    """
    visible = None if viewer is None else policy.visible_community_ids(viewer, pilot)
    months = months_run(pilot, today=today)
    level = Decimal(pilot.deployment_support_hours)
    pilot_communities = list(
        pilot.pilot_communities.select_related("community").order_by("community__name")
    )
    rows: dict[int, IntensityRow] = {
        pc.community_id: IntensityRow(community_id=pc.community_id, name=pc.community.name)
        for pc in pilot_communities
    }
    whole = IntensityRow(community_id=None, name=_("Whole pilot"))
    by_month: dict[tuple[datetime.date, str], Decimal] = {}
    for entry in pilot.support_entries.select_related("community").order_by("day", "id"):
        if entry.community_id is None:
            row = whole
        else:
            row = rows.get(entry.community_id)  # type: ignore[assignment]
            if row is None:
                name = entry.community.name if entry.community else "?"
                row = rows[entry.community_id] = IntensityRow(
                    community_id=entry.community_id, name=name, in_pilot=False
                )
        row.entries += 1
        row.hours += entry.hours
        row.people_reached += entry.people_reached
        month = entry.day.replace(day=1)
        by_month[(month, entry.kind)] = by_month.get((month, entry.kind), Decimal(0)) + entry.hours
    in_pilot = [row for row in rows.values() if row.in_pilot]
    share = whole.hours / len(in_pilot) if in_pilot else Decimal(0)
    for row in rows.values():
        if row.in_pilot:
            row.shared_hours = share.quantize(TWO_PLACES)
        row.hours_per_month = _per_month(row.hours + (share if row.in_pilot else 0), months)
        row.ratio_to_deployment = _ratio(row.hours_per_month, level)
    whole.hours_per_month = _per_month(whole.hours, months)
    ordered = sorted(rows.values(), key=lambda r: (not r.in_pilot, r.name.lower()))
    total_hours = whole.hours + sum((r.hours for r in rows.values()), Decimal(0))
    mean = _per_month(total_hours / len(in_pilot), months) if in_pilot else None
    intensity = Intensity(
        rows=ordered,
        whole_pilot=whole,
        total_hours=total_hours,
        total_entries=whole.entries + sum(r.entries for r in rows.values()),
        total_people=whole.people_reached + sum(r.people_reached for r in rows.values()),
        months=months.quantize(TWO_PLACES) if months is not None else None,
        communities=len(in_pilot),
        mean_per_community_month=mean,
        deployment_level=level,
        ratio_to_deployment=_ratio(mean, level),
        by_month=[(month, kind, hours) for (month, kind), hours in sorted(by_month.items())],
    )
    if visible is not None:
        # An animator sees their own communities' rows only: no whole-pilot row, no totals
        # over the communities they may not see, no breakdown by month of others' support.
        mine = [row for row in ordered if row.community_id in visible]
        intensity = Intensity(
            rows=mine,
            whole_pilot=None,
            total_hours=sum((r.hours for r in mine), Decimal(0)),
            total_entries=sum(r.entries for r in mine),
            total_people=sum(r.people_reached for r in mine),
            months=intensity.months,
            communities=len(mine),
            mean_per_community_month=None,
            deployment_level=level,
            ratio_to_deployment=None,
            by_month=_months_of(pilot, visible),
            partial=True,
        )
    return intensity


def _months_of(pilot: Pilot, community_ids: set[int]) -> list[tuple[datetime.date, str, Decimal]]:
    totals: dict[tuple[datetime.date, str], Decimal] = {}
    for entry in pilot.support_entries.filter(community_id__in=community_ids):
        key = (entry.day.replace(day=1), entry.kind)
        totals[key] = totals.get(key, Decimal(0)) + entry.hours
    return [(month, kind, hours) for (month, kind), hours in sorted(totals.items())]


def hours_per_community_month(
    pilot: Pilot, *, today: datetime.date | None = None
) -> dict[int, float]:
    """Support intensity of each current pilot community (own + shared hours per month run):
    what the evaluation regresses effects on. Empty before the pilot starts."""
    intensity = support_intensity(pilot, today=today)
    return {
        row.community_id: float(row.hours_per_month)
        for row in intensity.rows
        if row.in_pilot and row.community_id is not None and row.hours_per_month is not None
    }
