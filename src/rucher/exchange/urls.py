from django.urls import path

from rucher.exchange import views

app_name = "exchange"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:run_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:run_id>/resume/", views.import_resume, name="import_resume"),
    path("exports/", views.exports, name="exports"),
    path("exports/<int:run_id>/download/", views.export_download, name="export_download"),
    path("my-data/", views.my_data, name="my_data"),
]
