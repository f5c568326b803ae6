"""The demo organisation's helpline: its districts, partner network, responders and
their rota, a fake SMS number, and three months of invented contacts, emergencies,
cases and referrals for the helpline statistics to show.

Everything is synthetic. Districts and people have invented names; telephone numbers
are in the range Ofcom keeps for drama (+44 7700 900000 to 900999), which reaches
nobody; e-mail addresses are under example.org; the SMS channel uses the fake provider,
so no message ever leaves the machine. Summaries are bland, and no child is named.

Each part is created only if missing (the history is recognised by its summaries'
mark), so seeding twice changes nothing, and the rota is topped up to cover the next
14 days whenever the demo is seeded again.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.cases import config, deadlines
from haven.cases.models import Case, CaseReferral, CaseService, FollowUp, StageRecord
from haven.emergencies.models import Emergency, EmergencyEvent
from haven.helpline import taxonomy
from haven.helpline.models import Contact, HelplineSettings
from haven.messaging.models import SmsChannel
from haven.network.models import (
    District,
    PartnerMembership,
    PartnerService,
    Responder,
    RotaShift,
    ServicePartner,
)

MARK = "Demo:"
REGION = "Demo County"
# (code, name); the last has no partner, so an emergency there goes to the supervisors.
DISTRICTS = [
    ("ashcombe", "Ashcombe"),
    ("brindlemoor", "Brindlemoor"),
    ("corrowdale", "Corrowdale"),
    ("dunmere", "Dunmere"),
    ("elverton", "Elverton"),
]
NO_PARTNER_DISTRICT = "elverton"
SMS_CHANNEL_NAME = "Demo helpline SMS (fake provider)"
SMS_NUMBER = "+447700900000"
ROTA_DAYS = 14
CONTACTS = 60
HISTORY_DAYS = 90
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class DemoPartner:
    name: str
    kind: str
    districts: tuple[str, ...]
    # (service type, name, districts: empty for all the partner's)
    services: tuple[tuple[str, str, tuple[str, ...]], ...]
    responders: tuple[tuple[str, str], ...]  # (name, phone)
    responds: bool = True
    phone: str = ""
    email: str = ""


PARTNERS = [
    DemoPartner(
        "Ashcombe Children's Trust",
        "ngo",
        ("ashcombe", "brindlemoor"),
        (
            ("shelter", "Safe house for children", ("ashcombe",)),
            ("psychosocial", "Counselling for children and families", ()),
        ),
        (("Rowan Ashby", "+447700900101"), ("Jordan Keel", "+447700900102")),
        phone="+447700900100",
        email="desk@ashcombe-trust.example.org",
    ),
    DemoPartner(
        "Corrowdale Family Support",
        "ngo",
        ("corrowdale", "dunmere"),
        (
            ("family", "Family support workers", ()),
            ("legal_aid", "Legal advice for young people", ("dunmere",)),
            ("psychosocial", "Group support sessions", ("corrowdale",)),
        ),
        (("Morgan Vale", "+447700900111"), ("Casey Thorn", "+447700900112")),
        phone="+447700900110",
        email="office@corrowdale-family.example.org",
    ),
    DemoPartner(
        "Brindlemoor Community Health",
        "health",
        ("brindlemoor", "corrowdale"),
        (("health", "Children's clinic", ()),),
        (("Riley Marsh", "+447700900121"),),
        responds=False,
        phone="+447700900120",
        email="clinic@brindlemoor-health.example.org",
    ),
]
RESPONDER_USER_PARTNER = "Ashcombe Children's Trust"
RESPONDER_USER_RESPONDER = "Rowan Ashby"

# What the contacts were about, weighted roughly as helplines report them.
AREA_WEIGHTS = {
    "mental_health": 6,
    "relationships": 5,
    "violence": 5,
    "education": 3,
    "non_counselling": 3,
    "physical_health": 2,
    "sexuality": 1,
    "access_to_services": 1,
    "discrimination": 1,
    "missing": 1,
}
SUMMARIES = [
    "talked through worries about exams; agreed to call again after the results.",
    "felt low after an argument at home; talked about who could help.",
    "asked how the helpline works and whether calls are private.",
    "upset about messages from classmates; went through how to block and report.",
    "worried about a friend; talked about telling a trusted adult.",
    "feeling lonely since moving; found a youth group nearby.",
    "questions about growing up; gave information and a website.",
    "parent asked how to support their child; gave information on services.",
    "silent contact; the line was kept open for a while.",
    "stress at home; made a safety plan together.",
]
CHANNEL_WEIGHTS = {"phone": 5, "chat": 4, "sms": 3, "messaging": 1, "email": 1, "in_person": 1}
GENDER_WEIGHTS = {"girl": 5, "boy": 4, "non_binary": 1, "unknown": 1}
CALLER_WEIGHTS = {"child": 8, "parent": 2, "friend": 1, "professional": 1, "unknown": 1}
# Emergencies: (days ago, district, minutes to acknowledge, to arrive or None, outcome).
# Two a day, mostly: with one a week, each week's count would be "<5" and the weeks
# would add up to the total, which would then be withheld (see stats/helpline_suppression).
EMERGENCIES = [
    (84, "ashcombe", 3, 22, "safe_with_family"),
    (84, "brindlemoor", 2, 35, "safe_with_family"),
    (63, "corrowdale", 5, 66, "shelter"),
    (63, "dunmere", 9, 74, "hospital"),
    (44, "ashcombe", 4, 48, "child_welfare"),
    (44, "corrowdale", 7, 41, "safe_with_family"),
    (29, "brindlemoor", 3, 55, "police"),
    (29, "dunmere", 6, 95, "shelter"),
    (12, "ashcombe", 2, 29, "safe_with_family"),
    (12, "corrowdale", 12, 81, "not_found"),
    # No partner covers Elverton: a supervisor looked for help; nobody arrived.
    (6, NO_PARTNER_DISTRICT, None, None, "other"),
]


def seed_helpline(organisation: Organisation, counsellor: User, responder_user: User) -> None:
    districts = _districts(organisation)
    HelplineSettings.objects.get_or_create(organisation=organisation)
    partners = {p.name: _partner(organisation, p, districts) for p in PARTNERS}
    _rota(partners)
    _sms_channel(organisation)
    _responder_login(partners[RESPONDER_USER_PARTNER], responder_user)
    if not Contact.objects.filter(organisation=organisation, summary__startswith=MARK).exists():
        _History(organisation, counsellor, districts, partners).tell()


def _districts(organisation) -> dict[str, District]:
    found = {}
    for code, name in DISTRICTS:
        found[code], _ = District.objects.get_or_create(
            organisation=organisation, code=code, defaults={"name": name, "region": REGION}
        )
    return found


def _partner(organisation, spec: DemoPartner, districts) -> ServicePartner:
    partner, created = ServicePartner.objects.get_or_create(
        organisation=organisation,
        name=spec.name,
        defaults={
            "kind": spec.kind,
            "phone": spec.phone,
            "email": spec.email,
            "responds_to_emergencies": spec.responds,
            "notes": "Demo partner: invented, with numbers from the drama range.",
        },
    )
    if not created:
        return partner
    partner.districts.set([districts[code] for code in spec.districts])
    for service_type, name, covered in spec.services:
        service = PartnerService.objects.create(
            partner=partner, service_type=service_type, name=name
        )
        service.districts.set([districts[code] for code in covered])
    Responder.objects.bulk_create(
        Responder(partner=partner, name=name, phone=phone) for name, phone in spec.responders
    )
    return partner


def _rota(partners: dict[str, ServicePartner]) -> None:
    """Day (08:00-20:00) and night shifts from last night to 14 days ahead for each
    responding partner: one responder first, the other as backup, swapping at night."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    first = datetime.combine(today - timedelta(days=1), time(20), tzinfo=zone)
    end = timezone.now() + timedelta(days=ROTA_DAYS)
    shifts = []
    for partner in partners.values():
        if not partner.responds_to_emergencies:
            continue
        people = list(partner.responders.order_by("pk"))
        have = set(partner.shifts.values_list("responder_id", "starts_at"))
        start, night = first, True
        while start < end:
            finish = start + timedelta(hours=12)
            ordered = people[::-1] if night else people
            for position, person in enumerate(ordered, start=1):
                if (person.pk, start) not in have:
                    shifts.append(
                        RotaShift(
                            partner=partner,
                            responder=person,
                            starts_at=start,
                            ends_at=finish,
                            position=position,
                        )
                    )
            start, night = finish, not night
    RotaShift.objects.bulk_create(shifts)


