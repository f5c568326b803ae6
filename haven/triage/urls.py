"""Staff pages under /triage/."""

from django.urls import path

from haven.triage import views

app_name = "triage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("media/<int:item_id>/preview", views.media_preview, name="media_preview"),
    path("media/<int:item_id>/reveal", views.media_reveal, name="media_reveal"),
    path("media/<int:item_id>/original", views.media_original, name="media_original"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/contact", views.show_contact, name="contact"),
    path("<str:reference>/claim", views.claim, name="claim"),
    path("<str:reference>/assign", views.assign, name="assign"),
    path("<str:reference>/classify", views.classify, name="classify"),
    path("<str:reference>/notes", views.add_note, name="note"),
    path("<str:reference>/actions", views.record_action, name="action"),
    path("<str:reference>/close", views.close, name="close"),
    path("<str:reference>/reopen", views.reopen, name="reopen"),
]
