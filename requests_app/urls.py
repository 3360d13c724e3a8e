from django.urls import path

from requests_app import views

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("export.csv", views.request_export, name="export"),
    path("blocked/", views.blocked_list, name="blocked"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<uuid:public_id>/", views.agency_detail, name="agency"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_new, name="campaign-new"),
    path("campaigns/<uuid:public_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<uuid:public_id>/chase/", views.campaign_chase, name="campaign-chase"),
    path("<uuid:public_id>/", views.request_detail, name="detail"),
    path("<uuid:public_id>/action/", views.request_transition_view, name="transition"),
    path("<uuid:public_id>/message/", views.request_message, name="message"),
    path("<uuid:public_id>/checklist/", views.request_checklist, name="checklist"),
    path("<uuid:public_id>/upload/", views.request_upload, name="upload"),
    path("<uuid:public_id>/returns/<uuid:return_id>/", views.return_report, name="return-report"),
    path("<uuid:public_id>/returns/<uuid:return_id>/file/", views.return_download, name="return"),
    path("<uuid:public_id>/returns/<uuid:return_id>/status.json", views.return_status, name="return-status"),
    path("<uuid:public_id>/returns/<uuid:return_id>/problems.csv", views.return_problems_csv, name="return-problems"),
    path("<uuid:public_id>/attachments/<int:event_id>/", views.request_attachment, name="attachment"),
    path("<uuid:public_id>/template.xlsx", views.request_template, {"fmt": "xlsx"}, name="template-xlsx"),
    path("<uuid:public_id>/template.csv", views.request_template, {"fmt": "csv"}, name="template-csv"),
]
