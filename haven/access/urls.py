"""The access policy pages, under /access/: the editor and tester (editor_urls), and
children, requests to unblock, alerts and the child's own pages (children_urls)."""

from django.urls import include, path

app_name = "access"
urlpatterns = [
    path("", include("haven.access.editor_urls")),
    path("", include("haven.access.children_urls")),
]
