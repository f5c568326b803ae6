"""Pages for SMS channels (supervisors and administrators) and the providers' webhooks.

Staff views parse input, fetch through `access_channel`, call one function of
`channels`, `services` or `webhooks`, and redirect or render. The webhooks are public,
exempt from CSRF (providers cannot hold a token) and authenticated by their signature.
"""

import secrets
from urllib.parse import urlencode

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import supervisor_required
from haven.audit.services import Actor, client_ip, record
from haven.helpline.identity import mask_number, unseal
from haven.messaging import channels, services, webhooks
from haven.messaging.access import access_channel, channels_for
from haven.messaging.forms import ChannelForm, SimulateForm, TestMessageForm
from haven.messaging.links import inbound_url, simulated_phone_url, status_url
from haven.messaging.models import (
    OutboundMessage,
    OutboundStatus,
    ProviderKind,
    RejectedWebhook,
    SmsChannel,
)
from haven.messaging.providers import InboundSms, get_provider
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal

RECENT = 25


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


# --- The channels ----------------------------------------------------------------------


@require_GET
@supervisor_required
def channel_list(request):
    listed = list(channels_for(request.user).order_by("-active", "name", "pk"))
    for channel in listed:
        channel.inbound_url = inbound_url(channel)  # type: ignore[attr-defined]
        channel.status_url = status_url(channel)  # type: ignore[attr-defined]
    organisation_id = request.user.organisation_id
    outbound = list(
        OutboundMessage.objects.filter(organisation_id=organisation_id)
        .select_related("channel")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    for message in outbound:
        message.to_masked = _masked(message.to_sealed)  # type: ignore[attr-defined]
        # On a fake channel, the browser "phone" shows what the recipient got (a
        # responder's alert link, for instance): the demo's only way to read it.
        message.phone_url = simulated_phone_url(message)  # type: ignore[attr-defined]
    rejected = (
        RejectedWebhook.objects.filter(channel__organisation_id=organisation_id)
        .select_related("channel")
        .order_by("-at", "-pk")[:RECENT]
    )
    return render(
        request,
        "messaging/channel_list.html",
        {
            "channels": listed,
            "outbound": outbound,
            "rejected": rejected,
            "test_form": TestMessageForm(),
            "failed": OutboundStatus.FAILED,
        },
    )


def _masked(sealed: str) -> str:
    try:
        return mask_number(unseal(sealed)) or "—"
    except InvalidToken:
        return "(unreadable)"


@require_http_methods(["GET", "POST"])
@supervisor_required
def channel_create(request):
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel = channels.create_channel(
                request.user.organisation,
                form.channel_data(),
                request.user,
                auth_token=form.cleaned_data["auth_token"],
                actor=_actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                f"{channel.name} added. Paste its webhook addresses into the provider's console.",
            )
            return redirect("messaging:channels")
    return _channel_form(request, form, None)


@require_http_methods(["GET", "POST"])
@supervisor_required
def channel_edit(request, sms_channel_id: int):
    channel = access_channel(request.user, sms_channel_id)
    form = ChannelForm(request.POST or None, channel=channel)
    if request.method == "POST" and form.is_valid():
        try:
            channels.update_channel(
                channel,
                form.channel_data(),
                request.user,
                auth_token=form.cleaned_data["auth_token"],
                actor=_actor(request),
            )
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"{channel.name} saved.")
            return redirect("messaging:channels")
    return _channel_form(request, form, channel)


def _channel_form(request, form: ChannelForm, channel: SmsChannel | None):
    if channel is not None:
        channel.inbound_url = inbound_url(channel)  # type: ignore[attr-defined]
        channel.status_url = status_url(channel)  # type: ignore[attr-defined]
    return render(
        request,
        "messaging/channel_form.html",
        {"form": form, "channel": channel, "errors": error_links(form, "channel-form")},
        status=400 if form.errors else 200,
    )


