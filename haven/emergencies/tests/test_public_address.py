"""Production refuses to start without Haven's public https address: responders' links,
supervisors' links and SMS providers' signature checks are all built on it, and the
development default (this machine) would break every one of them."""

import os
import subprocess
import sys

import pytest

CHECK = [
    sys.executable,
    "-c",
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.PUBLIC_BASE_URL)",
]
SECRETS = {
    "HAVEN_MODE": "production",
    "HAVEN_SECRET_KEY": "s" * 40,
    "HAVEN_EVIDENCE_KEY": "x" * 44,
    "HAVEN_ALLOWED_HOSTS": "haven.example.org",
}


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    clean |= {"DJANGO_SETTINGS_MODULE": "haven.settings", "HAVEN_DATA_DIR": str(tmp_path)}
    return subprocess.run(CHECK, env=clean | env, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_public_address(tmp_path):
    result = _start(tmp_path, **SECRETS)
    assert result.returncode != 0
    assert "Production mode needs HAVEN_PUBLIC_BASE_URL" in result.stderr


@pytest.mark.parametrize(
    "address",
    [
        "http://haven.example.org",
        "haven.example.org",
        "https://",
        "https://127.0.0.1:8000",
        "https://localhost",
        "https://[::1]/",
        "https://0.0.0.0",
    ],
)
def test_production_refuses_a_plain_http_or_loopback_public_address(tmp_path, address):
    result = _start(tmp_path, HAVEN_PUBLIC_BASE_URL=address, **SECRETS)
    assert result.returncode != 0
    assert "HAVEN_PUBLIC_BASE_URL must be" in result.stderr


def test_production_starts_with_a_public_https_address(tmp_path):
    result = _start(tmp_path, HAVEN_PUBLIC_BASE_URL="https://haven.example.org", **SECRETS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://haven.example.org"


def test_development_keeps_the_local_default(tmp_path):
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8000"
