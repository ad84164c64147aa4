"""Community pages. The fixed addresses come first: a community's address (its slug) can never
be one of them (see ``forms.RESERVED_SLUGS``)."""

from django.urls import path

from rucher.communities import views, views_admin, views_invitations, views_requests

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    path("new/", views.community_create, name="create"),
    path("requests/", views_requests.creation_requests, name="creation_requests"),
    path("requests/new/", views_requests.request_create, name="request_create"),
    path(
        "requests/<int:request_id>/",
        views_requests.creation_request_detail,
        name="creation_request",
    ),
    path("invitations/", views_invitations.my_invitations, name="my_invitations"),
    path("join/<str:token>/", views_invitations.invitation_link, name="invitation_link"),
    path(
        "admin/organisation/",
        views_admin.organisation_settings,
        name="organisation_settings",
    ),
    path("admin/guests/", views_admin.guests, name="guests"),
    path("<str:slug>/", views.community_detail, name="detail"),
    path("<str:slug>/image/<str:which>/", views.community_image, name="image"),
    path("<str:slug>/members/", views.community_members, name="members"),
    path("<str:slug>/settings/", views.community_settings, name="settings"),
]
