"""Four months of invented takedown history, so that the demo's removal statistics,
report pages and directories show real figures from the first start.

About 150 reported addresses over the last 120 days, each told the way Haven's own
workflow would have handled it (docs/hotline.md): classified, opened, and an hour later
(the demo policy's delay) either

- **forwarded** to the hosting country's partner hotline when the content is hosted
  abroad and the directory has one: no notices of ours, a check every 24 hours until
  one finds the content gone, which dates the removal;
- or **notified**: the host gets the first notice in its own language (hosted at home,
  or abroad where there is no partner hotline, with the note "No partner hotline in
  XX"), a reminder every 24 hours after a check finds the content still online, an
  escalation to the domain's registrar after three reminders, and the removal dated by
  the check that finds it gone (at once after the host answers through its link).
  Content a host ignores for three weeks is referred to police by an analyst and the
  takedown stopped: no host gets weeks of daily reminders.

Then the re-checks after removal, a few addresses that came back, a few still online,
and every step in the audit log at the time it happened. Removal times are drawn from a
seeded random generator, per host, to a long-tailed distribution like those hotlines
publish.

Only text: the "material" is a reported address under a reserved domain and a made-up
hash. Those names do not resolve, so the live fetcher cannot check them: a check would
fail (nothing sent, tried again hourly) or find the name gone and date a removal that
never happened. So the takedown scheduler is given nothing to do: no `next_action_at`,
and each takedown still open says why in its `attention`. Referrals not yet
acknowledged are chased as routing chases any referral (an e-mail to a reserved
address, or the console in development). Everything is written with bulk inserts in
one transaction, in a few seconds.
"""

import hashlib
import math
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from haven.accounts.models import Organisation, User
from haven.audit.models import AuditEvent
from haven.demo.directory import DEMO_COUNTRY, DEMO_HOSTS, REGISTRAR_NAME, DemoHost
from haven.demo.records import HISTORY_MARK, pick_labels, write
from haven.demo.story import ANALYST, HOST, SCHEDULER, AddressStory, NoticeFacts, Step
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.reports.models import Category, Report, Source, Status, Urgency
from haven.reports.references import new_reference
from haven.routing import config as routing_config
from haven.routing.models import Partner, PartnerKind, Referral, ReferralKind, ReferralStatus
from haven.takedown.models import (
    AnswerKind,
    Channel,
    EscalateTo,
    HostAnswer,
    Notice,
    NoticeKind,
    State,
    Takedown,
)
from haven.triage.models import ActionKind, ActionTaken

SEED = 4
REPORTS = 135
SECOND_ADDRESS = 0.12  # reports with two addresses on the same host
DAYS = 120
REAPPEARS = 0.05
# The demo policy (haven.demo.directory): first step an hour after the takedown opens,
# a reminder every 24 hours, escalation after three, re-checks after removal.
FIRST_STEP_DELAY = timedelta(hours=1)
REMINDER_HOURS = 24
ESCALATE_AFTER = 3
RECHECK_DAYS = (1, 7, 30)
# Not the scheduler's rule but an analyst's: content a host still ignores three weeks
# after the notice goes to the police, and the takedown stops (no more reminders).
GIVE_UP_AFTER = timedelta(days=21)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
NOT_SCHEDULED = (
    "Demo history: this invented address cannot be checked (its name does not exist), "
    "so the scheduler has no next step for it."
)
ANSWERS = [
    "Removed, thank you for the report.",
    "The account has been suspended and the file deleted.",
    "We have taken the page down.",
    "Content disabled; customer notified.",
]


def seed_history(organisation: Organisation, analyst: User, now: datetime | None = None) -> bool:
    """Write the history once; False if it is already there.

    A history written by an older Haven (before it followed the routing rules and kept
    its steps in the audit log) is told again: it is invented, and nothing points at it.
    """
    history = Report.objects.filter(organisation=organisation, description__startswith=HISTORY_MARK)
    if history.exists() and _told_by_this_version(organisation, history):
        return False
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    rng = random.Random(SEED)
    teller = Teller(organisation, analyst, rng, now)
    with transaction.atomic():
        history.delete()  # the older history, its takedowns, notices and checks with it
        reports, urls = _reports(organisation, rng, now)
        pick_labels(urls, rng)
        for item in urls:
            teller.tell(item)
        write(organisation, analyst, reports, urls, rng, now)
    return True


