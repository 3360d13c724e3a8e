from django.urls import path

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.source_list, name="list"),
    path("compare/", views.source_compare, name="compare"),
    path("definitions/", views.definition_list, name="definitions"),
    path("local-sources/", views.availability_checklist, name="availability"),
    path("export.csv", views.catalogue_export, {"fmt": "csv"}, name="export-csv"),
    path("export.json", views.catalogue_export, {"fmt": "json"}, name="export-json"),
    path("<slug:slug>/", views.source_detail, name="detail"),
    path("<slug:slug>/refreshed/", views.source_refreshed, name="refreshed"),
]
