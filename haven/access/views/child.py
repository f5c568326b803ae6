"""The child's own pages, public and without login: why something was held back
(/access/why/<token>/) and what the adult answered (/access/asked/<token>/).

The token is the permission: an encrypted decision (haven.access.links) or a request's
random token. The pages are tiny and work on a feature phone without JavaScript: one
stylesheet of Haven's own, no third-party anything, no cookies but the CSRF one the
form needs, never cached, never indexed, and no referrer sent anywhere (the token is in
the address). Each has a "Leave this site quickly" link, like the chat's.

They speak the language the platform passes (?lang=fr), else the browser's. A forged
or expired link gets a kind page that says so, with a 404.
"""

import re

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from haven.access import unblocking
from haven.access.catalogue import Action
from haven.access.explain import explain_for_child, monitoring_notice
from haven.access.forms_children import MESSAGE_CHARS, AskForm, child_band
from haven.access.links import WhyPayload, read_why_token
from haven.access.models import ChildProfile, UnblockRequest
from haven.access.resources import resources_for
from haven.audit.services import Actor, client_ip

# Where "Leave this site quickly" goes (an ordinary site; the link sends no referrer).
QUICK_EXIT_URL = "https://www.bbc.com/weather"
# Topics that always bring support: help is never held back from a child who may need it.
ALWAYS_SUPPORT = ("self_harm", "eating_disorder", "grooming", "threat")
CHILD_ACTOR = "child (why page)"
# Request tokens are URL-safe base64: anything else (a NUL, say) finds nothing.
TOKEN = re.compile(r"[A-Za-z0-9_-]+")


@never_cache
@require_http_methods(["GET", "POST"])
def why(request, token: str):
    language = child_language(request)
    with translation.override(language):
        payload = read_why_token(token)
        child = _child(payload.profile_id) if payload is not None else None
        if payload is None or child is None:
            return _gone(request, language)
        form = AskForm(request.POST or None)
        status = 200
        if request.method == "POST" and payload.may_ask and form.is_valid():
            # Asking again for the same thing only shows the answer: it is never refused.
            waiting = unblocking.pending_request(child.pk, payload.content_key)
            if waiting is None and not _may_ask(request, child):
                status = 429
            else:
                asked = unblocking.create_request(
                    Actor(None, CHILD_ACTOR, None, child.organisation_id),
                    child,
                    payload,
                    form.cleaned_data["message"],
                )
                return redirect(_asked_url(asked, language))
        elif request.method == "POST":
            status = 400
        asked_before = _asked_before(child, payload)
        context = {
            **_child_context(request, child, payload.band, language),
            "payload": payload,
            "explanation": explain_for_child(payload.decision(), adult_label(child)),
            "support": _support(payload, child),
            "form": form if payload.may_ask else None,
            "asked": asked_before,
            "asked_lasting": asked_before is not None and unblocking.is_lasting(asked_before),
            "too_many": status == 429,
            "blocked": payload.action >= Action.RESTRICT,
            "message_chars": MESSAGE_CHARS,
        }
        response = render(request, "access/why.html", context, status=status)
        return _child_response(response, language)


@never_cache
@require_GET
def asked(request, token: str):
    language = child_language(request)
    with translation.override(language):
        found = (
            UnblockRequest.objects.select_related(
                "profile__policy__parent", "profile__organisation"
            )
            .filter(token=token, profile__active=True)
            .first()
            if len(token) <= 40 and TOKEN.fullmatch(token)
            else None
        )
        if found is None:
            return _gone(request, language)
        child = found.profile
        context = {
            **_child_context(request, child, child_band(child), language),
            "item": found,
            "lasting": unblocking.is_lasting(found),
            "expired": found.status == UnblockRequest.Status.APPROVED
            and not unblocking.is_lasting(found),
            "shows_link": found.content_ref.startswith(("https://", "http://")),
        }
        return _child_response(render(request, "access/asked.html", context), language)


@never_cache
@require_GET
def quick_exit(request):
    """ "Leave this site quickly": straight to an ordinary site, telling it nothing."""
    response = redirect(QUICK_EXIT_URL)
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- Helpers --------------------------------------------------------------------------------


def child_language(request) -> str:
    """The language the platform passed (?lang=, kept in the form), else the browser's."""
    wanted = request.POST.get("lang") or request.GET.get("lang") or ""
    if wanted:
        try:
            return translation.get_supported_language_variant(wanted[:10].lower())
        except LookupError:
            pass
    return translation.get_language() or settings.LANGUAGE_CODE


def adult_label(child: ChildProfile) -> str:
    """Who the child is told to ask, in the words the adults chose."""
    policy = child.policy
    label = policy.adult_label or (policy.parent.adult_label if policy.parent else "")
    return label or translation.gettext("a trusted adult")


def _child(public_id: str) -> ChildProfile | None:
    return (
        ChildProfile.objects.select_related("policy__parent", "organisation")
        .filter(public_id=public_id, active=True)
        .first()
    )


def _may_ask(request, child: ChildProfile) -> bool:
    return unblocking.may_ask_today(child) and unblocking.may_ask_from(client_ip(request))


def _child_context(request, child: ChildProfile, band, language: str) -> dict:
    return {
        "adult": adult_label(child),
        "monitored_by": child.monitored_by,
        "monitoring": monitoring_notice(child.monitored_by, band) if child.monitored_by else "",
        "language": language,
        "languages": _languages(request),
    }


def _languages(request) -> list[tuple[str, str, str]]:
    """(code, name in itself, this page in it): plain links, no cookie, no script."""
    return [
        (code, name, f"{request.path}?{urlencode({'lang': code})}")
        for code, name in settings.LANGUAGES
    ]


def _support(payload: WhyPayload, child: ChildProfile) -> list[dict]:
    """Help to show: when the decision says so, when the child may not ask, and always
    when it touches self-harm, eating disorders, grooming or threats."""
    topics = set(payload.support_topics) | (set(payload.descriptors) & set(ALWAYS_SUPPORT))
    if not (payload.show_support or topics or not payload.may_ask):
        return []
    return resources_for(tuple(sorted(topics)), child.organisation.country)


def _asked_before(child: ChildProfile, payload: WhyPayload) -> UnblockRequest | None:
    if not payload.content_key:
        return None
    return UnblockRequest.objects.filter(
        profile=child, content_key=payload.content_key
    ).first()  # the latest (newest first)


def _asked_url(found: UnblockRequest, language: str) -> str:
    path = reverse("access:asked", kwargs={"token": found.token})
    return f"{path}?{urlencode({'lang': language})}"


def _gone(request, language: str):
    context = {"language": language, "languages": _languages(request)}
    response = render(request, "access/why_gone.html", context, status=404)
    return _child_response(response, language)


def _child_response(response, language: str):
    # The token is in the address: nothing may carry it elsewhere, or keep it.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Language"] = language
    return response
