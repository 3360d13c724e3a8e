from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from project import views

admin.site.site_header = "Migration data tracker administration"
admin.site.site_title = "Migration data tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalogue/", include("catalogue.urls")),
    path("requests/", include("requests_app.urls")),
    path("agreements/", include("sharing.urls")),
    path("notifications/", include("notifications.urls")),
    path("plan/", include("planning.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
