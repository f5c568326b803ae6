"""The building blocks of the helpline statistics' tables: cells (a suppressed count,
a median or percentile, a share), tables of rows and columns, and the specifications a
table is written as before the suppressor has decided what may be shown."""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from haven.stats.helpline_suppression import SMALL, THRESHOLD, Count, Key, Suppressor
from haven.stats.services import percentile

FEWER_THAN_5 = "fewer than 5"
WITHHELD = "withheld"


# --- Cells: what one table cell says -------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """A median or percentile: not shown when it rests on fewer than 5 records."""

    value: float | None
    rests_on: int

    @classmethod
    def of(cls, ordered: list[float], fraction: float) -> "Measure":
        if len(ordered) < THRESHOLD:
            return cls(None, len(ordered))
        return cls(percentile(ordered, fraction), len(ordered))

    @property
    def text(self) -> str:
        return "—" if self.value is None else f"{self.value:.1f}"

    @property
    def data(self) -> float | None:
        return None if self.value is None else round(self.value, 1)

    @property
    def note(self) -> str:
        return FEWER_THAN_5 if self.value is None else ""

    @property
    def withheld(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Share:
    """Emergencies reached within the target, of those that can be judged.

    Exact when the counts it rests on are published; a bound ("at least 66%") when one of
    them is a "<5" and the rest are published; otherwise not shown, since an exact share
    of a published total would give the withheld count away."""

    text: str
    data: float | str | None
    note: str = ""
    value: float | None = None  # exact share, for the chart

    @property
    def withheld(self) -> bool:
        return self.value is None


Cell = Count | Measure | Share


def share_of(within: Count, missed: Count, emergencies: Count, pending: Count) -> Share:
    judged = within.value + missed.value
    if judged < THRESHOLD:
        return Share("—", None, FEWER_THAN_5)
    if not within.withheld and not missed.withheld:
        share = within.value / judged
        return Share(f"{share:.0%}", round(share, 4), value=share)
    # Without the total and the pending, the judged count itself is unknown: a bound
    # worked out from it would tell it.
    if not emergencies.withheld and not pending.withheld:
        if missed.state == SMALL:
            bound = math.floor(100 * (judged - (THRESHOLD - 1)) / judged)
            return Share(f"at least {bound}%", f"at least {bound}%", "a count under 5 is missed")
        if within.state == SMALL:
            bound = math.ceil(100 * (THRESHOLD - 1) / judged)
            return Share(f"at most {bound}%", f"at most {bound}%", "a count under 5 is within")
    return Share("—", None, WITHHELD)


# --- Tables ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]
    # 1 for a sub-category under its area.
    level: int = 0

    @property
    def is_zero(self) -> bool:
        return all(isinstance(c, Count) and c.value == 0 for c in self.cells)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    first_column: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None
    note: str = ""


# What a table's cell will be, once the suppressor has decided: a count's key, a share
# of four counts' keys, or a ready measure.
@dataclass(frozen=True)
class ShareOf:
    within: Key
    missed: Key
    emergencies: Key
    pending: Key


CellSpec = Key | ShareOf | Measure


@dataclass
class RowSpec:
    key: str
    label: str
    cells: list[CellSpec]
    level: int = 0


@dataclass
class TableSpec:
    key: str
    title: str
    first_column: str
    columns: list[Column]
    rows: list[RowSpec]
    total: RowSpec | None = None
    note: str = ""

    def build(self, counts: Suppressor) -> Table:
        return Table(
            self.key,
            self.title,
            self.first_column,
            tuple(self.columns),
            tuple(_built_row(spec, counts) for spec in self.rows),
            _built_row(self.total, counts) if self.total else None,
            self.note,
        )


def _built_row(spec: RowSpec, counts: Suppressor) -> Row:
    return Row(spec.key, spec.label, tuple(resolve(c, counts) for c in spec.cells), spec.level)


def resolve(spec: CellSpec, counts: Suppressor) -> Cell:
    if isinstance(spec, Measure):
        return spec
    if isinstance(spec, ShareOf):
        return share_of(
            counts.count(spec.within),
            counts.count(spec.missed),
            counts.count(spec.emergencies),
            counts.count(spec.pending),
        )
    return counts.count(spec)


def choices_with(
    values: Iterable[tuple[str, object]], seen: Iterable[str]
) -> list[tuple[str, str]]:
    """The known codes in their order, then any stored code no longer among them."""
    known = [(code, str(label)) for code, label in values]
    codes = {code for code, _ in known}
    return known + [(code, code) for code in sorted(set(seen) - codes)]


def one_way(
    counts: Suppressor,
    key: str,
    title: str,
    first_column: str,
    column: Column,
    total: tuple[Key, str],
    items: list[tuple[str, str]],
    tally: Counter,
    note: str = "",
) -> TableSpec:
    rows = []
    for code, label in items:
        counts.add((key, code), tally[code])
        rows.append(RowSpec(code, label, [(key, code)]))
    counts.line(total[0], [(key, code) for code, _ in items])
    return TableSpec(
        key,
        title,
        first_column,
        [column],
        rows,
        RowSpec("all", total[1], [total[0]]),
        note,
    )
