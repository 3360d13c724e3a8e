from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("second-factor/", views.second_factor, name="second-factor"),
    path("second-factor/enrol/", views.second_factor_enrol_view, name="second-factor-enrol"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/clear/", views.lockout_clear_view, name="lockout-clear"),
]
