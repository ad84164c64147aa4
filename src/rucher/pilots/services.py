"""Writes of the pilot programme: the pilot, its scope, comparison groups and objectives.

Each service checks the policy first (``access_pilot`` — NotFound for a pilot the actor may
not see — then ``require_manage``), validates with translated messages naming the field,
writes in one transaction and records its event. Views and the API call these; none writes
the models directly.

Two rules keep the comparison honest (see docs/user-guide/pilots.md):

- a community is either a pilot community or a comparison group of a pilot, never both;
- a comparison org unit may not contain beta users, and nobody in a comparison org unit may
  become a beta user: the comparison group must be people the pilot did not touch.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rucher.accounts.models import OrgUnit, Role, User
from rucher.core import clock, events
from rucher.core.errors import Conflict, Invalid, NotFound
from rucher.pilots import checks, policy
from rucher.pilots.models import (
    BetaUser,
    ComparisonGroup,
    ComparisonSource,
    Direction,
    MeasureKind,
    Objective,
    ObjectiveMeasure,
    Pilot,
    PilotCommunity,
    PilotStatus,
    SelectionReason,
)

NAME_MAX = 160
PURPOSE_MAX = 5000
DETAIL_MAX = 2000
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
SUPPORT_HOURS_MAX = Decimal("10000")
# Fixed words of the pilot addresses (/pilots/new/, /pilots/library/, /pilots/surveys/...):
# a pilot named "Library" must not hide the library page.
RESERVED_SLUGS = frozenset({"new", "library", "surveys"})
# The default baseline: the 8 weeks before the start.
BASELINE_DAYS = 56
# Status changes this module makes; "decided" is set by the decision service only.
TRANSITIONS: dict[str, frozenset[str]] = {
    PilotStatus.PLANNED: frozenset({PilotStatus.RUNNING}),
    PilotStatus.RUNNING: frozenset({PilotStatus.CLOSED}),
    # Reopening: a pilot closed by mistake, or extended before the decision.
    PilotStatus.CLOSED: frozenset({PilotStatus.RUNNING}),
    PilotStatus.DECIDED: frozenset(),
}


def _date(field: str, value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise checks.field_error(field, _("Enter a valid date.")) from None


def _number(field: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise checks.field_error(field, _("Enter a number.")) from None
    if not math.isfinite(number):
        raise checks.field_error(field, _("Enter a number."))
    return number


def _pilot_for_manager(actor: User, pilot_id: int, *, lock: bool = False) -> Pilot:
    pilot = policy.access_pilot(user=actor, pilot_id=pilot_id)
    policy.require_manage(actor, pilot)
    if lock:
        pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
    return pilot


def _not_decided(pilot: Pilot) -> None:
    """A decided pilot is history: its scope and objectives are what the decision rested on."""
    if pilot.status == PilotStatus.DECIDED:
        raise Conflict(
            _("This pilot has been decided: its programme can no longer change."),
        )


def _record(actor: User, verb: str, pilot: Pilot, target: Any = None, **payload: Any) -> None:
    community_id = payload.pop("community_id", None)
    events.record(
        actor=actor,
        verb=verb,
        target=target if target is not None else pilot,
        community_id=community_id,
        payload={"pilot_id": pilot.pk, **payload},
    )


# ---------------------------------------------------------------- the pilot


def _free_slug(wanted: str, exclude_id: int | None) -> bool:
    if wanted in RESERVED_SLUGS:
        return False
    taken = Pilot.objects.exclude(pk=exclude_id) if exclude_id else Pilot.objects.all()
    return not taken.filter(slug=wanted).exists()


def _slug_for(name: str) -> str:
    base = slugify(name)[:70] or "pilot"
    candidate, number = base, 2
    while not _free_slug(candidate, None):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _dates(start: Any, end: Any) -> tuple[datetime.date, datetime.date]:
    errors: dict[str, list[str]] = {}
    try:
        start_date = _date("start_date", start)
    except Invalid as error:
        errors.update(error.fields)
    try:
        end_date = _date("end_date", end)
    except Invalid as error:
        errors.update(error.fields)
    if errors:
        raise Invalid(next(iter(errors.values()))[0], fields=errors)
    if end_date < start_date:
        raise checks.field_error("end_date", _("The pilot must end after it starts."))
    return start_date, end_date


def _support_hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise checks.field_error(
            "deployment_support_hours", _("Enter a number of hours.")
        ) from None
    if not hours.is_finite() or hours < 0 or hours > SUPPORT_HOURS_MAX:
        raise checks.field_error(
            "deployment_support_hours",
            _("Enter a number of hours between 0 and %(max)s.") % {"max": SUPPORT_HOURS_MAX},
        )
    return hours


def _people(field: str, ids: Iterable[Any], actor: User) -> list[User]:
    """Active internal people ``actor`` may see, by id; refuses the others by name."""
    try:
        wanted = {int(pk) for pk in ids}
    except (TypeError, ValueError):
        raise checks.field_error(field, _("Choose people from the list.")) from None
    if not wanted:
        return []
    found = list(User.objects.visible_to(actor).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise checks.field_error(field, _("Some of these people do not exist."))
    refused = [person.display_name for person in found if not person.is_active or person.is_guest]
    if refused:
        raise checks.field_error(
            field,
            _("Only active employees can take part: %(names)s.") % {"names": ", ".join(refused)},
        )
    return found


@transaction.atomic
def pilot_create(
    *,
    actor: User,
    name: str,
    purpose: str = "",
    start_date: Any,
    end_date: Any,
    deployment_support_hours: Any = 2,
    sponsor_ids: Iterable[int] = (),
    team_ids: Iterable[int] = (),
) -> Pilot:
    """A planned pilot. Only the ESN project team (administrators included) starts one."""
    if not (actor.is_authenticated and actor.is_active and actor.is_project_team):
        from rucher.core.errors import Forbidden

        raise Forbidden(_("Only the ESN project team may create a pilot."))
    clean_name = checks.text(
        "name", " ".join((name or "").split()), NAME_MAX, required=_("Give the pilot a name.")
    )
    clean_purpose = checks.text("purpose", purpose, PURPOSE_MAX)
    start, end = _dates(start_date, end_date)
    hours = _support_hours(deployment_support_hours)
    sponsors = _people("sponsor_ids", sponsor_ids, actor)
    team = _people("team_ids", team_ids, actor)
    pilot = Pilot.objects.create(
        name=clean_name,
        slug=_slug_for(clean_name),
        purpose=clean_purpose,
        start_date=start,
        end_date=end,
        deployment_support_hours=hours,
        created_by=actor,
    )
    pilot.sponsors.set(sponsors)
    pilot.team.set(team)
    _record(actor, "pilot.created", pilot, name=pilot.name)
    return pilot


@transaction.atomic
def pilot_update(
    *,
    actor: User,
    pilot_id: int,
    name: str | None = None,
    purpose: str | None = None,
    start_date: Any = None,
    end_date: Any = None,
    deployment_support_hours: Any = None,
    sponsor_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
) -> Pilot:
    """Changes what is given (None keeps the value). The address stays: links keep working.

    Moving the start moves the default baselines (the 8 weeks before the start) with it.
    """
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    changed: list[str] = []
    if name is not None:
        pilot.name = checks.text(
            "name", " ".join(name.split()), NAME_MAX, required=_("Give the pilot a name.")
        )
        changed.append("name")
    if purpose is not None:
        pilot.purpose = checks.text("purpose", purpose, PURPOSE_MAX)
        changed.append("purpose")
    old_start = pilot.start_date
    if start_date is not None or end_date is not None:
        pilot.start_date, pilot.end_date = _dates(
            start_date if start_date is not None else pilot.start_date,
            end_date if end_date is not None else pilot.end_date,
        )
        changed += ["start_date", "end_date"]
    if deployment_support_hours is not None:
        pilot.deployment_support_hours = _support_hours(deployment_support_hours)
        changed.append("deployment_support_hours")
    if sponsor_ids is not None:
        pilot.sponsors.set(_people("sponsor_ids", sponsor_ids, actor))
        changed.append("sponsors")
    if team_ids is not None:
        pilot.team.set(_people("team_ids", team_ids, actor))
        changed.append("team")
    pilot.save()
    if pilot.start_date != old_start:
        _move_default_baselines(pilot, old_start)
    _record(actor, "pilot.updated", pilot, fields=sorted(set(changed)))
    return pilot


def _move_default_baselines(pilot: Pilot, old_start: datetime.date) -> None:
    old_from, old_to = default_baseline(old_start)
    new_from, new_to = default_baseline(pilot.start_date)
    for measure in ObjectiveMeasure.objects.filter(
        objective__pilot=pilot, baseline_start=old_from, baseline_end=old_to
    ):
        measure.baseline_start, measure.baseline_end = new_from, new_to
        measure.baseline_value = _baseline_value(pilot, measure)
        measure.save(update_fields=["baseline_start", "baseline_end", "baseline_value"])


@transaction.atomic
def pilot_set_status(*, actor: User, pilot_id: int, status: str) -> Pilot:
    """planned → running → closed (and closed → running to reopen). A pilot without
    communities cannot start; "decided" is recorded with the decision, not here."""
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    if status not in PilotStatus.values:
        raise checks.field_error("status", _("Unknown status."))
    if status == PilotStatus.DECIDED:
        raise checks.field_error(
            "status", _("A pilot becomes decided when its decision is recorded.")
        )
    if status == pilot.status:
        return pilot
    if status not in TRANSITIONS[pilot.status]:
        raise Conflict(
            _("A pilot that is %(current)s cannot become %(wanted)s.")
            % {
                "current": PilotStatus(pilot.status).label.lower(),
                "wanted": PilotStatus(status).label.lower(),
            },
            fields={"status": [_("Not possible from the current status.")]},
        )
    if status == PilotStatus.RUNNING and not pilot.pilot_communities.exists():
        raise checks.field_error(
            "status",
            _("A pilot without communities cannot start: add its pilot communities first."),
        )
    previous = pilot.status
    pilot.status = status
    pilot.save(update_fields=["status", "updated_at"])
    if status == PilotStatus.RUNNING:
        # Baselines that could not be measured when planned (their period had not passed).
        for measure in ObjectiveMeasure.objects.filter(
            objective__pilot=pilot, baseline_value__isnull=True
        ):
            measure.baseline_value = _baseline_value(pilot, measure)
            measure.save(update_fields=["baseline_value"])
    _record(actor, "pilot.status_changed", pilot, previous=previous, status=status)
    return pilot


@transaction.atomic
def pilot_publish_results(*, actor: User, pilot_id: int, published: bool) -> Pilot:
    """Shows (or hides again) the results to the beta users and pilot-community animators."""
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    if published and pilot.status == PilotStatus.PLANNED:
        raise Conflict(_("A pilot that has not started has no results to publish."))
    if published == (pilot.results_published_at is not None):
        return pilot
    pilot.results_published_at = clock.now() if published else None
    pilot.save(update_fields=["results_published_at", "updated_at"])
    verb = "pilot.results_published" if published else "pilot.results_unpublished"
    _record(actor, verb, pilot)
    return pilot


# ---------------------------------------------------------------- pilot communities


@transaction.atomic
def pilot_community_add(
    *,
    actor: User,
    pilot_id: int,
    community_id: int,
    reason: str,
    reason_detail: str = "",
) -> PilotCommunity:
    """Adds a community to the pilot with why it was chosen (the evaluation uses it)."""
    from rucher.communities.policy import access_community

    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    community = access_community(user=actor, community_id=community_id)
    if community.is_archived:
        raise checks.field_error("community_id", _("This community is archived."))
    if reason not in SelectionReason.values:
        raise checks.field_error("reason", _("Say why this community was chosen."))
    detail = checks.text("reason_detail", reason_detail, DETAIL_MAX)
    if reason == SelectionReason.OTHER and not detail:
        raise checks.field_error("reason_detail", _("Describe the reason."))
    if pilot.comparison_groups.filter(community=community).exists():
        raise checks.field_error(
            "community_id",
            _(
                "“%(name)s” is a comparison group of this pilot: a community cannot be both "
                "in the pilot and in its comparison."
            )
            % {"name": community.name},
        )
    if pilot.pilot_communities.filter(community=community).exists():
        raise Conflict(
            _("“%(name)s” is already in the pilot.") % {"name": community.name},
            fields={"community_id": [_("Already in the pilot.")]},
        )
    entry = PilotCommunity.objects.create(
        pilot=pilot, community=community, reason=reason, reason_detail=detail
    )
    _record(
        actor,
        "pilot.community_added",
        pilot,
        entry,
        community_id=community.pk,
        reason=reason,
    )
    return entry


@transaction.atomic
def pilot_community_update(
    *, actor: User, pilot_id: int, community_id: int, reason: str, reason_detail: str = ""
) -> PilotCommunity:
    """Corrects why a pilot community was chosen."""
    pilot = _pilot_for_manager(actor, pilot_id)
    _not_decided(pilot)
    entry = _pilot_community(pilot, community_id)
    if reason not in SelectionReason.values:
        raise checks.field_error("reason", _("Say why this community was chosen."))
    detail = checks.text("reason_detail", reason_detail, DETAIL_MAX)
    if reason == SelectionReason.OTHER and not detail:
        raise checks.field_error("reason_detail", _("Describe the reason."))
    entry.reason, entry.reason_detail = reason, detail
    entry.save(update_fields=["reason", "reason_detail"])
    _record(actor, "pilot.community_updated", pilot, entry, community_id=entry.community_id)
    return entry


def _pilot_community(pilot: Pilot, community_id: int) -> PilotCommunity:
    try:
        return pilot.pilot_communities.get(community_id=community_id)
    except (PilotCommunity.DoesNotExist, ValueError, TypeError):
        raise NotFound("pilot community") from None


@transaction.atomic
def pilot_community_remove(*, actor: User, pilot_id: int, community_id: int) -> None:
    """Takes a community out of the pilot. A running pilot keeps at least one."""
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    entry = _pilot_community(pilot, community_id)
    if pilot.status != PilotStatus.PLANNED and pilot.pilot_communities.count() == 1:
        raise Conflict(_("A pilot that has started keeps at least one pilot community."))
    _record(actor, "pilot.community_removed", pilot, entry, community_id=entry.community_id)
    entry.delete()


# ---------------------------------------------------------------- beta users


def _comparison_unit_paths(pilot: Pilot) -> list[tuple[str, str]]:
    """(path, name) of the pilot's comparison org units."""
    return list(
        OrgUnit.objects.filter(
            pk__in=pilot.comparison_groups.filter(org_unit__isnull=False).values("org_unit_id")
        ).values_list("path", "name")
    )


