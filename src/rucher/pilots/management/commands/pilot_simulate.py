"""``rucher pilot_simulate``: build an organisation whose pilot effect, selection gap and
support boost are known, run the pilot evaluation on it, and print what it finds beside the
truth (docs/pilots/simulation.md).

Everything goes through the product's own paths, so the check covers them too:

1. ``pilots.simulation.simulate`` draws who contributes in which week;
2. people, communities, memberships and one post per contribution are written as an
   exchange-format folder and imported by ``rucher.exchange`` (events at their original
   times), then the analytics rollups catch up with the event log;
3. the pilot, its pilot and comparison communities, an objective on the weekly contributor
   rate and the support log are created through ``pilots.services`` and ``pilots.support``
   by a simulated project lead;
4. ``pilots.evaluation.evaluate`` computes the difference in differences, the naive gap and
   the projection from the analytics KPIs, exactly as the evaluation page does.
"""

from __future__ import annotations

import datetime
import json
import math
import tempfile
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.core import clock
from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.pilots.simulation import (
    SimulatedPanel,
    SimulationError,
    SimulationParams,
    planted_effect,
    simulate,
)

DAY = datetime.timedelta(days=1)
WEEK = 7
BLOCK_WEEKS = 4  # the evaluation reads four-week blocks (evaluation_data.BLOCK_DAYS = 28)
KPI_KEY = "contributor_rate"
KPI_WINDOW = 7  # the weekly contributor rate: the scale the simulation plants its effect on
CENT = Decimal("0.01")

# Limits that keep one run to minutes, not hours, on a laptop.
LIMITS = {
    "communities": (2, 50),
    "people": (1, 200),
    "weeks_before": (1, 104),
    "weeks_after": (BLOCK_WEEKS, 52),
}

# SimulationParams field → the option a person typed.
OPTION_OF = {
    "communities_per_arm": "--communities",
    "people_per_community": "--people",
    "pre_periods": "--weeks-before",
    "post_periods": "--weeks-after",
    "true_effect": "--effect",
    "selection_gap": "--selection",
    "support_boost_per_hour": "--support-boost",
    "pilot_support_hours": "--pilot-support / --support-spread",
    "deployment_support_hours": "--deployment-support",
    "noise": "--noise",
    "novelty_decay": "--novelty-decay",
    "baseline": "--baseline",
}


@dataclass(frozen=True)
class Layout:
    """Where the simulated weeks fall: the pilot ends yesterday, so it is complete."""

    first_day: datetime.date  # first day of the first simulated week
    start: datetime.date  # the pilot's first day
    end: datetime.date  # the pilot's last day (yesterday)
    weeks_before: int
    weeks_after: int

    @classmethod
    def ending_yesterday(cls, params: SimulationParams) -> Layout:
        today = timezone.localdate(clock.now())
        end = today - DAY
        start = end - datetime.timedelta(days=WEEK * params.post_periods - 1)
        first = start - datetime.timedelta(days=WEEK * params.pre_periods)
        return cls(first, start, end, params.pre_periods, params.post_periods)

    def week_start(self, week: int) -> datetime.date:
        return self.first_day + datetime.timedelta(days=WEEK * week)

    @property
    def pre_blocks(self) -> int:
        """How many four-week blocks before the start the evaluation reads."""
        days = (self.end - self.start).days + 1
        return min(6, max(2, round(days / 28)))

    def read_pre_weeks(self) -> list[int]:
        """The weeks before the start (0 = the first simulated week) whose 7-day windows the
        evaluation reads: every week of the four-week blocks before the start (a block's
        reading is the mean of its four weeks)."""
        return sorted(
            self.weeks_before - 1 - week
            for week in range(BLOCK_WEEKS * self.pre_blocks)
            if week < self.weeks_before
        )

    def read_post_weeks(self) -> list[int]:
        """The pilot weeks (0 = first) whose 7-day windows the evaluation reads: every week of
        the whole four-week blocks, counted back from the last day."""
        blocks = self.weeks_after // BLOCK_WEEKS
        return sorted(self.weeks_after - 1 - week for week in range(BLOCK_WEEKS * blocks))


