"""Helpers for the accounts tests: codes from a device, and signing in through the forms."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import STRONG_PASSWORD

LOGIN = reverse("accounts:login")
TWO_FACTOR = reverse("accounts:two_factor")
SETUP = reverse("accounts:two_factor_setup")


def code_for(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def enter_password(client, username: str, password: str = STRONG_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def enter_code(client, code: str, next_url: str = ""):
    data = {"code": code} | ({"next": next_url} if next_url else {})
    return client.post(TWO_FACTOR, data)