def _in_units(person: User, paths: list[tuple[str, str]]) -> str | None:
    """The name of the comparison unit ``person`` belongs to (subtrees included), if any."""
    profile = getattr(person, "profile", None)
    unit = getattr(profile, "org_unit", None)
    if unit is None:
        return None
    for path, name in paths:
        if unit.path.startswith(path):
            return name
    return None


def _add_beta(actor: User, pilot: Pilot, people: list[User]) -> list[User]:
    existing = set(pilot.beta_users.values_list("user_id", flat=True))
    new = [person for person in people if person.pk not in existing]
    BetaUser.objects.bulk_create([BetaUser(pilot=pilot, user=person) for person in new])
    if new:
        _record(actor, "pilot.beta_users_added", pilot, count=len(new))
    return new


@transaction.atomic
def beta_users_add(*, actor: User, pilot_id: int, user_ids: Iterable[int]) -> list[User]:
    """Adds active employees as beta users; returns the people added (already there: kept)."""
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    people = _people("user_ids", user_ids, actor)
    if not people:
        raise checks.field_error("user_ids", _("Choose at least one person."))
    paths = _comparison_unit_paths(pilot)
    if paths:
        people = list(
            User.objects.filter(pk__in=[p.pk for p in people]).select_related("profile__org_unit")
        )
        clashes = [
            _("%(person)s (%(unit)s)") % {"person": person.display_name, "unit": unit}
            for person in people
            if (unit := _in_units(person, paths))
        ]
        if clashes:
            raise checks.field_error(
                "user_ids",
                _(
                    "These people belong to a comparison org unit of the pilot and cannot be "
                    "beta users: %(people)s."
                )
                % {"people": ", ".join(clashes)},
            )
    return _add_beta(actor, pilot, people)


