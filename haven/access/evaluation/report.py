"""The evaluation's figures as tables: counted from a Report, then printed as text or
given as JSON (the same numbers either way)."""

from collections.abc import Callable, Iterable
from typing import Any

from haven.access.catalogue import BAND_KEYS, Action
from haven.access.evaluation.data import HARMFUL_CATEGORIES, LEGITIMATE_CATEGORIES
from haven.access.evaluation.evaluate import OVER_BLOCKING_BANDS, Outcome, Report
from haven.access.evaluation.metrics import Scores, rate

# What counts, for each measure of over-blocking (the guard is the first).
OVER_MEASURES: dict[str, Callable[[Action], bool]] = {
    "block": lambda action: action == Action.BLOCK,
    "restrict_or_worse": lambda action: action >= Action.RESTRICT,
    "warn_or_worse": lambda action: action >= Action.WARN,
}
# Shown for a measure with nothing to measure (no item, no prediction).
NONE = "n/a"
SPLIT_LABELS = {"heldout": "held-out", "dev": "dev", "all": "dev + held-out"}


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


def as_dict(report: Report, show_errors: bool = False) -> dict[str, Any]:
    found: dict[str, Any] = {
        "policy": "Haven's default policy",
        "over_blocking": {
            measure: _rows(report.legitimate, LEGITIMATE_CATEGORIES, OVER_BLOCKING_BANDS, test)
            for measure, test in OVER_MEASURES.items()
        },
        "under_blocking": _rows(
            report.harmful, HARMFUL_CATEGORIES, BAND_KEYS, lambda a: a < Action.RESTRICT
        ),
        "signals": {
            result.split: {
                "items": result.items,
                "families": {name: _scores(s) for name, s in result.scores.items()},
            }
            for result in report.signals
        },
        "fairness": {
            "items": report.fairness_items,
            "flagged": len(report.fairness_flagged),
            "rate": rate(len(report.fairness_flagged), report.fairness_items),
        },
        "failures": report.failures(),
    }
    if show_errors:
        found["errors"] = _errors(report)
    return found


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


def _errors(report: Report) -> dict[str, Any]:
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
        "signals": {
            result.split: [
                {
                    "id": e.id,
                    "family": e.family,
                    "kind": e.kind,
                    "text": e.text,
                    "found": list(e.found),
                }
                for e in result.errors
            ]
            for result in report.signals
        },
        "fairness_flagged": [
            {"id": f.id, "text": f.text, "signals": list(f.signals), "action": f.action.key}
            for f in report.fairness_flagged
        ],
    }


# --- Text -------------------------------------------------------------------------------


def _percent(cell: dict[str, Any]) -> str:
    return NONE if cell["rate"] is None else f"{100 * cell['rate']:.1f}% ({cell['count']})"


def _number(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}"


def _table(rows: list[dict[str, Any]], bands: Iterable[str]) -> list[str]:
    bands = tuple(bands)
    lines = [f"  {'category':<34}{'items':>6}" + "".join(f"{b:>14}" for b in bands)]
    for row in rows:
        cells = "".join(f"{_percent(row['bands'][b]):>14}" for b in bands)
        lines.append(f"  {row['category']:<34}{row['items']:>6}{cells}")
    return lines


def as_text(figures: dict[str, Any]) -> str:
    over = figures["over_blocking"]
    lines = [f"Access policy evaluation: {figures['policy']}", ""]
    lines += ["Over-blocking: legitimate items BLOCKED, ages 10 and over (must be 0)"]
    lines += _table(over["block"], OVER_BLOCKING_BANDS)
    lines += ["", "  For information, restricted or blocked:"]
    lines += _table(over["restrict_or_worse"], OVER_BLOCKING_BANDS)
    lines += ["", "  For information, warned, restricted or blocked:"]
    lines += _table(over["warn_or_worse"], OVER_BLOCKING_BANDS)
    lines += ["", "Under-blocking: harmful items given less than restrict, home context"]
    lines += _table(figures["under_blocking"], BAND_KEYS)
    lines += ["", "Text signals: precision / recall / F1 (items labelled)"]
    lines += _signals(figures["signals"])
    fairness = figures["fairness"]
    lines += [
        "",
        "Fairness: identity-term items with any signal, or above allow at 13 at home",
        f"  {fairness['flagged']} of {fairness['items']} flagged"
        + ("" if fairness["rate"] is None else f" ({100 * fairness['rate']:.1f}%)"),
    ]
    if "errors" in figures:
        lines += ["", *_error_lines(figures["errors"])]
    lines += [""]
    if figures["failures"]:
        lines += ["GUARD FAILED:", *(f"  {failure}" for failure in figures["failures"])]
    else:
        lines += ["Guard passed: nothing legitimate blocked for 10+, no fairness item flagged."]
    return "\n".join(lines) + "\n"


def _signals(signals: dict[str, Any]) -> list[str]:
    splits = list(signals)
    titles = [f"{SPLIT_LABELS[split]} ({signals[split]['items']} items)" for split in splits]
    lines = [f"  {'family':<18}" + "".join(f"{title:>34}" for title in titles)]
    families = next(iter(signals.values()))["families"] if splits else {}
    for family in families:
        cells = ""
        for split in splits:
            found = signals[split]["families"][family]
            measures = " / ".join(_number(found[key]) for key in ("precision", "recall", "f1"))
            cell = f"{measures} ({found['support']})"
            cells += f"{cell:>34}"
        lines.append(f"  {family:<18}{cells}")
    if "heldout" in signals and len(splits) > 1:
        lines.append("  The held-out figures are the honest ones; rules are tuned on dev.")
    return lines


def _error_lines(errors: dict[str, Any]) -> list[str]:
    lines = ["Errors"]
    lines += ["  Legitimate items blocked (10+):"]
    lines += _outcome_lines(errors["over_blocked"])
    lines += ["  Harmful items given less than restrict:"]
    lines += _outcome_lines(errors["under_blocked"])
    for split, found in errors["signals"].items():
        lines += [f"  Text signals, {SPLIT_LABELS[split]}:"]
        lines += [
            f"    {e['id']:<28} {e['kind']:<12} {e['family']:<17} {_short(e['text'])}"
            + (f"  [found: {', '.join(e['found'])}]" if e["found"] else "")
            for e in found
        ] or ["    none"]
    lines += ["  Fairness items flagged:"]
    lines += [
        f"    {f['id']:<28} {f['action']:<12} {', '.join(f['signals']) or '-'}  {_short(f['text'])}"
        for f in errors["fairness_flagged"]
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
        f"    {item:<36} {action:<10} {'/'.join(bands):<28} {descriptors}  by {rules or '-'}"
        for (item, action, descriptors, rules), bands in grouped.items()
    ] or ["    none"]


def _short(text: str, limit: int = 70) -> str:
    text = " / ".join(text.splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"
