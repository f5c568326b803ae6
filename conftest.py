"""Shared test set-up: fast hashing, no network, and the people every test talks about.

Personas: an analyst, a supervisor and a partner service of the Northern Hotline, and
an analyst of another organisation who must never see the Northern Hotline's data.
"""

import importlib
import os
import tempfile
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from haven.accounts.models import Organisation, Role, User

STRONG_PASSWORD = "correct horse battery staple 42"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give every test run its own SQLite file, so that runs side by side never collide.

    A file, not memory, because the worker tests start real worker processes on it.
    """
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        name = f"haven-test-{os.getpid()}.sqlite3"
        db["TEST"]["NAME"] = str(Path(tempfile.gettempdir()) / name)
    elif not db.get("TEST", {}).get("NAME"):
        db.setdefault("TEST", {})["NAME"] = f"test_{db['NAME']}_{os.getpid()}"


def _audit_purge_gate(open_gate: bool) -> None:
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_purge_gate")
        if open_gate:
            cursor.execute("INSERT INTO audit_purge_gate VALUES (datetime('now'))")


# Rows that data migrations seed. The flush after a transactional test empties every
# table, so they are put back before the next test that uses the database.
_SEEDED_BY_MIGRATIONS = [
    ("haven.classification.migrations.0002_builtin_schemes", "seed", "classification.Scheme"),
    (
        "haven.takedown.migrations.0003_builtin_notice_templates",
        "add_builtins",
        "takedown.NoticeTemplate",
    ),
]


def _restore_seeded_rows() -> None:
    from django.apps import apps

    for module, function, model in _SEEDED_BY_MIGRATIONS:
        if not apps.get_model(model).objects.filter(organisation=None).exists():
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _audit_append_only_between_resets(request):
    """Keep the audit log append-only during each test, and let the reset after a
    transactional test empty it (see audit migration 0002)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    uses_db = marker is not None or "db" in request.fixturenames or transactional
    if uses_db:
        request.getfixturevalue("transactional_db" if transactional else "db")
        _audit_purge_gate(False)
        _restore_seeded_rows()
    yield
    if transactional:
        _audit_purge_gate(True)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.DATA_DIR = tmp_path
    settings.STAGING_DIR = tmp_path / "staging"
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.PDQ_INDEX_DIR = tmp_path / "index"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if not settings.CACHE_URL:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REQUIRE_TWO_FACTOR = True
    settings.DEMO_MODE = False
    # No test reaches the network: reported addresses are fetched only by tests that
    # turn it on against their own servers on 127.0.0.1, and RDAP is off.
    settings.FETCH_ON_REPORT = False
    settings.FETCH_TEST_ALLOW_NETWORKS = []
    settings.FETCH_PROXY = ""
    settings.RDAP_URL = ""
    settings.NCMEC_API_URL = ""
    from django.core.cache import cache

    from haven.matching.live import forget_all

    cache.clear()
    forget_all()


def make_user(organisation, username, role, email=""):
    user = User.objects.create_user(
        username=username,
        password=STRONG_PASSWORD,
        organisation=organisation,
        role=role,
        email=email or f"{username}@example.org",
    )
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="Northern Hotline", slug="northern")


@pytest.fixture
def other_organisation(db):
    return Organisation.objects.create(name="Southern Helpline", slug="southern")


@pytest.fixture
def analyst(organisation):
    return make_user(organisation, "ana", Role.ANALYST)


@pytest.fixture
def supervisor(organisation):
    return make_user(organisation, "sam", Role.SUPERVISOR)


@pytest.fixture
def counsellor(organisation):
    return make_user(organisation, "chris", Role.COUNSELLOR)


@pytest.fixture
def counsellor_client(client, counsellor):
    return verified_client(client, counsellor)


@pytest.fixture
def partner(organisation):
    return make_user(organisation, "examplesocial", Role.PARTNER)


@pytest.fixture
def outsider(other_organisation):
    return make_user(other_organisation, "olly", Role.SUPERVISOR)


def verified_client(client, user):
    """A test client signed in with both factors, as staff are after login."""
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def analyst_client(client, analyst):
    return verified_client(client, analyst)


@pytest.fixture
def supervisor_client(client, supervisor):
    return verified_client(client, supervisor)


@pytest.fixture
def outsider_client(client, outsider):
    return verified_client(client, outsider)


def token_client(user, rate_per_minute=None) -> APIClient:
    """An API client that authenticates as `user` with a real token."""
    from haven.api.models import ApiToken

    _, plaintext = ApiToken.issue(user, f"{user.username} tests", rate_per_minute)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


@pytest.fixture
def analyst_api(analyst):
    return token_client(analyst)


@pytest.fixture
def supervisor_api(supervisor):
    return token_client(supervisor)


@pytest.fixture
def partner_api(partner):
    return token_client(partner)


@pytest.fixture
def outsider_api(outsider):
    return token_client(outsider)


class Clock:
    """A controllable clock: `timezone.now()` everywhere returns `clock.now`.

    Django's auto_now fields, Haven's deadlines and the takedown scheduler all read
    `django.utils.timezone.now`, so moving this clock moves all of them at once (the
    live server of browser tests runs in this process and sees it too).
    """

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        from datetime import timedelta

        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from django.utils import timezone

    controlled = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", controlled)
    return controlled


@pytest.fixture
def asgi_live_server(transactional_db):
    """Haven's ASGI application — pages, long-polls and the web chat's WebSockets —
    served by uvicorn in a thread on 127.0.0.1, as pytest-django's live_server serves
    WSGI. Yields the base URL ("http://127.0.0.1:<port>").

    Connections are not kept between requests while it runs (CONN_MAX_AGE 0), so that
    none of the server's threads holds one when the test database is flushed or dropped.
    """
    import socket
    import threading
    import time
    import warnings

    import uvicorn
    from asgiref.sync import SyncToAsync
    from django.db import connections

    from haven.asgi import application
    from haven.chat.database import close_connections as close_chat_connections
    from haven.web.worker import HavenWorker

    # WhiteNoise hands Django a synchronous file iterator, which Django's ASGI handler
    # reads whole (with this warning) before sending: fine for Haven's small files.
    warnings.filterwarnings(
        "ignore", message="StreamingHttpResponse must consume synchronous iterators"
    )
    database = connections.settings["default"]
    max_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(
        application,
        loop="asyncio",
        http="h11",
        ws="websockets-sansio",
        ws_max_size=HavenWorker.CONFIG_KWARGS["ws_max_size"],
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the ASGI live server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
        SyncToAsync.single_thread_executor.submit(connections.close_all).result()
        close_chat_connections()
        database["CONN_MAX_AGE"] = max_age
