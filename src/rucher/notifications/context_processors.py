from django.http import HttpRequest

from rucher.core.http import request_user
from rucher.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, object]:
    """The bell's count, on every page of a logged-in person (one query)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(request_user(request))}
