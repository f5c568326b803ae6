"""Children under /access/: the adults' pages (profiles, requests to unblock, alerts;
signed in) and the child's own pages (why something was held back, and the answer to
their request; public, the token in the address is the permission)."""

from django.urls import path

from haven.access.views import child, children, unblock

urlpatterns = [
    # The adults' side.
    path("children/", children.child_list, name="children"),
    path("children/new/", children.child_create, name="child_create"),
    path("children/<int:child_id>/", children.child_edit, name="child"),
    path(
        "children/<int:child_id>/deactivate/",
        children.child_deactivate,
        name="child_deactivate",
    ),
    path(
        "children/<int:child_id>/reactivate/",
        children.child_reactivate,
        name="child_reactivate",
    ),
    path("requests/", unblock.request_list, name="requests"),
    path("requests/<int:unblock_request_id>/", unblock.request_detail, name="request"),
    path(
        "requests/<int:unblock_request_id>/withdraw/",
        unblock.request_withdraw,
        name="request_withdraw",
    ),
    path("alerts/", unblock.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", unblock.alert_detail, name="alert"),
    # The child's side.
    path("why/<str:token>/", child.why, name="why"),
    path("asked/<str:token>/", child.asked, name="asked"),
    path("exit/", child.quick_exit, name="exit"),
]
