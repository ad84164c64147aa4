from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "rucher.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from rucher.core import events
        from rucher.notifications.consumer import CONSUMER, RECIPIENTS, consume

        events.register_consumer(CONSUMER, consume, verbs=set(RECIPIENTS))
