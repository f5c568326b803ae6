"""What the takedown does when other apps change something it depends on.

Classification sends `url_classified` after its transaction commits; if the
organisation's policy says so (`auto_open`, on by default) and the address has an
actionable label, the takedown starts as if an analyst had pressed "Start takedown".

Hosting sends no signal of its own when an analyst corrects the country or the abuse
contact, so the takedown listens to its rows being saved: after that commits, an open
takedown of the address notes where notices go now (they are also looked up again
before every notice, when the scheduler acts and when the page is shown).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save

from haven.takedown.models import OPEN_STATES, Takedown
from haven.takedown.policies import policy_for
from haven.takedown.seams import outside

log = logging.getLogger(__name__)


def open_when_actionable(sender, report_url, labels=None, by=None, **kwargs) -> None:
    from haven.takedown import services

    if Takedown.objects.filter(report_url=report_url).exists():
        return
    if not policy_for(report_url.report.organisation).auto_open:
        return
    if not outside().is_actionable(report_url):
        return
    # A classification by the system (known material, a repeat) opens it as the system.
    opener = by if by is not None and getattr(by, "is_org_staff", False) else None
    try:
        services.open_takedown(report_url, opener)
    except (services.ActionError, PermissionDenied) as refusal:
        log.info("takedown not opened for address %s: %s", report_url.pk, refusal)


def refresh_after_hosting_saved(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    report_url_id = instance.report_url_id
    transaction.on_commit(lambda: refresh_takedown_of(report_url_id))


def refresh_takedown_of(report_url_id: int) -> None:
    from haven.takedown import lifecycle

    takedown = (
        Takedown.objects.filter(report_url_id=report_url_id, state__in=OPEN_STATES)
        .select_related("organisation", "report", "report_url")
        .first()
    )
    if takedown is None:
        return
    try:
        lifecycle.refresh(takedown, outside())
    except Exception:  # hosting's own change is done; the next step looks again anyway
        log.exception("takedown %s: could not note the corrected hosting", takedown.pk)


def connect() -> None:
    from haven.classification.signals import url_classified
    from haven.hosting.models import Hosting

    url_classified.connect(open_when_actionable, dispatch_uid="takedown.open_when_actionable")
    post_save.connect(
        refresh_after_hosting_saved, sender=Hosting, dispatch_uid="takedown.hosting_saved"
    )
