"""Signing in and out, two-factor codes, passwords, API tokens and organisation members.

Sign-in is two steps. The password step logs the user in to Django but not to django-otp;
StaffTwoFactorMiddleware keeps such a half-signed-in session away from everything except
the two-factor pages until a code is accepted. Failures at either step count towards the
same lockout (see lockout.py).
"""

import math
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import actions, lockout
from haven.accounts.access import access_member, access_own_token, admin_required
from haven.accounts.forms import (
    CodeForm,
    LoginForm,
    MemberCreateForm,
    OrganisationForm,
    PasswordChangeForm,
    RoleForm,
    TokenForm,
)
from haven.audit.services import Actor, client_ip

# One message for an unknown username and a wrong password, so that the form does not
# tell anyone which usernames exist.
BAD_CREDENTIALS = "The username or password is not right. Check them and try again."
BAD_CODE = "That code is not right. Codes change every 30 seconds: enter the one showing now."


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def _with_next(name: str, target: str) -> str:
    return reverse(name) + (f"?{urlencode({'next': target}, safe='/')}" if target else "")


def _landing(user, target: str) -> str:
    # Partner organisations' staff have the portal and the pages it links to.
    if user.is_responder:
        portal_pages = ("/network/portal/", "/cases/partner/", "/emergencies/partner/")
        return target if target.startswith(portal_pages) else reverse("network:portal")
    if user.is_helpline_staff and not user.is_org_staff:
        return target or reverse("helpline:home")
    # Parents, carers and teachers have the access policy pages only.
    if user.is_guardian:
        return target if target.startswith(("/access/", "/accounts/")) else reverse("access:home")
    # Partner services and people without an organisation only have account pages.
    if not user.is_org_staff:
        return target if target.startswith("/accounts/") else reverse("accounts:tokens")
    return target or resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_message(until) -> str:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    at = timezone.localtime(until).strftime("%H:%M %Z")
    return (
        f"Too many failed attempts. For your safety, signing in is paused: try again "
        f"after {at} (in about {minutes} minute{'s' if minutes != 1 else ''})."
    )


# --- Signing in -------------------------------------------------------------------------


