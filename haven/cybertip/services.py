"""Preparing, sending, finishing and retracting a case's CyberTipline report.

The rules follow the triage actions: each change checks who may act, runs in a
transaction and writes an audit row. Analysts prepare and download; supervisors send,
finish and retract. Talking to NCMEC cannot happen inside a transaction (a slow answer
would hold the database), so send, finish and retract first claim the tip (state BUSY,
by an update only one request can win), then talk to NCMEC, saving each id NCMEC hands
back at once, then record the outcome. A failure leaves the tip FAILED with the error
and everything learnt so far; trying the same action again carries on where it stopped.
"""

import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.cybertip import states, xml
from haven.cybertip.client import CyberTiplineClient, CyberTiplineError
from haven.cybertip.models import CyberTip, TipAction, TipState
from haven.hashing import sealing
from haven.reports.intake import unseal_contact
from haven.reports.models import MediaItem, MediaStatus, Report
from haven.triage.actions import REASON_MAX_LENGTH, ActionError, InvalidInput, InvalidTransition

NOT_CONFIGURED = (
    "Sending to NCMEC is not set up. Set HAVEN_NCMEC_API_URL, HAVEN_NCMEC_USERNAME and "
    "HAVEN_NCMEC_PASSWORD (see docs/cybertip.md)."
)


class InvalidReport(InvalidInput):
    """The document does not match NCMEC's schema; `errors` lists why ("line: message")."""

    def __init__(self, errors: list[str]):
        super().__init__("The report does not match NCMEC's schema: " + "; ".join(errors[:5]))
        self.errors = errors


class SendFailed(ActionError):
    """NCMEC refused or could not be reached. The tip is FAILED and keeps the error."""


# --- Configuration ---------------------------------------------------------------------------


def configured() -> bool:
    return bool(settings.NCMEC_API_URL and settings.NCMEC_USERNAME)


def default_client() -> CyberTiplineClient:
    if not configured():
        raise InvalidTransition(NOT_CONFIGURED)
    try:
        return CyberTiplineClient(
            settings.NCMEC_API_URL,
            settings.NCMEC_USERNAME,
            settings.NCMEC_PASSWORD,
            settings.NCMEC_TIMEOUT_SECONDS,
        )
    except ValueError as error:
        raise InvalidTransition(str(error)) from None


# --- Preparing and reading -------------------------------------------------------------------


def prepare(
    report: Report,
    by,
    *,
    incident_type: str = "",
    include_description: bool = True,
    include_contact: bool = False,
    reporter: xml.Reporter | None = None,
    actor: Actor | None = None,
) -> CyberTip:
    """Build and validate the report's XML and keep it as a draft (replacing a draft
    not yet sent). Refuses while an earlier report of the case is open or finished."""
    if not (by.is_org_staff and by.organisation_id == report.organisation_id):
        raise PermissionDenied("Only staff of the organisation can prepare a CyberTipline report.")
    _refuse_joined(report)
    if incident_type and incident_type not in xml.enumeration("incidentType"):
        raise InvalidInput("Choose one of NCMEC's incident types.", "incident_type")
    contact = unseal_contact(report) if include_contact else ""
    if include_contact and not contact:
        raise InvalidInput(
            "The reporter left no contact details, or they have expired.", "include_contact"
        )
    try:
        text = xml.build(
            report,
            by,
            reporter=reporter,
            incident_type=incident_type,
            include_description=include_description,
            contact=contact,
        )
    except xml.NotReportable as error:
        raise InvalidInput(str(error), "incident_type") from None
    errors = xml.validate(text)
    if errors:
        raise InvalidReport(errors)
    with transaction.atomic():
        # Lock the case, so that two analysts preparing at once make one draft.
        report = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        current = latest(report)
        _refuse_while_live(current)
        tip = current if current and _replaceable(current) else CyberTip(report=report)
        tip.organisation_id = report.organisation_id
        tip.xml = sealing.seal(text.encode()).decode() if contact else text
        tip.contact_included = bool(contact)
        tip.state, tip.error, tip.attempt, tip.busy_since = TipState.DRAFT, "", "", None
        tip.created_by, tip.created_at = by, timezone.now()
        tip.save()
        record(
            _actor(by, actor),
            "cybertip.prepared",
            tip,
            reference=report.reference,
            incident_type=incident_type or xml.default_incident_type(report),
            description_included=include_description and bool(report.description),
            contact_included=bool(contact),
        )
    return tip


