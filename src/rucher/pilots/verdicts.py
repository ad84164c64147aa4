"""Verdicts in plain language, with their uncertainty, and the notes beside each measure.

A verdict says what changed against the comparison group, how sure we are (the interval),
whether the support explains part of it, and what would make one doubt it (groups already
moving apart before the start, an effect fading over the weeks). Every sentence is
translated; numbers follow the reader's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from rucher.pilots.evaluation import MeasureResult
    from rucher.pilots.stats import Interval

FEW_UNITS = 10  # as stats.FEW_UNITS: below, intervals under-cover and the page says so


def _number(value: float, decimals: int) -> str:
    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def value_text(value: float | None, unit: str) -> str:
    """A level: 23 % for a ratio, 4.5 h for hours, 12 for a count, 61.3 for a score."""
    if value is None:
        return _("no data")
    if unit == "ratio":
        return _("%(value)s%%") % {"value": _number(value * 100, 1)}
    if unit == "hours":
        return _("%(value)s h") % {"value": _number(value, 1)}
    if unit == "days":
        return _("%(value)s days") % {"value": _number(value, 1)}
    if unit == "count":
        return _number(value, 0 if float(value).is_integer() else 1)
    return _number(value, 2 if abs(value) < 10 else 1)


def change_text(value: float | None, unit: str) -> str:
    """A difference between two levels, unsigned: "5.2 percentage points", "1.5 h"."""
    if value is None:
        return _("no data")
    size = abs(value)
    if unit == "ratio":
        return _("%(value)s percentage points") % {"value": _number(size * 100, 1)}
    if unit == "hours":
        return _("%(value)s h") % {"value": _number(size, 1)}
    if unit == "days":
        return _("%(value)s days") % {"value": _number(size, 1)}
    if unit == "count":
        return _number(size, 1)
    return _("%(value)s points") % {"value": _number(size, 2 if size < 10 else 1)}


def signed_text(value: float | None, unit: str) -> str:
    """A difference with its sign: +5.2 points, −1.5 h."""
    if value is None:
        return _("no data")
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{change_text(value, unit)}"


def interval_text(interval: Interval | None, unit: str) -> str:
    """ "95% interval −1.2 to +4.0 percentage points", or why there is none."""
    if interval is None or interval.estimate is None:
        return _("no interval: not enough data")
    if interval.low is None or interval.high is None:
        return _("no interval: one unit only in an arm, so no spread to measure")
    return _("%(level)s%% interval %(low)s to %(high)s") % {
        "level": _number(interval.level * 100, 0),
        "low": signed_text(interval.low, unit),
        "high": signed_text(interval.high, unit),
    }


def _clear(interval: Interval) -> bool:
    """The interval excludes no effect."""
    return (
        interval.low is not None
        and interval.high is not None
        and (interval.low > 0 or interval.high < 0)
    )


def verdict(measure: MeasureResult, *, deployment_support: float) -> str:
    """The measure's verdict in one to three sentences."""
    effect = measure.effect
    label = measure.label
    if measure.pilot_before is None and measure.pilot_after is None:
        if measure.kind == "survey":
            return _(
                "%(label)s: no survey answers yet, or fewer per group than the minimum group size."
            ) % {"label": label}
        return _("%(label)s: no data for the pilot communities yet.") % {"label": label}
    if effect is None or effect.estimate is None:
        if measure.comparison_before is None and measure.comparison_after is None:
            return _(
                "%(label)s: no comparison group figures, so the change cannot be told apart "
                "from what happened elsewhere."
            ) % {"label": label}
        return _("%(label)s: not enough data before and during the pilot to measure a change.") % {
            "label": label
        }
    amount = change_text(effect.estimate, measure.unit)
    interval = interval_text(effect, measure.unit)
    if effect.low is None or effect.high is None:
        moved = _("rose") if effect.estimate > 0 else _("fell")
        sentences = [
            _(
                "%(label)s %(moved)s by %(amount)s more than in the comparison group, but with "
                "one unit in an arm the uncertainty cannot be measured."
            )
            % {"label": label, "moved": moved, "amount": amount}
        ]
    elif _clear(effect):
        better = (effect.estimate > 0) == (measure.direction != "down")
        if effect.estimate > 0:
            text = _(
                "%(label)s rose by %(amount)s more than in the comparison group (%(interval)s)."
            )
        else:
            text = _(
                "%(label)s fell by %(amount)s more than in the comparison group (%(interval)s)."
            )
        sentences = [text % {"label": label, "amount": amount, "interval": interval}]
        if measure.objectives:  # default measures have no wanted direction to judge by
            sentences.append(
                _("That is in the direction the objective wants.")
                if better
                else _("That is against the direction the objective wants.")
            )
    else:
        sentences = [
            _(
                "%(label)s: no clear difference from the comparison group — the estimate is "
                "%(signed)s (%(interval)s), which includes no effect."
            )
            % {
                "label": label,
                "signed": signed_text(effect.estimate, measure.unit),
                "interval": interval,
            }
        ]
    support = support_sentence(measure, deployment_support=deployment_support)
    if support:
        sentences.append(support)
    if measure.trends is not None and measure.trends.holds is False:
        sentences.append(
            _(
                "The pilot and comparison groups were already moving apart before the start: "
                "read this with caution."
            )
        )
    if measure.novelty is not None and measure.novelty.fades:
        sentences.append(
            _("The effect fades over the weeks: part of it may be the novelty of the tool.")
        )
    return " ".join(sentences)


