from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("agencies/new/", views.agency_new, name="agency-new"),
    path("agencies/<uuid:public_id>/contacts/", views.contacts, name="contacts"),
    path(
        "agencies/<uuid:public_id>/contacts/<int:user_id>/deactivate/",
        views.contact_deactivate_view,
        name="contact-deactivate",
    ),
    path(
        "agencies/<uuid:public_id>/contacts/<int:user_id>/reactivate/",
        views.contact_reactivate_view,
        name="contact-reactivate",
    ),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
