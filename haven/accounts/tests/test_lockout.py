"""Too many failed sign-ins lock a username, or an address, for a while."""

from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import lockout
from haven.accounts.models import LoginFailure
from haven.accounts.tests.support import TWO_FACTOR, code_for, enter_code, enter_password
from haven.audit.models import AuditEvent

WRONG = "not the password at all"


def fail(client, username, times, **extra):
    for _ in range(times):
        enter_password(client, username, WRONG, **extra)


def test_username_is_locked_after_the_limit_even_with_the_right_password(client, analyst, settings):
    fail(client, "ana", settings.LOGIN_FAILURE_LIMIT)

    response = enter_password(client, "ana")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Too many failed attempts" in html
    assert "try again after" in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_failed").count() == 5


def test_the_failure_that_reaches_the_limit_already_says_when_to_come_back(client, analyst):
    fail(client, "ana", 4)

    response = enter_password(client, "ana", WRONG)

    assert "Too many failed attempts" in response.content.decode()


def test_fewer_failures_than_the_limit_do_not_lock(client, analyst, settings):
    fail(client, "ana", settings.LOGIN_FAILURE_LIMIT - 1)

    response = enter_password(client, "ana")

    assert response.status_code == 302
    assert response.url == TWO_FACTOR


def test_lockout_expires_after_the_window(client, analyst, settings):
    fail(client, "ana", settings.LOGIN_FAILURE_LIMIT)
    long_ago = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    LoginFailure.objects.update(at=long_ago)

    response = enter_password(client, "ana")

    assert response.status_code == 302
    assert response.url == TWO_FACTOR


def test_lockout_is_shared_by_differently_cased_usernames(client, analyst, settings):
    fail(client, "ANA", settings.LOGIN_FAILURE_LIMIT)

    assert enter_password(client, "ana").status_code == 200


def test_one_address_is_locked_after_failing_across_many_usernames(client, analyst, settings):
    ip_limit = settings.LOGIN_FAILURE_LIMIT * lockout.IP_LIMIT_FACTOR
    for n in range(ip_limit):
        enter_password(client, f"guess{n}", WRONG, REMOTE_ADDR="203.0.113.9")

    from_same_address = enter_password(client, "ana", REMOTE_ADDR="203.0.113.9")
    from_elsewhere = enter_password(client, "ana", REMOTE_ADDR="198.51.100.7")

    assert "Too many failed attempts" in from_same_address.content.decode()
    assert from_elsewhere.status_code == 302


def test_a_successful_sign_in_clears_the_usernames_failures(client, analyst, settings):
    fail(client, "ana", settings.LOGIN_FAILURE_LIMIT - 1)
    enter_password(client, "ana")
    enter_code(client, code_for(TOTPDevice.objects.get(user=analyst)))

    assert not LoginFailure.objects.filter(username="ana").exists()


def test_the_password_alone_does_not_clear_failures(client, analyst, settings):
    # Otherwise someone with the password could re-enter it to reset the count of wrong codes.
    fail(client, "ana", 2)

    enter_password(client, "ana")

    assert LoginFailure.objects.filter(username="ana").count() == 2


def test_wrong_codes_count_towards_the_lockout(client, analyst, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off would hide the count
    enter_password(client, "ana")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        enter_code(client, "000000")

    response = enter_code(client, code_for(TOTPDevice.objects.get(user=analyst)))

    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert not client.session.get("otp_device_id")
    assert AuditEvent.objects.filter(action="auth.login_failed", detail__stage="two_factor").count()


def test_old_failures_are_pruned(db, settings):
    LoginFailure.objects.create(username="someone", ip_address="192.0.2.1")
    long_ago = timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    LoginFailure.objects.update(at=long_ago)

    lockout.note_failure("another", "192.0.2.2")

    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["another"]


def test_lock_lifts_when_the_limit_th_latest_failure_leaves_the_window(db, settings):
    now = timezone.now()
    for minutes_ago in (14, 10, 5, 3, 1):
        failure = LoginFailure.objects.create(username="ana", ip_address=None)
        LoginFailure.objects.filter(pk=failure.pk).update(at=now - timedelta(minutes=minutes_ago))

    until = lockout.locked_until("ana", None)

    expected = now - timedelta(minutes=14) + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert until is not None
    assert abs((until - expected).total_seconds()) < 1
