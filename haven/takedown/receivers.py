"""Opening a takedown by itself when an address is classified as actionable.

Classification sends `url_classified` after its transaction commits; if the
organisation's policy says so (`auto_open`, on by default) and the address has an
actionable label, the takedown starts as if an analyst had pressed "Start takedown".
"""

import logging

from django.core.exceptions import PermissionDenied

from haven.takedown.models import Takedown
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


def connect() -> None:
    from haven.classification.signals import url_classified

    url_classified.connect(open_when_actionable, dispatch_uid="takedown.open_when_actionable")
