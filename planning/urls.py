from django.urls import path

from planning import calendar_views, views

app_name = "planning"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("edit/", views.plan_edit, name="edit"),
    path("milestones/", views.milestone_add, name="milestone-add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("milestones/<int:pk>/delete/", views.milestone_delete, name="milestone-delete"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/<slug:item>/", views.checklist_decide, name="decide"),
    path("register/", views.register, name="register"),
    path("register/<int:pk>/", views.engagement_edit, name="engagement"),
    path("register/<int:pk>/delete/", views.engagement_delete, name="engagement-delete"),
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/<slug:slug>/taken-in/", calendar_views.release_taken_in, name="taken-in"),
    path("calendar/feed/", calendar_views.feed_reset, name="feed-reset"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="feed"),
]
