from django.conf import settings
from django.http import HttpRequest


def rucher(request: HttpRequest) -> dict[str, object]:
    return {"DEMO_MODE": settings.DEMO_MODE, "LANGUAGES": settings.LANGUAGES}
