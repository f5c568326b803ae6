"""Contacts in the helpline statistics: by channel, area and sub-category, age band,
gender and who contacted, and the cross tables of area by age band and by gender.

A contact counts once in each area it is about and once in each sub-category; the
margins of the cross tables are the one-way tables' own counts (the same keys), so the
suppressor withholds a count in every table that shows it or in none."""

from collections import Counter
from dataclasses import dataclass

from haven.helpline import taxonomy
from haven.helpline.models import CallerType, Channel, Contact, Gender
from haven.stats.helpline_suppression import Suppressor
from haven.stats.helpline_tables import Column, RowSpec, TableSpec, choices_with, one_way
from haven.stats.services import DateRange

NO_CATEGORY = "none"
UNSPECIFIED = "unspecified"


@dataclass(frozen=True)
class _Contact:
    channel: str
    caller_type: str
    age_band: str
    gender: str
    areas: frozenset[str]
    codes: frozenset[str]


def contact_rows(organisation, date_range: DateRange) -> list[_Contact]:
    start, end = date_range.bounds()
    found = Contact.objects.filter(
        organisation=organisation, started_at__gte=start, started_at__lt=end
    ).values_list("channel", "caller_type", "child_age", "gender", "categories")
    rows = []
    for channel, caller_type, age, gender, categories in found:
        codes = frozenset(c for c in (categories or []) if isinstance(c, str) and c)
        rows.append(
            _Contact(
                channel,
                caller_type,
                taxonomy.age_band(age),
                gender,
                frozenset(taxonomy.area_of(c) for c in codes) or frozenset([NO_CATEGORY]),
                codes,
            )
        )
    return rows


CONTACTS = Column("contacts", "Contacts")
SEVERAL_CATEGORIES = (
    "A contact can be about several things, so the areas add up to more than the contacts."
)


def contact_tables(counts: Suppressor, organisation, date_range: DateRange) -> list[TableSpec]:
    rows = contact_rows(organisation, date_range)
    total = ("contacts",)
    counts.add(total, len(rows))
    everyone = (total, "All contacts")
    tally = {
        name: Counter(getattr(r, name) for r in rows)
        for name in ("channel", "caller_type", "age_band", "gender")
    }
    channels = choices_with(Channel.choices, tally["channel"])
    genders = choices_with(Gender.choices, tally["gender"])
    callers = choices_with(CallerType.choices, tally["caller_type"])
    bands = [(band, _band_label(band)) for band in taxonomy.AGE_BANDS]
    areas = _areas(rows)
    specs = [
        one_way(
            counts,
            "channel",
            "Contacts by channel",
            "Channel",
            CONTACTS,
            everyone,
            channels,
            tally["channel"],
        ),
        _areas_table(counts, rows, areas, everyone),
        one_way(
            counts,
            "age_band",
            "Contacts by the child's age",
            "Age band",
            CONTACTS,
            everyone,
            bands,
            tally["age_band"],
        ),
        one_way(
            counts,
            "gender",
            "Contacts by the child's gender",
            "Gender",
            CONTACTS,
            everyone,
            genders,
            tally["gender"],
        ),
        one_way(
            counts,
            "caller_type",
            "Contacts by who contacted",
            "Who contacted",
            CONTACTS,
            everyone,
            callers,
            tally["caller_type"],
        ),
    ]
    specs.append(
        _cross(counts, rows, areas, "age_band", bands, "Area by the child's age", "All ages")
    )
    specs.append(
        _cross(counts, rows, areas, "gender", genders, "Area by the child's gender", "All")
    )
    return specs


def _band_label(band: str) -> str:
    return "Not known" if band == "unknown" else band


def _areas(rows: list[_Contact]) -> list[tuple[str, str]]:
    seen = {area for row in rows for area in row.areas} - {NO_CATEGORY}
    known = [(code, str(label)) for code, label in taxonomy.AREAS.items()]
    areas = known + [(code, code) for code in sorted(seen - set(taxonomy.AREAS))]
    return [*areas, (NO_CATEGORY, "No category recorded")]


def _areas_table(
    counts: Suppressor, rows: list[_Contact], areas: list[tuple[str, str]], everyone
) -> TableSpec:
    """Each area, then its sub-categories. A contact counts once in an area however many
    of its sub-categories it has, and once in each sub-category it has."""
    by_area = Counter(area for row in rows for area in row.areas)
    by_code = Counter(code for row in rows for code in row.codes)
    # An area recorded without a sub-category (or an old code without a dot).
    unspecified = Counter(
        area for row in rows for area in row.areas if area != NO_CATEGORY and area in row.codes
    )
    specs: list[RowSpec] = []
    for area, label in areas:
        counts.add(("area", area), by_area[area])
        specs.append(RowSpec(area, label, [("area", area)]))
        if area == NO_CATEGORY:
            continue
        members = []
        codes = [c for c in taxonomy.CATEGORIES if "." in c and taxonomy.area_of(c) == area]
        codes += sorted(c for c in by_code if "." in c and taxonomy.area_of(c) == area)
        for code in dict.fromkeys(codes):
            counts.add(("code", code), by_code[code])
            specs.append(RowSpec(code, taxonomy.label(code), [("code", code)], level=1))
            members.append(("code", code))
        counts.add(("unspecified", area), unspecified[area])
        specs.append(
            RowSpec(f"{area}.{UNSPECIFIED}", "Not further specified", [("unspecified", area)], 1)
        )
        members.append(("unspecified", area))
        # A contact with two sub-categories of an area counts once in the area, so the
        # sub-categories can add up to more; treated as a sum all the same, to be safe.
        counts.line(("area", area), members)
    counts.line(everyone[0], [("area", area) for area, _ in areas])
    return TableSpec(
        "area",
        "Contacts by what they were about",
        "Area and sub-category",
        [CONTACTS],
        specs,
        RowSpec("all", everyone[1], [everyone[0]]),
        SEVERAL_CATEGORIES,
    )


def _cross(
    counts: Suppressor,
    rows: list[_Contact],
    areas: list[tuple[str, str]],
    dimension: str,
    columns: list[tuple[str, str]],
    title: str,
    all_label: str,
) -> TableSpec:
    """Areas down, the dimension across; the margins are the one-way tables' counts."""
    tally = Counter((area, getattr(row, dimension)) for row in rows for area in row.areas)
    key = f"area_{dimension}"
    specs = []
    for area, label in areas:
        cells = [(key, area, code) for code, _ in columns]
        for cell, (code, _) in zip(cells, columns, strict=True):
            counts.add(cell, tally[(area, code)])
        counts.line(("area", area), cells)
        specs.append(RowSpec(area, label, [*cells, ("area", area)]))
    for code, _ in columns:
        counts.line((dimension, code), [(key, area, code) for area, _ in areas])
    return TableSpec(
        key,
        title,
        "Area",
        [Column(code, label) for code, label in columns] + [Column("all", all_label)],
        specs,
        RowSpec("all", "All contacts", [*((dimension, c) for c, _ in columns), ("contacts",)]),
        SEVERAL_CATEGORIES,
    )
