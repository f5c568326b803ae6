"""URL map: one include per app, so each area's URLs live beside its views."""

from django.urls import include, path

from haven.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("haven.accounts.urls")),
    path("report/", include("haven.reports.urls")),
    path("triage/", include("haven.triage.urls")),
    path("audit/", include("haven.audit.urls")),
    path("stats/", include("haven.stats.urls")),
    path("api/", include("haven.api.urls")),
    path("banks/", include("haven.matching.urls")),
    path("exchanges/", include("haven.exchanges.urls")),
    path("classification/", include("haven.classification.urls")),
    path("fetching/", include("haven.fetching.routes")),
    path("hosting/", include("haven.hosting.urls")),
    path("takedown/", include("haven.takedown.urls")),
    path("routing/", include("haven.routing.urls")),
    path("cybertip/", include("haven.cybertip.urls")),
    path("helpline/", include("haven.helpline.urls")),
    path("chat/", include("haven.chat.urls")),
    path("messaging/", include("haven.messaging.urls")),
    path("emergencies/", include("haven.emergencies.urls")),
    path("cases/", include("haven.cases.urls")),
    path("network/", include("haven.network.urls")),
    path("access/", include("haven.access.urls")),
    # Hasher-Matcher-Actioner clients use https://<host>/hma as their base URL.
    path("hma/", include("haven.hma.urls")),
]
