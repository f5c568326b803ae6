"""The evaluation's figures as tables: counted from the Reports of each split, then
printed as text, as Markdown (for docs/access-evaluation.md) or given as JSON — the same
numbers every way. Held-out comes first wherever both are shown: it is the honest figure."""

import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from haven.access.catalogue import BAND_KEYS, Action
from haven.access.evaluation.data import (
    FAIRNESS_GROUPS,
    HARMFUL_CATEGORIES,
    LEGITIMATE_CATEGORIES,
)
from haven.access.evaluation.evaluate import (
    OVER_BLOCKING_BANDS,
    SPLIT_LABELS,
    Judged,
    Outcome,
    Report,
)
from haven.access.evaluation.metrics import Scores, rate

# What counts, for each measure of over-blocking (the guard is the first).
OVER_MEASURES: dict[str, Callable[[Action], bool]] = {
    "block": lambda action: action == Action.BLOCK,
    "restrict_or_worse": lambda action: action >= Action.RESTRICT,
    "warn_or_worse": lambda action: action >= Action.WARN,
}
# Shown for a measure with nothing to measure (no item, no prediction).
NONE = "n/a"
HONEST = (
    "Held-out figures come first: they are the honest ones, on sets no one writing\n"
    "signals or policy rules reads. Rules may be tuned on the dev sets."
)


def _rows(
    outcomes: list[Outcome],
    categories: Iterable[str],
    bands: Iterable[str],
    counts: Callable[[Action], bool],
) -> list[dict[str, Any]]:
    """One row for all items, then one a category: per band, how many items `counts`."""
    rows = []
    for category in ("all", *categories):
        chosen = [o for o in outcomes if category in ("all", o.category)]
        items = len({o.id for o in chosen})
        cells = {}
        for band in bands:
            count = sum(counts(o.action) for o in chosen if o.band == band)
            cells[band] = {"count": count, "rate": rate(count, items)}
        rows.append({"category": category, "items": items, "bands": cells})
    return rows


def as_dict(
    reports: list[Report], failures: list[str], show_errors: bool = False
) -> dict[str, Any]:
    """The figures of `reports` (held-out first), and the guard `failures` of every set."""
    found: dict[str, Any] = {
        "policy": "Haven's default policy",
        "splits": [report.split for report in reports],
        "sets": {report.split: _sets(report) for report in reports},
        "over_blocking": {
            measure: {
                report.split: _rows(
                    report.legitimate, LEGITIMATE_CATEGORIES, OVER_BLOCKING_BANDS, test
                )
                for report in reports
            }
            for measure, test in OVER_MEASURES.items()
        },
        "under_blocking": {
            report.split: _rows(
                report.harmful, HARMFUL_CATEGORIES, BAND_KEYS, lambda a: a < Action.RESTRICT
            )
            for report in reports
        },
        "signals": {
            report.split: {
                "items": report.signals.items,
                "families": {name: _scores(s) for name, s in report.signals.scores.items()},
            }
            for report in reports
        },
        "fairness": {report.split: _fairness(report.fairness) for report in reports},
        "failures": failures,
    }
    if show_errors:
        found["errors"] = {report.split: _errors(report) for report in reports}
    return found


def _sets(report: Report) -> dict[str, Any]:
    return {
        "legitimate": len({o.id for o in report.legitimate}),
        "harmful": len({o.id for o in report.harmful}),
        "signals": report.signals.items,
        "fairness": len(report.fairness),
        "counted_as_dev": list(report.counted_as_dev),
    }


def _scores(scores: Scores) -> dict[str, Any]:
    return {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "support": scores.support,
        "true_positives": scores.true_positives,
        "false_positives": scores.false_positives,
        "false_negatives": scores.false_negatives,
    }


def _fairness(judged: list[Judged]) -> dict[str, Any]:
    flagged = sum(j.flagged for j in judged)
    groups = {
        group: {
            "items": sum(j.group == group for j in judged),
            "flagged": sum(j.group == group and j.flagged for j in judged),
        }
        for group in FAIRNESS_GROUPS
    }
    return {
        "items": len(judged),
        "flagged": flagged,
        "rate": rate(flagged, len(judged)),
        "groups": groups,
    }


