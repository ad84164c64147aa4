from django.conf import settings
from django.http import HttpRequest


def rucher(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)  # None on a 404
    section = (match.namespace or match.url_name or "") if match else ""
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "LANGUAGES": settings.LANGUAGES,
        "nav_section": section,
    }
