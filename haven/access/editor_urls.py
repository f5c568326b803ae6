"""The policy editor's pages: the access home, Haven's rules, a policy's matrix, its
settings and guardians, and the tester. URL kwargs are row ids (policy_id)."""

from django.urls import path

from haven.access.views import editor, policies, tester

urlpatterns = [
    path("", editor.home, name="home"),
    path("rules/", editor.rules, name="rules"),
    path("test/", editor.test_start, name="test"),
    path("policies/new/", policies.policy_create, name="policy_create"),
    path("policies/<int:policy_id>/", editor.policy_matrix, name="policy"),
    path("policies/<int:policy_id>/edit/", policies.policy_edit, name="policy_edit"),
    path("policies/<int:policy_id>/guardians/", policies.policy_guardians, name="policy_guardians"),
    path("policies/<int:policy_id>/test/", tester.tester, name="policy_test"),
]
