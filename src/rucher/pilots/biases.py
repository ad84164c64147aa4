"""The five biases of a pilot: what was measured about each and how the evaluation handles it.

A pilot's groups were chosen (selection), got generous help (support), ran for a few months
(duration), were often already lively (maturity) and had their managers' attention
(management). Each bias gets a level — low, medium or high — by the rules below, which are
*proposals* (no published thresholds) and are stated in ``docs/pilots/evaluation.md``:

- **selection**: high without a comparison group or when a parallel-trends check fails;
  medium when most pilot communities were chosen for a reason that predicts success (need,
  maturity, volunteers, an experiment under way) or a baseline gap exceeds 25 % of the
  comparison's level; else low.
- **support**: low when the pilot got at most 1.25 × the deployment level; medium when more
  but a projection to the deployment level could be read, or when no support was logged;
  high when it got more than twice the deployment level and no projection could be read.
- **duration**: high when an effect fades (novelty); medium when shorter than 3 months, longer
  than 6, or no measure had enough weeks to check; else low.
- **maturity**: high when the share of pilot communities established or mature at the start
  exceeds the comparison's by 50 points or more; medium from 25 points, or when the stages are
  unknown; else low.
- **management**: high when the managers' participation in the pilot exceeds the
  comparison's by 20 points or more; medium from 10 points or when it cannot be measured;
  else low.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rucher.analytics.lifecycle import ESTABLISHMENT, MATURITY, MITOSIS, stage_label
from rucher.pilots.models import SelectionReason
from rucher.pilots.verdicts import change_text, value_text

if TYPE_CHECKING:
    from rucher.pilots.evaluation import MeasureResult

LOW, MEDIUM, HIGH = "low", "medium", "high"
SELECTIVE_REASONS = {"need", "mature", "volunteers", "experiment"}
ESTABLISHED = {ESTABLISHMENT, MATURITY, MITOSIS}
REFERENCE_DAYS = (90, 183)  # 3 to 6 months


@dataclass
class Bias:
    key: str  # selection, support, duration, maturity, management
    label: str
    measured: str
    handled: str
    level: str  # low, medium, high

    @property
    def level_label(self) -> str:
        return {LOW: _("Low"), MEDIUM: _("Medium"), HIGH: _("High")}[self.level]


def _join(parts: list[str]) -> str:
    return " ".join(part for part in parts if part)


def selection(reasons: Counter[str], measures: list[MeasureResult], has_comparison: bool) -> Bias:
    labels = dict(SelectionReason.choices)
    if reasons:
        listed = ", ".join(
            f"{count} × {str(labels.get(reason, reason)).lower()}"
            for reason, count in reasons.most_common()
        )
        recorded = _("Why the pilot communities were chosen: %(reasons)s.") % {"reasons": listed}
    else:
        recorded = _("No pilot community yet.")
    gaps = []
    big_gap = False
    for measure in measures:
        if measure.kind != "kpi" or measure.pilot_before is None:
            continue
        if measure.comparison_before is None:
            continue
        gaps.append(
            _("%(label)s %(pilot)s against %(comparison)s")
            % {
                "label": measure.label,
                "pilot": value_text(measure.pilot_before, measure.unit),
                "comparison": value_text(measure.comparison_before, measure.unit),
            }
        )
        base = abs(measure.comparison_before)
        if base and abs(measure.pilot_before - measure.comparison_before) / base > 0.25:
            big_gap = True
    measured = _join(
        [
            recorded,
            _("Before the start: %(gaps)s.") % {"gaps": "; ".join(gaps)}
            if gaps
            else _("No baseline figures to compare the groups before the start."),
        ]
    )
    checked = [m for m in measures if m.trends is not None and m.trends.holds is not None]
    failed = [m for m in checked if m.trends is not None and m.trends.holds is False]
    if not has_comparison:
        handled = _(
            "Nothing: without a comparison group, the pilot's change cannot be told apart from "
            "what happened everywhere. Add comparison groups on the scope page."
        )
        level = HIGH
    else:
        handled = _(
            "Difference in differences compares each group with its own past, which removes a "
            "stable gap between them."
        )
        if checked:
            handled += " " + ngettext(
                "The parallel-trends check on the pre-period holds for %(held)d of %(n)d measure.",
                "The parallel-trends check on the pre-period holds for %(held)d of %(n)d measures.",
                len(checked),
            ) % {"held": len(checked) - len(failed), "n": len(checked)}
        else:
            handled += " " + _("The parallel-trends check could not be made (too few figures).")
        selective = sum(count for reason, count in reasons.items() if reason in SELECTIVE_REASONS)
        total = sum(reasons.values())
        if failed:
            level = HIGH
        elif big_gap or (total and selective / total >= 0.5) or not checked:
            level = MEDIUM
        else:
            level = LOW
    return Bias("selection", _("Selection"), measured, handled, level)


def support(info: dict[str, Any], measures: list[MeasureResult]) -> Bias:
    per_month = info.get("per_community_month")
    deployment = info.get("deployment_level") or 0.0
    ratio = info.get("ratio")
    if per_month is None or not info.get("total_hours"):
        measured = _(
            "No support logged for the pilot yet; deployment plans %(deployment)s hours per "
            "community per month."
        ) % {"deployment": value_text(deployment, "count")}
    else:
        measured = _(
            "The pilot communities received %(pilot)s hours per community per month "
            "(%(total)s hours in all); deployment plans %(deployment)s."
        ) % {
            "pilot": value_text(per_month, "count"),
            "total": value_text(info.get("total_hours"), "count"),
            "deployment": value_text(deployment, "count"),
        }
        if ratio is not None:
            measured += " " + _("That is %(ratio)s times the deployment level.") % {
                "ratio": value_text(ratio, "count")
            }
    projected = [m for m in measures if m.projection is not None and m.projection.reliable]
    if projected:
        handled = _(
            "Each measure's effect was related to the support each pilot community received "
            "and read at the deployment level (see the projection under each measure). The "
            "organic share and activity per support hour show how much the activity rests on "
            "staff."
        )
    else:
        handled = _(
            "The effects hold at the pilot's support level only: a projection needs at least "
            "4 pilot communities that received different amounts of support. The organic share "
            "and activity per support hour show how much the activity rests on staff."
        )
    if ratio is None:
        level = MEDIUM
    elif ratio <= 1.25:
        level = LOW
    elif projected or ratio <= 2:
        level = MEDIUM
    else:
        level = HIGH
    return Bias("support", _("Support"), measured, handled, level)


def duration(
    start: datetime.date, end: datetime.date, days_so_far: int, measures: list[MeasureResult]
) -> Bias:
    length = (end - start).days + 1
    measured = _(
        "The pilot runs %(days)d days (about %(months)s months; the reference is 3 to 6 "
        "months); %(so_far)d days of it are measured so far."
    ) % {"days": length, "months": value_text(length / 30.4375, "count"), "so_far": days_so_far}
    checked = [m for m in measures if m.novelty is not None and m.novelty.fades is not None]
    fading = [m.label for m in checked if m.novelty is not None and m.novelty.fades]
    if fading:
        measured += " " + _("The effect fades over the weeks for: %(labels)s.") % {
            "labels": ", ".join(fading)
        }
    elif checked:
        measured += " " + _("No effect fades over the weeks.")
    handled = _(
        "Effects are followed week by week since the start (novelty check). Business results "
        "take longer than a pilot: read activity measures as early signs, not as the final "
        "outcome."
    )
    if fading:
        level = HIGH
    elif length < REFERENCE_DAYS[0] or length > REFERENCE_DAYS[1] or not checked:
        level = MEDIUM
    else:
        level = LOW
    return Bias("duration", _("Duration"), measured, handled, level)


def _stage_list(stages: Counter[str]) -> str:
    return ", ".join(
        f"{count} × {stage_label(stage).lower()}" for stage, count in stages.most_common()
    )


def _established_share(stages: Counter[str]) -> float | None:
    total = sum(stages.values())
    if not total:
        return None
    return sum(count for stage, count in stages.items() if stage in ESTABLISHED) / total


def maturity(
    pilot_stages: Counter[str], comparison_stages: Counter[str], mature_reason: int
) -> Bias:
    parts = []
    if pilot_stages:
        parts.append(
            _("Pilot communities at the start: %(stages)s.") % {"stages": _stage_list(pilot_stages)}
        )
    else:
        parts.append(
            _("No lifecycle stage was computed for the pilot communities before the start.")
        )
    if comparison_stages:
        parts.append(
            _("Comparison communities: %(stages)s.") % {"stages": _stage_list(comparison_stages)}
        )
    else:
        parts.append(_("No comparison community with a lifecycle stage (org units have none)."))
    if mature_reason:
        parts.append(
            ngettext(
                "%(n)d pilot community was chosen because it was a mature group.",
                "%(n)d pilot communities were chosen because they were mature groups.",
                mature_reason,
            )
            % {"n": mature_reason}
        )
    handled = _(
        "Each group is compared with its own past, and the stages are shown so that results "
        "of lively pilot groups are not read as a promise for new ones."
    )
    pilot_share = _established_share(pilot_stages)
    comparison_share = _established_share(comparison_stages)
    if pilot_share is None or comparison_share is None:
        level = MEDIUM
    else:
        gap = pilot_share - comparison_share
        level = HIGH if gap >= 0.5 else (MEDIUM if gap >= 0.25 or mature_reason else LOW)
    return Bias("maturity", _("Maturity"), _join(parts), handled, level)


def management(leaders: tuple[float | None, float | None], measures: list[MeasureResult]) -> Bias:
    pilot_share, comparison_share = leaders
    parts = []
    if pilot_share is None:
        parts.append(
            _(
                "Managers' participation in the pilot communities cannot be shown (no data, or "
                "fewer managers than the minimum group size)."
            )
        )
    else:
        parts.append(
            _(
                "Managers who contributed during the pilot: %(pilot)s in the pilot communities, "
                "%(comparison)s in the comparison groups."
            )
            % {
                "pilot": value_text(pilot_share, "ratio"),
                "comparison": value_text(comparison_share, "ratio"),
            }
        )
    for measure in measures:
        if measure.key == "survey:social_influence" and measure.pilot_after is not None:
            parts.append(
                _(
                    "“Senior management has been helpful”: %(pilot)s in the pilot, "
                    "%(comparison)s in the comparison group (latest wave)."
                )
                % {
                    "pilot": value_text(measure.pilot_after, measure.unit),
                    "comparison": value_text(measure.comparison_after, measure.unit),
                }
            )
    handled = _(
        "Shown beside the effects, not corrected: deployment groups whose managers take less "
        "part should expect less."
    )
    if pilot_share is None or comparison_share is None:
        level = MEDIUM
    else:
        gap = pilot_share - comparison_share
        level = HIGH if gap >= 0.2 else (MEDIUM if gap >= 0.1 else LOW)
        if gap >= 0.1:
            parts.append(_("The gap is %(gap)s.") % {"gap": change_text(gap, "ratio")})
    return Bias("management", _("Management involvement"), _join(parts), handled, level)
