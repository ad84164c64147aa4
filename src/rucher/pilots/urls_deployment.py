"""Routes of the pilot's deployment part (placeholder until written)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


fixed: list = []
urlpatterns = [
    path("<slug:slug>/lessons/", _todo, name="lessons"),
    path("<slug:slug>/deployment/", _todo, name="deployment"),
]
