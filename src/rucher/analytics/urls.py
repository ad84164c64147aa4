"""Analytics pages (see views.py for who may reach each)."""

from django.urls import path

from rucher.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("charter/", views.charter, name="charter"),
    path("me/", views.my_activity, name="my_activity"),
    path("me/download/<slug:item>.<slug:fmt>", views.my_activity_download, name="my_download"),
    path("network/", views.network, name="network"),
    path(
        "network/download/<slug:item>.<slug:fmt>", views.network_download, name="network_download"
    ),
    path("privacy/", views.privacy_settings, name="privacy"),
    path("thresholds/", views.lifecycle_thresholds, name="thresholds"),
    path("communities/<str:slug>/", views.community_insights, name="community"),
    path(
        "communities/<str:slug>/download/<slug:item>.<slug:fmt>",
        views.community_download,
        name="community_download",
    ),
]
