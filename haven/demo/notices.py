"""The words of the demo history's notices: rendered from the notice templates in the
host's language, the way the takedown app renders a notice it sends
(haven.takedown.sending), with the same facts in the template context."""

from haven.demo.story import AddressStory
from haven.fetching.models import Outcome
from haven.takedown import rendering
from haven.takedown.answers import answer_url
from haven.takedown.models import NoticeTemplate


def render_notices(organisation, urls: list[AddressStory]) -> None:
    """Fill in each notice's language, subject and body (the takedowns are saved, so
    that each notice can carry its takedown's answer link)."""
    templates: dict[tuple[str, str], NoticeTemplate] = {}
    for item in urls:
        if not item.notices:
            continue
        takedown = item.takedown
        common = {
            "organisation": organisation.name,
            "reference": takedown.reference,
            "url": item.url,
            "reported_at": rendering.when(item.report.received_at),
            "classification": "; ".join(
                f"{label.scheme.name}: {label.name}" for label in item.labels
            ),
            "hashes": _hashes(item),
            "host_name": takedown.host_name,
            "country": takedown.country,
            "reply_url": answer_url(takedown),
        }
        for notice, facts in zip(item.notices, item.notice_facts, strict=True):
            key = (notice.kind, takedown.language)
            if key not in templates:
                templates[key] = rendering.choose_template(organisation, *key)
            template = templates[key]
            checked = facts.recheck.started_at if facts.recheck else takedown.last_checked_at
            rendered = rendering.render(
                template,
                common
                | {
                    "checked_at": rendering.when(checked),
                    "first_notice_at": rendering.when(facts.first_notice_at),
                    "notices_sent": facts.notices_sent,
                    "reminder_number": facts.reminder_number,
                    "reappeared": facts.reappeared,
                },
            )
            notice.language = template.language
            notice.subject, notice.body = rendered.subject, rendered.body


def _hashes(item: AddressStory) -> list[str]:
    """What the captures found, as the notices name it ("MD5 …", "SHA-256 …")."""
    found: list[str] = []
    for fetch in item.fetches:
        if fetch.outcome == Outcome.PRESENT:
            for name, value in (("MD5", fetch.md5), ("SHA-256", fetch.sha256)):
                if value and f"{name} {value}" not in found:
                    found.append(f"{name} {value}")
    return found
