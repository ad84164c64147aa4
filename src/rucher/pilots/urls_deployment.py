"""Routes of the lessons, the best-practice library and the decision-and-deployment tab."""

from django.urls import path

from rucher.pilots import views_deployment as views

# Before the "<slug>/..." routes: "library" is not a pilot address.
fixed = [
    path("library/", views.library, name="library"),
]
urlpatterns = [
    path("<slug:slug>/lessons/", views.lessons_page, name="lessons"),
    path("<slug:slug>/lessons/<int:lesson_id>/edit/", views.lesson_edit, name="lesson_edit"),
    path("<slug:slug>/lessons/<int:lesson_id>/delete/", views.lesson_delete, name="lesson_delete"),
    path("<slug:slug>/deployment/", views.deployment_page, name="deployment"),
    path("<slug:slug>/deployment/waves/<int:wave_id>/edit/", views.wave_edit, name="wave_edit"),
    path(
        "<slug:slug>/deployment/waves/<int:wave_id>/delete/",
        views.wave_delete,
        name="wave_delete",
    ),
]
