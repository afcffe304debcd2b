from django.urls import path

from groups.directory import pages
from groups.directory import views as group_views

app_name = "groups"

urlpatterns = [
    path("", pages.home, name="home"),
    path("groups/", group_views.group_list, name="list"),
    path("groups/<slug:slug>/", group_views.group_detail, name="detail"),
    path("groups/<slug:slug>/calendar.ics", group_views.group_calendar, name="calendar"),
    path("types/", pages.type_list, name="type_list"),
    path("types/<slug:slug>/", pages.type_detail, name="type_detail"),
    path("guide/", pages.guide_index, name="guide"),
    path("guide/<slug:slug>/", pages.guide_page, name="guide_page"),
    path("safety/", pages.safety, name="safety"),
]
