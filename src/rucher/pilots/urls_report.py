"""Routes of the pilot's report part (placeholder until written)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("<slug:slug>/report/", _todo, name="report"),
]
