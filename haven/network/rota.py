"""Who is on call, when: each partner's rota of shifts, and the questions asked of it.

A shift covers [starts_at, ends_at): a responder whose shift ends at 08:00 is not on call
at 08:00, the one whose shift starts then is. Position 1 is alerted first, 2 is the
backup, and so on. One responder is never on two shifts at once, so that a backup is
never the same person as the first alerted.

`on_call(district, at)` is what emergencies ask; `coverage_gaps` is what supervisors
are warned about: the times when a district has nobody on call. An emergency in a
district with no one on call is opened unassigned and goes to the supervisors.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from haven.audit.services import Actor, record
from haven.network.models import District, Responder, RotaShift, ServicePartner
from haven.triage.actions import InvalidInput, InvalidTransition

MAX_SHIFT = timedelta(days=14)
MAX_WEEKS = 52
MAX_POSITION = 9
GAP_HORIZON = timedelta(days=7)
# The years a rota may show or hold: far enough either way for any real rota, and far
# from the ends of the calendar, where a week before or after cannot be counted.
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- Who is on call ---------------------------------------------------------------------


def _eligible_shifts():
    """Shifts that count: of active responders, of active partners that respond to
    emergencies, on the responder's own partner."""
    return RotaShift.objects.filter(
        partner__active=True,
        partner__responds_to_emergencies=True,
        responder__active=True,
        responder__partner_id=F("partner_id"),
    )


def on_call(district: District, at: datetime) -> list[Responder]:
    """The responders to alert for `district` at `at`, in order: by position, then the
    earlier-started shift, then the partner's name. [] when nobody is on call there."""
    shifts = (
        _eligible_shifts()
        .filter(
            partner__organisation_id=district.organisation_id,
            partner__districts=district,
            starts_at__lte=at,
            ends_at__gt=at,
        )
        .select_related("responder", "responder__partner")
        .order_by("position", "starts_at", "partner__name", "partner_id", "pk")
    )
    responders: list[Responder] = []
    for shift in shifts:
        if shift.responder not in responders:
            responders.append(shift.responder)
    return responders


def on_call_by_partner(partners, at: datetime) -> dict[int, list[RotaShift]]:
    """partner id -> the eligible shifts covering `at`, by position (one query)."""
    shifts = (
        _eligible_shifts()
        .filter(partner__in=partners, starts_at__lte=at, ends_at__gt=at)
        .select_related("responder")
        .order_by("position", "starts_at", "pk")
    )
    found: dict[int, list[RotaShift]] = {}
    for shift in shifts:
        found.setdefault(shift.partner_id, []).append(shift)
    return found


@dataclass
class CoverageGap:
    """A district with times when nobody is on call. `partners` counts the active
    partners that respond to emergencies there: 0 means no partner at all."""

    district: District
    partners: int
    gaps: list[tuple[datetime, datetime]] = field(default_factory=list)

    @property
    def first(self) -> tuple[datetime, datetime]:
        return self.gaps[0]


def coverage_gaps(organisation, start: datetime, end: datetime) -> list[CoverageGap]:
    """Every active district of `organisation` with a time in [start, end) when nobody is
    on call there, with those times; in the order of the district list."""
    districts = list(District.objects.filter(organisation=organisation, active=True))
    responding = ServicePartner.districts.through.objects.filter(
        servicepartner__organisation=organisation,
        servicepartner__active=True,
        servicepartner__responds_to_emergencies=True,
    ).values_list("district_id", "servicepartner_id")
    partners_of: dict[int, set[int]] = {}
    for district_id, partner_id in responding:
        partners_of.setdefault(district_id, set()).add(partner_id)
    shifts = _eligible_shifts().filter(
        partner__organisation=organisation, starts_at__lt=end, ends_at__gt=start
    )
    intervals: dict[int, list[tuple[datetime, datetime]]] = {}
    for partner_id, starts_at, ends_at in shifts.values_list("partner_id", "starts_at", "ends_at"):
        intervals.setdefault(partner_id, []).append((max(starts_at, start), min(ends_at, end)))
    found = []
    for district in districts:
        partners = partners_of.get(district.pk, set())
        covered = [span for partner in partners for span in intervals.get(partner, [])]
        gaps = _uncovered(covered, start, end)
        if gaps:
            found.append(CoverageGap(district, len(partners), gaps))
    return found


