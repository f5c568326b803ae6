"""Changes to a helpline's districts: one at a time, or many pasted as "name, region" lines.

Districts are deactivated, never deleted: contacts, cases and emergencies keep pointing
at the district they happened in. A name may repeat in different regions (India has an
Aurangabad in Bihar and one in Maharashtra), not within one.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from haven.audit.services import Actor, record
from haven.network.models import District
from haven.triage.actions import InvalidInput, InvalidTransition

NAME_MAX = District._meta.get_field("name").max_length or 120
REGION_MAX = District._meta.get_field("region").max_length or 120
CODE_MAX = District._meta.get_field("code").max_length or 60
BULK_MAX_LINES = 2_000


def create_district(organisation, *, name: str, region: str = "", code: str = "", actor: Actor):
    name, region = _clean(name, region)
    with transaction.atomic():
        _refuse_duplicate(organisation.pk, name, region)
        district = District(organisation=organisation, name=name, region=region)
        district.code = (
            _chosen_code(organisation.pk, code)
            if code
            else _generated_code(organisation.pk, _code_for(name, region))
        )
        district.save()
        record(
            actor,
            "network.district_created",
            district,
            name=name,
            region=region,
            code=district.code,
        )
    return district


def update_district(district: District, *, name, region, code, active, actor: Actor):
    name, region = _clean(name, region)
    with transaction.atomic():
        district = District.objects.select_for_update().get(pk=district.pk)
        _refuse_duplicate(district.organisation_id, name, region, exclude=district.pk)
        before = _state(district)
        if code and slugify(code) != district.code:
            district.code = _chosen_code(district.organisation_id, code)
        district.name, district.region, district.active = name, region, active
        district.save()
        after = _state(district)
        changes = {key: [value, after[key]] for key, value in before.items() if value != after[key]}
        if changes:
            record(actor, "network.district_changed", district, name=name, changes=changes)
    return district


def deactivate_district(district: District, *, actor: Actor) -> District:
    with transaction.atomic():
        district = District.objects.select_for_update().get(pk=district.pk)
        if not district.active:
            raise InvalidTransition(_("%s is already inactive.") % district)
        district.active = False
        district.save(update_fields=["active"])
        record(actor, "network.district_deactivated", district, name=district.name)
    return district


# --- Pasting many -----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    number: int
    name: str
    region: str


@dataclass
class BulkResult:
    added: list[District]
    already_listed: list[Line]


class BadLines(InvalidInput):
    """Lines that cannot be added, each with its number and what is wrong with it."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__(_("Nothing was added: correct the lines below."), "lines")


def parse_lines(text: str) -> list[Line]:
    """The non-blank lines of `text` as (name, region), or BadLines naming each bad one.

    One district a line: "name, region", or just "name". A line with more than one comma
    is refused rather than guessed at, and so is a district named twice.
    """
    lines: list[Line] = []
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    rows = text.splitlines()
    if len(rows) > BULK_MAX_LINES:
        raise BadLines(
            [(BULK_MAX_LINES + 1, _("Paste at most %d lines at a time.") % BULK_MAX_LINES)]
        )
    for number, row in enumerate(rows, start=1):
        if not row.strip():
            continue
        parts = [" ".join(part.split()) for part in row.split(",")]
        problem = _line_problem(parts)
        if problem:
            problems.append((number, problem))
            continue
        line = Line(number, parts[0], parts[1] if len(parts) > 1 else "")
        key = _key(line.name, line.region)
        if key in seen:
            problems.append(
                (
                    number,
                    _("%(name)s is already on line %(line)d.")
                    % {"name": _label(line), "line": seen[key]},
                )
            )
            continue
        seen[key] = number
        lines.append(line)
    if problems:
        raise BadLines(problems)
    if not lines:
        raise BadLines(
            [(1, _("Paste at least one line: the district's name, a comma, its region."))]
        )
    return lines


def _line_problem(parts: list[str]) -> str:
    if len(parts) > 2:
        return _("Write one district a line as “name, region”: this line has more than one comma.")
    name, region = parts[0], parts[1] if len(parts) > 1 else ""
    if not name:
        return _("The district's name is missing before the comma.")
    if len(name) > NAME_MAX:
        return _("The name is longer than %d characters.") % NAME_MAX
    if len(region) > REGION_MAX:
        return _("The region is longer than %d characters.") % REGION_MAX
    if not slugify(name):
        return _("The name needs at least one letter or digit.")
    return ""


def add_districts(organisation, text: str, *, actor: Actor) -> BulkResult:
    """Add every district of `text` not listed yet; all of them or, if a line is bad,
    none (BadLines), so that a corrected paste can simply be sent again."""
    lines = parse_lines(text)
    with transaction.atomic():
        existing = {
            _key(name, region)
            for name, region in District.objects.filter(organisation=organisation).values_list(
                "name", "region"
            )
        }
        codes = set(
            District.objects.filter(organisation=organisation).values_list("code", flat=True)
        )
        added, already = [], []
        for line in lines:
            if _key(line.name, line.region) in existing:
                already.append(line)
                continue
            code = _free_code(_code_for(line.name, line.region), codes)
            codes.add(code)
            added.append(
                District(organisation=organisation, name=line.name, region=line.region, code=code)
            )
        District.objects.bulk_create(added)
        record(
            actor,
            "network.districts_added",
            organisation,
            added=[str(district) for district in added][:200],
            count=len(added),
            already_listed=len(already),
        )
    return BulkResult(added, already)


# --- Helpers ----------------------------------------------------------------------------


def _clean(name: str, region: str) -> tuple[str, str]:
    name, region = " ".join((name or "").split()), " ".join((region or "").split())
    if not name:
        raise InvalidInput(_("Give the district's name."), "name")
    if not slugify(name):
        raise InvalidInput(_("The name needs at least one letter or digit."), "name")
    return name[:NAME_MAX], region[:REGION_MAX]


def _key(name: str, region: str) -> tuple[str, str]:
    return name.casefold(), region.casefold()


def _label(line: Line) -> str:
    return f"{line.name}, {line.region}" if line.region else line.name


def _refuse_duplicate(organisation_id: int, name: str, region: str, exclude=None) -> None:
    same = District.objects.filter(
        organisation_id=organisation_id, name__iexact=name, region__iexact=region
    )
    if exclude is not None:
        same = same.exclude(pk=exclude)
    existing = same.first()
    if existing is not None:
        raise InvalidInput(_("%s is already in the list.") % existing, "name")


def _code_for(name: str, region: str) -> str:
    # The region in the code keeps two districts of one name apart, and says where it is.
    return slugify(f"{name} {region}" if region else name)[:CODE_MAX] or "district"


def _chosen_code(organisation_id: int, code: str) -> str:
    """A code someone typed: made a slug, and refused when another district has it."""
    chosen = slugify(code)[:CODE_MAX]
    if not chosen:
        raise InvalidInput(_("A code is letters, digits and hyphens, such as pune-mh."), "code")
    if District.objects.filter(organisation_id=organisation_id, code=chosen).exists():
        raise InvalidInput(_("Another district already has the code “%s”.") % chosen, "code")
    return chosen


def _generated_code(organisation_id: int, code: str) -> str:
    taken = District.objects.filter(organisation_id=organisation_id, code__startswith=code)
    return _free_code(code, set(taken.values_list("code", flat=True)))


def _free_code(code: str, taken: set[str]) -> str:
    candidate, number = code, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = code[: CODE_MAX - len(suffix)] + suffix
        number += 1
    return candidate


def _state(district: District) -> dict:
    return {
        "name": district.name,
        "region": district.region,
        "code": district.code,
        "active": district.active,
    }