@transaction.atomic
def beta_users_add_members(*, actor: User, pilot_id: int) -> tuple[list[User], int]:
    """Makes the current members of the pilot communities beta users, in one go.

    Returns (people added, people left out): partner guests, and people of a comparison org
    unit, are left out — the former cannot answer for the organisation, the latter belong to
    the comparison.
    """
    from rucher.communities.models import Membership

    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    community_ids = list(pilot.pilot_communities.values_list("community_id", flat=True))
    if not community_ids:
        raise Conflict(_("The pilot has no communities yet: add them first."))
    member_ids = (
        Membership.objects.current()
        .filter(community_id__in=community_ids)
        .values_list("user_id", flat=True)
    )
    people = list(User.objects.filter(pk__in=set(member_ids)).select_related("profile__org_unit"))
    paths = _comparison_unit_paths(pilot)
    eligible = [
        person
        for person in people
        if person.is_active and person.role != Role.GUEST and not _in_units(person, paths)
    ]
    left_out = sum(1 for person in people if person.is_active) - len(eligible)
    return _add_beta(actor, pilot, eligible), left_out


@transaction.atomic
def beta_user_remove(*, actor: User, pilot_id: int, user_id: int) -> None:
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    deleted, _rows = pilot.beta_users.filter(user_id=user_id).delete()
    if not deleted:
        raise NotFound("beta user")
    _record(actor, "pilot.beta_user_removed", pilot, count=1)