def _errors(report: Report) -> dict[str, Any]:
    """Every item got wrong. Texts are given for dev items only: held-out texts are not
    printed, so that whoever runs this while writing rules does not read them."""
    texts = report.split == "dev"

    def outcome(o: Outcome) -> dict[str, Any]:
        return {
            "id": o.id,
            "band": o.band,
            "action": o.action.key,
            "descriptors": o.descriptors,
            "rules": list(o.rules),
        }

    return {
        "over_blocked": [outcome(o) for o in report.over_blocked()],
        "under_blocked": [outcome(o) for o in report.under_blocked()],
        "signals": [
            {
                "id": e.id,
                "family": e.family,
                "kind": e.kind,
                "found": list(e.found),
                **({"text": e.text} if texts else {}),
            }
            for e in report.signals.errors
        ],
        "fairness_flagged": [
            {
                "id": j.id,
                "group": j.group,
                "signals": list(j.signals),
                "action": j.action.key,
                **({"text": j.text} if texts else {}),
            }
            for j in report.fairness_flagged()
        ],
    }


# --- Tables, as text or Markdown ------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    left: int = 1  # how many columns, from the first, hold words rather than numbers


OVER_TITLES = {
    "block": "Over-blocking: legitimate items BLOCKED, ages 10 and over (the guard: must be 0)",
    "restrict_or_worse": "For information: legitimate items restricted or blocked, ages 10+",
    "warn_or_worse": "For information: legitimate items warned, restricted or blocked, ages 10+",
}


def tables(figures: dict[str, Any]) -> list[Table]:
    """Every table the command prints, built from the figures (as_dict)."""
    splits = figures["splits"]
    return [
        _sets_table(figures),
        *(
            _band_table(
                OVER_TITLES[measure],
                figures["over_blocking"][measure],
                splits,
                OVER_BLOCKING_BANDS,
            )
            for measure in OVER_MEASURES
        ),
        _band_table(
            "Under-blocking: harmful items given less than restrict, home context",
            figures["under_blocking"],
            splits,
            BAND_KEYS,
        ),
        _signals_table(figures["signals"], splits),
        _fairness_table(figures["fairness"], splits),
    ]


def _label(split: str) -> str:
    return SPLIT_LABELS[split]


def _percent(cell: dict[str, Any]) -> str:
    return NONE if cell["rate"] is None else f"{100 * cell['rate']:.1f}% ({cell['count']})"


