"""Routes of the pilot's steering report: the page, its PDF and its data annex."""

from django.urls import path

from rucher.pilots import views_report

urlpatterns = [
    path("<slug:slug>/report/", views_report.report, name="report"),
    path("<slug:slug>/report/pdf/", views_report.report_pdf, name="report_pdf"),
    path("<slug:slug>/report/annex/<str:fmt>/", views_report.report_annex, name="report_annex"),
]
