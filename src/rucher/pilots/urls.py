"""Pilot pages under /pilots/: each part of the pilot has its own module of routes."""

from rucher.pilots import (
    urls_deployment,
    urls_evaluation,
    urls_programme,
    urls_report,
    urls_support,
    urls_surveys,
)

app_name = "pilots"
# Fixed words first ("new", "library", "surveys"), so that no pilot address can hide them.
urlpatterns = [
    *urls_surveys.fixed,
    *urls_deployment.fixed,
    *urls_programme.urlpatterns,
    *urls_support.urlpatterns,
    *urls_surveys.urlpatterns,
    *urls_evaluation.urlpatterns,
    *urls_deployment.urlpatterns,
    *urls_report.urlpatterns,
]