def _told_by_this_version(organisation: Organisation, history) -> bool:
    """Whether the history's steps are in the audit log, as this version writes them."""
    takedown = Takedown.objects.filter(report__in=history).values_list("pk", flat=True).first()
    return (
        takedown is None
        or AuditEvent.objects.filter(
            organisation=organisation,
            target_type="takedown",
            target_id=str(takedown),
            action="takedown.opened",
        ).exists()
    )


def _reports(organisation, rng: random.Random, now: datetime):
    weights = [host.weight for host in DEMO_HOSTS]
    reports, urls = [], []
    for number in range(REPORTS):
        received = now - timedelta(minutes=rng.randrange(12 * 60, DAYS * 24 * 60))
        # Classified a few hours later; the takedown opens with the classification.
        delay = _hours(max(10, rng.lognormvariate(math.log(180), 0.8)) / 60)
        classified = min(received + delay, now - 2 * HOUR)
        report = Report(
            organisation=organisation,
            reference=new_reference(),
            category=Category.SEXUAL_IMAGERY,
            description=f"{HISTORY_MARK} a reported address (text only, no material).",
            source=Source.API if rng.random() < 0.3 else Source.PUBLIC,
            urgency=Urgency.STANDARD,
            received_at=received,
            due_at=received + timedelta(hours=24),
            first_action_at=classified,
            classified_category=Category.SEXUAL_IMAGERY,
            severity=rng.choice(["high", "high", "critical"]),
            status=Status.ACTIONED,
        )
        reports.append(report)
        host = rng.choices(DEMO_HOSTS, weights)[0]
        for extra in range(2 if rng.random() < SECOND_ADDRESS else 1):
            site = rng.choice(host.sites)
            path = f"/demo/{number:03d}{'abcdef'[extra]}/{rng.randrange(10**6):06d}"
            urls.append(AddressStory(host, f"https://{site}{path}", report=report))
    return reports, urls


def _hours(hours: float) -> timedelta:
    """A drawn time, to the minute, as people and mail servers record times."""
    return timedelta(minutes=round(hours * 60))


