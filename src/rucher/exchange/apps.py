import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "rucher.exchange"
    label = "exchange"
    verbose_name = _("Import and export")

    def ready(self) -> None:
        from rucher.core.periodic import register_periodic

        register_periodic(
            "exchange.import_indexes",
            every=datetime.timedelta(minutes=10),
            run=_import_indexes,
        )


def _import_indexes() -> None:
    # Those an import that did not end left aside; a no-op when all are there.
    from rucher.exchange.indexes import restore_abandoned

    restore_abandoned()
