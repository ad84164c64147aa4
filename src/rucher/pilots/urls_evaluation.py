"""Routes of the pilot's evaluation part (placeholder until written)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("<slug:slug>/evaluation/", _todo, name="evaluation"),
]
