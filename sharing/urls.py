from django.urls import path

from sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.register, name="register"),
    path("register.csv", views.register_export, name="register-export"),
    path("new/", views.agreement_new, name="new"),
    path("dpo/", views.dpo_workspace, name="dpo"),
    path("audit/", views.audit_log, name="audit"),
    path("audit.csv", views.audit_export, name="audit-export"),
    path("<uuid:public_id>/", views.agreement_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.agreement_edit, name="edit"),
    path("<uuid:public_id>/action/", views.agreement_action, name="action"),
    path("<uuid:public_id>/amend/", views.agreement_amend_view, name="amend"),
    path("<uuid:public_id>/comment/", views.agreement_comment_view, name="comment"),
    path("<uuid:public_id>/document/", views.agreement_document, name="document"),
]
