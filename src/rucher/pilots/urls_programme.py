"""Routes of the pilot's programme part (placeholder until written)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path


def _todo(request: HttpRequest, slug: str = "") -> HttpResponse:
    raise Http404


urlpatterns = [
    path("", _todo, name="index"),
    path("<slug:slug>/", _todo, name="detail"),
    path("<slug:slug>/scope/", _todo, name="scope"),
    path("<slug:slug>/objectives/", _todo, name="objectives"),
]
