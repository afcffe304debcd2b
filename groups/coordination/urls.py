from django.urls import include, path

from groups.coordination import review_views as review
from groups.coordination import views as coordinate

app_name = "coordinate"

urlpatterns = [
    path("", coordinate.dashboard, name="dashboard"),
    path("groups/new/", coordinate.group_create, name="create"),
    path("groups/<slug:slug>/", coordinate.group_manage, name="group"),
    path("groups/<slug:slug>/edit/", coordinate.group_edit, name="edit"),
    path("groups/<slug:slug>/preview/", coordinate.group_preview, name="preview"),
    path("groups/<slug:slug>/submit/", coordinate.group_submit, name="submit"),
    path("groups/<slug:slug>/status/", coordinate.group_status, name="status"),
    path("groups/<slug:slug>/close/", coordinate.group_close, name="close"),
    path("groups/<slug:slug>/reopen/", coordinate.group_relist, name="relist"),
    path("groups/<slug:slug>/confirm/", coordinate.group_confirm, name="confirm"),
    path("groups/<slug:slug>/coordinators/invite/", coordinate.coordinator_invite, name="invite"),
    path("groups/<slug:slug>/coordinators/<int:user_id>/remove/", coordinate.coordinator_remove,
         name="remove_coordinator"),
    path("groups/<slug:slug>/invitations/<int:pk>/cancel/", coordinate.invitation_cancel, name="cancel_invitation"),
    path("groups/<slug:slug>/invitations/<int:pk>/resend/", coordinate.invitation_resend, name="resend_invitation"),
    path("invitations/<str:token>/", coordinate.invitation_accept, name="invitation"),
    path("review/", review.queue, name="review_queue"),
    path("review/<int:pk>/", review.review, name="review"),
    path("review/<int:pk>/preview/", review.review_preview, name="review_preview"),
    path("", include("groups.accreditation.urls")),
]
