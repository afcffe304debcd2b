"""The public contact pages sit beside the group page; the inbox inside /coordinate/ (root URLconf includes both)."""

from django.urls import path

from groups.contact import inbox_views, views

app_name = "contact"

urlpatterns = [
    path("groups/<slug:slug>/contact/", views.contact_form, name="form"),
    path("groups/<slug:slug>/contact/sent/", views.contact_sent, name="sent"),
    path("coordinate/messages/", inbox_views.inbox, name="inbox"),
    path("coordinate/messages/<int:pk>/answered/", inbox_views.message_answered, name="answered"),
    path("coordinate/messages/<int:pk>/delete/", inbox_views.message_delete, name="delete"),
    path("coordinate/messages/<int:pk>/report/", inbox_views.message_report, name="report"),
    path("coordinate/review/messages/", inbox_views.reported_list, name="reported_list"),
    path("coordinate/review/messages/<int:pk>/", inbox_views.reported_message, name="reported"),
]
