"""The demo's helpline: a partner network with a rota, a fake SMS number, sign-ins for a
counsellor and a responder, and three months of invented work for the statistics."""

import re
import time
from datetime import timedelta

from django.utils import timezone

from haven.accounts.models import Organisation, Role, User
from haven.cases.models import Case, CaseReferral, CaseService
from haven.demo.helpline import MARK, NO_PARTNER_DISTRICT, seed_helpline
from haven.demo.management.commands.seed_demo import demo_banner
from haven.demo.seed import seed_demo
from haven.emergencies.models import Emergency
from haven.helpline import taxonomy
from haven.helpline.models import Contact
from haven.messaging.models import SmsChannel
from haven.network.models import District, PartnerMembership, Responder, RotaShift, ServicePartner
from haven.network.rota import on_call
from haven.stats import helpline
from haven.stats.services import DateRange

# Ofcom keeps +44 7700 900000 to 900999 for drama: these numbers reach nobody.
DRAMA_RANGE = re.compile(r"^\+447700900\d{3}$")


def test_the_demo_has_districts_and_partners_with_one_district_left_uncovered(db, demo):
    organisation = demo.organisation
    districts = District.objects.filter(organisation=organisation)
    assert districts.count() == 5
    partners = ServicePartner.objects.filter(organisation=organisation)
    assert partners.count() == 3
    assert not districts.get(code=NO_PARTNER_DISTRICT).partners.exists()
    for district in districts.exclude(code=NO_PARTNER_DISTRICT):
        assert district.partners.exists(), district
    covered = {
        (service.partner.name, service.service_type): set(
            service.districts.values_list("code", flat=True)
        )
        for partner in partners
        for service in partner.services.all()
    }
    assert covered[("Ashcombe Children's Trust", "shelter")] == {"ashcombe"}
    assert covered[("Corrowdale Family Support", "legal_aid")] == {"dunmere"}
    assert all(p.email.endswith(".example.org") for p in partners)


def test_responders_have_invented_names_and_numbers_that_reach_nobody(db, demo):
    responders = Responder.objects.filter(partner__organisation=demo.organisation)
    assert responders.count() == 5
    phones = list(responders.values_list("phone", flat=True))
    phones += ServicePartner.objects.filter(organisation=demo.organisation).values_list(
        "phone", flat=True
    )
    phones.append(SmsChannel.objects.get(organisation=demo.organisation).number)
    assert all(DRAMA_RANGE.match(phone) for phone in phones), phones


def test_someone_is_on_call_in_every_covered_district_for_the_next_14_days(db, demo):
    now = timezone.now()
    for district in District.objects.filter(organisation=demo.organisation):
        for hours in range(0, 14 * 24, 5):
            found = on_call(district, now + timedelta(hours=hours))
            if district.code == NO_PARTNER_DISTRICT:
                assert found == []
            else:
                assert len(found) == 2, (district, hours)  # the first and the backup


def test_the_demo_has_a_fake_sms_channel_for_alerts(db, demo):
    channel = SmsChannel.objects.get(organisation=demo.organisation)
    assert (channel.provider, channel.used_for_alerts, channel.active) == ("fake", True, True)
    assert len(channel.public_id) == 32


def test_there_are_counsellor_and_responder_sign_ins(db, demo):
    counsellor = User.objects.get(username="demo-counsellor")
    responder = User.objects.get(username="demo-responder")
    assert counsellor.role == Role.COUNSELLOR and counsellor.organisation == demo.organisation
    assert responder.is_responder
    membership = PartnerMembership.objects.get(user=responder)
    assert membership.partner.name == "Ashcombe Children's Trust"
    assert responder.responder.partner == membership.partner
    banner = demo_banner(demo)
    assert "demo-counsellor" in banner and "demo-responder" in banner
    assert "/helpline/" in banner


