"""Periodic jobs of the pilots app (registered when the app is ready)."""

import datetime

from rucher.core.periodic import register_periodic


def _survey_reminders() -> int:
    from rucher.pilots.survey_tasks import send_due_reminders

    return send_due_reminders()


# Hourly: a reminder goes out within the hour it is due, and each run only touches the
# invitations whose delay has passed.
register_periodic(
    "pilots.survey_reminders", every=datetime.timedelta(hours=1), run=_survey_reminders
)


def _warm_evaluations() -> int:
    from rucher.pilots.evaluation import warm_cache

    return warm_cache()


# Hourly: the evaluation is computed once a day per pilot and language (the cache key holds
# the day); computing it here spares the first visitor of the day the wait.
register_periodic(
    "pilots.evaluation_cache", every=datetime.timedelta(hours=1), run=_warm_evaluations
)
