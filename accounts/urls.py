from django.urls import path

from . import views

app_name = "accounts"

# Beside allauth's own pages under /accounts/ (login, email, password, 2fa, sessions).
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("data/", views.data_export, name="data_export"),
    path("delete/", views.delete, name="delete"),
]
