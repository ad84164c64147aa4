"""Routes of the pilot's surveys part.

``fixed`` routes start with the fixed word "surveys/" (the answer page and "my surveys",
reached from notifications and e-mails by people who may not see the pilot); they come
before the ``<slug>/...`` routes so that no pilot address can hide them.
"""

from django.urls import path

from rucher.pilots import views_surveys as views

fixed = [
    path("surveys/", views.my_surveys, name="my_surveys"),
    path("surveys/<int:wave_id>/answer/", views.survey_answer, name="survey_answer"),
]
urlpatterns = [
    path("<slug:slug>/surveys/", views.survey_list, name="surveys"),
    path("<slug:slug>/surveys/<int:survey_id>/", views.survey_edit, name="survey_edit"),
    path(
        "<slug:slug>/surveys/<int:survey_id>/questions/<int:question_id>/",
        views.survey_question,
        name="survey_question",
    ),
    path("<slug:slug>/surveys/waves/<int:wave_id>/", views.survey_wave, name="survey_wave"),
    path(
        "<slug:slug>/surveys/waves/<int:wave_id>/results/",
        views.survey_results,
        name="survey_results",
    ),
]