def test_three_months_of_varied_contacts_are_there_without_names(db, demo):
    contacts = Contact.objects.filter(organisation=demo.organisation)
    assert contacts.count() == 60
    oldest = contacts.order_by("started_at").first().started_at
    assert timezone.now() - oldest <= timedelta(days=91)
    assert len(set(contacts.values_list("channel", flat=True))) >= 5
    assert len(set(contacts.values_list("gender", flat=True))) >= 3
    ages = {taxonomy.age_band(age) for age in contacts.values_list("child_age", flat=True)}
    assert len(ages) >= 5
    codes = {code for cats in contacts.values_list("categories", flat=True) for code in cats}
    assert all(taxonomy.is_category(code) for code in codes)
    assert len({taxonomy.area_of(code) for code in codes}) >= 6
    assert all(summary.startswith(MARK) for summary in contacts.values_list("summary", flat=True))
    assert not contacts.exclude(child_name_sealed="").exists()
    assert not contacts.exclude(contact_detail_sealed="").exists()


def test_emergencies_are_closed_with_varied_response_times(db, demo):
    emergencies = Emergency.objects.filter(organisation=demo.organisation)
    assert emergencies.count() == 11 and not emergencies.exclude(status="closed").exists()
    minutes = [
        (e.arrived_at - e.opened_at).total_seconds() / 60
        for e in emergencies.exclude(arrived_at=None)
    ]
    assert min(minutes) < 30 and max(minutes) > 60
    unreached = emergencies.get(arrived_at=None)
    assert unreached.district.code == NO_PARTNER_DISTRICT and unreached.partner is None
    assert all(e.events.filter(kind="opened").exists() for e in emergencies)


def test_cases_are_in_every_stage_one_overdue_with_referrals(db, demo):
    cases = Case.objects.filter(organisation=demo.organisation)
    assert set(cases.values_list("stage", flat=True)) == {
        "registration",
        "assessment",
        "services",
        "follow_up",
        "closed",
    }
    overdue = cases.exclude(stage="closed").filter(stage_due_at__lt=timezone.now())
    assert overdue.count() == 1
    referrals = CaseReferral.objects.filter(case__organisation=demo.organisation)
    assert set(referrals.values_list("status", flat=True)) == {"requested", "accepted", "completed"}
    assert all(r.partner_service.partner_id == r.partner_id for r in referrals)


def test_the_helpline_statistics_of_the_demo_have_something_to_show(db, demo):
    today = timezone.localdate()
    figures = helpline.figures(demo.organisation, DateRange.last_days(90, today))
    assert figures.contacts.text == "60"
    assert figures.emergencies.text == "11"
    assert figures.share_within_target.text == "55%"  # 6 of 11
    assert figures.arrival_median.value is not None
    assert figures.overdue_cases.text == "<5"


def test_seeding_again_adds_nothing_and_keeps_the_rota_14_days_ahead(db, demo):
    models = [Contact, Emergency, Case, CaseReferral, District, ServicePartner, Responder]
    models += [RotaShift, SmsChannel, PartnerMembership]
    before = [model.objects.count() for model in models]
    seed_demo()
    assert [model.objects.count() for model in models] == before


def test_the_helpline_part_seeds_quickly(db, demo):
    organisation = Organisation.objects.create(name="Timing Helpline", slug="timing")
    counsellor = User.objects.create(username="t-counsellor", organisation=organisation)
    responder = User.objects.create(username="t-responder", organisation=organisation)
    started = time.perf_counter()
    seed_helpline(organisation, counsellor, responder)
    assert time.perf_counter() - started < 2
    assert Contact.objects.filter(organisation=organisation).count() == 60


def test_the_demo_cases_are_overdue_only_for_real_reasons(db, demo):
    cases = Case.objects.filter(organisation=demo.organisation)
    overdue = cases.exclude(stage="closed").get(stage_due_at__lt=timezone.now())
    # Registration ends when someone is assigned: the overdue one is waiting for that.
    assert overdue.stage == "registration" and overdue.assigned_to is None
    assert all(case.assigned_to is not None for case in cases.exclude(stage="registration"))
    for case in cases.exclude(stage="closed"):
        current = case.stage_records.get(completed_at=None)
        assert (current.stage, current.due_at) == (case.stage, case.stage_due_at)
    late_services = CaseService.objects.filter(
        case__in=cases.exclude(stage="closed"),
        status__in=["planned", "in_progress"],
        due_at__lt=timezone.now(),
    )
    assert not late_services.exists()


def test_each_demo_service_has_at_most_one_referral(db, demo):
    services = CaseService.objects.filter(case__organisation=demo.organisation)
    assert services.exists()
    assert all(service.referrals.count() <= 1 for service in services)
