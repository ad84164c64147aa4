"""What a KPI is computed over: a period of days and a scope of people and communities.

``Period(start, end)``: both days included, local dates (``settings.TIME_ZONE``), never in
the future, never reversed. ``Scope``: a set of communities, an org unit with its subtree, or
the whole organisation (both None); communities and an org unit together mean the members of
those communities who belong to that subtree.

``scope_for(viewer, ...)`` is the one place that decides who may look at which scope:

- a community's insights: administrators, the ESN project team, the community's owners and
  animators, and the members of an open community;
- an org unit or the whole organisation (the network dashboard): the ESN project team and
  administrators.

A community the viewer may not even see (secret, missing) raises the same ``NotFound`` as a
missing one (communities policy); one they may see but not analyse raises ``Forbidden``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.core.errors import Forbidden, Invalid, NotFound

if TYPE_CHECKING:
    from rucher.accounts.models import User

PRESET_DAYS = (7, 28, 90)
MAX_PERIOD_DAYS = 3 * 366


def today() -> datetime.date:
    """The local date now (the same calendar as the rollups' ``day``)."""
    return timezone.localdate()


@dataclass(frozen=True, order=True)
class Period:
    """Days ``start`` to ``end``, both included. Build it with ``Period.of`` to validate."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def of(
        cls,
        start: datetime.date,
        end: datetime.date,
        *,
        today_: datetime.date | None = None,
    ) -> Period:
        """A checked period: not reversed, not ending in the future, not absurdly long."""
        now = today_ or today()
        errors: dict[str, list[str]] = {}
        if start > end:
            errors["start"] = [_("The period starts after it ends.")]
        if end > now:
            errors["end"] = [_("The period ends in the future.")]
        elif start > now:
            errors["start"] = [_("The period starts in the future.")]
        if not errors and (end - start).days + 1 > MAX_PERIOD_DAYS:
            errors["start"] = [
                _("A period can be at most %(days)d days long.") % {"days": MAX_PERIOD_DAYS}
            ]
        if errors:
            raise Invalid(next(iter(errors.values()))[0], fields=errors)
        return cls(start, end)

    @classmethod
    def last(
        cls,
        days: int,
        *,
        include_today: bool = False,
        today_: datetime.date | None = None,
    ) -> Period:
        """The ``days`` days ending yesterday (complete days), or today when asked."""
        if days < 1:
            raise Invalid(_("A period is at least one day long."), fields={"days": []})
        now = today_ or today()
        end = now if include_today else now - datetime.timedelta(days=1)
        return cls.of(end - datetime.timedelta(days=days - 1), end, today_=now)

    @classmethod
    def parse(
        cls,
        *,
        preset: str | int | None = None,
        start: str | datetime.date | None = None,
        end: str | datetime.date | None = None,
        today_: datetime.date | None = None,
    ) -> Period:
        """From a request: ``preset`` 7/28/90 (ending yesterday) or a custom start and end."""
        if start is not None or end is not None:
            if start is None or end is None:
                raise Invalid(_("A custom period needs a start and an end."))
            return cls.of(_as_date(start, "start"), _as_date(end, "end"), today_=today_)
        try:
            days = int(preset) if preset not in (None, "") else 28
        except (TypeError, ValueError):
            raise Invalid(_("Unknown period."), fields={"period": []}) from None
        if days not in PRESET_DAYS:
            raise Invalid(_("Unknown period."), fields={"period": []})
        return cls.last(days, today_=today_)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __iter__(self) -> Iterator[datetime.date]:
        for offset in range(self.days):
            yield self.start + datetime.timedelta(days=offset)

    def window(self, days: int | None) -> tuple[datetime.date, datetime.date]:
        """The ``days`` days ending on the period's end (None: the period itself)."""
        if days is None:
            return self.start, self.end
        return self.end - datetime.timedelta(days=days - 1), self.end

    def shifted(self, days: int) -> Period:
        delta = datetime.timedelta(days=days)
        return Period(self.start + delta, self.end + delta)


def _as_date(value: str | datetime.date, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(_("Not a valid date."), fields={field: [_("Not a valid date.")]}) from None


@dataclass(frozen=True)
class Scope:
    """Communities (None = all), an org unit with its subtree (None = all), or both."""

    communities: frozenset[int] | None = None
    org_unit_id: int | None = None

    @classmethod
    def organisation(cls) -> Scope:
        return cls()

    @classmethod
    def community(cls, community_id: int) -> Scope:
        return cls(communities=frozenset({community_id}))

    @property
    def is_organisation(self) -> bool:
        return self.communities is None and self.org_unit_id is None

    @property
    def single_community(self) -> int | None:
        if self.communities is not None and len(self.communities) == 1:
            return next(iter(self.communities))
        return None


def may_see_community_insights(viewer: User, community_id: int) -> bool:
    """Whether ``viewer`` may see a community's insights (False for an invisible one too)."""
    try:
        _check_community(viewer, community_id)
    except (NotFound, Forbidden):
        return False
    return True


def may_see_network(viewer: User) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active and viewer.is_project_team)


def _check_community(viewer: User, community_id: int) -> None:
    from rucher.communities.models import Visibility
    from rucher.communities.policy import access_community, can_manage, membership_of

    community = access_community(user=viewer, community_id=community_id)  # NotFound
    if viewer.is_project_team:  # administrators included
        return
    membership = membership_of(viewer, community)
    if membership is not None and can_manage(viewer, community, membership):
        return
    if membership is not None and community.visibility == Visibility.OPEN and not viewer.is_guest:
        return
    raise Forbidden(_("Only the community's animators and owners may see its insights."))


def scope_for(
    viewer: User,
    *,
    community_ids: Iterable[int] | None = None,
    org_unit_id: int | None = None,
) -> Scope:
    """The scope ``viewer`` asked for, checked; raises NotFound, Forbidden or Invalid."""
    from rucher.accounts.models import OrgUnit

    communities: frozenset[int] | None = None
    if community_ids is not None:
        try:
            communities = frozenset(int(pk) for pk in community_ids)
        except (TypeError, ValueError):
            raise NotFound("community") from None
        if not communities:
            raise Invalid(_("Choose at least one community."))
        for pk in sorted(communities):
            _check_community(viewer, pk)
    if (org_unit_id is not None or communities is None) and not may_see_network(viewer):
        raise Forbidden(_("Only the ESN project team and administrators see network figures."))
    if org_unit_id is not None and not OrgUnit.objects.filter(pk=org_unit_id).exists():
        raise NotFound("org_unit")
    return Scope(communities=communities, org_unit_id=org_unit_id)
