from django.urls import path

from rucher.accounts import directory_views as views

app_name = "directory"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("picker/", views.people_picker, name="picker"),
    path("<int:person_id>/", views.person_detail, name="person"),
    path("<int:person_id>/org-chart/", views.org_chart, name="org_chart"),
    path(
        "<int:person_id>/followers/",
        views.follow_list,
        {"direction": "followers"},
        name="followers",
    ),
    path(
        "<int:person_id>/following/",
        views.follow_list,
        {"direction": "following"},
        name="following",
    ),
    path("<int:person_id>/follow/", views.follow_toggle, name="follow"),
    path("<int:person_id>/photo/<str:size>/", views.photo, name="photo"),
]