def support_sentence(measure: MeasureResult, *, deployment_support: float) -> str:
    """How much of the effect follows the support level, when that can be read."""
    projection = measure.projection
    effect = measure.effect
    if projection is None or effect is None or effect.estimate is None:
        return ""
    at_deployment = projection.at_deployment
    if not projection.reliable or at_deployment.estimate is None:
        return ""
    if projection.pilot_support <= deployment_support or effect.estimate == 0:
        return _(
            "Deployment plans at least as much support as the pilot had (%(hours)s hours per "
            "community per month), so the support level should not shrink this effect."
        ) % {"hours": _number(deployment_support, 1)}
    share = 1 - at_deployment.estimate / effect.estimate
    text = _(
        "At the support deployment plans (%(hours)s hours per community per month, against "
        "%(pilot)s in the pilot), expect about %(projected)s (%(interval)s)."
    ) % {
        "hours": _number(deployment_support, 1),
        "pilot": _number(projection.pilot_support, 1),
        "projected": signed_text(at_deployment.estimate, measure.unit),
        "interval": interval_text(at_deployment, measure.unit),
    }
    if 0.1 <= share <= 1.5:
        text = (
            _(
                "About %(share)s%% of the effect follows the support level, which deployment "
                "will not have."
            )
            % {"share": _number(min(share, 1.0) * 100, 0)}
            + " "
            + text
        )
    if projection.extrapolated:
        text += " " + _(
            "No pilot community had so little support: this reads the line beyond the data."
        )
    return text


def notes(measure: MeasureResult) -> list[str]:
    """What a careful reader should know about the figures of one measure."""
    found: list[str] = []
    if not measure.has_data:
        return found
    effect = measure.effect
    if effect is not None and effect.estimate is not None and effect.few_units:
        unit_word = (
            ngettext(
                "rests on %(n)d respondent in all: the interval may be too narrow.",
                "rests on %(n)d respondents in all: the interval may be too narrow.",
                effect.units,
            )
            if measure.kind == "survey"
            else ngettext(
                "rests on %(n)d unit (community or org unit): the interval may be too narrow.",
                "rests on %(n)d units (communities or org units): the interval may be too narrow.",
                effect.units,
            )
        )
        found.append(_("The estimate %(rest)s") % {"rest": unit_word % {"n": effect.units}})
        if effect.p_value is not None:
            found.append(
                _(
                    "With fewer than %(few)d units per arm, a permutation test gives p = "
                    "%(p)s (the chance of a gap at least this large if the pilot changed "
                    "nothing)."
                )
                % {"few": FEW_UNITS, "p": _number(effect.p_value, 3)}
            )
    if measure.pilot_units_left_out:
        found.append(
            ngettext(
                "%(n)d pilot community has no figure before or during the pilot (no data, "
                "or too few people) and is left out.",
                "%(n)d pilot communities have no figure before or during the pilot (no data, "
                "or too few people) and are left out.",
                measure.pilot_units_left_out,
            )
            % {"n": measure.pilot_units_left_out}
        )
    if measure.comparison_units_left_out:
        found.append(
            ngettext(
                "%(n)d comparison group has no figure before or during the pilot and is left out.",
                "%(n)d comparison groups have no figure before or during the pilot and are "
                "left out.",
                measure.comparison_units_left_out,
            )
            % {"n": measure.comparison_units_left_out}
        )
    # The trends, novelty and projection checks have their own lines on the card and their
    # own fields in the API: the notes add only what those do not say.
    if measure.naive_gap is not None:
        found.append(
            _(
                "The naive view — pilot communities against all other communities during the "
                "pilot — gives %(gap)s; it ignores where each group started."
            )
            % {"gap": signed_text(measure.naive_gap, measure.unit)}
        )
    return found
