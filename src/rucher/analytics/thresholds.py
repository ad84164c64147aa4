"""The lifecycle thresholds an administrator may change: what each one is, its bounds, and
the one service that validates and saves them (``AnalyticsConfig.lifecycle_thresholds``).

Only values that differ from the defaults are stored (``lifecycle.thresholds()`` fills in
the rest), so a default improved in a later release reaches every setting left alone. A
change is recorded in the event log and the weekly stages are recomputed in the background
with the new values (``tasks.recompute_lifecycle_stages``), since the history shown must
follow one set of rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rucher.analytics.lifecycle import LIFECYCLE_DEFAULTS, SOURCED
from rucher.core import events
from rucher.core.errors import Forbidden, Invalid
from rucher.core.transactions import after_commit

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from rucher.accounts.models import User
    from rucher.analytics.models import AnalyticsConfig

SHARE, WHOLE, KIND = "share", "whole", "kind"


@dataclass(frozen=True)
class Threshold:
    key: str
    label: _StrPromise
    kind: str  # SHARE: a number in [low, high] (0–1); WHOLE: an integer; KIND: a community kind
    low: float = 0
    high: float = 1
    group: str = "stages"

    @property
    def default(self) -> Any:
        return LIFECYCLE_DEFAULTS[self.key]

    @property
    def sourced(self) -> bool:
        return self.key in SOURCED


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("window_days", gettext_lazy("Window (days)"), WHOLE, 7, 90, "rules"),
    Threshold("up_after", gettext_lazy("Windows in a row before moving up"), WHOLE, 1, 12, "rules"),
    Threshold(
        "down_after", gettext_lazy("Windows in a row before moving down"), WHOLE, 1, 12, "rules"
    ),
    Threshold(
        "trend_weeks", gettext_lazy("Weeks over which a trend is read"), WHOLE, 2, 52, "rules"
    ),
    Threshold("trend_band", gettext_lazy("Change still read as stable (±)"), SHARE, 0, 1, "rules"),
    Threshold(
        "dormant_silent_days", gettext_lazy("Dormant: days without a contribution"), WHOLE, 7, 365
    ),
    Threshold(
        "dormant_max_contributors", gettext_lazy("Dormant: contributors at most"), WHOLE, 0, 100
    ),
    Threshold(
        "dormant_windows", gettext_lazy("Dormant: windows with so few contributors"), WHOLE, 1, 12
    ),
    Threshold("inception_organic_below", gettext_lazy("Inception: organic share below"), SHARE),
    Threshold(
        "inception_min_contributors",
        gettext_lazy("Inception: fewer contributors than"),
        WHOLE,
        1,
        1000,
    ),
    Threshold(
        "inception_min_member_share",
        gettext_lazy("Inception: or fewer contributors than this share of members"),
        SHARE,
    ),
    Threshold(
        "stalled_after_days", gettext_lazy("Inception “stalled” after (days)"), WHOLE, 30, 3650
    ),
    Threshold("decline_drop", gettext_lazy("Decline: fall in contributors over the trend"), SHARE),
    Threshold(
        "establishment_organic_min", gettext_lazy("Establishment: organic share from"), SHARE
    ),
    Threshold(
        "establishment_response_min", gettext_lazy("Establishment: response rate from"), SHARE
    ),
    Threshold("maturity_organic_min", gettext_lazy("Maturity: organic share from"), SHARE),
    Threshold("maturity_response_min", gettext_lazy("Maturity: response rate from"), SHARE),
    Threshold(
        "maturity_absence_min",
        gettext_lazy("Maturity: contributor absence factor from"),
        WHOLE,
        1,
        1000,
    ),
    Threshold("mitosis_organic_min", gettext_lazy("Mitosis candidate: organic share from"), SHARE),
    Threshold(
        "mitosis_top_share_rise",
        gettext_lazy("Mitosis candidate: rise of the top 10% share in a quarter"),
        SHARE,
    ),
    Threshold(
        "mitosis_response_below", gettext_lazy("Mitosis candidate: response rate below"), SHARE
    ),
    Threshold(
        "mitosis_volume_quantile",
        gettext_lazy("Mitosis candidate: volume counted as high from this quantile"),
        SHARE,
    ),
    Threshold(
        "mitosis_departures_gap_weeks",
        gettext_lazy("Mitosis candidate: weeks between the two departure surpluses"),
        WHOLE,
        1,
        52,
    ),
    Threshold("team_kind", gettext_lazy("Team overlay: kind of community"), KIND, group="team"),
    Threshold(
        "team_max_members", gettext_lazy("Team overlay: members at most"), WHOLE, 2, 1000, "team"
    ),
    Threshold("forming_weeks", gettext_lazy("Forming: younger than (weeks)"), WHOLE, 1, 52, "team"),
    Threshold(
        "forming_contributed_below",
        gettext_lazy("Forming: or fewer members who contributed than"),
        SHARE,
        group="team",
    ),
    Threshold(
        "performing_contributed_min",
        gettext_lazy("Performing: members who contributed in the window from"),
        SHARE,
        group="team",
    ),
    Threshold(
        "performing_response_hours",
        gettext_lazy("Performing: median first response under (hours)"),
        WHOLE,
        1,
        720,
        "team",
    ),
)
BY_KEY = {threshold.key: threshold for threshold in THRESHOLDS}
# (lower, higher, message): the first must stay strictly below the second.
ORDERS = (
    (
        "inception_organic_below",
        "maturity_organic_min",
        gettext_lazy("The inception bound must stay below the maturity bound."),
    ),
    (
        "establishment_organic_min",
        "maturity_organic_min",
        gettext_lazy("Establishment must start below maturity."),
    ),
    (
        "forming_contributed_below",
        "performing_contributed_min",
        gettext_lazy("The forming bound must stay below the performing bound."),
    ),
)


def community_kinds() -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    from rucher.communities.models import CommunityKind

    french = (get_language() or "").startswith("fr")
    return [
        (code, name_fr if french and name_fr else name_en)
        for code, name_en, name_fr in CommunityKind.objects.values_list(
            "code", "name_en", "name_fr"
        )
    ]


def show(threshold: Threshold, value: Any) -> str:
    """A value as the page shows it (localised decimals)."""
    if threshold.kind == SHARE:
        return formats.number_format(Decimal(str(value)), 2, use_l10n=True)
    return str(value)


def _clean(threshold: Threshold, raw: Any, kinds: set[str]) -> Any:
    """The value as stored, or Invalid with a message for this field."""
    if threshold.kind == KIND:
        code = str(raw or "").strip()
        if code not in kinds:
            raise ValueError(_("Choose one of the kinds of community."))
        return code
    try:
        number = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValueError(_("Enter a number."))
    if threshold.kind == WHOLE and number != number.to_integral_value():
        raise ValueError(_("Enter a whole number."))
    if not threshold.low <= number <= threshold.high:
        raise ValueError(
            _("Enter a value between %(low)s and %(high)s.")
            % {"low": show(threshold, threshold.low), "high": show(threshold, threshold.high)}
        )
    return int(number) if threshold.kind == WHOLE else float(number)


def validate(values: Mapping[str, Any]) -> dict[str, Any]:
    """Every threshold checked (a missing one keeps its current value); raises Invalid with
    one message per faulty field. Returns the complete set of values."""
    from rucher.analytics.lifecycle import thresholds as current_thresholds

    current = current_thresholds()
    kinds = {code for code, _name in community_kinds()}
    kinds.add(str(current["team_kind"]))  # a kind deleted since stays acceptable
    cleaned: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for threshold in THRESHOLDS:
        raw = values.get(threshold.key, current[threshold.key])
        try:
            cleaned[threshold.key] = _clean(threshold, raw, kinds)
        except ValueError as error:
            problems[threshold.key] = [str(error)]
    for lower, higher, message in ORDERS:
        if lower in cleaned and higher in cleaned and not cleaned[lower] < cleaned[higher]:
            problems.setdefault(higher, []).append(str(message))
    if problems:
        raise Invalid(_("Some thresholds are not valid: see the fields."), fields=problems)
    return cleaned


@transaction.atomic
def lifecycle_thresholds_update(
    *, actor: User, values: Mapping[str, Any] | None = None, reset: bool = False
) -> tuple[AnalyticsConfig, dict[str, dict[str, Any]]]:
    """Set the lifecycle thresholds (``reset``: every one back to its default; the KPI
    thresholds kept in the same JSON object are left alone). Administrators only.

    Returns the settings and the changes ({key: {"from", "to"}}); when something changed,
    the change is recorded and the stages are recomputed in the background after commit."""
    from rucher.analytics.lifecycle import thresholds as current_thresholds
    from rucher.analytics.models import AnalyticsConfig

    if not (actor.is_authenticated and actor.is_active and actor.is_admin):
        raise Forbidden(_("Only administrators change the analytics settings."))
    complete = dict(LIFECYCLE_DEFAULTS) if reset else validate(values or {})
    config = AnalyticsConfig.current()
    AnalyticsConfig.objects.select_for_update().filter(pk=config.pk).first()
    before = current_thresholds()
    changes = {
        key: {"from": before[key], "to": value}
        for key, value in complete.items()
        if before[key] != value
    }
    # The same JSON object holds the KPI thresholds' overrides (kpis.thresholds): kept as is.
    stored = config.lifecycle_thresholds or {}
    overrides = {key: value for key, value in stored.items() if key not in LIFECYCLE_DEFAULTS}
    overrides.update(
        (key, value) for key, value in complete.items() if value != LIFECYCLE_DEFAULTS[key]
    )
    if changes or overrides != stored:
        config.lifecycle_thresholds = overrides
        config.save(update_fields=["lifecycle_thresholds", "updated_at"])
    if changes:
        events.record(
            actor=actor,
            verb="analytics.config_updated",
            target=config,
            payload={"lifecycle_thresholds": changes, "reset": reset},
        )
        from rucher.analytics.tasks import recompute_lifecycle_stages

        after_commit(recompute_lifecycle_stages.enqueue)
    return config, changes
