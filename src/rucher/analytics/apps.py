import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsAppConfig(AppConfig):
    name = "rucher.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from rucher.analytics.rollups import CONSUMER, VERBS, consume_some
        from rucher.core import events
        from rucher.core.periodic import register_periodic

        events.register_consumer(CONSUMER, consume_some, verbs=VERBS)
        register_periodic(
            "analytics.lifecycle_stages", every=datetime.timedelta(hours=6), run=_stages
        )
        register_periodic(
            "analytics.reader_indexes",
            every=datetime.timedelta(minutes=10),
            run=_reader_indexes,
        )


def _stages() -> None:
    # Weeks not yet computed, up to the last complete one; a no-op once they are filled.
    from rucher.analytics.lifecycle import compute_stages

    compute_stages()


def _reader_indexes() -> None:
    # Those a rebuild that did not end left dropped; a no-op when all are there.
    from rucher.analytics.rollups import restore_abandoned_indexes

    restore_abandoned_indexes()
