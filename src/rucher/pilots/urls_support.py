"""Routes of the pilot's support part: the log, its entries and the intensity chart."""

from django.urls import path

from rucher.pilots import views_support

urlpatterns = [
    path("<slug:slug>/support/", views_support.support_page, name="support"),
    path(
        "<slug:slug>/support/<int:entry_id>/edit/",
        views_support.support_edit,
        name="support_edit",
    ),
    path(
        "<slug:slug>/support/<int:entry_id>/delete/",
        views_support.support_delete,
        name="support_delete",
    ),
    path(
        "<slug:slug>/support/chart.<str:fmt>",
        views_support.support_chart_file,
        name="support_chart",
    ),
]
