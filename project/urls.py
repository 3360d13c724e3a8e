from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.second_factor import second_factor_not_required
from accounts.views import PasswordReset, PasswordResetConfirm
from project import views

admin.site.site_header = "Migration data tracker administration"
admin.site.site_title = "Migration data tracker"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", second_factor_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/password-reset/", PasswordReset.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/", include("accounts.urls")),
    path("catalogue/", include("catalogue.urls")),
    path("requests/", include("requests_app.urls")),
    path("releases/", include("releases.urls")),
    path("agreements/", include("sharing.urls")),
    path("notifications/", include("notifications.urls")),
    path("plan/", include("planning.urls")),
    path("partners/", include("partners.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
