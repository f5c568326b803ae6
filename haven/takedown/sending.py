"""Writing one notice for a takedown and handing it to its channel.

`prepare` renders the notice from the organisation's (or the built-in) template in the
recipient's language; `deliver` sends it and says whether it went. Neither writes to the
database: the caller records the Notice row with the state change, in one transaction,
after the network is done with (see haven.takedown.lifecycle).
"""

from dataclasses import dataclass

from haven.fetching.models import Fetch, Outcome
from haven.reports.models import MediaItem
from haven.takedown import rendering
from haven.takedown.answers import answer_url
from haven.takedown.channels import DeliveryFailed, OutgoingNotice
from haven.takedown.models import Notice, NoticeKind, Takedown
from haven.takedown.policies import policy_for
from haven.takedown.seams import ContactLike, Outside

MAX_HASHES = 20


@dataclass(frozen=True)
class Delivery:
    notice: OutgoingNotice
    contact: ContactLike
    error: str = ""

    @property
    def delivered(self) -> bool:
        return not self.error

    def as_row(self, takedown: Takedown, fetch: Fetch | None, sent_at) -> Notice:
        return Notice(
            takedown=takedown,
            kind=self.notice.kind,
            channel=self.contact.channel,
            recipient=self.contact.recipient,
            language=self.notice.language,
            subject=self.notice.subject,
            body=self.notice.body,
            sent_at=sent_at,
            delivered=self.delivered,
            error=self.error,
            recheck=fetch if fetch is not None and fetch.pk else None,
        )


def hashes_for(report_url) -> list[dict[str, str]]:
    """What was found at the address, as hashes: files made from captures, then captures."""
    found: list[dict[str, str]] = []

    def add(kind: str, value: str) -> None:
        entry = {"type": kind, "value": value}
        if value and entry not in found and len(found) < MAX_HASHES:
            found.append(entry)

    for item in MediaItem.objects.filter(report_url=report_url).order_by("pk"):
        add("md5", item.md5)
        add("sha256", item.sha256)
        add("pdq", item.pdq)
    captures = Fetch.objects.filter(report_url=report_url, outcome=Outcome.PRESENT)
    for md5, sha256 in captures.order_by("-started_at").values_list("md5", "sha256")[:5]:
        add("md5", md5)
        add("sha256", sha256)
    return found


_HASH_NAMES = {"md5": "MD5", "sha256": "SHA-256", "pdq": "PDQ"}


def context_for(
    takedown: Takedown, kind: str, fetch: Fetch | None, out: Outside, reply_url: str
) -> tuple[dict, list[dict[str, str]], list[dict[str, str]]]:
    """The template context (plain strings and lists), the hashes and the labels."""
    report_url = takedown.report_url
    hashes = hashes_for(report_url)
    labels = [{"scheme": s, "label": label} for s, label in out.classification(report_url)]
    delivered = Notice.objects.filter(takedown=takedown, delivered=True)
    latest_first = delivered.filter(kind=NoticeKind.FIRST).order_by("-sent_at").first()
    context = {
        "organisation": takedown.organisation.name,
        "reference": takedown.reference,
        "url": report_url.url,
        "reported_at": rendering.when(takedown.report.received_at),
        "checked_at": rendering.when(fetch.started_at if fetch else takedown.last_checked_at),
        "classification": "; ".join(f"{e['scheme']}: {e['label']}" for e in labels),
        "hashes": [f"{_HASH_NAMES[h['type']]} {h['value']}" for h in hashes],
        "host_name": takedown.host_name,
        "country": takedown.country,
        "first_notice_at": rendering.when(latest_first.sent_at if latest_first else None),
        "notices_sent": delivered.count(),
        "reminder_number": takedown.reminders_sent + 1,
        "reappeared": takedown.reappeared_count > 0,
        "reply_url": reply_url,
    }
    return context, hashes, labels


def prepare(
    takedown: Takedown, kind: str, contact: ContactLike, fetch: Fetch | None, out: Outside
) -> OutgoingNotice:
    organisation = takedown.organisation
    reply_url = answer_url(takedown)
    context, hashes, labels = context_for(takedown, kind, fetch, out, reply_url)
    languages = (contact.language, takedown.language)
    template = rendering.choose_template(organisation, kind, *languages)
    try:
        rendered = rendering.render(template, context)
    except rendering.TemplateRefused:
        # An organisation's template that no longer renders (edited outside the page):
        # the built-in one still says what must be said.
        template = rendering.choose_template(None, kind, *languages, organisation.language)
        rendered = rendering.render(template, context)
    return OutgoingNotice(
        reference=takedown.reference,
        kind=kind,
        language=template.language,
        subject=rendered.subject,
        body=rendered.body,
        url=takedown.report_url.url,
        reply_url=reply_url,
        hashes=hashes,
        classification=labels,
        reply_to=policy_for(organisation).reply_to,
    )


def deliver(notice: OutgoingNotice, contact: ContactLike, out: Outside) -> Delivery:
    channel = out.channels.get(contact.channel)
    if channel is None:
        return Delivery(notice, contact, f"No channel called {contact.channel!r}.")
    try:
        channel.send(notice, contact)
    except DeliveryFailed as failure:
        return Delivery(notice, contact, failure.reason)
    return Delivery(notice, contact)
