"""Routes of the pilot's support part (placeholder until written)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("<slug:slug>/support/", _todo, name="support"),
]
