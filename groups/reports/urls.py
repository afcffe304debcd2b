"""Report URLs: public ones beside the group page, staff ones beside the review queue, coordinators' in /coordinate/.

Mounted at the site root (supportfinder/urls.py) before the packages whose prefixes they share, because
groups.coordination and groups.directory may not import this package (tests/test_architecture.py).
"""

from django.urls import path

from groups.reports import views

app_name = "reports"

urlpatterns = [
    path("groups/<slug:slug>/report/", views.report_form, name="report"),
    path("groups/<slug:slug>/report/thanks/", views.report_thanks, name="thanks"),
    path("coordinate/review/reports/", views.staff_queue, name="staff_queue"),
    path("coordinate/review/reports/<int:pk>/", views.staff_report, name="staff_report"),
    path("coordinate/groups/<slug:slug>/reports/<int:pk>/fixed/", views.coordinator_mark_fixed,
         name="mark_fixed"),
]
