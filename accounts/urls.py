from django.urls import path

from . import enrolment, views

app_name = "accounts"

# Beside allauth's own pages under /accounts/ (login, email, password, 2fa, sessions).
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("data/", views.data_export, name="data_export"),
    path("delete/", views.delete, name="delete"),
    # Staff set up two-factor authentication only through a one-time link (accounts.enrolment).
    path("staff-enrolment/", enrolment.enrolment_needed, name="staff_enrolment"),
    path("staff-enrolment/<str:token>/", enrolment.enrolment_link, name="staff_enrolment_link"),
]
