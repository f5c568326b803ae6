import pytest
from django.db import transaction
from django.test import TestCase, override_settings

from haven.demo.seed import seed_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, seeded once for a module's tests: seeding takes seconds. It is written in
    a transaction rolled back after the module; each test runs in a savepoint inside it,
    so what a test changes is undone as usual. The settings are the ones every test gets
    (conftest.py), which function-scoped fixtures cannot give a module-scoped one."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    data_dir = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, CELERY_TASK_ALWAYS_EAGER=True, DATA_DIR=data_dir),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # The sample reports' files are hashed and matched by jobs after commit.
            with TestCase.captureOnCommitCallbacks(execute=True):
                seeded = seed_demo()
            yield seeded
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