def latest(report: Report) -> CyberTip | None:
    return report.cybertips.order_by("-pk").first()


def _replaceable(tip: CyberTip) -> bool:
    """A draft, or a tip that failed before NCMEC opened it: nothing exists at NCMEC."""
    stopped = tip.state == TipState.BUSY and states.stale(tip)
    return (stopped or tip.state in (TipState.DRAFT, TipState.FAILED)) and not tip.ncmec_report_id


def _refuse_joined(report: Report) -> None:
    # A report of content already in an open case is told to NCMEC with that case.
    case = report.duplicate_of
    if case is not None:
        raise InvalidTransition(
            f"This report joined case {case.reference}: report that case to NCMEC instead."
        )


def _refuse_while_live(tip: CyberTip | None) -> None:
    if tip is None or tip.state == TipState.RETRACTED or _replaceable(tip) or states.expired(tip):
        return
    if tip.state == TipState.FINISHED:
        raise InvalidTransition(
            f"This case was reported to NCMEC as report {tip.ncmec_report_id} "
            f"on {tip.finished_at:%d %b %Y}."
        )
    if tip.state == TipState.BUSY and not states.stale(tip):
        raise InvalidTransition(states.BUSY_MESSAGE)
    raise InvalidTransition(
        f"NCMEC report {tip.ncmec_report_id} of this case is still open: "
        "finish or retract it first."
    )


def tip_xml(tip: CyberTip) -> str:
    """The report document as prepared (unsealed when it carries the reporter's contact)."""
    if tip.contact_included:
        return sealing.unseal(tip.xml.encode()).decode()
    return tip.xml


def download(tip: CyberTip, by, *, actor: Actor | None = None) -> str:
    """The report document, for staff to read or keep; every download is audited."""
    if not (by.is_org_staff and by.organisation_id == tip.organisation_id):
        raise PermissionDenied("Only staff of the organisation can read this report.")
    record(
        _actor(by, actor),
        "cybertip.downloaded",
        tip,
        reference=tip.report.reference,
        contact_included=tip.contact_included,
    )
    return tip_xml(tip)


# --- Sending -----------------------------------------------------------------------------------


def send(
    tip: CyberTip,
    by,
    *,
    upload_files: bool = True,
    client: CyberTiplineClient | None = None,
    actor: Actor | None = None,
) -> CyberTip:
    """Open the report at NCMEC and, when the organisation keeps evidence, upload each
    kept file with its details. The report is then OPEN until it is finished."""
    _require_supervisor(by, tip, "send")
    with _connected(client) as client:
        return _send(tip, by, client, upload_files, actor)


def _send(tip: CyberTip, by, client: CyberTiplineClient, upload_files: bool, actor) -> CyberTip:
    tip = _claim(tip, TipAction.SEND)
    skipped: list[int] = []
    try:
        if not tip.ncmec_report_id:
            tip.ncmec_report_id = client.submit(tip_xml(tip))
            tip.opened_at = timezone.now()
            # Saved at once: a retry after a later failure must not open a second report.
            tip.save(update_fields=["ncmec_report_id", "opened_at"])
        if upload_files and tip.report.organisation.evidence_retention:
            for item in _kept_files(tip.report):
                if not _send_file(client, tip, item):
                    skipped.append(item.pk)
    except Exception as error:
        _fail(tip, by, actor, error)
        raise
    with transaction.atomic():
        _settle(tip, TipState.OPEN)
        record(
            _actor(by, actor),
            "cybertip.sent",
            tip,
            reference=tip.report.reference,
            ncmec_report_id=tip.ncmec_report_id,
            files=sorted(tip.files),
            files_missing=skipped,
        )
    return tip


