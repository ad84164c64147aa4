"""``rucher pilot_simulate``: a small organisation through the importer, the pilot services
and the evaluation, and its refusals of impossible options."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rucher.content.models import Post
from rucher.core import clock
from rucher.pilots.management.commands.pilot_simulate import Layout
from rucher.pilots.models import Pilot, PilotStatus, SupportEntry
from rucher.pilots.simulation import SimulationParams, simulate

NOW = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 0))
SMALL = [
    "--communities=3",
    "--people=6",
    "--weeks-before=8",
    "--weeks-after=4",
    "--resamples=200",
    "--seed=3",
]


def run(*args: str) -> str:
    out = io.StringIO()
    with clock.frozen(NOW):
        call_command("pilot_simulate", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_small_simulation_builds_the_pilot_and_prints_truth_and_estimates():
    output = run(*SMALL)
    pilot = Pilot.objects.get()
    assert pilot.status == PilotStatus.CLOSED
    assert pilot.end_date == datetime.date(2026, 3, 3)  # yesterday
    assert pilot.start_date == datetime.date(2026, 3, 3) - datetime.timedelta(days=27)
    assert pilot.pilot_communities.count() == 3
    assert pilot.comparison_groups.count() == 3
    assert pilot.beta_users.count() == 18
    assert pilot.deployment_support_hours == Decimal("2.00")
    # Every post is one simulated contribution.
    params = SimulationParams(
        communities_per_arm=3, people_per_community=6, pre_periods=8, post_periods=4, seed=3
    )
    panel = simulate(params)
    assert Post.objects.count() == int(panel.contributed.sum())
    # Support adds up to each pilot community's simulated hours per month.
    months = Decimal(28) / Decimal("30.4375")
    for entry_community, hours in zip(
        pilot.pilot_communities.order_by("community__name").values_list("community_id", flat=True),
        panel.support_hours[:3],
        strict=True,
    ):
        total = sum(
            SupportEntry.objects.filter(pilot=pilot, community_id=entry_community).values_list(
                "hours", flat=True
            ),
            Decimal(0),
        )
        assert float(total / months) == pytest.approx(hours, abs=0.01)
    assert "True effect (planted):" in output
    assert "Difference in differences:" in output
    assert "Naive (pilot after − everyone else after):" in output
    assert "rucher.pilots.evaluation.evaluate" in output
    # The database path reproduces the panel exactly: the evaluation reads a four-week block
    # as the mean of its weekly rates, so its DiD is the panel's over the blocks' weeks.
    with clock.frozen(NOW):
        layout = Layout.ending_yesterday(params)
    pre_weeks, post_weeks = layout.read_pre_weeks(), layout.read_post_weeks()
    # 2 blocks before the start, 1 of pilot
    assert (pre_weeks, post_weeks) == (list(range(8)), [0, 1, 2, 3])
    changes = panel.post_series[:, post_weeks].mean(axis=1) - panel.pre_series[:, pre_weeks].mean(
        axis=1
    )
    expected = changes[:3].mean() - changes[3:].mean()
    estimate = re.search(r"Difference in differences:\s+([+-]\d\.\d{3})", output)
    assert estimate is not None
    assert float(estimate.group(1)) == pytest.approx(expected, abs=0.0006)
    naive = re.search(r"everyone else after\):\s+([+-]\d\.\d{3})", output)
    assert naive is not None
    naive_expected = (
        panel.post_series[:3, post_weeks].mean() - panel.post_series[3:, post_weeks].mean()
    )
    assert float(naive.group(1)) == pytest.approx(naive_expected, abs=0.0006)
    assert "permutation p-value" in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--communities=1"], "--communities must lie between 2 and 50"),
        (["--weeks-after=2"], "--weeks-after must lie between 4 and 52"),
        (["--weeks-after=12", "--weeks-before=8"], "--weeks-before must be at least 12"),
        (["--effect=0.9"], "--effect"),
        (["--pilot-support=1", "--support-spread=3"], "--pilot-support / --support-spread"),
        (["--people=3"], "minimum group size"),
        (["--resamples=10"], "--resamples must be at least 100"),
        (["--effect=nan"], "--effect must be a number"),
    ],
)
def test_impossible_options_are_refused_before_anything_is_written(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    assert not Pilot.objects.exists()
    assert not Post.objects.exists()
