"""Privacy by design: nothing per person, and no group smaller than the minimum size.

- ``min_group_size()``: the threshold (``AnalyticsConfig``, 5 by default). Only an
  administrator changes it (``analytics_config_update``), never below 5, and the change is
  recorded in the event log.
- ``suppress(value, group_size)``: the value, or None when fewer people stand behind it.
- ``suppress_groups(groups)``: every breakdown by group (org unit, community, site, cohort...)
  goes through it. Groups below the threshold are merged into one "other groups" row (or
  hidden); when the merged row itself is still too small, the next smallest groups join it
  (secondary suppression), so that no small group can be recovered by subtracting the rows
  shown from a total. The result carries the number of groups merged or hidden and the
  threshold, which the page shows.
- ``suppress_matrix(cells, sizes)``: the same for a group × group table (the org unit
  interaction heat map): small groups become "other groups" on both axes.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rucher.core import events
from rucher.core.errors import Forbidden, Invalid

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.analytics.kpis import KpiValue
    from rucher.analytics.models import AnalyticsConfig

DEFAULT_MIN_GROUP_SIZE = 5
MAX_MIN_GROUP_SIZE = 1000
OTHER = "__other__"
OTHER_LABEL = gettext_lazy("Other groups")


def min_group_size() -> int:
    """The smallest number of people a figure or a group may rest on (never below 5)."""
    from rucher.analytics.models import AnalyticsConfig

    value = AnalyticsConfig.current().min_group_size
    return max(int(value or DEFAULT_MIN_GROUP_SIZE), DEFAULT_MIN_GROUP_SIZE)


def suppress(value: Any, group_size: int, *, threshold: int | None = None) -> Any:
    """``value`` if at least ``threshold`` people are behind it, else None."""
    limit = min_group_size() if threshold is None else threshold
    return value if group_size >= limit else None


def suppress_kpi(kpi: KpiValue, *, threshold: int | None = None) -> KpiValue:
    """The KpiValue with its figures removed (``suppressed=True``) when its group is too small."""
    limit = min_group_size() if threshold is None else threshold
    if kpi.group_size >= limit:
        return kpi
    return replace(kpi, value=None, numerator=None, denominator=None, parts={}, suppressed=True)


@dataclass(frozen=True)
class Group:
    """One row of a breakdown. ``size``: the people behind it. Additive figures (``numerator``,
    ``denominator``, ``extra`` counts) are summed when groups merge; ``value`` is recomputed
    as numerator ÷ denominator for a merged row."""

    key: Hashable
    label: str
    size: int
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    extra: Mapping[str, float] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is not None:
            return self.value
        if self.numerator is None or not self.denominator:
            return None
        return self.numerator / self.denominator


@dataclass(frozen=True)
class Breakdown:
    rows: list[Group]
    other: Group | None
    hidden: int
    threshold: int

    @property
    def all_rows(self) -> list[Group]:
        return [*self.rows, self.other] if self.other is not None else list(self.rows)

    @property
    def note(self) -> str:
        """The sentence a page shows under the breakdown."""
        if not self.hidden:
            return _("Groups of fewer than %(n)d people are merged or hidden.") % {
                "n": self.threshold
            }
        return _(
            "%(hidden)d groups of fewer than %(n)d people are merged into “other groups” or hidden."
        ) % {"hidden": self.hidden, "n": self.threshold}


def _merge(groups: list[Group]) -> Group:
    def total(attr: str) -> float | None:
        values = [getattr(g, attr) for g in groups]
        return None if any(v is None for v in values) else sum(values)

    extra: dict[str, float] = {}
    for group in groups:
        for name, amount in group.extra.items():
            extra[name] = extra.get(name, 0) + amount
    return Group(
        key=OTHER,
        label=str(OTHER_LABEL),
        size=sum(g.size for g in groups),
        numerator=total("numerator"),
        denominator=total("denominator"),
        value=None,
        extra=extra,
    )


def suppress_groups(
    groups: Iterable[Group],
    *,
    threshold: int | None = None,
    merge: bool = True,
) -> Breakdown:
    """Hide or merge the groups smaller than the threshold (see the module docstring).

    Rows keep their order. With ``merge`` the small groups become one "other groups" row
    when together they reach the threshold; otherwise (or without ``merge``) they are hidden.
    Secondary suppression: when the small groups together are fewer than the threshold but
    more than zero, the smallest shown groups are merged in too until the merged row reaches
    the threshold, so that a total minus the rows shown never reveals a small group.
    """
    limit = min_group_size() if threshold is None else threshold
    rows = list(groups)
    small = [g for g in rows if g.size < limit]
    if not small:
        return Breakdown(rows=rows, other=None, hidden=0, threshold=limit)
    large = sorted((g for g in rows if g.size >= limit), key=lambda g: (g.size, str(g.key)))
    merged = list(small)
    while sum(g.size for g in merged) < limit and large:
        merged.append(large.pop(0))
    merged_keys = {g.key for g in merged}
    shown = [g for g in rows if g.key not in merged_keys]
    other = _merge(merged) if merge and sum(g.size for g in merged) >= limit else None
    return Breakdown(rows=shown, other=other, hidden=len(merged), threshold=limit)


@dataclass(frozen=True)
class Matrix:
    """A group × group table of additive values after suppression."""

    cells: dict[tuple[Hashable, Hashable], float]
    keys: list[Hashable]
    hidden: int
    threshold: int


def suppress_matrix(
    cells: Mapping[tuple[Any, Any], float],
    sizes: Mapping[Any, int],
    *,
    threshold: int | None = None,
) -> Matrix:
    """Merge the groups (rows and columns alike) smaller than the threshold into OTHER.

    ``sizes``: people per group. The merged OTHER group is dropped when it is itself smaller
    than the threshold after secondary suppression (see ``suppress_groups``).
    """
    limit = min_group_size() if threshold is None else threshold
    keys = set(sizes) | {a for a, _b in cells} | {b for _a, b in cells}
    breakdown = suppress_groups(
        [Group(key=k, label=str(k), size=sizes.get(k, 0)) for k in sorted(keys, key=str)],
        threshold=limit,
    )
    shown = {g.key for g in breakdown.rows}
    keep_other = breakdown.other is not None

    def mapped(key: Hashable) -> Hashable | None:
        if key in shown:
            return key
        return OTHER if keep_other else None

    result: dict[tuple[Hashable, Hashable], float] = {}
    for (a, b), amount in cells.items():
        ma, mb = mapped(a), mapped(b)
        if ma is None or mb is None:
            continue
        result[(ma, mb)] = result.get((ma, mb), 0) + amount
    ordered = [g.key for g in breakdown.rows] + ([OTHER] if keep_other else [])
    return Matrix(cells=result, keys=ordered, hidden=breakdown.hidden, threshold=limit)


@transaction.atomic
def analytics_config_update(*, actor: User, min_group_size: int) -> AnalyticsConfig:
    """Set the minimum group size. Administrators only; never below 5."""
    from rucher.analytics.models import AnalyticsConfig

    if not (actor.is_authenticated and actor.is_active and actor.is_admin):
        raise Forbidden(_("Only administrators change the analytics settings."))
    try:
        size = int(min_group_size)
    except (TypeError, ValueError):
        size = -1
    if not DEFAULT_MIN_GROUP_SIZE <= size <= MAX_MIN_GROUP_SIZE:
        message = _("The minimum group size must be between %(low)d and %(high)d.") % {
            "low": DEFAULT_MIN_GROUP_SIZE,
            "high": MAX_MIN_GROUP_SIZE,
        }
        raise Invalid(message, fields={"min_group_size": [message]})
    config = AnalyticsConfig.current()
    AnalyticsConfig.objects.select_for_update().filter(pk=config.pk).first()
    previous = config.min_group_size
    if previous != size:
        config.min_group_size = size
        config.save(update_fields=["min_group_size", "updated_at"])
        events.record(
            actor=actor,
            verb="analytics.config_updated",
            target=config,
            payload={"min_group_size": {"from": previous, "to": size}},
        )
    return config
