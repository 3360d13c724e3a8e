from django.urls import path

from requests_app.views import agencies, campaigns, checklists, governance, requests, returns

app_name = "requests"
urlpatterns = [
    path("", requests.request_list, name="list"),
    path("new/", requests.request_new, name="new"),
    path("export.csv", requests.request_export, name="export"),
    path("blocked/", governance.blocked_list, name="blocked"),
    path("agencies/", agencies.agency_list, name="agencies"),
    path("agencies/<uuid:public_id>/", agencies.agency_detail, name="agency"),
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign-new"),
    path("campaigns/<uuid:public_id>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<uuid:public_id>/chase/", campaigns.campaign_chase, name="campaign-chase"),
    path("<uuid:public_id>/", requests.request_detail, name="detail"),
    path("<uuid:public_id>/action/", requests.request_transition_view, name="transition"),
    path("<uuid:public_id>/message/", requests.request_message, name="message"),
    path("<uuid:public_id>/checklist/", checklists.request_checklist, name="checklist"),
    path("<uuid:public_id>/upload/", returns.request_upload, name="upload"),
    path("<uuid:public_id>/returns/<uuid:return_id>/", returns.return_report, name="return-report"),
    path("<uuid:public_id>/returns/<uuid:return_id>/file/", returns.return_download, name="return"),
    path("<uuid:public_id>/returns/<uuid:return_id>/status.json", returns.return_status, name="return-status"),
    path("<uuid:public_id>/returns/<uuid:return_id>/problems.csv", returns.return_problems_csv, name="return-problems"),
    path("<uuid:public_id>/attachments/<int:event_id>/", requests.request_attachment, name="attachment"),
    path("<uuid:public_id>/template.xlsx", requests.request_template, {"fmt": "xlsx"}, name="template-xlsx"),
    path("<uuid:public_id>/template.csv", requests.request_template, {"fmt": "csv"}, name="template-csv"),
]
