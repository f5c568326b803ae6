"""Twilio's webhook signature and how its webhooks are read."""

import base64
import hashlib
import hmac
from urllib.parse import urlencode

import pytest
from django.test import RequestFactory

from haven.messaging.models import OutboundStatus, ProviderKind
from haven.messaging.providers import MalformedWebhook, TwilioProvider, get_provider
from haven.messaging.providers.twilio import messages_url, scrub, signature, url_variants
from haven.messaging.tests.conftest import TWILIO_TOKEN, make_channel

# Twilio's own example (twilio-python's request validator tests).
EXAMPLE_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
EXAMPLE_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}


def _request(params: dict, signed: str | None, path: str = "/myapp.php?foo=1&bar=2"):
    extra = {"HTTP_X_TWILIO_SIGNATURE": signed} if signed is not None else {}
    return RequestFactory().post(
        path, urlencode(params), content_type="application/x-www-form-urlencoded", **extra
    )


def test_the_signature_matches_twilios_own_example():
    assert signature("12345", EXAMPLE_URL, list(EXAMPLE_PARAMS.items())) == (
        "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )


def test_a_repeated_parameter_is_signed_in_order_of_name_then_value():
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert signature("12345", EXAMPLE_URL, params) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


def test_the_signature_is_the_hmac_sha1_of_the_url_and_the_sorted_parameters():
    params = {"To": "+441234567890", "Body": "help", "From": "+447700900123"}
    text = "https://haven.example.org/messaging/inbound/x/" + "Body" + "help"
    text += "From" + "+447700900123" + "To" + "+441234567890"
    expected = base64.b64encode(hmac.new(b"secret", text.encode(), hashlib.sha1).digest())
    assert signature(
        "secret", "https://haven.example.org/messaging/inbound/x/", list(params.items())
    ) == (expected.decode())


@pytest.mark.django_db
def test_a_request_signed_by_twilio_is_verified(organisation):
    provider = TwilioProvider(make_channel(organisation, ProviderKind.TWILIO, token="12345"))
    request = _request(EXAMPLE_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert provider.verify_webhook(request, EXAMPLE_URL)


@pytest.mark.django_db
def test_a_signature_made_with_the_default_port_is_accepted_too(organisation):
    provider = TwilioProvider(make_channel(organisation, ProviderKind.TWILIO, token="12345"))
    # Twilio's example signature of the same call made to https://mycompany.com:443/…
    request = _request(EXAMPLE_PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w=")
    assert provider.verify_webhook(request, EXAMPLE_URL)
    assert url_variants("https://a.example:443/x?y=1") == [
        "https://a.example:443/x?y=1",
        "https://a.example/x?y=1",
    ]
    assert url_variants("https://a.example:8443/x") == ["https://a.example:8443/x"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signed", "problem"),
    [
        (None, "missing signature"),
        ("", "missing signature"),
        ("RSOYDt4T1cUTdK1PDd93/VVr8B8=", "bad signature"),  # another token's
        ("not base64 at all é", "bad signature"),
    ],
)
def test_a_call_without_the_right_signature_is_refused(organisation, signed, problem):
    provider = TwilioProvider(make_channel(organisation, ProviderKind.TWILIO, token=TWILIO_TOKEN))
    request = _request(EXAMPLE_PARAMS, signed)
    assert not provider.verify_webhook(request, EXAMPLE_URL)
    assert provider.signature_problem(request, EXAMPLE_URL) == problem


@pytest.mark.django_db
def test_a_changed_parameter_breaks_the_signature(organisation):
    provider = TwilioProvider(make_channel(organisation, ProviderKind.TWILIO, token="12345"))
    request = _request(EXAMPLE_PARAMS | {"Digits": "9999"}, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert not provider.verify_webhook(request, EXAMPLE_URL)


@pytest.mark.django_db
def test_a_channel_without_a_readable_token_refuses_every_call(organisation):
    channel = make_channel(organisation, ProviderKind.TWILIO, token="")
    channel.auth_token_sealed = "gAAAAA-not-a-token"
    provider = get_provider(channel)
    request = _request(EXAMPLE_PARAMS, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
    assert "unreadable" in provider.signature_problem(request, EXAMPLE_URL)


@pytest.mark.django_db
def test_an_inbound_message_is_read_with_a_note_for_pictures(organisation):
    provider = get_provider(make_channel(organisation, ProviderKind.TWILIO))
    params = {
        "MessageSid": "SM" + "a" * 32,
        "From": "+447700900123",
        "To": "+441234567890",
        "Body": "",
        "NumMedia": "2",
    }
    sms = provider.parse_inbound(_request(params, None))
    assert sms.provider_message_id == "SM" + "a" * 32
    assert (sms.from_number, sms.to_number) == ("+447700900123", "+441234567890")
    assert sms.body == "[2 pictures or files not shown: SMS brings text only]"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"From": "+447700900123", "Body": "hi"},  # no MessageSid
        {"MessageSid": "SM1", "Body": "hi"},  # no From
        {"MessageSid": "SM" + "1" * 100, "From": "+447700900123"},
        {"MessageSid": "SM1", "From": "+4" + "4" * 60},
    ],
)
def test_an_inbound_call_without_what_it_must_carry_is_malformed(organisation, params):
    provider = get_provider(make_channel(organisation, ProviderKind.TWILIO))
    with pytest.raises(MalformedWebhook):
        provider.parse_inbound(_request(params, None))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("twilio_status", "status"),
    [
        ("queued", ""),
        ("sending", ""),
        ("sent", OutboundStatus.SENT),
        ("delivered", OutboundStatus.DELIVERED),
        ("undelivered", OutboundStatus.FAILED),
        ("failed", OutboundStatus.FAILED),
        ("something-new", ""),
    ],
)
def test_delivery_reports_are_read_as_havens_statuses(organisation, twilio_status, status):
    provider = get_provider(make_channel(organisation, ProviderKind.TWILIO))
    update = provider.parse_status(
        _request({"MessageSid": "SM1", "MessageStatus": twilio_status, "ErrorCode": "30003"}, None)
    )
    assert (update.provider_message_id, update.status) == ("SM1", status)
    if status == OutboundStatus.FAILED:
        assert (
            update.error
            == "Not delivered: the phone is switched off or out of reach (error 30003)."
        )


def test_the_messages_address_defaults_to_twilio_and_takes_a_compatible_provider():
    assert messages_url("", "AC1") == "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    assert messages_url("https://example.signalwire.com/api/laml/", "a/b") == (
        "https://example.signalwire.com/api/laml/2010-04-01/Accounts/a%2Fb/Messages.json"
    )


def test_phone_numbers_are_scrubbed_from_provider_errors():
    assert scrub("The 'To' number +1 (555) 123-4567 is not valid.") == (
        "The 'To' number ••• is not valid."
    )