@require_POST
@supervisor_required
def channel_deactivate(request, sms_channel_id: int):
    channel = access_channel(request.user, sms_channel_id)
    try:
        channels.deactivate_channel(channel, request.user, actor=_actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{channel.name} is no longer active.")
    return redirect("messaging:channels")


@require_POST
@supervisor_required
def channel_test(request, sms_channel_id: int):
    channel = access_channel(request.user, sms_channel_id)
    form = TestMessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["to"]))
        return redirect("messaging:channels")
    message = services.send_test(
        channel, form.cleaned_data["to"], request.user, actor=_actor(request)
    )
    message.refresh_from_db()
    if message.status == OutboundStatus.FAILED:
        messages.error(request, f"The test message on {channel.name} failed: {message.error}")
    elif message.status == OutboundStatus.SENT:
        messages.success(request, f"The test message went out on {channel.name}.")
    else:
        messages.success(
            request,
            f"The test message on {channel.name} is queued; the list below shows when it has gone.",
        )
    return redirect("messaging:channels")


# --- The simulated phone (fake channels only) -------------------------------------------


@require_http_methods(["GET", "POST"])
@supervisor_required
def channel_simulate(request, sms_channel_id: int):
    """Text the helpline from the browser, on a fake channel: the message arrives as a
    real one would, and the replies sent to that number are shown below."""
    channel = access_channel(request.user, sms_channel_id)
    if channel.provider != ProviderKind.FAKE or settings.PRODUCTION:
        raise Http404("Only a fake channel can be texted from the browser")
    number = request.GET.get("number", "")
    form = SimulateForm(request.POST or None, initial={"from_number": number} if number else None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["from_number"]
        sms = InboundSms(number, channel.number, form.cleaned_data["body"], _simulated_id())
        try:
            webhooks.store_inbound(channel, sms)
        except webhooks.NotStored:
            messages.error(request, "The helpline could not store the text; see the logs.")
        else:
            record(_actor(request), "sms.simulated", channel, channel=channel.name)
            messages.success(request, "Text sent to the helpline: it waits in the chat queue.")
        query = urlencode({"number": number})
        return redirect(f"{reverse('messaging:channel_simulate', args=[channel.pk])}?{query}")
    return render(
        request,
        "messaging/simulate.html",
        {
            "channel": channel,
            "form": form,
            "number": number,
            "replies": _replies(channel, number),
            "errors": error_links(form, "simulate-form"),
        },
        status=400 if form.errors else 200,
    )


def _simulated_id() -> str:
    return f"sim-{secrets.token_hex(8)}"


def _replies(channel: SmsChannel, number: str) -> list[OutboundMessage]:
    """The latest messages this channel sent to `number` (a fake channel's numbers and
    texts are made up for the demonstration)."""
    if not number:
        return []
    found = []
    for message in OutboundMessage.objects.filter(channel=channel).order_by("-pk")[:200]:
        try:
            if unseal(message.to_sealed) == number:
                message.text = unseal(message.body_sealed)  # type: ignore[attr-defined]
                found.append(message)
        except InvalidToken:
            continue
        if len(found) == 20:
            break
    return found


# --- The providers' webhooks --------------------------------------------------------


@csrf_exempt
@require_POST
def inbound(request, public_id: str):
    channel = webhooks.channel_for(public_id, request, inbound=True)
    provider = get_provider(channel)
    try:
        sms = webhooks.verified(channel, provider, request, provider.parse_inbound)
    except webhooks.Refused as refused:
        return HttpResponse(refused.reason, status=refused.status, content_type="text/plain")
    try:
        webhooks.store_inbound(channel, sms)
    except webhooks.NotStored:
        return HttpResponse("Not stored; try again.", status=500, content_type="text/plain")
    return provider.inbound_response()


@csrf_exempt
@require_POST
def status(request, public_id: str):
    channel = webhooks.channel_for(public_id, request, inbound=False)
    provider = get_provider(channel)
    try:
        update = webhooks.verified(channel, provider, request, provider.parse_status)
    except webhooks.Refused as refused:
        return HttpResponse(refused.reason, status=refused.status, content_type="text/plain")
    services.record_status(channel, update)
    return HttpResponse(status=200)