def _sms_channel(organisation) -> None:
    SmsChannel.objects.get_or_create(
        organisation=organisation,
        name=SMS_CHANNEL_NAME,
        defaults={
            "provider": "fake",
            "number": SMS_NUMBER,
            "public_id": secrets.token_hex(16),
            "used_for_alerts": True,
        },
    )


def _responder_login(partner: ServicePartner, user: User) -> None:
    PartnerMembership.objects.get_or_create(user=user, defaults={"partner": partner})
    responder = partner.responders.filter(name=RESPONDER_USER_RESPONDER).first()
    if responder and responder.user_id is None and not hasattr(user, "responder"):
        responder.user = user
        responder.save(update_fields=["user"])


def _reference(prefix: str) -> str:
    """A reference in the form the helpline's own are made in (unique across Haven, so
    random rather than from the story's seeded generator)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{prefix}-{body[:5]}-{body[5:]}"


def _case_plans(now: datetime) -> list[list[tuple[str, datetime]]]:
    """The demo's five cases as the stages each went through: (stage, entered at), the
    first being when the case was opened. Every stage ended within its time."""
    hours, days = (lambda n: timedelta(hours=n)), (lambda n: timedelta(days=n))
    return [
        [("registration", now - hours(5))],  # 3 hours to be assigned: 2 hours overdue
        [("registration", now - days(1)), ("assessment", now - days(1) + hours(1))],
        [
            ("registration", now - days(9)),
            ("assessment", now - days(9) + hours(1)),
            ("plan", now - days(7)),
            ("services", now - days(2)),
        ],
        [
            ("registration", now - days(40)),
            ("assessment", now - days(40) + hours(1)),
            ("plan", now - days(38)),
            ("services", now - days(35)),
            ("follow_up", now - days(27)),
        ],
        [
            ("registration", now - days(70)),
            ("assessment", now - days(70) + hours(1)),
            ("plan", now - days(68)),
            ("services", now - days(65)),
            ("follow_up", now - days(58)),
            ("closed", now - days(5)),
        ],
    ]


class _History:
    """Three months of invented work, written straight to the tables (as fixtures are):
    the helpline's own actions would alert responders and send messages."""

    def __init__(self, organisation, counsellor, districts, partners):
        self.organisation, self.counsellor = organisation, counsellor
        self.districts, self.partners = districts, partners
        self.now = timezone.now().replace(microsecond=0)
        # Seeded, so every demo tells the same story (relative to the day it is seeded).
        self.chance = random.Random(5)

    def tell(self) -> None:
        contacts = self._contacts()
        self._emergencies()
        self._cases(contacts)

    def _pick(self, weights: dict[str, int]) -> str:
        return self.chance.choices(list(weights), weights=list(weights.values()))[0]

    def _categories(self) -> list[str]:
        codes = []
        for _ in range(self.chance.choice([1, 1, 1, 2])):
            area = self._pick(AREA_WEIGHTS)
            codes.append(
                self.chance.choice(
                    [c for c in taxonomy.SUBCATEGORIES if taxonomy.area_of(c) == area]
                )
            )
        return sorted(set(codes))

    def _contacts(self) -> list[Contact]:
        found = []
        districts = list(self.districts.values())
        for n in range(CONTACTS):
            # Within the last 88 days, so all of them are in "the last 90 days" whatever
            # the hour.
            started = self.now - timedelta(
                days=(HISTORY_DAYS - 2) * (n + 0.5) / CONTACTS, hours=self.chance.randint(0, 10)
            )
            age = self.chance.choice(
                [None, 6, 8, 9, 10, 11, 12, 13, 13, 14, 14, 15, 15, 16, 17, 18]
            )
            found.append(
                Contact(
                    organisation=self.organisation,
                    reference=_reference("C"),
                    channel=self._pick(CHANNEL_WEIGHTS),
                    counsellor=self.counsellor,
                    status="completed",
                    started_at=started,
                    ended_at=started + timedelta(minutes=self.chance.randint(6, 45)),
                    caller_type=self._pick(CALLER_WEIGHTS),
                    child_age=age,
                    gender=self._pick(GENDER_WEIGHTS),
                    district=self.chance.choice([*districts, None]),
                    categories=self._categories(),
                    risk_level=self.chance.choice(["none", "none", "low", "medium"]),
                    summary=f"{MARK} {self.chance.choice(SUMMARIES)}",
                    actions=[self.chance.choice(["counselling", "information", "referred"])],
                    consent_record=True,
                    consent_share=self.chance.random() < 0.5,
                )
            )
        return Contact.objects.bulk_create(found)

    def _emergencies(self) -> None:
        events = []
        for index, (days, code, acknowledge, arrive, outcome) in enumerate(EMERGENCIES):
            district = self.districts[code]
            partner = self._responding_partner(district)
            responder = partner.responders.order_by("pk").first() if partner else None
            # The two of a day a minute apart, so that they fall in the same week.
            opened = self.now - timedelta(days=days, hours=3, minutes=index % 2)
            at = {
                "acknowledged": opened + timedelta(minutes=acknowledge) if acknowledge else None,
                "arrived": opened + timedelta(minutes=arrive) if arrive else None,
                "closed": opened + timedelta(minutes=(arrive or 90) + 120),
            }
            emergency = Emergency.objects.create(
                organisation=self.organisation,
                reference=_reference("EM"),
                status="closed",
                district=district,
                opened_by=self.counsellor,
                opened_at=opened,
                target_at=opened + timedelta(minutes=60),
                partner=partner,
                responder=responder,
                acknowledged_at=at["acknowledged"],
                arrived_at=at["arrived"],
                closed_at=at["closed"],
                outcome=outcome,
                outcome_note=f"{MARK} invented emergency for the statistics.",
            )
            label = responder.name if responder else "demo-supervisor"
            steps = {"opened": opened, **at}
            for kind, moment in steps.items():
                if moment:
                    who = self.counsellor.username if kind == "opened" else label
                    events.append(
                        EmergencyEvent(emergency=emergency, kind=kind, at=moment, actor_label=who)
                    )
        EmergencyEvent.objects.bulk_create(events)

    def _responding_partner(self, district) -> ServicePartner | None:
        for partner in self.partners.values():
            if (
                partner.responds_to_emergencies
                and partner.districts.filter(pk=district.pk).exists()
            ):
                return partner
        return None

    def _cases(self, contacts: list[Contact]) -> None:
        """Five cases, one in each stage, as the workflow would have left them: each
        stage entered when the one before ended and due by the rules (`deadlines`). One
        is overdue for a real reason: opened five hours ago and still not assigned
        (Primero's 3 hours); the services case waits on a partner that has not answered
        a referral within a day."""
        ashcombe = self.partners["Ashcombe Children's Trust"]
        corrowdale = self.partners["Corrowdale Family Support"]
        health = self.partners["Brindlemoor Community Health"]
        used: set[int] = set()
        for stages in _case_plans(self.now):
            stage, created = stages[-1][0], stages[0][1]
            contact = self._contact_before(contacts, created, used)
            assigned = len(stages) > 1  # registration ends when someone is assigned
            case = Case.objects.create(
                organisation=self.organisation,
                reference=_reference("K"),
                stage=stage,
                risk_level="medium",
                assigned_to=self.counsellor if assigned else None,
                assigned_at=stages[1][1] if assigned else None,
                created_by=self.counsellor,
                created_at=created,
                child_age=contact.child_age,
                gender=contact.gender,
                district=contact.district,
                categories=contact.categories,
                consent_share=True,
                # Written before the case moved past assessment and plan.
                assessment=f"{MARK} invented assessment." if len(stages) > 3 else "",
                plan=f"{MARK} invented case plan." if len(stages) > 3 else "",
                closed_at=stages[-1][1] if stage == "closed" else None,
                closure_reason="safe" if stage == "closed" else "",
            )
            Contact.objects.filter(pk=contact.pk).update(case=case)
            self._stage_records(case, stages)
            if stage == "services":
                entered = stages[-1][1]
                # Asked two days ago; Ashcombe has not answered (overdue after a day).
                self._refer(case, ashcombe, "shelter", "requested", entered, "3d")
                self._refer(case, corrowdale, "psychosocial", "accepted", entered, "3d")
                self._refer(case, health, "health", "completed", entered, "1d")
            if stage == "follow_up":
                self._refer(case, corrowdale, "family", "completed", stages[3][1], "3d")
                FollowUp.objects.create(
                    case=case,
                    due_at=stages[-1][1] + config.follow_up_every(),
                    description="Call the family to ask how things are going.",
                    assigned_to=self.counsellor,
                )
            if stage == "closed":
                self._refer(case, corrowdale, "family", "completed", stages[3][1], "3d")
            deadlines.refresh_stage_due(case)

    def _contact_before(self, contacts: list[Contact], moment, used: set[int]) -> Contact:
        """The latest contact not yet in a case that came in before the case opened."""
        earlier = [c for c in contacts if c.started_at < moment and c.pk not in used]
        found = max(earlier, key=lambda contact: contact.started_at)
        used.add(found.pk)
        return found

    def _stage_records(self, case: Case, stages: list) -> None:
        """One record per stage the case went through, each ending when the next began."""
        for index, (stage, entered) in enumerate(stages):
            following = stages[index + 1][1] if index + 1 < len(stages) else None
            StageRecord.objects.create(
                case=case,
                stage=stage,
                entered_at=entered,
                due_at=deadlines.stage_due(case, stage, entered),
                completed_at=following,
                by=self.counsellor,
            )
        case.stage_due_at = deadlines.stage_due(case, case.stage, stages[-1][1])
        case.save(update_fields=["stage_due_at"])

    def _refer(self, case, partner, service_type, status, created, timeframe) -> None:
        offered = partner.services.filter(service_type=service_type).first()
        answered = created + timedelta(hours=6)
        delivered = created + timedelta(hours=20)
        service = CaseService.objects.create(
            case=case,
            service_type=service_type,
            description=f"{MARK} {offered.name if offered else service_type}",
            timeframe=timeframe,
            due_at=deadlines.service_due(timeframe, created),
            # Accepting a referral starts its service; completing it delivers it.
            status={"requested": "planned", "accepted": "in_progress"}.get(status, "done"),
            created_by=self.counsellor,
            created_at=created,
            completed_at=delivered if status == "completed" else None,
        )
        if offered is None:
            return
        CaseReferral.objects.create(
            case=case,
            service=service,
            partner_service=offered,
            partner=partner,
            status=status,
            note=f"{MARK} the child agreed to this referral.",
            requested_by=self.counsellor,
            requested_at=created + timedelta(minutes=10),
            responded_at=answered if status != "requested" else None,
            responded_by=partner.name if status != "requested" else "",
            completed_at=delivered if status == "completed" else None,
        )