def _number(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def _sets_table(figures: dict[str, Any]) -> Table:
    kinds = ("legitimate", "harmful", "signals", "fairness")
    rows = tuple(
        (_label(split), *(str(figures["sets"][split][kind]) for kind in kinds))
        for split in figures["splits"]
    )
    return Table("Sets: items in each", ("set", *kinds), rows)


def _band_table(
    title: str, by_split: dict[str, list[dict[str, Any]]], splits: list[str], bands: Iterable[str]
) -> Table:
    """One row a category and split, the splits of a category together (held-out first)."""
    bands = tuple(bands)
    rows = []
    first = by_split[splits[0]]
    for index, category_row in enumerate(first):
        for n, split in enumerate(splits):
            row = by_split[split][index]
            rows.append(
                (
                    category_row["category"] if n == 0 else "",
                    _label(split),
                    str(row["items"]),
                    *(_percent(row["bands"][band]) for band in bands),
                )
            )
    return Table(title, ("category", "set", "items", *bands), tuple(rows), left=2)


def _signals_table(signals: dict[str, Any], splits: list[str]) -> Table:
    header = ["family"]
    for split in splits:
        header += [f"{_label(split)} ({signals[split]['items']}) P", "R", "F1", "n"]
    rows = []
    for family in next(iter(signals.values()))["families"]:
        row = [family]
        for split in splits:
            found = signals[split]["families"][family]
            row += [_number(found[key]) for key in ("precision", "recall", "f1")]
            row.append(str(found["support"]))
        rows.append(tuple(row))
    return Table(
        "Text signals: precision, recall, F1 and items labelled (n)",
        tuple(header),
        tuple(rows),
    )


def _fairness_table(fairness: dict[str, Any], splits: list[str]) -> Table:
    def cell(found: dict[str, Any]) -> str:
        return f"{found['flagged']} of {found['items']}" if found["items"] else "-"

    rows = [("all", *(cell(fairness[split]) for split in splits))]
    for group in FAIRNESS_GROUPS:
        if any(fairness[split]["groups"][group]["items"] for split in splits):
            rows.append((group, *(cell(fairness[split]["groups"][group]) for split in splits)))
    return Table(
        "Fairness: identity-term items flagged (any signal, or above allow at 13 at home; "
        "must be 0)",
        ("group", *(_label(split) for split in splits)),
        tuple(rows),
    )


def _text_table(table: Table) -> list[str]:
    widths = [
        max(len(cell) for cell in column) for column in zip(table.header, *table.rows, strict=True)
    ]

    def line(cells: tuple[str, ...]) -> str:
        return (
            "  "
            + "  ".join(
                cell.ljust(width) if n < table.left else cell.rjust(width)
                for n, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )

    return [table.title, line(table.header), *(line(row) for row in table.rows)]


def _markdown_table(table: Table) -> list[str]:
    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    rows = [(f"**{row[0]}**" if row[0] == "all" else row[0], *row[1:]) for row in table.rows]
    return [
        f"**{table.title}**",
        "",
        line(table.header),
        line("---" if n < table.left else "---:" for n in range(len(table.header))),
        *(line(row) for row in rows),
    ]


def _verdict(figures: dict[str, Any]) -> list[str]:
    if figures["failures"]:
        return ["GUARD FAILED:", *(f"  {failure}" for failure in figures["failures"])]
    return ["Guard passed: nothing legitimate blocked for 10+, no fairness item flagged."]


def _counted_as_dev(figures: dict[str, Any]) -> list[str]:
    moved = [i for split in figures["splits"] for i in figures["sets"][split]["counted_as_dev"]]
    if not moved:
        return []
    return [
        f"{len(moved)} held-out items are counted as dev: a dev file holds the same text, or "
        f"people writing rules have seen it (data.EXPOSED): {', '.join(moved)}."
    ]


def as_text(figures: dict[str, Any]) -> str:
    lines = [f"Access policy evaluation: {figures['policy']}"]
    if "heldout" in figures["splits"]:
        lines.append(HONEST)
    lines += [
        wrapped
        for line in _counted_as_dev(figures)
        for wrapped in textwrap.wrap(line, 88, break_on_hyphens=False)
    ]
    for table in tables(figures):
        lines += ["", *_text_table(table)]
    if "errors" in figures:
        lines += ["", *_error_lines(figures["errors"])]
    lines += ["", *_verdict(figures)]
    return "\n".join(lines) + "\n"


def as_markdown(figures: dict[str, Any]) -> str:
    """The tables in Markdown, ready to paste into docs/access-evaluation.md."""
    lines = []
    measured = figures.get("measured")
    if measured:
        lines += [
            f"Measured {measured['at']} on {measured['machine']}, Python "
            f"{measured['python']}, in {measured['seconds']:.1f} s, by "
            "`haven access evaluate --markdown`.",
            "",
        ]
    if "heldout" in figures["splits"]:
        lines += [HONEST, ""]
    moved = _counted_as_dev(figures)
    lines += [*moved, ""] if moved else []
    for table in tables(figures):
        lines += [*_markdown_table(table), ""]
    verdict = _verdict(figures)
    if figures["failures"]:
        lines += ["**Guard failed:**", "", *(f"- {failure}" for failure in figures["failures"])]
    else:
        lines += [f"**{verdict[0]}**"]
    if "errors" in figures:
        lines += ["", "```", *_error_lines(figures["errors"]), "```"]
    return "\n".join(lines) + "\n"


def _error_lines(errors: dict[str, Any]) -> list[str]:
    lines = ["Errors (texts shown for dev items only)"]
    for split, found in errors.items():
        label = _label(split)
        lines += [f"  Legitimate items blocked (10+), {label}:"]
        lines += _outcome_lines(found["over_blocked"])
        lines += [f"  Harmful items given less than restrict, {label}:"]
        lines += _outcome_lines(found["under_blocked"])
        lines += [f"  Text signals, {label}:"]
        lines += [
            f"    {e['id']:<28} {e['kind']:<12} {e['family']:<17}"
            + (f" {_short(e['text'])}" if "text" in e else "")
            + (f"  [found: {', '.join(e['found'])}]" if e["found"] else "")
            for e in found["signals"]
        ] or ["    none"]
        lines += [f"  Fairness items flagged, {label}:"]
        lines += [
            f"    {f['id']:<28} {f['group']:<18} {f['action']:<12} {', '.join(f['signals']) or '-'}"
            + (f"  {_short(f['text'])}" if "text" in f else "")
            for f in found["fairness_flagged"]
        ] or ["    none"]
    return lines


def _outcome_lines(outcomes: list[dict[str, Any]]) -> list[str]:
    """One line an item and outcome: the bands that got the same action, descriptors
    and decisive rules share it."""
    grouped: dict[tuple, list[str]] = {}
    for o in outcomes:
        descriptors = ", ".join(f"{k}={v}" for k, v in o["descriptors"].items())
        key = (o["id"], o["action"], descriptors or "no descriptors", ", ".join(o["rules"]))
        grouped.setdefault(key, []).append(o["band"])
    return [
        f"    {item:<30} {action:<19} {'/'.join(bands):<28} {descriptors}  by {rules or '-'}"
        for (item, action, descriptors, rules), bands in grouped.items()
    ] or ["    none"]


def _short(text: str, limit: int = 70) -> str:
    text = " / ".join(text.splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"