def finish(
    tip: CyberTip, by, *, client: CyberTiplineClient | None = None, actor: Actor | None = None
) -> CyberTip:
    """Complete the report at NCMEC. Once finished it can no longer be retracted."""
    _require_supervisor(by, tip, "finish")
    with _connected(client) as client:
        tip = _claim(tip, TipAction.FINISH)
        try:
            done = client.finish(tip.ncmec_report_id)
        except Exception as error:
            _fail(tip, by, actor, error)
            raise
    with transaction.atomic():
        tip.finished_at = timezone.now()
        _settle(tip, TipState.FINISHED, "finished_at")
        record(
            _actor(by, actor),
            "cybertip.finished",
            tip,
            reference=tip.report.reference,
            ncmec_report_id=tip.ncmec_report_id,
            ncmec_files=done.file_ids,
        )
    return tip


def retract(
    tip: CyberTip,
    by,
    reason: str,
    *,
    client: CyberTiplineClient | None = None,
    actor: Actor | None = None,
) -> CyberTip:
    """Cancel the report at NCMEC (only before it is finished), or discard a draft."""
    _require_supervisor(by, tip, "retract")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the report is being retracted.", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(f"Keep this under {REASON_MAX_LENGTH} characters.", "reason")
    with transaction.atomic():
        current = _locked(tip)
        if not current.ncmec_report_id:
            # Nothing exists at NCMEC: withdrawing the draft is all there is to do.
            _check(current, TipAction.RETRACT)
            return _retracted(current, by, actor, reason, at_ncmec=False)
    with _connected(client) as client:
        tip = _claim(tip, TipAction.RETRACT)
        try:
            client.retract(tip.ncmec_report_id)
        except Exception as error:
            _fail(tip, by, actor, error)
            raise
    with transaction.atomic():
        return _retracted(tip, by, actor, reason, at_ncmec=True)


@contextmanager
def _connected(client: CyberTiplineClient | None) -> Iterator[CyberTiplineClient]:
    """The client given (tests pass a fake's), or one made from the settings and closed
    afterwards. Made before the tip is claimed: without settings nothing changes."""
    if client is not None:
        yield client
        return
    with default_client() as made:
        yield made


def _retracted(tip: CyberTip, by, actor, reason: str, *, at_ncmec: bool) -> CyberTip:
    tip.retracted_at, tip.retract_reason = timezone.now(), reason
    _settle(tip, TipState.RETRACTED, "retracted_at", "retract_reason")
    record(
        _actor(by, actor),
        "cybertip.retracted",
        tip,
        reference=tip.report.reference,
        ncmec_report_id=tip.ncmec_report_id,
        at_ncmec=at_ncmec,
        reason=reason,
    )
    return tip


# --- Files ---------------------------------------------------------------------------------------


def _kept_files(report: Report):
    return (
        report.media.filter(status=MediaStatus.HASHED)
        .exclude(evidence_name="")
        .select_related("report__organisation", "report_url")
        .order_by("pk")
    )


def _send_file(client: CyberTiplineClient, tip: CyberTip, item: MediaItem) -> bool:
    """Upload one kept file and its details, unless a previous attempt did. False when
    the evidence is no longer there (the file stays described by its hashes)."""
    key = str(item.pk)
    sent = tip.files.get(key) or {}
    if not sent.get("file_id"):
        try:
            data = sealing.evidence_store().get(item.evidence_name)
        except FileNotFoundError:
            return False
        file_id = client.upload(tip.ncmec_report_id, _upload_name(tip, item), data)
        sent = tip.files[key] = {"file_id": file_id, "details": False}
        tip.save(update_fields=["files"])
    if not sent.get("details"):
        details = xml.build_file_details(
            item, report_id=tip.ncmec_report_id, file_id=sent["file_id"]
        )
        errors = xml.validate(details)
        if errors:
            raise CyberTiplineError(
                None, "The file details do not match NCMEC's schema: " + errors[0]
            )
        client.fileinfo(tip.ncmec_report_id, sent["file_id"], details)
        sent["details"] = True
        tip.save(update_fields=["files"])
    return True