class Command(BaseCommand):
    help = (
        "Build an organisation whose pilot effect, selection gap and support boost are known, "
        "evaluate its pilot and print the true effect beside the difference in differences "
        "and the naive estimate (docs/pilots/simulation.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        defaults = SimulationParams()
        parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        parser.add_argument(
            "--effect",
            type=float,
            default=defaults.true_effect,
            help="true effect on the weekly contributor rate, as a share "
            f"(default {defaults.true_effect} = {defaults.true_effect * 100:g} points)",
        )
        parser.add_argument(
            "--selection",
            type=float,
            default=defaults.selection_gap,
            help=f"how much higher pilot communities start (default {defaults.selection_gap})",
        )
        parser.add_argument(
            "--support-boost",
            type=float,
            default=defaults.support_boost_per_hour,
            help="extra effect per support hour per community per month (default "
            f"{defaults.support_boost_per_hour})",
        )
        parser.add_argument(
            "--communities",
            type=int,
            default=10,
            help="communities per arm: pilot and comparison (default 10)",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=defaults.people_per_community,
            help=f"people per community (default {defaults.people_per_community})",
        )
        parser.add_argument(
            "--weeks-before",
            type=int,
            default=12,
            help="weeks of history before the start (default 12)",
        )
        parser.add_argument(
            "--weeks-after",
            type=int,
            default=12,
            help="weeks of pilot, ending yesterday (default 12)",
        )
        parser.add_argument(
            "--pilot-support",
            type=float,
            default=defaults.pilot_support_hours[0],
            help="mean support the pilot communities get, hours per community per month "
            f"(default {defaults.pilot_support_hours[0]})",
        )
        parser.add_argument(
            "--support-spread",
            type=float,
            default=defaults.pilot_support_hours[1],
            help="support varies uniformly by this much around the mean (default "
            f"{defaults.pilot_support_hours[1]})",
        )
        parser.add_argument(
            "--deployment-support",
            type=float,
            default=defaults.deployment_support_hours,
            help="support deployment will give, hours per community per month (default "
            f"{defaults.deployment_support_hours})",
        )
        parser.add_argument(
            "--noise",
            type=float,
            default=defaults.noise,
            help=f"sd of the weekly shocks (default {defaults.noise})",
        )
        parser.add_argument(
            "--novelty-decay",
            type=float,
            default=defaults.novelty_decay,
            help="share of the effect lost by the last pilot week (default 0: it lasts)",
        )
        parser.add_argument(
            "--baseline",
            type=float,
            default=defaults.baseline,
            help=f"weekly contributor rate of a comparison community (default {defaults.baseline})",
        )
        parser.add_argument(
            "--resamples",
            type=int,
            default=2000,
            help="bootstrap resamples of the evaluation (default 2000)",
        )

    # ---------------------------------------------------------------- the steps

    def handle(self, *args: Any, **options: Any) -> None:
        params = self._params(options)
        layout = Layout.ending_yesterday(params)
        self._check_layout(layout)
        panel = simulate(params)
        token = f"{params.seed}-{uuid.uuid4().hex[:6]}"
        self.stdout.write(
            _(
                "Simulating %(communities)d pilot and %(communities)d comparison communities "
                "of %(people)d people: %(before)d weeks before the start, %(after)d weeks of "
                "pilot (%(start)s to %(end)s), seed %(seed)d."
            )
            % {
                "communities": params.communities_per_arm,
                "people": params.people_per_community,
                "before": params.pre_periods,
                "after": params.post_periods,
                "start": layout.start.isoformat(),
                "end": layout.end.isoformat(),
                "seed": params.seed,
            }
        )
        source = f"simulation:{token}"
        local = self._import(panel, layout, token, source)
        self._catch_up(layout, list(local["community"].values()))
        pilot = self._pilot(panel, layout, token, local)
        self._report(panel, layout, pilot, options["seed"], options["resamples"])

    def _params(self, options: dict[str, Any]) -> SimulationParams:
        for name, (low, high) in LIMITS.items():
            value = options[name]
            if not low <= value <= high:
                raise CommandError(
                    _("--%(option)s must lie between %(low)d and %(high)d (you gave %(value)s).")
                    % {
                        "option": name.replace("_", "-"),
                        "low": low,
                        "high": high,
                        "value": value,
                    }
                )
        if options["resamples"] < 100:
            raise CommandError(
                _("--resamples must be at least 100 (you gave %(value)s).")
                % {"value": options["resamples"]}
            )
        for name in (
            "effect",
            "selection",
            "support_boost",
            "pilot_support",
            "support_spread",
            "deployment_support",
            "noise",
            "novelty_decay",
            "baseline",
        ):
            if not math.isfinite(options[name]):
                raise CommandError(
                    _("--%(option)s must be a number.") % {"option": name.replace("_", "-")}
                )
        params = SimulationParams(
            communities_per_arm=options["communities"],
            people_per_community=options["people"],
            pre_periods=options["weeks_before"],
            post_periods=options["weeks_after"],
            true_effect=options["effect"],
            selection_gap=options["selection"],
            support_boost_per_hour=options["support_boost"],
            pilot_support_hours=(options["pilot_support"], options["support_spread"]),
            deployment_support_hours=options["deployment_support"],
            noise=options["noise"],
            seed=options["seed"],
            baseline=options["baseline"],
            novelty_decay=options["novelty_decay"],
        )
        try:
            params.validate()
        except SimulationError as error:
            option = OPTION_OF.get(error.field, error.field)
            raise CommandError(f"{option}: {error.message}") from None
        from rucher.analytics.privacy import min_group_size

        smallest = min_group_size()
        if params.people_per_community < smallest:
            raise CommandError(
                _(
                    "--people must be at least %(size)d: the evaluation hides figures resting "
                    "on fewer people than the minimum group size."
                )
                % {"size": smallest}
            )
        return params

    def _check_layout(self, layout: Layout) -> None:
        needed = layout.pre_blocks * BLOCK_WEEKS
        if layout.weeks_before < needed:
            raise CommandError(
                _(
                    "--weeks-before must be at least %(needed)d for a pilot of %(weeks)d weeks: "
                    "the evaluation compares %(blocks)d four-week blocks before the start."
                )
                % {
                    "needed": needed,
                    "weeks": layout.weeks_after,
                    "blocks": layout.pre_blocks,
                }
            )

    def _import(
        self, panel: SimulatedPanel, layout: Layout, token: str, source: str
    ) -> dict[str, dict[str, int]]:
        from rucher.exchange.models import ImportedRecord, RunStatus
        from rucher.exchange.services import import_create, import_execute

        with tempfile.TemporaryDirectory(prefix="rucher-simulation-") as folder:
            counts = write_exchange(Path(folder), panel, layout, token, source)
            self.stdout.write(
                _(
                    "Importing %(people)d people, %(communities)d communities and "
                    "%(posts)d posts through the exchange format…"
                )
                % counts
            )
            # The file is written here, not brought by someone: its one project-team role
            # (the simulated lead who runs the pilot) can be trusted.
            run = import_create(actor=None, path=folder, source=source, trust_roles=True)
            run = import_execute(run_id=run.pk)
        if run.status != RunStatus.DONE or run.problem_count:
            first = run.problems[0]["message"] if run.problems else run.error
            raise CommandError(
                _("The import of the simulated organisation failed (import %(id)d): %(problem)s")
                % {"id": run.pk, "problem": first}
            )
        local: dict[str, dict[str, int]] = {"person": {}, "community": {}}
        for kind, original, local_id in ImportedRecord.objects.filter(
            source=source, kind__in=local.keys()
        ).values_list("kind", "original_id", "local_id"):
            local[kind][original] = int(local_id)
        return local

    def _catch_up(self, layout: Layout, community_ids: list[int]) -> None:
        """The import leaves the event log to the consumers: the evaluation reads the
        rollups, so bring them up to date now. Lifecycle stages are computed for the
        simulated communities up to the start, where the maturity bias reads them (the
        periodic job fills the later weeks as it does for every community)."""
        from rucher.analytics import rollups
        from rucher.analytics.lifecycle import compute_stages

        handled = rollups.consume()
        compute_stages(layout.start, community_ids=community_ids)
        self.stdout.write(
            _("Analytics rollups brought up to date (%(events)d events).") % {"events": handled}
        )

    def _pilot(
        self,
        panel: SimulatedPanel,
        layout: Layout,
        token: str,
        local: dict[str, dict[str, int]],
    ) -> Any:
        from rucher.accounts.models import User
        from rucher.pilots import services, support
        from rucher.pilots.models import Direction, MeasureKind, SelectionReason, SupportKind

        params = panel.params
        lead = User.objects.get(pk=local["person"]["lead"])
        pilot_ids = [local["community"][community_key(c)] for c in pilot_indexes(panel)]
        comparison_ids = [local["community"][community_key(c)] for c in comparison_indexes(panel)]
        try:
            pilot = services.pilot_create(
                actor=lead,
                name=_("Simulated pilot %(token)s") % {"token": token},
                purpose=_(
                    "Simulation (rucher pilot_simulate, seed %(seed)d): true effect %(effect)s "
                    "on the weekly contributor rate, selection gap %(gap)s, support boost "
                    "%(boost)s per hour per community per month. Not real activity."
                )
                % {
                    "seed": params.seed,
                    "effect": f"{params.true_effect:+.3f}",
                    "gap": f"{params.selection_gap:+.3f}",
                    "boost": f"{params.support_boost_per_hour:+.4f}",
                },
                start_date=layout.start,
                end_date=layout.end,
                deployment_support_hours=_hours(params.deployment_support_hours),
            )
            reason = SelectionReason.MATURE if params.selection_gap > 0 else SelectionReason.OTHER
            for community_id in pilot_ids:
                services.pilot_community_add(
                    actor=lead,
                    pilot_id=pilot.pk,
                    community_id=community_id,
                    reason=reason,
                    reason_detail=_("Simulated selection gap: %(gap)s.")
                    % {"gap": f"{params.selection_gap:+.3f}"},
                )
            for community_id in comparison_ids:
                services.comparison_add(actor=lead, pilot_id=pilot.pk, community_id=community_id)
            services.beta_users_add_members(actor=lead, pilot_id=pilot.pk)
            objective = services.objective_create(
                actor=lead,
                pilot_id=pilot.pk,
                title=_("More members contribute every week"),
            )
            target = min(
                0.99, params.baseline + params.selection_gap + max(params.true_effect, 0.0)
            )
            services.measure_add(
                actor=lead,
                objective_id=objective.pk,
                kind=MeasureKind.KPI,
                kpi_key=KPI_KEY,
                kpi_window=KPI_WINDOW,
                direction=Direction.UP,
                target_value=round(target, 2),
                target_date=layout.end,
            )
            services.pilot_set_status(actor=lead, pilot_id=pilot.pk, status="running")
            for index, community_id in zip(pilot_indexes(panel), pilot_ids, strict=True):
                for day, hours in support_entries(float(panel.support_hours[index]), layout):
                    support.support_log(
                        actor=lead,
                        pilot_id=pilot.pk,
                        kind=SupportKind.COACHING,
                        day=day,
                        hours=hours,
                        people_reached=params.people_per_community,
                        community_id=community_id,
                        description=_("Simulated support."),
                    )
            services.pilot_set_status(actor=lead, pilot_id=pilot.pk, status="closed")
        except (Invalid, Conflict, Forbidden, NotFound) as error:
            raise CommandError(
                _("The simulated pilot could not be created: %(error)s") % {"error": error}
            ) from None
        pilot.refresh_from_db()
        self.stdout.write(
            _(
                "Pilot “%(name)s” (/pilots/%(slug)s/) created by %(email)s with "
                "%(pilot)d pilot and %(comparison)d comparison communities, closed."
            )
            % {
                "name": pilot.name,
                "slug": pilot.slug,
                "email": lead.email,
                "pilot": len(pilot_ids),
                "comparison": len(comparison_ids),
            }
        )
        return pilot

    def _report(
        self, panel: SimulatedPanel, layout: Layout, pilot: Any, seed: int, resamples: int
    ) -> None:
        from rucher.pilots.evaluation import evaluate

        params = panel.params
        evaluation = evaluate(pilot, resamples=resamples, seed=seed, fresh=True)
        measure = evaluation.measure(f"kpi:{KPI_KEY}:{KPI_WINDOW}")
        read_weeks = layout.read_post_weeks()
        pilot_hours = panel.support_hours[panel.is_pilot].tolist()
        truth = planted_effect(params, read_weeks)
        truth_here = planted_effect(params, read_weeks, pilot_hours)
        fade = planted_effect(params, read_weeks) / params.true_effect if params.true_effect else 1
        truth_deployment = params.effect_at_deployment * fade
        write = self.stdout.write
        write("")
        write(
            _(
                "Measure: weekly contributor rate (7-day window), as a share (0.08 = 8 "
                "percentage points); the evaluation reads each four-week block as the mean "
                "of its four weeks. Computed by rucher.pilots.evaluation.evaluate."
            )
        )
        write(_("True effect (planted):                %(value)s") % {"value": _signed(truth)})
        write(
            _("  mean of these %(n)d pilot communities: %(value)s")
            % {"n": params.communities_per_arm, "value": _signed(truth_here)}
        )
        if measure is None or measure.effect is None or measure.effect.estimate is None:
            for warning in evaluation.warnings:
                write(f"  ! {warning}")
            raise CommandError(
                _("The evaluation found no difference in differences for this measure.")
            )
        effect = measure.effect
        if effect.low is not None and effect.high is not None:
            covered = _("yes") if effect.covers(truth) else _("no")
            write(
                _(
                    "Difference in differences:            %(value)s  (%(level)d%% interval "
                    "%(low)s to %(high)s; %(units)d communities, %(method)s) — holds the "
                    "true effect: %(covered)s"
                )
                % {
                    "value": _signed(effect.estimate),
                    "level": round(effect.level * 100),
                    "low": _signed(effect.low),
                    "high": _signed(effect.high),
                    "units": effect.units,
                    "method": effect.method,
                    "covered": covered,
                }
            )
        else:
            write(
                _("Difference in differences:            %(value)s  (no interval)")
                % {"value": _signed(effect.estimate)}
            )
        if effect.p_value is not None:
            write(
                _("  permutation p-value (few communities): %(p)s") % {"p": f"{effect.p_value:.3f}"}
            )
        if measure.naive_gap is not None:
            write(
                _(
                    "Naive (pilot after − everyone else after): %(value)s  (off by %(error)s; "
                    "the planted selection gap is %(gap)s)"
                )
                % {
                    "value": _signed(measure.naive_gap),
                    "error": _signed(measure.naive_gap - truth),
                    "gap": _signed(params.selection_gap),
                }
            )
        projection = measure.projection
        if projection is not None and projection.at_deployment.estimate is not None:
            at = projection.at_deployment
            interval = (
                _(" (interval %(low)s to %(high)s)")
                % {"low": _signed(at.low), "high": _signed(at.high)}
                if at.low is not None and at.high is not None
                else ""
            )
            write(
                _(
                    "Projection at %(hours)s h per community per month: %(value)s%(interval)s; "
                    "true %(truth)s"
                )
                % {
                    "hours": f"{params.deployment_support_hours:g}",
                    "value": _signed(at.estimate),
                    "interval": interval,
                    "truth": _signed(truth_deployment),
                }
            )
        if measure.trends is not None:
            holds = {
                True: _("hold (no detectable gap)"),
                False: _("do not hold"),
                None: _("cannot be checked"),
            }[measure.trends.holds]
            write(_("Parallel trends before the start: %(holds)s") % {"holds": holds})
        if measure.verdict:
            write(_("Verdict shown on the page: %(verdict)s") % {"verdict": measure.verdict})


# ---------------------------------------------------------------- the exchange folder


def community_key(index: int) -> str:
    return f"c{index:03d}"


def person_key(community: int, person: int) -> str:
    return f"c{community:03d}p{person:03d}"


def pilot_indexes(panel: SimulatedPanel) -> list[int]:
    return [int(i) for i in np.flatnonzero(panel.is_pilot)]


def comparison_indexes(panel: SimulatedPanel) -> list[int]:
    return [int(i) for i in np.flatnonzero(~panel.is_pilot)]


def _moment(day: datetime.date, minutes: int) -> str:
    """An aware local time on ``day`` (from 8:00), in RFC 3339 with its offset."""
    naive = datetime.datetime.combine(day, datetime.time(8, 0)) + datetime.timedelta(
        minutes=minutes
    )
    return timezone.make_aware(naive).isoformat()


def write_exchange(
    folder: Path, panel: SimulatedPanel, layout: Layout, token: str, source: str
) -> dict[str, int]:
    """Write the panel as an exchange-format folder: one post per person and week in which
    the simulation says the person contributed, on a random day and hour of that week."""
    params = panel.params
    rng = np.random.default_rng(params.seed + 1)  # the panel's own draws stay untouched
    before = _moment(layout.first_day - 3 * DAY, 0)
    joined = _moment(layout.first_day - 2 * DAY, 0)
    units = [
        {"id": "org", "name": f"Simulation {token}", "kind": "company"},
        *(
            {
                "id": f"d{d}",
                "name": f"Simulation {token} department {d + 1}",
                "kind": "department",
                "parent_id": "org",
            }
            for d in range(4)
        ),
    ]
    people: list[dict[str, Any]] = [
        {
            "id": "lead",
            "email": f"lead.{token}@simulation.invalid",
            "display_name": f"Simulation {token} project lead",
            "role": "project_team",
            "org_unit_id": "org",
            "created_at": before,
        }
    ]
    communities: list[dict[str, Any]] = []
    memberships: list[dict[str, Any]] = []
    posts: list[dict[str, Any]] = []
    n = panel.is_pilot.size
    pilot_number = comparison_number = 0
    for c in range(n):
        if panel.is_pilot[c]:
            pilot_number += 1
            name = f"Simulation {token} pilot {pilot_number:02d}"
        else:
            comparison_number += 1
            name = f"Simulation {token} comparison {comparison_number:02d}"
        communities.append(
            {
                "id": community_key(c),
                "name": name,
                "visibility": "open",
                "created_at": before,
                "description": "Simulated by rucher pilot_simulate: not real activity.",
            }
        )
        for j in range(params.people_per_community):
            key = person_key(c, j)
            people.append(
                {
                    "id": key,
                    "email": f"{key}.{token}@simulation.invalid",
                    "display_name": f"Simulated person {c + 1}.{j + 1}",
                    "org_unit_id": f"d{(c + j) % 4}",
                    "created_at": before,
                }
            )
            memberships.append(
                {
                    "id": f"m{key}",
                    "community_id": community_key(c),
                    "person_id": key,
                    "role": "owner" if j == 0 else "member",
                    "joined_at": joined,
                }
            )
    weeks = params.pre_periods + params.post_periods
    offsets = rng.integers(0, WEEK, size=panel.contributed.shape)
    minutes = rng.integers(0, 10 * 60, size=panel.contributed.shape)
    for c, j, t in zip(*np.nonzero(panel.contributed), strict=True):
        day = layout.week_start(int(t)) + datetime.timedelta(days=int(offsets[c, j, t]))
        posts.append(
            {
                "id": f"{person_key(int(c), int(j))}w{int(t):03d}",
                "type": "discussion",
                "author_id": person_key(int(c), int(j)),
                "community_id": community_key(int(c)),
                "created_at": _moment(day, int(minutes[c, j, t])),
                "body": f"Simulated contribution, week {int(t) + 1} of {weeks}.",
            }
        )
    manifest = {
        "format": "rucher-exchange",
        "version": "1.0",
        "source": {"system": "other", "name": source, "label": f"Simulation {token}"},
        "exported_at": timezone.now().isoformat(),
        "scope": "organisation",
        "counts": {"people": len(people), "communities": len(communities), "posts": len(posts)},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))
    for name, records in (
        ("org_units.jsonl", units),
        ("people.jsonl", people),
        ("communities.jsonl", communities),
        ("memberships.jsonl", memberships),
        ("posts.jsonl", posts),
    ):
        with (folder / name).open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record) + "\n")
    return {"people": len(people), "communities": len(communities), "posts": len(posts)}


# ---------------------------------------------------------------- support


def _hours(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def support_entries(per_month: float, layout: Layout) -> list[tuple[datetime.date, Decimal]]:
    """One coaching entry every four weeks adding up to ``per_month`` hours per month over
    the pilot (months as the support log counts them), the last taking the rounding."""
    from rucher.pilots.support import DAYS_PER_MONTH

    days = (layout.end - layout.start).days + 1
    total = (Decimal(str(per_month)) * Decimal(days) / DAYS_PER_MONTH).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    if total <= 0:
        return []
    count = math.ceil(layout.weeks_after / BLOCK_WEEKS)
    share = (total / count).quantize(CENT, rounding=ROUND_HALF_UP)
    entries = []
    for i in range(count):
        hours = share if i < count - 1 else total - share * (count - 1)
        if hours > 0:
            entries.append((layout.start + datetime.timedelta(days=BLOCK_WEEKS * WEEK * i), hours))
    return entries


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"
