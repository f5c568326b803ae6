"""Filled in by the issue-6 work."""

urlpatterns: list = []
