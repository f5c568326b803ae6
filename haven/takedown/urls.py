"""Takedown pages under /takedown/, and the public answer page hosts reach from notices."""

from django.urls import path

from haven.takedown import views

app_name = "takedown"
urlpatterns = [
    path("", views.takedown_list, name="list"),
    path("policy", views.policy, name="policy"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new", views.template_new, name="template_new"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/delete", views.template_delete, name="template_delete"),
    path("urls/<int:url_id>/start", views.start, name="start"),
    path("<int:takedown_id>/", views.detail, name="detail"),
    path("<int:takedown_id>/police-agreed", views.police_agreed, name="police_agreed"),
    path("<int:takedown_id>/send-now", views.send_now, name="send_now"),
    path("<int:takedown_id>/host-answer", views.host_answer, name="host_answer"),
    path("<int:takedown_id>/confirm-removed", views.confirm_removed, name="confirm_removed"),
    path("<int:takedown_id>/stop", views.stop, name="stop"),
    path("answer/<str:answer_token>/", views.answer, name="answer"),
]
