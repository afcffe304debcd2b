from django.urls import path

from groups.directory import api

app_name = "api"

urlpatterns = [
    path("groups/", api.group_list, name="group_list"),
    path("groups/<slug:slug>/", api.group_detail, name="group_detail"),
]
