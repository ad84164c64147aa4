from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "rucher.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        import datetime

        from rucher.core.events import run_consumers
        from rucher.core.periodic import register_periodic

        # Consumers run after each write commits; this catches up whatever a crash or a
        # capped run left behind, without an operator running `rucher consume`.
        register_periodic("events.catch_up", every=datetime.timedelta(minutes=1), run=run_consumers)