# ---------------------------------------------------------------- comparison groups


@transaction.atomic
def comparison_add(
    *,
    actor: User,
    pilot_id: int,
    community_id: int | None = None,
    org_unit_id: int | None = None,
    source: str = ComparisonSource.CHOSEN,
) -> ComparisonGroup:
    """A non-pilot community, or an org unit, the pilot will be compared with."""
    from rucher.communities.policy import access_community

    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    if (community_id is None) == (org_unit_id is None):
        raise checks.field_error(
            "community_id", _("Choose either a community or an org unit to compare with.")
        )
    if source not in ComparisonSource.values:
        raise checks.field_error("source", _("Unknown source."))
    if community_id is not None:
        community = access_community(user=actor, community_id=community_id)
        if pilot.pilot_communities.filter(community=community).exists():
            raise checks.field_error(
                "community_id",
                _(
                    "“%(name)s” is a pilot community: it cannot also be its own comparison. "
                    "Choose a community outside the pilot."
                )
                % {"name": community.name},
            )
        if pilot.comparison_groups.filter(community=community).exists():
            raise Conflict(
                _("“%(name)s” is already a comparison group.") % {"name": community.name},
                fields={"community_id": [_("Already a comparison group.")]},
            )
        group = ComparisonGroup.objects.create(pilot=pilot, community=community, source=source)
        _record(actor, "pilot.comparison_added", pilot, group, community_id=community.pk)
        return group
    try:
        unit = OrgUnit.objects.get(pk=org_unit_id or 0)
    except (OrgUnit.DoesNotExist, ValueError, TypeError):
        raise NotFound("org unit") from None
    if pilot.comparison_groups.filter(org_unit=unit).exists():
        raise Conflict(
            _("“%(name)s” is already a comparison group.") % {"name": unit.name},
            fields={"org_unit_id": [_("Already a comparison group.")]},
        )
    beta_in_unit = BetaUser.objects.filter(
        pilot=pilot, user__profile__org_unit__path__startswith=unit.path
    ).count()
    if beta_in_unit:
        raise checks.field_error(
            "org_unit_id",
            _(
                "“%(name)s” includes %(count)d beta user(s) of this pilot: a comparison group "
                "must be people the pilot does not reach. Choose another unit or remove those "
                "beta users first."
            )
            % {"name": unit.name, "count": beta_in_unit},
        )
    group = ComparisonGroup.objects.create(pilot=pilot, org_unit=unit, source=source)
    _record(actor, "pilot.comparison_added", pilot, group, org_unit_id=unit.pk)
    return group