def _check_password(request, username: str, password: str):
    """The user, or None and the message to show. Locked means no password is checked."""
    ip = client_ip(request)
    until = lockout.locked_until(username, ip)
    if until:
        actions.sign_in_refused(username, ip, until)
        return None, _locked_message(until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        actions.sign_in_failed(username, ip)
        until = lockout.locked_until(username, ip)
        return None, _locked_message(until) if until else BAD_CREDENTIALS
    return user, ""


@sensitive_post_parameters("password")
@never_cache
def login(request):
    target = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(_with_next("accounts:two_factor", target))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, error = _check_password(request, **form.cleaned_data)
        if user is not None:
            auth_login(request, user)
            if not settings.REQUIRE_TWO_FACTOR:
                actions.signed_in(user, client_ip(request), two_factor=False)
                return redirect(_landing(user, target))
            actions.password_accepted(user, client_ip(request))
            return redirect(_with_next("accounts:two_factor", target))
        form.add_error(None, error)
    return render(request, "accounts/login.html", {"form": form, "next": target})


def _check_code(request, device: TOTPDevice, code: str) -> str:
    """An empty string when the code is right, else the message to show."""
    ip, username = client_ip(request), request.user.get_username()
    until = lockout.locked_until(username, ip)
    if until:
        actions.sign_in_refused(username, ip, until)
        return _locked_message(until)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        # django-otp's own back-off after a wrong code: seconds, doubling each time.
        wait = max(1, math.ceil((info["locked_until"] - timezone.now()).total_seconds()))
        unit = "second" if wait == 1 else "seconds"
        return f"Please wait {wait} {unit} before trying another code."
    if verify_token(request.user, device.persistent_id, code) is not None:
        return ""
    actions.sign_in_failed(username, ip, stage="two_factor")
    until = lockout.locked_until(username, ip)
    return _locked_message(until) if until else BAD_CODE


def _finish_sign_in(request, device: TOTPDevice, target: str):
    # A new session key once the second factor is in, so a key seen before is worthless.
    request.session.cycle_key()
    otp_login(request, device)
    actions.signed_in(request.user, client_ip(request), two_factor=True)
    return redirect(_landing(request.user, target))


def _demo_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now; only ever shown in demo mode."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


@login_required
@never_cache
def two_factor(request):
    target = _safe_next(request)
    if request.user.is_verified():
        return redirect(_landing(request.user, target))
    device = actions.confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:two_factor_setup", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _check_code(request, device, form.cleaned_data["code"])
        if not error:
            return _finish_sign_in(request, device, target)
        form.add_error("code", error)
    context = {
        "form": form,
        "next": target,
        "demo_code": _demo_code(device) if settings.DEMO_MODE else "",
    }
    return render(request, "accounts/two_factor.html", context)


@login_required
@never_cache
def two_factor_setup(request):
    target = _safe_next(request)
    # Someone who has only the password must never be able to replace a working device.
    if actions.confirmed_device(request.user) is not None:
        return redirect(_with_next("accounts:two_factor", target))
    device = actions.start_two_factor_setup(request.user, _actor(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        error = _check_code(request, device, form.cleaned_data["code"])
        if not error:
            actions.confirm_two_factor(device, _actor(request))
            messages.success(request, "Two-factor sign-in is set up.")
            return _finish_sign_in(request, device, target)
        form.add_error("code", error)
    # segno writes the SVG itself from the device's URL; nothing user-typed goes into it.
    qr_svg = mark_safe(segno.make_qr(device.config_url).svg_inline(scale=4))  # noqa: S308
    context = {
        "form": form,
        "next": target,
        "qr_svg": qr_svg,
        "secret": actions.base32_secret(device),
        "demo_code": _demo_code(device) if settings.DEMO_MODE else "",
    }
    return render(request, "accounts/two_factor_setup.html", context)


@require_POST
def logout(request):
    if request.user.is_authenticated:
        actions.signed_out(request.user, client_ip(request))
    auth_logout(request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


# --- Your account -----------------------------------------------------------------------


@sensitive_post_parameters()
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(request.user, form.cleaned_data["new_password1"], _actor(request))
        # Keeps this session signed in; other sessions of this user are signed out.
        update_session_auth_hash(request, request.user)
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@never_cache
def tokens(request):
    # The API is the hotline's and its partner services' (haven.api.auth).
    may_issue = request.user.is_org_staff or request.user.is_partner
    if request.method == "POST" and not may_issue:
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    plaintext = ""
    if request.method == "POST" and form.is_valid():
        # Shown on this response only: the database keeps just a digest of it.
        _, plaintext = actions.issue_token(request.user, form.cleaned_data["name"], _actor(request))
        form = TokenForm()
    context = {
        "form": form,
        "plaintext": plaintext,
        "tokens": request.user.api_tokens.order_by("-created_at"),
        "may_issue": may_issue,
    }
    return render(request, "accounts/tokens.html", context)


def _confirm(request, title: str, explanation: str, button: str, cancel_url: str):
    context = {
        "title": title,
        "explanation": explanation,
        "button": button,
        "cancel_url": cancel_url,
    }
    return render(request, "accounts/confirm.html", context)


@login_required
def token_revoke(request, token_id: int):
    """GET asks to confirm; POST revokes. Another user's token id is a 404."""
    token = access_own_token(request.user, token_id)
    if request.method != "POST":
        return _confirm(
            request,
            f"Revoke the token “{token.name}”?",
            "Programs using it will stop working at once. This cannot be undone; "
            "you can make a new token instead.",
            "Revoke token",
            reverse("accounts:tokens"),
        )
    if actions.revoke_token(token, _actor(request)):
        messages.success(request, f"Token “{token.name}” is revoked; it no longer works.")
    return redirect("accounts:tokens")


# --- Organisation members (administrators) ----------------------------------------------


@admin_required
def users(request):
    has_device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    members = request.user.organisation.members.annotate(
        has_two_factor=Exists(has_device)
    ).order_by("username")
    return render(request, "accounts/users.html", {"members": members})


@admin_required
def organisation(request):
    current = request.user.organisation
    form = OrganisationForm(
        request.POST or None, initial={"country": current.country, "language": current.language}
    )
    if request.method == "POST" and form.is_valid():
        changed = actions.update_organisation(request.user, form.cleaned_data, _actor(request))
        messages.success(request, "Settings saved." if changed else "Nothing changed.")
        return redirect("accounts:organisation")
    status = 400 if form.errors else 200
    return render(request, "accounts/organisation.html", {"form": form}, status=status)


@sensitive_post_parameters("password1", "password2")
@admin_required
def user_create(request):
    form = MemberCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = actions.create_member(
            request.user,
            _actor(request),
            username=data["username"],
            password=data["password1"],
            role=data["role"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        messages.success(
            request,
            f"{member.username} can now sign in; they will set up two-factor sign-in first.",
        )
        return redirect("accounts:user_detail", user_id=member.pk)
    return render(request, "accounts/user_create.html", {"form": form})


def _member_page(request, member, role_form=None, status=200):
    context = {
        "member": member,
        "is_self": member.pk == request.user.pk,
        "has_two_factor": TOTPDevice.objects.filter(user=member, confirmed=True).exists(),
        "role_form": role_form or RoleForm(initial={"role": member.role}),
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@admin_required
def user_detail(request, user_id: int):
    return _member_page(request, access_member(request.user, user_id))


@require_POST
@admin_required
def user_role(request, user_id: int):
    member = access_member(request.user, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _member_page(request, member, role_form=form, status=400)
    try:
        actions.change_role(request.user, member, form.cleaned_data["role"], _actor(request))
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{member.username} is now {member.get_role_display()}.")
    return redirect("accounts:user_detail", user_id=member.pk)


@require_POST
@admin_required
def user_active(request, user_id: int):
    member = access_member(request.user, user_id)
    active = request.POST.get("active") == "1"
    try:
        actions.set_active(request.user, member, active, _actor(request))
    except actions.ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        state = "can sign in again" if active else "is deactivated and cannot sign in"
        messages.success(request, f"{member.username} {state}.")
    return redirect("accounts:user_detail", user_id=member.pk)


@admin_required
def user_reset_two_factor(request, user_id: int):
    """GET asks to confirm; POST removes the member's devices."""
    member = access_member(request.user, user_id)
    if request.method != "POST":
        return _confirm(
            request,
            f"Reset two-factor sign-in for {member.username}?",
            f"Their authenticator app will stop working for Haven. {member.username} will "
            "set up a new one at their next sign-in, with their password alone: first make "
            "sure you are really talking to them.",
            "Reset two-factor sign-in",
            reverse("accounts:user_detail", args=[member.pk]),
        )
    actions.reset_two_factor(member, _actor(request))
    messages.success(
        request, f"{member.username} will set up a new authenticator at their next sign-in."
    )
    return redirect("accounts:user_detail", user_id=member.pk)
