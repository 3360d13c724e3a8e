from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.csv", views.coverage_export, {"fmt": "csv"}, name="coverage-csv"),
    path("coverage.json", views.coverage_export, {"fmt": "json"}, name="coverage-json"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators.csv", views.indicators_export, {"fmt": "csv"}, name="indicators-csv"),
    path("indicators.xlsx", views.indicators_export, {"fmt": "xlsx"}, name="indicators-xlsx"),
    path("indicators.json", views.indicators_export, {"fmt": "json"}, name="indicators-json"),
    path("report/", views.report, name="report"),
]
