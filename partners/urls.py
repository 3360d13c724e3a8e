from django.urls import path

from partners import team_views, views

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
    path("agencies/<uuid:public_id>/contacts/<int:user_id>/leaving/", views.contact_leaving, name="contact-leaving"),
    path("team/", team_views.team, name="team"),
    path("team/<int:user_id>/leaving/", team_views.colleague_leaving, name="colleague-leaving"),
    path("team/<int:user_id>/deactivate/", team_views.colleague_deactivate_view, name="colleague-deactivate"),
    path("team/<int:user_id>/reactivate/", team_views.colleague_reactivate_view, name="colleague-reactivate"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