@transaction.atomic
def comparison_remove(*, actor: User, pilot_id: int, comparison_id: int) -> None:
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    try:
        group = pilot.comparison_groups.get(pk=comparison_id)
    except (ComparisonGroup.DoesNotExist, ValueError, TypeError):
        raise NotFound("comparison group") from None
    _record(actor, "pilot.comparison_removed", pilot, group, community_id=group.community_id)
    group.delete()


# ---------------------------------------------------------------- objectives


def _objective_for_manager(actor: User, objective_id: int) -> Objective:
    try:
        objective = Objective.objects.get(pk=objective_id)
    except (Objective.DoesNotExist, ValueError, TypeError):
        raise NotFound("objective") from None
    objective.pilot = _pilot_for_manager(actor, objective.pilot_id)
    return objective


@transaction.atomic
def objective_create(*, actor: User, pilot_id: int, title: str, description: str = "") -> Objective:
    pilot = _pilot_for_manager(actor, pilot_id, lock=True)
    _not_decided(pilot)
    clean_title = checks.text(
        "title", title, TITLE_MAX, required=_("State the objective in words.")
    )
    clean_description = checks.text("description", description, DESCRIPTION_MAX)
    last = pilot.objectives.aggregate(last=Max("position"))["last"]
    objective = Objective.objects.create(
        pilot=pilot,
        title=clean_title,
        description=clean_description,
        position=(last or 0) + 1,
    )
    _record(actor, "pilot.objective_created", pilot, objective)
    return objective


