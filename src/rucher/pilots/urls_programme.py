"""Routes of the pilot's programme part: index, creation, overview, scope and objectives.

"new/" comes before the ``<slug>/`` routes (and the service never gives a pilot that
address), so no pilot can hide the creation page.
"""

from django.urls import path

from rucher.pilots import views_programme

urlpatterns = [
    path("", views_programme.pilot_index, name="index"),
    path("new/", views_programme.pilot_create, name="create"),
    path("<slug:slug>/", views_programme.pilot_detail, name="detail"),
    path("<slug:slug>/edit/", views_programme.pilot_edit, name="edit"),
    path("<slug:slug>/scope/", views_programme.pilot_scope, name="scope"),
    path(
        "<slug:slug>/scope/suggestions/",
        views_programme.pilot_scope_suggestions,
        name="scope_suggestions",
    ),
    path("<slug:slug>/objectives/", views_programme.pilot_objectives, name="objectives"),
]
