"""Routes of the pilot's evaluation part."""

from django.urls import path

from rucher.pilots import views_evaluation

urlpatterns = [
    path("<slug:slug>/evaluation/", views_evaluation.evaluation_page, name="evaluation"),
]
