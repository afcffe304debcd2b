"""Accreditation pages, included inside the "coordinate" URLs (/coordinate/): names are "coordinate:accreditation:…"."""

from django.urls import path

from groups.accreditation import views as accreditation

app_name = "accreditation"

urlpatterns = [
    path("groups/<slug:slug>/accreditation/", accreditation.claim_list, name="claims"),
    path("groups/<slug:slug>/accreditation/<int:pk>/edit/", accreditation.claim_edit, name="edit"),
    path("accreditation/evidence/<int:pk>/", accreditation.evidence_download, name="evidence"),
    path("review/accreditation/", accreditation.review_queue, name="queue"),
    path("review/accreditation/<int:pk>/", accreditation.review_claim, name="review"),
]