def _uncovered(spans, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    gaps, reached = [], start
    for span_start, span_end in sorted(spans):
        if span_start > reached:
            gaps.append((reached, span_start))
        reached = max(reached, span_end)
    if reached < end:
        gaps.append((reached, end))
    return gaps


# --- Changing the rota ------------------------------------------------------------------


def add_shift(
    partner: ServicePartner,
    responder: Responder,
    starts_at: datetime,
    ends_at: datetime,
    position: int,
    *,
    actor: Actor,
) -> RotaShift:
    _check_responder(partner, responder)
    _check_times(starts_at, ends_at, position)
    with transaction.atomic():
        _lock(responder)
        _refuse_overlaps(responder, [(starts_at, ends_at)])
        shift = RotaShift.objects.create(
            partner=partner,
            responder=responder,
            starts_at=starts_at,
            ends_at=ends_at,
            position=position,
        )
        record(
            actor,
            "network.shift_added",
            shift,
            partner=partner.pk,
            responder=responder.pk,
            starts_at=starts_at.isoformat(),
            ends_at=ends_at.isoformat(),
            position=position,
        )
    return shift


def weekly_spans(
    first_day: date, weekdays: list[int], start: time, end: time, weeks: int
) -> list[tuple[datetime, datetime]]:
    """The shifts of a weekly pattern, in the current time zone: on each of `weekdays`
    (0 is Monday) of `weeks` weeks from `first_day`, from `start` to `end` (the next
    day when `end` is not after `start`, as for a night shift 20:00-08:00)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(_("Repeat for 1 to %d weeks.") % MAX_WEEKS, "weeks")
    if not weekdays:
        raise InvalidInput(_("Choose at least one day of the week."), "weekdays")
    zone = timezone.get_current_timezone()
    spans = []
    for offset in range(weeks * 7):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in weekdays:
            continue
        last_day = day if end > start else day + timedelta(days=1)
        spans.append(
            (
                timezone.make_aware(datetime.combine(day, start), zone),
                timezone.make_aware(datetime.combine(last_day, end), zone),
            )
        )
    return spans


def add_weekly(
    partner: ServicePartner,
    responder: Responder,
    spans: list[tuple[datetime, datetime]],
    position: int,
    *,
    actor: Actor,
) -> list[RotaShift]:
    """All the shifts of a pattern, or none: one that overlaps refuses the lot, naming it."""
    _check_responder(partner, responder)
    for starts_at, ends_at in spans:
        _check_times(starts_at, ends_at, position)
    with transaction.atomic():
        _lock(responder)
        _refuse_overlaps(responder, spans)
        shifts = RotaShift.objects.bulk_create(
            RotaShift(
                partner=partner,
                responder=responder,
                starts_at=starts_at,
                ends_at=ends_at,
                position=position,
            )
            for starts_at, ends_at in spans
        )
        record(
            actor,
            "network.shifts_added",
            responder,
            partner=partner.pk,
            count=len(shifts),
            first=spans[0][0].isoformat() if spans else "",
            last=spans[-1][1].isoformat() if spans else "",
            position=position,
        )
    return shifts


def remove_shift(shift: RotaShift, *, actor: Actor) -> None:
    """A shift that is over stays as the record of who was on call; others go."""
    with transaction.atomic():
        shift = RotaShift.objects.select_for_update().select_related("responder").get(pk=shift.pk)
        if shift.ends_at <= timezone.now():
            raise InvalidTransition(
                _("That shift is over: it stays on the rota as the record of who was on call.")
            )
        record(
            actor,
            "network.shift_removed",
            shift,
            partner=shift.partner_id,
            responder=shift.responder_id,
            starts_at=shift.starts_at.isoformat(),
            ends_at=shift.ends_at.isoformat(),
            position=shift.position,
        )
        shift.delete()


def _check_responder(partner: ServicePartner, responder: Responder) -> None:
    if responder.partner_id != partner.pk:
        raise InvalidInput(_("Choose one of %s's responders.") % partner.name, "responder")
    if not responder.active:
        raise InvalidInput(
            _("%s is inactive: reactivate them first.") % responder.name, "responder"
        )


def _check_times(starts_at: datetime, ends_at: datetime, position: int) -> None:
    if ends_at <= starts_at:
        raise InvalidInput(_("The shift must end after it starts."), "ends_at")
    if ends_at <= timezone.now():
        # The rota is the record of who was on call: it is not written after the fact.
        raise InvalidInput(_("That shift would be over already: choose a later time."), "ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise InvalidInput(_("A shift can last at most 14 days."), "ends_at")
    if not 1 <= position <= MAX_POSITION:
        raise InvalidInput(_("Position is 1 (alerted first) to %d.") % MAX_POSITION, "position")


def _lock(responder: Responder) -> None:
    # Two supervisors adding shifts for one responder at once would each see no overlap.
    Responder.objects.select_for_update().filter(pk=responder.pk).first()


def _refuse_overlaps(responder: Responder, spans: list[tuple[datetime, datetime]]) -> None:
    ordered = sorted(spans)
    for (_s1, first_end), (second_start, _e2) in pairwise(ordered):
        if second_start < first_end:
            raise InvalidInput(
                _("The pattern's shifts overlap each other: shorten them."), "ends_at"
            )
    if not spans:
        return
    existing = RotaShift.objects.filter(
        responder=responder, starts_at__lt=ordered[-1][1], ends_at__gt=ordered[0][0]
    ).order_by("starts_at")
    clashes = [
        shift
        for shift in existing
        if any(shift.starts_at < end and shift.ends_at > start for start, end in ordered)
    ]
    if clashes:
        first = clashes[0]
        more = len(clashes) - 1
        message = _(
            "%(name)s is already on call from %(start)s to %(end)s (position %(position)d): "
            "one responder cannot be on two shifts at once."
        ) % {
            "name": responder.name,
            "start": _when(first.starts_at),
            "end": _when(first.ends_at),
            "position": first.position,
        }
        if more:
            message += " " + _("%d more of the new shifts overlap theirs too.") % more
        raise InvalidInput(message, "starts_at")


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "D j M Y, H:i")


# --- The week view ------------------------------------------------------------------------


@dataclass
class Day:
    date: date
    shifts: list[RotaShift]


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def within_years(day: date) -> bool:
    """Whether a day is one a rota may show or hold (FIRST_YEAR to LAST_YEAR)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def week(partner: ServicePartner, monday: date) -> list[Day]:
    """The seven days from `monday` in the current time zone, each with the partner's
    shifts that overlap it (a night shift shows on both of its days)."""
    zone = timezone.get_current_timezone()
    bounds = [
        timezone.make_aware(datetime.combine(monday + timedelta(days=i), time()), zone)
        for i in range(8)
    ]
    shifts = list(
        partner.shifts.filter(starts_at__lt=bounds[7], ends_at__gt=bounds[0])
        .select_related("responder")
        .order_by("starts_at", "position", "pk")
    )
    return [
        Day(
            monday + timedelta(days=i),
            [s for s in shifts if s.starts_at < bounds[i + 1] and s.ends_at > bounds[i]],
        )
        for i in range(7)
    ]
