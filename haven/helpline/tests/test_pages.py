"""Recording contacts through the pages: the form, its errors, the list and its filters."""

from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.services import open_case as open_case_from
from haven.emergencies.services import open_emergency
from haven.helpline import identity
from haven.helpline.models import Contact, ContactStatus
from haven.helpline.tests.factories import CHILD_NUMBER, backdate, record_contact
from haven.network.models import District


def _form(**changes):
    data = {
        "channel": "phone",
        "caller_type": "child",
        "child_age": "14",
        "gender": "girl",
        "categories": ["violence.bullying", "mental_health.anxiety"],
        "risk_level": "medium",
        "urgency": "soon",
        "summary": "Bullied at school, can't sleep",
        "actions": ["counselling"],
        "finish": "draft",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_workspace_offers_to_record_a_call_and_another_contact(counsellor_client):
    body = counsellor_client.get("/helpline/").content.decode()
    assert "Record a phone call" in body and "/helpline/contacts/new/?channel=phone" in body
    assert "Record an SMS/e-mail/in-person contact" in body


def test_the_form_opens_with_the_channel_chosen(counsellor_client):
    body = counsellor_client.get("/helpline/contacts/new/?channel=phone").content.decode()
    assert '<option value="phone" selected>' in body
    assert "Violence and abuse" in body and 'value="violence.child_marriage"' in body


def test_a_call_saved_as_a_draft_stays_open_in_the_workspace(
    counsellor, counsellor_client, district
):
    response = counsellor_client.post(
        "/helpline/contacts/new/", _form(district=str(district.pk), contact_detail=CHILD_NUMBER)
    )
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/helpline/contacts/{contact.reference}/edit/"
    assert contact.status == ContactStatus.OPEN and contact.counsellor == counsellor
    assert contact.categories == ["violence.bullying", "mental_health.anxiety"]
    assert contact.district == district and contact.child_age == 14
    assert contact.contact_key == identity.contact_key(contact.organisation_id, CHILD_NUMBER)
    assert contact.reference in counsellor_client.get("/helpline/").content.decode()


def test_saving_and_completing_in_one_go(counsellor_client):
    response = counsellor_client.post("/helpline/contacts/new/", _form(finish="complete"))
    contact = Contact.objects.get()
    assert response["Location"] == f"/helpline/contacts/{contact.reference}/"
    assert contact.status == ContactStatus.COMPLETED and contact.ended_at is not None


def test_completing_without_a_category_is_refused_with_a_clear_error(counsellor_client):
    response = counsellor_client.post(
        "/helpline/contacts/new/", _form(categories=[], finish="complete")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose at least one category before completing" in body
    assert 'href="#id_categories_0"' in body and 'id="id_categories_0"' in body
    assert not Contact.objects.exists()


def test_a_draft_may_be_saved_without_a_category(counsellor_client):
    counsellor_client.post("/helpline/contacts/new/", _form(categories=[]))
    assert Contact.objects.get().categories == []


def test_bad_input_is_refused_beside_each_field(counsellor_client, other_organisation):
    theirs = District.objects.create(organisation=other_organisation, name="South", code="south")
    response = counsellor_client.post(
        "/helpline/contacts/new/",
        _form(
            channel="pigeon",
            child_age="fourteen",
            categories=["violence.made_up"],
            risk_level="extreme",
            district=str(theirs.pk),
            consent_callback="on",
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    for message in (
        "Choose how the contact came in from the list.",
        "Enter the child&#x27;s age in years, such as 14.",
        "violence.made_up is not one",
        "Choose the risk from the list.",
        "Choose one of your districts from the list.",
        "Note the number or handle to call back",
    ):
        assert message in body, message
    assert not Contact.objects.exists()


def test_an_age_out_of_range_is_refused(counsellor_client):
    response = counsellor_client.post("/helpline/contacts/new/", _form(child_age="140"))
    assert response.status_code == 400 and "Enter an age from 0 to 25." in response.content.decode()


def test_a_huge_summary_is_refused_not_truncated(counsellor_client):
    response = counsellor_client.post("/helpline/contacts/new/", _form(summary="x" * 10_001))
    assert response.status_code == 400 and not Contact.objects.exists()


def test_editing_a_draft_and_completing_it(counsellor, counsellor_client):
    contact = record_contact(counsellor)
    url = f"/helpline/contacts/{contact.reference}/edit/"
    response = counsellor_client.post(url, _form(summary="Better now", finish="complete"))
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.summary == "Better now" and contact.status == ContactStatus.COMPLETED


def test_the_complete_button_sends_a_contact_without_category_back_to_the_form(
    counsellor, counsellor_client
):
    contact = record_contact(counsellor, categories=[])
    response = counsellor_client.post(f"/helpline/contacts/{contact.reference}/complete/")
    assert response["Location"] == f"/helpline/contacts/{contact.reference}/edit/"
    contact.refresh_from_db()
    assert contact.status == ContactStatus.OPEN


def test_the_contact_page_offers_an_emergency_and_a_case_only_when_those_pages_exist(
    counsellor, counsellor_client
):
    contact = record_contact(counsellor)
    body = counsellor_client.get(f"/helpline/contacts/{contact.reference}/").content.decode()
    for name, words in (
        ("emergencies:open_from_contact", "Raise emergency"),
        ("cases:open_from_contact", "Open case"),
    ):
        try:
            url = reverse(name, kwargs={"contact_ref": contact.reference})
        except NoReverseMatch:
            assert words not in body
        else:
            assert f'href="{url}"' in body and words in body


def test_the_list_filters_by_channel_risk_status_category_and_date(counsellor, counsellor_client):
    old = backdate(
        record_contact(counsellor, categories=["missing.runaway"], complete=True), days=10
    )
    sms = record_contact(counsellor, channel="sms", risk_level="high")

    def listed(query):
        body = counsellor_client.get(f"/helpline/contacts/?{query}").content.decode()
        return {c.reference for c in (old, sms) if c.reference in body}

    assert listed("channel=sms") == {sms.reference}
    assert listed("risk=high") == {sms.reference}
    assert listed("status=completed") == {old.reference}
    assert listed("category=missing") == {old.reference}
    assert listed("category=missing.runaway") == {old.reference}
    assert listed("category=violence.bullying") == {sms.reference}
    today = timezone.localdate()
    assert listed(f"started_from={today.isoformat()}") == {sms.reference}
    assert listed(f"started_to={(today - timedelta(days=5)).isoformat()}") == {old.reference}


def test_a_bad_date_filter_is_explained_and_the_rest_still_apply(counsellor, counsellor_client):
    record_contact(counsellor)
    response = counsellor_client.get("/helpline/contacts/?started_from=yesterday&channel=sms")
    body = response.content.decode()
    assert response.status_code == 200 and "Enter a date such as" in body
    assert "0 contacts" in body


def test_the_list_is_paginated_with_a_fixed_number_of_queries(
    counsellor, counsellor_client, django_assert_max_num_queries
):
    for _ in range(30):
        record_contact(counsellor)
    with django_assert_max_num_queries(10):
        first = counsellor_client.get("/helpline/contacts/")
    assert "page 1 of 2" in first.content.decode()
    second = counsellor_client.get("/helpline/contacts/?page=2").content.decode()
    assert second.count('class="reference"') == 5


def test_opening_the_form_of_a_contact_is_audited_as_a_look(counsellor, counsellor_client):
    contact = record_contact(counsellor)
    counsellor_client.get(f"/helpline/contacts/{contact.reference}/edit/")
    assert AuditEvent.objects.filter(action="contact.viewed").count() == 1


def test_a_contact_completed_in_danger_now_without_an_emergency_prompts_to_raise_one(
    counsellor_client,
):
    response = counsellor_client.post(
        "/helpline/contacts/new/", _form(risk_level="immediate", finish="complete")
    )
    contact = Contact.objects.get()
    assert response.status_code == 302 and contact.status == ContactStatus.COMPLETED
    body = counsellor_client.get(response["Location"]).content.decode()
    raise_url = reverse("emergencies:open_from_contact", args=[contact.reference])
    prompt = body[body.index('class="panel danger emergency-prompt"') :]
    assert "No emergency has been raised for this child" in prompt
    assert f'<a class="button danger" href="{raise_url}">Raise emergency now</a>' in prompt


def test_a_draft_whose_actions_say_emergency_raised_is_prompted_on_its_form(
    counsellor, counsellor_client
):
    contact = record_contact(counsellor, actions=["emergency"])
    body = counsellor_client.get(f"/helpline/contacts/{contact.reference}/edit/").content.decode()
    assert "emergency-prompt" in body and "“Emergency raised”" in body


def test_the_prompt_goes_once_an_emergency_is_raised_and_ordinary_contacts_never_see_it(
    organisation, counsellor, counsellor_client
):
    contact = record_contact(counsellor, risk_level="immediate", complete=True)
    ordinary = record_contact(counsellor, risk_level="high", complete=True)
    open_emergency(counsellor, organisation, contact=contact, location="The shed")

    for each in (contact, ordinary):
        body = counsellor_client.get(f"/helpline/contacts/{each.reference}/").content.decode()
        assert "emergency-prompt" not in body


def test_the_contact_page_lists_its_emergencies_and_its_case(
    organisation, counsellor, counsellor_client
):
    contact = record_contact(counsellor, complete=True)
    url = f"/helpline/contacts/{contact.reference}/"
    body = counsellor_client.get(url).content.decode()
    assert "None raised from this contact" in body and "Not part of a case" in body

    emergency = open_emergency(counsellor, organisation, contact=contact, location="The shed")
    case = open_case_from(counsellor, organisation, contact=contact)

    body = counsellor_client.get(url).content.decode()
    assert f'href="{reverse("emergencies:detail", args=[emergency.reference])}"' in body
    assert emergency.get_status_display() in body
    assert f'href="{reverse("cases:detail", args=[case.reference])}"' in body
    assert "Registration" in body
