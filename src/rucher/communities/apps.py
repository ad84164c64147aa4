from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "rucher.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        import datetime

        from rucher.communities.services import guest_access_record_expiries
        from rucher.core.periodic import register_periodic

        # A guest's access ends at a moment, with no request: this job records it in the log.
        register_periodic(
            "communities.guest_expiries",
            every=datetime.timedelta(minutes=15),
            run=guest_access_record_expiries,
        )
