"""Background work of analytics: recomputing the lifecycle stages after a settings change."""

from __future__ import annotations

from django.tasks import task


@task()
def recompute_lifecycle_stages() -> int:
    """Rewrite every community's weekly stages with the thresholds now in force: a history
    computed half with old rules and half with new ones would show changes that are not.
    Minutes on a large organisation, hence a task; the periodic job fills in any week a
    failed run leaves missing."""
    from rucher.analytics.lifecycle import compute_stages

    return compute_stages(recompute=True)