def _upload_name(tip: CyberTip, item: MediaItem) -> str:
    # A neutral name: the reporter's own file name goes in the details as originalFileName.
    extension = mimetypes.guess_extension(item.content_type or "") or ""
    return f"{tip.report.reference}-{item.pk}{extension}"


# --- Claiming and settling ----------------------------------------------------------------


def _check(tip: CyberTip, action: str) -> None:
    reason = states.refusal(tip, action)
    if reason:
        raise InvalidTransition(reason)


def _claim(tip: CyberTip, action: str) -> CyberTip:
    """Mark the tip BUSY with `action`, if the action is allowed and no one else holds it."""
    with transaction.atomic():
        current = _locked(tip)
        _check(current, action)
        now = timezone.now()
        # Conditional on the state just read: of two requests at once, one wins.
        won = CyberTip.objects.filter(pk=current.pk, state=current.state).update(
            state=TipState.BUSY, attempt=action, busy_since=now
        )
        if not won:
            raise InvalidTransition(states.BUSY_MESSAGE)
        current.state, current.attempt, current.busy_since = TipState.BUSY, action, now
    return current


def _settle(tip: CyberTip, state: str, *fields: str) -> None:
    tip.state, tip.attempt, tip.busy_since, tip.error = state, "", None, ""
    tip.save(update_fields=["state", "attempt", "busy_since", "error", *fields])


def _fail(tip: CyberTip, by, actor, error: Exception) -> None:
    """Record the failure: state FAILED, the error kept, the audit row written. Then
    the caller re-raises: a CyberTiplineError as SendFailed, anything else as it is."""
    text = str(error) if isinstance(error, CyberTiplineError) else _unexpected(error)
    with transaction.atomic():
        tip.state, tip.error, tip.busy_since = TipState.FAILED, text, None
        tip.save(update_fields=["state", "error", "busy_since"])
        record(
            _actor(by, actor),
            "cybertip.failed",
            tip,
            reference=tip.report.reference,
            attempt=tip.attempt,
            ncmec_report_id=tip.ncmec_report_id,
            error=text,
        )
    if isinstance(error, CyberTiplineError):
        raise SendFailed(f"{text} Nothing was lost: try again when NCMEC answers.") from error


def _unexpected(error: Exception) -> str:
    return f"Haven stopped with an unexpected error ({type(error).__name__})."


def _locked(tip: CyberTip) -> CyberTip:
    return (
        CyberTip.objects.select_for_update(of=("self",))
        .select_related("report__organisation")
        .get(pk=tip.pk)
    )


def _require_supervisor(by, tip: CyberTip, verb: str) -> None:
    if not (by.is_supervisor and by.organisation_id == tip.organisation_id):
        raise PermissionDenied(f"Only supervisors can {verb} a CyberTipline report.")


def _actor(user, actor: Actor | None) -> Actor:
    return actor if actor is not None else Actor.for_user(user)


def prepare_refusal(report: Report, current: CyberTip | None) -> str:
    """Why a new report cannot be prepared for the case now, given its latest report
    to NCMEC (if any), or "" when it can."""
    try:
        _refuse_joined(report)
        _refuse_while_live(current)
    except InvalidTransition as refusal_:
        return refusal_.message
    return ""


def kept_file_count(report: Report) -> int:
    """How many files would be uploaded: only evidence the organisation keeps."""
    if not report.organisation.evidence_retention:
        return 0
    return _kept_files(report).count()
