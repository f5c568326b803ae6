"""The helpline end to end, in a real browser, as the issue's "done when" says: a
counsellor takes a chat and a call, raises an emergency and watches it to arrival, opens
a case and refers the child to a partner's service until the case closes. The partner's
responder answers from the link in their SMS, and the partner's staff accept and complete
the referral in their portal."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.cases.models import Case, CaseReferral, ReferralStatus, Stage
from haven.emergencies.models import Emergency, EmergencyStatus
from haven.helpline.models import Contact
from haven.messaging.models import SmsChannel
from haven.messaging.providers.fake import FakeProvider
from haven.network.models import (
    District,
    PartnerMembership,
    PartnerService,
    Responder,
    RotaShift,
    ServicePartner,
)
from haven.web.tests.conftest import DESKTOP, PHONE, browser  # noqa: F401

pytestmark = pytest.mark.browser

RESPONDER_PHONE = "+447700900123"


@pytest.fixture
def network(organisation):
    now = timezone.now()
    district = District.objects.create(organisation=organisation, name="Riverside", code="river")
    ngo = ServicePartner.objects.create(organisation=organisation, name="Riverside Children")
    ngo.districts.add(district)
    PartnerService.objects.create(partner=ngo, service_type="shelter", name="Safe house")
    staff = make_user(organisation, "rosa", Role.RESPONDER)
    PartnerMembership.objects.create(user=staff, partner=ngo)
    responder = Responder.objects.create(partner=ngo, name="Ravi", phone=RESPONDER_PHONE)
    RotaShift.objects.create(
        partner=ngo,
        responder=responder,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=8),
    )
    SmsChannel.objects.create(
        organisation=organisation,
        name="Helpline SMS",
        provider="fake",
        number="+447700900000",
        public_id="journey-sms",
        used_for_alerts=True,
    )
    FakeProvider.reset()
    return staff


@pytest.fixture
def contexts(browser, asgi_live_server):  # noqa: F811
    made = []

    def make(viewport=DESKTOP, user=None):
        context = browser.new_context(base_url=asgi_live_server, viewport=viewport)
        context.set_default_timeout(10_000)
        if user is not None:
            session = verified_client(Client(), user).cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": asgi_live_server}])
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def test_a_counsellor_takes_a_chat_and_a_call_dispatches_a_responder_and_sees_the_case_through(
    contexts, organisation, counsellor, network
):
    # A child starts a web chat on a phone; the counsellor takes it from the queue.
    child = contexts(PHONE).new_page()
    child.goto("/chat/")
    child.get_by_role("button", name="Start chatting").click()
    child.get_by_label("Your message").fill("someone is hurting me")
    child.get_by_role("button", name="Send").click()
    child.locator("#transcript").get_by_text("someone is hurting me").wait_for()

    desk = contexts(user=counsellor).new_page()
    desk.goto("/chat/queue/")
    row = desk.get_by_role("row").filter(has_text="someone is hurting me")
    row.get_by_role("button", name=re.compile("^Take")).click()
    desk.wait_for_url(re.compile(r"/chat/conversations/\d+/$"))
    desk.get_by_label("Your reply").fill("I'm here. Are you safe right now?")
    desk.get_by_role("button", name="Send").click()
    child.locator("#transcript").get_by_text("Are you safe right now?").wait_for()
    assert Contact.objects.filter(channel="chat", counsellor=counsellor).count() == 1

    # A phone call: the counsellor records it, and the child is in danger now.
    desk.goto("/helpline/")
    desk.get_by_role("link", name="Record a phone call").click()
    desk.get_by_label("Child's age").fill("12")
    desk.get_by_label("District").select_option(label="Riverside")
    desk.get_by_text("Violence and abuse", exact=True).click()
    desk.get_by_label("Physical violence").check()
    desk.get_by_label("In danger now", exact=True).check()
    desk.get_by_label("Summary").fill("Locked out by a relative at night")
    desk.get_by_label("The child agrees that we keep a record with these details").check()
    desk.get_by_label(
        "The child agrees that we share details with partners we refer them to"
    ).check()
    desk.get_by_role("button", name="Save and complete").click()
    call = Contact.objects.get(channel="phone")

    # From the call, an emergency: the on-call responder is alerted by SMS.
    desk.goto(f"/helpline/contacts/{call.reference}/")
    desk.get_by_role("link", name=re.compile("Raise emergency")).first.click()
    desk.get_by_label("Where the child is").fill("Bus shelter by the river bridge")
    desk.get_by_role("button", name="Raise the emergency").click()
    emergency = Emergency.objects.get()
    assert emergency.contact == call and emergency.status == EmergencyStatus.ALERTING
    desk.goto("/emergencies/")
    desk.get_by_text(emergency.reference).first.wait_for()
    (sms,) = [m for m in FakeProvider.outbox if m.to == RESPONDER_PHONE]
    # The link points at PUBLIC_BASE_URL; the test's server is elsewhere, so its path.
    link = re.search(r"/emergencies/respond/\S+/", sms.body).group(0)

    # The responder follows the link on their phone: going, then with the child.
    field = contexts(PHONE).new_page()
    field.goto(link)
    field.get_by_role("button", name="I'm going").click()
    field.get_by_role("button", name="I've reached the child").click()
    emergency.refresh_from_db()
    assert emergency.status == EmergencyStatus.ARRIVED
    assert emergency.arrived_at is not None and emergency.arrived_at <= emergency.target_at
    desk.goto(f"/emergencies/{emergency.reference}/")
    timeline = desk.locator("body").inner_text()
    assert "Ravi" in timeline and re.search(r"(?i)arriv", timeline)

    # A case for the child, from the call, taken by the counsellor.
    desk.goto(f"/helpline/contacts/{call.reference}/")
    desk.get_by_role("link", name=re.compile("Open case")).first.click()
    desk.get_by_label("Assign the new case to me").check()
    desk.get_by_role("button", name="Continue").click()
    case = Case.objects.get()
    desk.wait_for_url(re.compile(rf"/cases/{case.reference}/"))
    assert case.assigned_to == counsellor and emergency in case.emergencies.all()

    # Assessment, plan, a service, and the referral to the partner's safe house.
    desk.locator("#form-assessment textarea").fill("Not safe at home at night.")
    desk.locator("#form-assessment").get_by_role(
        "button", name=re.compile("^(Save and )?[Mm]ove")
    ).click()
    desk.locator("#form-plan textarea").fill("Safe house tonight; family meeting this week.")
    desk.locator("#form-plan").get_by_role(
        "button", name=re.compile("^(Save and )?[Mm]ove")
    ).click()
    assert Case.objects.get().stage == Stage.SERVICES
    service_form = desk.locator("#form-service")
    service_form.get_by_label("Service").select_option("shelter")
    service_form.get_by_label("Within 3 hours").check()
    service_form.get_by_label("What is needed").fill("A bed tonight")
    service_form.get_by_role("button", name="Add the service").click()
    desk.get_by_text("Refer to a partner for this service").click()
    refer = desk.locator("form[id^=form-refer-]")
    refer.get_by_label("Refer to").select_option(index=1)
    refer.get_by_label("Note for the partner").fill("Arriving with the responder tonight.")
    refer.get_by_role("button", name="Refer").click()
    referral = CaseReferral.objects.get()

    # The partner's staff accept, then complete, in their portal.
    partner = contexts(PHONE, user=network).new_page()
    partner.goto("/network/portal/")
    partner.get_by_role("link", name=re.compile(case.reference)).first.click()
    partner.get_by_role("radio", name="Accept").check()
    partner.get_by_role("button", name="Send your answer").click()
    partner.get_by_role("radio", name="Completed").check()
    partner.get_by_label("Note").fill("Stayed two nights; back home with support.")
    partner.get_by_role("button", name="Send your answer").click()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    # Follow-up, then closure with a reason.
    desk.goto(f"/cases/{case.reference}/")
    desk.locator("#form-advance").get_by_role("button", name="Move on to follow-up").click()
    assert Case.objects.get().stage == Stage.FOLLOW_UP
    close = desk.locator("#form-close")
    close.get_by_label("Why the case is closing").select_option("safe")
    close.get_by_role("button", name="Close the case").click()
    confirm = desk.get_by_role("button", name="Cancel them and close the case")
    if confirm.count():
        confirm.click()
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closure_reason == "safe"
