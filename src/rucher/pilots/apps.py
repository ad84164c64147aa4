from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsAppConfig(AppConfig):
    name = "rucher.pilots"
    label = "pilots"
    verbose_name = _("Pilot programmes")

    def ready(self) -> None:
        # Periodic jobs (survey reminders...) register themselves on import.
        from rucher.pilots import jobs  # noqa: F401