class Teller:
    """Tells each address's story as Haven's takedown and routing would have lived it."""

    def __init__(self, organisation: Organisation, analyst: User, rng, now: datetime):
        self.organisation, self.analyst, self.rng, self.now = organisation, analyst, rng, now
        self.home = (organisation.country or DEMO_COUNTRY).upper()
        self.hotlines: dict[str, Partner] = {}
        self.registrar = self.police = None
        for partner in Partner.objects.filter(organisation=organisation, active=True).order_by(
            "pk"
        ):
            if partner.kind == PartnerKind.HOTLINE and partner.country:
                self.hotlines.setdefault(partner.country.upper(), partner)
            elif partner.kind == PartnerKind.REGISTRAR and partner.name == REGISTRAR_NAME:
                self.registrar = partner
            elif partner.kind == PartnerKind.POLICE and partner.country.upper() == self.home:
                self.police = self.police or partner

    def tell(self, item: AddressStory) -> None:
        """What happened to one address, from capture to removal (or not yet)."""
        report, host = item.report, item.host
        assert report.first_action_at is not None
        self._fetch(item, Purpose.CAPTURE, report.received_at + 2 * MINUTE)
        opened = report.first_action_at
        item.takedown = takedown = Takedown(
            organisation=self.organisation,
            report=report,
            state=State.WAITING,
            recipient=host.abuse_email,
            channel=Channel.EMAIL,
            language=host.language,
            host_name=host.name,
            country=host.country,
            opened_by=self.analyst,
            opened_at=opened,
        )
        first_step = opened + FIRST_STEP_DELAY
        self._step(
            item,
            opened,
            "takedown.opened",
            ANALYST,
            refs={"url_id": lambda: item.report_url},
            first_notice="after_delay",
            next_action_at=first_step.isoformat(),
            recipient=takedown.recipient,
            automatic=False,
        )
        partner = self.hotlines.get(host.country) if host.country != self.home else None
        if partner is not None:
            self._forward(item, partner, first_step)
        else:
            if host.country != self.home:
                takedown.routing_note = (
                    f"No partner hotline in {host.country}: the host is notified directly."
                )
            self._notify(item, first_step)
        last = item.fetches[-1]
        takedown.last_checked_at, takedown.last_check_outcome = last.started_at, last.outcome
        takedown.last_check_reason = last.detail
        if takedown.state in (State.NOTIFIED, State.ESCALATED, State.FORWARDED):
            takedown.attention = NOT_SCHEDULED

    # --- Forwarded to the hosting country's hotline --------------------------------------

    def _forward(self, item: AddressStory, partner: Partner, at: datetime) -> None:
        """The partner hotline deals with the host; we check every 24 hours."""
        takedown = item.takedown
        self._fetch(item, Purpose.RECHECK, at - MINUTE)
        acknowledged = at + _hours(self.rng.uniform(1, 30))
        referral = self._referral(item, partner, ReferralKind.FORWARD, at, acknowledged)
        self._action(item, ActionKind.FORWARDED, at, f"{partner.name}, e-mail")
        takedown.state, takedown.referral = State.FORWARDED, referral
        self._step(
            item,
            at,
            "takedown.forwarded",
            SCHEDULER,
            refs={"partner_id": partner, "referral_id": referral},
            partner=partner.name,
            country=takedown.country,
        )
        # The partner passes it on to the host once it has read it.
        gone = acknowledged + _hours(self._removal_hours(item.host))
        check = at + REMINDER_HOURS * HOUR
        while check < self.now:
            if check >= gone:
                self._removed(item, check)
                return
            fetch = self._fetch(item, Purpose.RECHECK, check)
            self._checked(item, check, fetch)
            check += REMINDER_HOURS * HOUR

    # --- Notified by us --------------------------------------------------------------------

    def _notify(self, item: AddressStory, at: datetime) -> None:
        takedown = item.takedown
        self._notice(item, NoticeKind.FIRST, at)
        self._action(
            item,
            ActionKind.HOST_NOTICE,
            at,
            f"Notice sent to {takedown.host_name} ({takedown.recipient}).",
        )
        takedown.state = State.NOTIFIED
        takedown.first_notice_at = takedown.last_notice_at = at
        gone = at + _hours(self._removal_hours(item.host))
        self._remind_until_done(item, at, gone)
        removed = takedown.removed_at
        if removed and removed < self.now - timedelta(days=10) and self.rng.random() < REAPPEARS:
            self._reappear(item)

    def _removal_hours(self, host: DemoHost) -> float:
        rng = self.rng
        if rng.random() < host.never:
            return 10_000 * 24.0
        if rng.random() < host.long_tail:
            return rng.uniform(14, 60) * 24
        return max(0.2, rng.lognormvariate(math.log(host.median_hours), host.spread))

    def _remind_until_done(self, item: AddressStory, since: datetime, gone: datetime) -> None:
        """A reminder every 24 hours, each after a check that finds the content online,
        until a check finds it gone, the host's answer leads to one, or an analyst gives
        up on the host three weeks on."""
        takedown, rng, day = item.takedown, self.rng, REMINDER_HOURS * HOUR
        # The scheduled checks run a minute before each reminder would go.
        checked = since + max(1, math.ceil((gone + MINUTE - since) / day)) * day - MINUTE
        answered = None
        if rng.random() < item.host.answers:
            answered = gone + timedelta(minutes=rng.randrange(5, 120))
        by_answer = answered is not None and answered + 2 * MINUTE < checked
        confirmed = answered + 2 * MINUTE if by_answer and answered else checked
        give_up = since + GIVE_UP_AFTER - 3 * HOUR
        end = min(confirmed, give_up)
        number = 1
        while (due := since + number * day) - MINUTE < end and due <= self.now:
            self._notice(item, NoticeKind.REMINDER, due)
            takedown.reminders_sent += 1
            takedown.last_notice_at = due
            if takedown.reminders_sent >= ESCALATE_AFTER and takedown.state == State.NOTIFIED:
                self._escalate(item, due + 2 * MINUTE)
            number += 1
        if end > self.now:
            return  # still online, as far as anyone knows
        if confirmed > give_up:
            self._give_up(item, give_up)
            return
        if by_answer and answered:
            self._answer(item, answered)
        self._removed(item, confirmed)

    def _escalate(self, item: AddressStory, at: datetime) -> None:
        takedown = item.takedown
        if self.registrar is None:
            self._step(item, at, "takedown.escalation_impossible", SCHEDULER, to="registrar")
            return
        referral = takedown.referral
        if referral is None or referral.kind != ReferralKind.ESCALATION:
            acknowledged = at + _hours(self.rng.uniform(2, 20))
            referral = self._referral(
                item, self.registrar, ReferralKind.ESCALATION, at, acknowledged
            )
        takedown.state, takedown.referral = State.ESCALATED, referral
        takedown.escalated_at, takedown.escalated_to = at, EscalateTo.REGISTRAR
        self._step(
            item,
            at,
            "takedown.escalated",
            SCHEDULER,
            refs={"referral_id": referral},
            to=EscalateTo.REGISTRAR.value,
            registrar="",
        )

    def _answer(self, item: AddressStory, at: datetime) -> None:
        """The host says it is done, through the link in the notice."""
        takedown, text = item.takedown, self.rng.choice(ANSWERS)
        answer = HostAnswer(kind=AnswerKind.REMOVED, text=text, answered_at=at)
        item.answers.append(answer)
        takedown.host_answered_at = at
        takedown.host_answer = f"{AnswerKind.REMOVED.label}: {text}"
        self._step(
            item,
            at,
            "takedown.host_answered",
            HOST,
            refs={"answer_id": answer},
            kind=AnswerKind.REMOVED.value,
            via="answer link",
        )

    def _give_up(self, item: AddressStory, at: datetime) -> None:
        """An analyst refers the ignored content to police and stops the takedown."""
        takedown = item.takedown
        days = (at - (takedown.first_notice_at or at)).days + 1
        reason = f"Still online {days} days after the first notice, despite "
        reason += f"{takedown.reminders_sent} reminders"
        if takedown.escalated_at and self.registrar is not None:
            reason += f" and escalation to {self.registrar.name}"
        if self.police is not None:
            acknowledged = at + _hours(self.rng.uniform(1, 6))
            self._referral(item, self.police, ReferralKind.POLICE, at, acknowledged, by_staff=True)
            self._action(item, ActionKind.POLICE, at, f"{self.police.name}, e-mail")
            reason += f": referred to {self.police.name}, who take it from here."
        else:
            reason += ": the host ignores our notices."
        previous, takedown.state, takedown.stopped_reason = takedown.state, State.STOPPED, reason
        self._step(
            item, at + MINUTE, "takedown.stopped", ANALYST, reason=reason, previous_state=previous
        )

    def _reappear(self, item: AddressStory) -> None:
        """The re-check a week after removal finds the content back: the takedown starts
        again with a first notice, and the reminders follow."""
        takedown = item.takedown
        assert takedown.removed_at is not None
        removed, back = takedown.removed_at, takedown.removed_at + timedelta(days=7)
        item.forget_after(back - HOUR)
        fetch = self._fetch(item, Purpose.RECHECK, back)
        takedown.reappeared_count += 1
        takedown.removed_at, takedown.state, takedown.reminders_sent = None, State.WAITING, 0
        self._step(
            item,
            back,
            "takedown.reappeared",
            SCHEDULER,
            refs={"fetch_id": fetch},
            removed_at=removed.isoformat(),
            times=takedown.reappeared_count,
        )
        again = back + MINUTE
        self._notice(item, NoticeKind.FIRST, again, fetch)
        takedown.state, takedown.last_notice_at = State.NOTIFIED, again
        gone = back + _hours(self.rng.lognormvariate(math.log(20), 0.6))
        self._remind_until_done(item, again, gone)

    # --- Removed, and checked again ------------------------------------------------------

    def _removed(self, item: AddressStory, at: datetime) -> None:
        takedown = item.takedown
        fetch = self._fetch(item, Purpose.RECHECK, at, Outcome.GONE)
        previous = takedown.state
        takedown.removed_at, takedown.state = at, State.REMOVED
        refs: dict[str, object] = {"fetch_id": fetch}
        if previous == State.FORWARDED and takedown.referral is not None:
            refs["referral_id"] = takedown.referral
        self._step(
            item,
            at,
            "takedown.removed",
            SCHEDULER,
            refs=refs,
            previous_state=previous,
            checked_at=at.isoformat(),
            before_first_notice=takedown.first_notice_at is None,
        )
        for days in RECHECK_DAYS:
            later = at + timedelta(days=days)
            if later < self.now:
                self._checked(item, later, self._fetch(item, Purpose.RECHECK, later, Outcome.GONE))

    # --- The rows ------------------------------------------------------------------------

    def _fetch(
        self, item: AddressStory, purpose: str, at: datetime, outcome: str = Outcome.PRESENT
    ) -> Fetch:
        present = outcome == Outcome.PRESENT
        # The same page each time it is found: the same hashes.
        body = item.url.encode() if present else b""
        fetch = Fetch(
            purpose=purpose,
            requested_url=item.url,
            final_url=item.url,
            outcome=outcome,
            reason="" if present else "not_found",
            detail="" if present else "The server answered 404 Not Found.",
            status_code=200 if present else 404,
            addresses=list(item.host.addresses),
            content_type="text/html; charset=utf-8" if present else "text/html",
            size=len(body) * 40,
            md5=hashlib.md5(body, usedforsecurity=False).hexdigest() if present else "",
            sha256=hashlib.sha256(body).hexdigest() if present else "",
            started_at=at,
            finished_at=at + timedelta(seconds=self.rng.uniform(0.2, 3)),
        )
        item.fetches.append(fetch)
        return fetch

    def _checked(self, item: AddressStory, at: datetime, fetch: Fetch) -> None:
        self._step(
            item,
            at,
            "takedown.rechecked",
            SCHEDULER,
            refs={"fetch_id": fetch},
            outcome=fetch.outcome,
        )

    def _notice(
        self, item: AddressStory, kind: str, at: datetime, fetch: Fetch | None = None
    ) -> None:
        """A notice after the check that found the content online; its words are
        rendered from the notice templates when the history is written."""
        takedown = item.takedown
        fetch = fetch or self._fetch(item, Purpose.RECHECK, at - MINUTE)
        firsts = [n.sent_at for n in item.notices if n.kind == NoticeKind.FIRST]
        notice = Notice(
            kind=kind,
            channel=Channel.EMAIL,
            recipient=takedown.recipient,
            language=takedown.language,
            sent_at=at,
            recheck=fetch,
        )
        item.notices.append(notice)
        item.notice_facts.append(
            NoticeFacts(
                recheck=fetch,
                reminder_number=takedown.reminders_sent + 1,
                notices_sent=len(item.notices) - 1,
                first_notice_at=firsts[-1] if firsts else None,
                reappeared=takedown.reappeared_count > 0,
            )
        )
        self._step(
            item,
            at,
            "takedown.notice_sent",
            SCHEDULER,
            refs={"notice_id": notice},
            kind=kind,
            channel=Channel.EMAIL.value,
            recipient=takedown.recipient,
            error="",
        )

    def _referral(
        self,
        item: AddressStory,
        partner: Partner,
        kind: str,
        sent: datetime,
        acknowledged: datetime,
        *,
        by_staff: bool = False,
    ) -> Referral:
        """A referral, and its acknowledgement if it has come by now. The scheduler sends
        forwarding and escalation; an analyst refers to police, who answer by phone."""
        done = acknowledged < self.now
        referral = Referral(
            organisation=self.organisation,
            report=item.report,
            partner=partner,
            kind=kind,
            channel="email",
            status=ReferralStatus.ACKNOWLEDGED if done else ReferralStatus.SENT,
            sent_by=self.analyst if kind != ReferralKind.ESCALATION else None,
            sent_at=sent,
            # Chased by e-mail until acknowledged, as routing does (demo e-mail goes to
            # reserved addresses, or the console).
            chase_at=None if done else sent + timedelta(hours=routing_config.chase_hours()),
            acknowledged_at=acknowledged if done else None,
            acknowledged_by=self.analyst if done and by_staff else None,
            acknowledgement_note="Acknowledged by telephone." if done and by_staff else "",
        )
        item.referrals.append(referral)
        self._step(
            item,
            sent,
            "referral.created",
            ANALYST if by_staff else SCHEDULER,
            target=referral,
            refs={"takedown": lambda: item.takedown},
            kind=kind,
            partner=partner.name,
            channel="email",
            urls=1,
            files=0,
        )
        self._step(
            item,
            sent,
            "referral.sent",
            "routing",
            target=referral,
            channel="email",
            partner=partner.name,
            remote_reference="",
        )
        if done:
            step = "referral.acknowledged"
            if by_staff:
                self._step(item, acknowledged, step, ANALYST, target=referral, via="staff")
            else:
                who = f"{partner.name} (acknowledgement link)"
                self._step(
                    item, acknowledged, step, who, target=referral, via="link", partner=partner.name
                )
        return referral

    def _action(self, item: AddressStory, kind: str, at: datetime, detail: str) -> None:
        action = ActionTaken(report=item.report, kind=kind, detail=detail, actor=self.analyst)
        action.taken_at = at
        item.actions.append(action)

    def _step(
        self,
        item: AddressStory,
        at: datetime,
        action: str,
        actor: str,
        *,
        target: Referral | None = None,
        refs: dict | None = None,
        **detail,
    ) -> None:
        item.steps.append(
            Step(
                at,
                action,
                actor,
                target if target is not None else item.takedown,
                detail,
                refs or {},
            )
        )
