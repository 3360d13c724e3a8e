from django.urls import path

from releases import views

app_name = "releases"
urlpatterns = [
    path("<slug:slug>/", views.release_take_in, name="take-in"),
]
