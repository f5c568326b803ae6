"""The helpline statistics as CSV and JSON, for the report a helpline sends its network.

Both carry exactly what the page shows, suppression included: a count from 1 to 4 is
"<5", a count withheld so that such a count cannot be worked out from a total is "x",
and a median, percentile or share resting on fewer than 5 is "—" in the CSV and null in
the JSON, with the reason beside it. Nothing here identifies a child: no reference,
no date finer than the week, no free text but the organisation's district names.

CSV: one line per table cell ("long" form, which a spreadsheet pivots and a network's
tools read without knowing every table's shape):
`table, table_title, row, row_label, level, column, column_label, value, note`.
The headline figures come first (table `summary`). Text that a spreadsheet would take
for a formula is made inert, as in the other exports.
"""

import csv
from typing import TextIO

from haven.stats.helpline import Cell, HelplineFigures, Row, Table
from haven.stats.helpline_suppression import COMPLEMENT_TEXT, SMALL_TEXT, THRESHOLD
from haven.stats.removal_exports import cell as inert

CSV_COLUMNS = [
    "table",
    "table_title",
    "row",
    "row_label",
    "level",
    "column",
    "column_label",
    "value",
    "note",
]


def write_csv(figures: HelplineFigures, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    lines = 0
    for table in [figures.summary, *figures.tables]:
        for row in _rows(table):
            for column, value in zip(table.columns, row.cells, strict=True):
                writer.writerow(
                    [
                        table.key,
                        table.title,
                        inert(row.key),
                        inert(row.label),
                        row.level,
                        column.key,
                        column.label,
                        value.text,
                        value.note,
                    ]
                )
                lines += 1
    return lines


def _rows(table: Table) -> list[Row]:
    return [*table.rows, *([table.total] if table.total else [])]


def as_json(figures: HelplineFigures) -> dict:
    return {
        "date_from": figures.date_range.start.isoformat(),
        "date_to": figures.date_range.end.isoformat(),
        "computed_at": figures.computed_at.isoformat(timespec="seconds"),
        "target_minutes": figures.target_minutes,
        "suppression": {
            "threshold": THRESHOLD,
            "small": SMALL_TEXT,
            "complement": COMPLEMENT_TEXT,
            "rule": (
                f'Counts from 1 to {THRESHOLD - 1} are "{SMALL_TEXT}"; a count withheld so '
                f'that one of those cannot be worked out from a total is "{COMPLEMENT_TEXT}" '
                f"(it is {THRESHOLD} or more). Medians, percentiles and shares resting on "
                f"fewer than {THRESHOLD} are null."
            ),
        },
        "tables": [_table(t) for t in [figures.summary, *figures.tables]],
    }


def json_rows(document: dict) -> int:
    return sum(len(t["rows"]) + (1 if t["total"] else 0) for t in document["tables"])


def _table(table: Table) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "first_column": table.first_column,
        "note": table.note,
        "columns": [{"key": c.key, "label": c.label} for c in table.columns],
        "rows": [_row(table, row) for row in table.rows],
        "total": _row(table, table.total) if table.total else None,
    }


def _row(table: Table, row: Row) -> dict:
    found: dict = {"key": row.key, "label": row.label, "level": row.level}
    found["values"] = {c.key: _value(v) for c, v in zip(table.columns, row.cells, strict=True)}
    notes = {c.key: v.note for c, v in zip(table.columns, row.cells, strict=True) if v.note}
    if notes:
        found["notes"] = notes
    return found


def _value(value: Cell):
    return value.data