@transaction.atomic
def objective_update(
    *, actor: User, objective_id: int, title: str, description: str = ""
) -> Objective:
    objective = _objective_for_manager(actor, objective_id)
    _not_decided(objective.pilot)
    objective.title = checks.text(
        "title", title, TITLE_MAX, required=_("State the objective in words.")
    )
    objective.description = checks.text("description", description, DESCRIPTION_MAX)
    objective.save(update_fields=["title", "description"])
    _record(actor, "pilot.objective_updated", objective.pilot, objective)
    return objective


@transaction.atomic
def objective_delete(*, actor: User, objective_id: int) -> None:
    objective = _objective_for_manager(actor, objective_id)
    _not_decided(objective.pilot)
    _record(actor, "pilot.objective_deleted", objective.pilot, objective, title=objective.title)
    objective.delete()


# ---------------------------------------------------------------- measures


def default_baseline(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 8 weeks ending the day before the pilot starts."""
    end = start - datetime.timedelta(days=1)
    return end - datetime.timedelta(days=BASELINE_DAYS - 1), end


def _baseline_value(pilot: Pilot, measure: ObjectiveMeasure) -> float | None:
    from rucher.pilots import selectors

    return selectors.measure_baseline(pilot, measure)


def _check_indicator(
    pilot: Pilot, kind: str, kpi_key: str, kpi_window: Any, survey_measure: str
) -> tuple[str, int | None, str, str]:
    """(kpi_key, window, survey_measure, unit) checked; Invalid for what cannot be measured."""
    from rucher.pilots import selectors

    if kind == MeasureKind.KPI:
        spec = selectors.kpi_spec(kpi_key)
        if spec is None:
            raise checks.field_error(
                "kpi_key", _("Unknown KPI: choose one of the KPIs the network measures.")
            )
        needed = selectors.days_needed(kpi_key)
        lasts = (pilot.end_date - pilot.start_date).days + 1
        if needed > lasts:
            raise checks.field_error(
                "kpi_key",
                _(
                    "%(kpi)s needs at least %(needed)d days of activity to be measured, and "
                    "this pilot lasts %(days)d days: choose another KPI or a longer pilot."
                )
                % {"kpi": spec.label, "needed": needed, "days": lasts},
            )
        window: int | None
        if kpi_window in (None, ""):
            window = spec.default_window
        else:
            try:
                window = int(kpi_window)
            except (TypeError, ValueError):
                raise checks.field_error("kpi_window", _("Choose a window.")) from None
            if window not in spec.windows:
                raise checks.field_error(
                    "kpi_window",
                    _("%(kpi)s is measured over the windows %(windows)s days only.")
                    % {"kpi": spec.label, "windows": ", ".join(map(str, spec.windows))}
                    if spec.windows
                    else _("%(kpi)s is measured over the whole period, without a window.")
                    % {"kpi": spec.label},
                )
        if not pilot.pilot_communities.exists():
            raise checks.field_error(
                "kpi_key",
                _(
                    "A KPI is measured over the pilot communities, and this pilot has none yet: "
                    "add its communities first."
                ),
            )
        return kpi_key, window, "", spec.unit
    if kind == MeasureKind.SURVEY:
        measures = selectors.survey_measures()
        if not measures:
            raise checks.field_error(
                "survey_measure", _("Survey measures are not available on this server yet.")
            )
        if survey_measure not in measures:
            raise checks.field_error("survey_measure", _("Choose a survey measure from the list."))
        return "", None, survey_measure, "score"
    raise checks.field_error("kind", _("Choose an activity KPI or a survey measure."))


@transaction.atomic
def measure_add(
    *,
    actor: User,
    objective_id: int,
    kind: str,
    kpi_key: str = "",
    kpi_window: int | None = None,
    survey_measure: str = "",
    direction: str = Direction.UP,
    target_value: Any,
    target_date: Any,
    baseline_start: Any = None,
    baseline_end: Any = None,
) -> ObjectiveMeasure:
    """Links an objective to a KPI (over the pilot communities) or a survey measure, with a
    target and a date; measures the baseline now (None when there is no data yet).

    Ratios are given as shares (0.35 for 35 %): the forms convert from percent.
    """
    objective = _objective_for_manager(actor, objective_id)
    pilot = objective.pilot
    _not_decided(pilot)
    key, window, survey_key, unit = _check_indicator(
        pilot, kind, (kpi_key or "").strip(), kpi_window, (survey_measure or "").strip()
    )
    if direction not in Direction.values:
        raise checks.field_error("direction", _("Say whether higher or lower is better."))
    target = _target(target_value, unit, survey_key)
    when = _date("target_date", target_date)
    if when < pilot.start_date:
        raise checks.field_error(
            "target_date", _("The target date must fall after the pilot starts.")
        )
    start, end = _baseline_period(pilot, kind, baseline_start, baseline_end)
    duplicate = objective.measures.filter(
        kind=kind, kpi_key=key, kpi_window=window, survey_measure=survey_key
    )
    if duplicate.exists():
        raise Conflict(
            _("This objective already has this measure."),
            fields={
                "kpi_key" if kind == MeasureKind.KPI else "survey_measure": [
                    _("Already linked to this objective.")
                ]
            },
        )
    measure = ObjectiveMeasure(
        objective=objective,
        kind=kind,
        kpi_key=key,
        kpi_window=window,
        survey_measure=survey_key,
        direction=direction,
        baseline_start=start,
        baseline_end=end,
        target_value=target,
        target_date=when,
    )
    measure.baseline_value = _baseline_value(pilot, measure)
    measure.save()
    _record(actor, "pilot.measure_added", pilot, measure, indicator=key or survey_key)
    return measure


def _target(value: Any, unit: str, survey_key: str = "") -> float:
    from rucher.pilots import selectors

    if value in (None, ""):
        raise checks.field_error("target_value", _("Give a target."))
    target = _number("target_value", value)
    bounds = selectors.survey_measure_range(survey_key) if survey_key else None
    if bounds is not None and not bounds[0] <= target <= bounds[1]:
        raise checks.field_error(
            "target_value",
            _("This score goes from %(low)s to %(high)s.")
            % {"low": f"{bounds[0]:g}", "high": f"{bounds[1]:g}"},
        )
    if unit == "ratio" and not 0 <= target <= 1:
        raise checks.field_error("target_value", _("A share is between 0 and 100 %."))
    if unit in ("count", "hours", "days") and target < 0:
        raise checks.field_error("target_value", _("The target cannot be negative."))
    return target


def _baseline_period(
    pilot: Pilot, kind: str, start: Any, end: Any
) -> tuple[datetime.date | None, datetime.date | None]:
    """The period a KPI baseline is measured over: the 8 weeks before the start by default,
    always ending before the start. Survey baselines come from the baseline wave instead."""
    if kind == MeasureKind.SURVEY:
        return None, None
    if start in (None, "") and end in (None, ""):
        return default_baseline(pilot.start_date)
    if start in (None, "") or end in (None, ""):
        raise checks.field_error(
            "baseline_start" if start in (None, "") else "baseline_end",
            _("Give both ends of the baseline period, or neither for the default."),
        )
    begin, finish = _date("baseline_start", start), _date("baseline_end", end)
    if begin > finish:
        raise checks.field_error("baseline_end", _("The baseline period ends before it starts."))
    if finish >= pilot.start_date:
        raise checks.field_error(
            "baseline_end", _("The baseline is measured before the pilot starts.")
        )
    return begin, finish


@transaction.atomic
def measure_update(
    *,
    actor: User,
    measure_id: int,
    direction: str | None = None,
    target_value: Any = None,
    target_date: Any = None,
    baseline_start: Any = None,
    baseline_end: Any = None,
) -> ObjectiveMeasure:
    """Changes the target, date, direction or baseline period (re-measured when it moves)."""
    measure = _measure_for_manager(actor, measure_id)
    pilot = measure.objective.pilot
    _not_decided(pilot)
    if direction is not None:
        if direction not in Direction.values:
            raise checks.field_error("direction", _("Say whether higher or lower is better."))
        measure.direction = direction
    if target_value is not None:
        measure.target_value = _target(target_value, _unit(measure), measure.survey_measure)
    if target_date is not None:
        when = _date("target_date", target_date)
        if when < pilot.start_date:
            raise checks.field_error(
                "target_date", _("The target date must fall after the pilot starts.")
            )
        measure.target_date = when
    if measure.kind == MeasureKind.KPI and (baseline_start is not None or baseline_end is not None):
        start, end = _baseline_period(pilot, measure.kind, baseline_start, baseline_end)
        if (start, end) != (measure.baseline_start, measure.baseline_end):
            measure.baseline_start, measure.baseline_end = start, end
            measure.baseline_value = _baseline_value(pilot, measure)
    measure.save()
    _record(actor, "pilot.measure_updated", pilot, measure)
    return measure


def _unit(measure: ObjectiveMeasure) -> str:
    from rucher.pilots import selectors

    if measure.kind == MeasureKind.KPI:
        spec = selectors.kpi_spec(measure.kpi_key)
        return spec.unit if spec else ""
    return "score"


def _measure_for_manager(actor: User, measure_id: int) -> ObjectiveMeasure:
    try:
        measure = ObjectiveMeasure.objects.select_related("objective").get(pk=measure_id)
    except (ObjectiveMeasure.DoesNotExist, ValueError, TypeError):
        raise NotFound("measure") from None
    measure.objective.pilot = _pilot_for_manager(actor, measure.objective.pilot_id)
    return measure


@transaction.atomic
def measure_remove(*, actor: User, measure_id: int) -> None:
    measure = _measure_for_manager(actor, measure_id)
    pilot = measure.objective.pilot
    _not_decided(pilot)
    _record(actor, "pilot.measure_removed", pilot, measure)
    measure.delete()


@transaction.atomic
def measure_refresh_baseline(*, actor: User, measure_id: int) -> ObjectiveMeasure:
    """Measures the baseline again (after a late import, or once its period has passed)."""
    measure = _measure_for_manager(actor, measure_id)
    pilot = measure.objective.pilot
    _not_decided(pilot)
    measure.baseline_value = _baseline_value(pilot, measure)
    measure.save(update_fields=["baseline_value"])
    _record(actor, "pilot.baseline_refreshed", pilot, measure, value=measure.baseline_value)
    return measure
