import os
import subprocess
import sys
from pathlib import Path

import pytest

from haven.env import ImproperlyConfiguredEnv, database_from_url, env_bool

CHECK = [sys.executable, "-c", "import django; django.setup(); print('started')"]


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    clean |= {"DJANGO_SETTINGS_MODULE": "haven.settings", "HAVEN_DATA_DIR": str(tmp_path)}
    return subprocess.run(CHECK, env=clean | env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    result = _start(tmp_path, HAVEN_MODE="production")
    assert result.returncode != 0
    assert "HAVEN_SECRET_KEY" in result.stderr and "HAVEN_EVIDENCE_KEY" in result.stderr


def test_production_refuses_a_short_secret_and_demo_mode(tmp_path):
    secrets = {
        "HAVEN_MODE": "production",
        "HAVEN_EVIDENCE_KEY": "x" * 44,
        "HAVEN_ALLOWED_HOSTS": "haven.example.org",
    }
    short = _start(tmp_path, HAVEN_SECRET_KEY="short", **secrets)
    assert short.returncode != 0 and "32+" in short.stderr
    demo = _start(tmp_path, HAVEN_SECRET_KEY="s" * 40, HAVEN_DEMO_MODE="true", **secrets)
    assert demo.returncode != 0 and "DEMO_MODE" in demo.stderr


def test_production_starts_with_its_secrets(tmp_path):
    result = _start(
        tmp_path,
        HAVEN_MODE="production",
        HAVEN_SECRET_KEY="s" * 40,
        HAVEN_EVIDENCE_KEY="x" * 44,
        HAVEN_ALLOWED_HOSTS="haven.example.org",
        HAVEN_PUBLIC_BASE_URL="https://haven.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_starts_with_no_settings_at_all(tmp_path):
    assert _start(tmp_path).returncode == 0


def test_booleans_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfiguredEnv):
        env_bool("X_FLAG")


def test_database_urls_for_sqlite_and_postgres():
    base = Path("/srv/haven")
    assert database_from_url("sqlite:///db.sqlite3", base)["NAME"] == "/srv/haven/db.sqlite3"
    assert database_from_url("sqlite:////var/h.sqlite3", base)["NAME"] == "/var/h.sqlite3"
    pg = database_from_url("postgres://u:p%40ss@db:5433/haven?sslmode=require", base)
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "u",
        "p@ss",
        "db",
        "5433",
        "haven",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    with pytest.raises(ImproperlyConfiguredEnv):
        database_from_url("mysql://x/y", base)
