from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "rucher.content"
    label = "content"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        import datetime

        from rucher.content.attachments import attachments_purge_pending
        from rucher.core.periodic import register_periodic

        register_periodic(
            "content.purge_pending_attachments",
            every=datetime.timedelta(hours=1),
            run=attachments_purge_pending,
        )
