"""The evaluation sets: where they live, their shapes, the split rule, and a check that
the files are well formed (the tests run it; a malformed file would make every figure
meaningless)."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haven.access.catalogue import CONTEXT_KEYS, is_valid_level

DATA_DIR = Path(__file__).resolve().parent / "data"

SIGNAL_FAMILIES = ("grooming", "self_harm_intent", "bullying", "threat")
SPLITS = ("dev", "heldout")
LEGITIMATE_CATEGORIES = (
    "sex_education",
    "lgbtq_support",
    "self_harm_recovery_and_helplines",
    "drug_education",
    "history_of_extremism",
    "news_of_violence",
    "art_with_nudity",
    "health_information",
)
HARMFUL_CATEGORIES = (
    "pornography",
    "self_harm_promotion",
    "self_harm_instructions",
    "eating_disorder_promotion",
    "inciting_hate",
    "glamorised_drugs",
    "gore",
    "dangerous_challenges",
    "grooming_messages",
    "real_money_gambling",
)
# The least each file must hold for its figures to mean something.
MINIMUM_ITEMS = {
    "signals_dev.jsonl": 250,
    "signals_heldout.jsonl": 250,
    "fairness.jsonl": 80,
    "legitimate.jsonl": 120,
    "harmful.jsonl": 100,
}
MINIMUM_PER_CATEGORY = {"legitimate.jsonl": 15, "harmful.jsonl": 10}
MINIMUM_AT_HOME = 3


@dataclass(frozen=True)
class TextItem:
    """A message or a few, with the signal families a person labelled in it."""

    id: str
    text: str
    labels: frozenset[str]
    note: str = ""


@dataclass(frozen=True)
class PageItem:
    """A short page snippet, the context it is seen in, and what a platform declares."""

    id: str
    category: str
    title: str
    text: str
    context: str
    descriptors: dict[str, str] = field(default_factory=dict)


def split_of(item_id: str) -> str:
    """The split an item belongs to, from its id alone: held-out when the SHA-256 of
    the id is odd. Looking at neither text nor labels, it cannot be steered."""
    digest = hashlib.sha256(item_id.encode()).hexdigest()
    return SPLITS[int(digest, 16) % 2]


def read_jsonl(name: str) -> list[dict[str, Any]]:
    with open(DATA_DIR / name, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_signals(split: str) -> list[TextItem]:
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}")
    return [_text_item(row) for row in read_jsonl(f"signals_{split}.jsonl")]


def load_fairness() -> list[TextItem]:
    return [_text_item(row) for row in read_jsonl("fairness.jsonl")]


def load_legitimate() -> list[PageItem]:
    return [_page_item(row) for row in read_jsonl("legitimate.jsonl")]


def load_harmful() -> list[PageItem]:
    return [_page_item(row) for row in read_jsonl("harmful.jsonl")]


def _text_item(row: dict[str, Any]) -> TextItem:
    return TextItem(row["id"], row["text"], frozenset(row["labels"]), row.get("note", ""))


def _page_item(row: dict[str, Any]) -> PageItem:
    return PageItem(
        row["id"],
        row["category"],
        row["title"],
        row["text"],
        row["context"],
        dict(row.get("descriptors", {})),
    )


# --- Checking the files ------------------------------------------------------------------


def problems() -> list[str]:
    """Everything wrong with the data files, one sentence each; empty when all is well."""
    found: list[str] = []
    seen: set[str] = set()
    for name in MINIMUM_ITEMS:
        try:
            rows = read_jsonl(name)
        except (OSError, ValueError) as exc:
            found.append(f"{name}: cannot be read ({exc})")
            continue
        if len(rows) < MINIMUM_ITEMS[name]:
            found.append(f"{name}: {len(rows)} items, fewer than {MINIMUM_ITEMS[name]}")
        check = _check_page if name in MINIMUM_PER_CATEGORY else _check_text
        for row in rows:
            where = f"{name}: {row.get('id', '?')}"
            if row.get("id") in seen:
                found.append(f"{where}: the id is used twice")
            seen.add(row.get("id", ""))
            found += [f"{where}: {problem}" for problem in check(name, row)]
        if name in MINIMUM_PER_CATEGORY:
            found += _check_categories(name, rows)
    return found


def _check_text(name: str, row: dict[str, Any]) -> list[str]:
    found = _check_keys(row, {"id", "text", "labels"}, {"note", "group", "must_not_flag"})
    if not isinstance(row.get("text"), str) or not row.get("text", "").strip():
        found.append("the text is empty")
    labels = row.get("labels")
    if not isinstance(labels, list) or not set(labels) <= set(SIGNAL_FAMILIES):
        found.append(f"labels must be a list of {', '.join(SIGNAL_FAMILIES)}")
    elif len(set(labels)) != len(labels):
        found.append("a label is repeated")
    if name.startswith("signals_"):
        expected = name.removeprefix("signals_").removesuffix(".jsonl")
        if split_of(str(row.get("id"))) != expected:
            found.append(f"the split rule puts it in signals_{split_of(row['id'])}.jsonl")
    if name == "fairness.jsonl" and (labels or row.get("must_not_flag") is not True):
        found.append('a fairness item has no labels and "must_not_flag": true')
    return found


def _check_page(name: str, row: dict[str, Any]) -> list[str]:
    found = _check_keys(row, {"id", "category", "title", "text", "context"}, {"descriptors"})
    categories = LEGITIMATE_CATEGORIES if name == "legitimate.jsonl" else HARMFUL_CATEGORIES
    if row.get("category") not in categories:
        found.append(f"unknown category {row.get('category')!r}")
    if row.get("context") not in CONTEXT_KEYS:
        found.append(f"unknown context {row.get('context')!r}")
    if name == "harmful.jsonl" and row.get("context") != "home":
        found.append("harmful items are judged in the home context")
    if not str(row.get("text", "")).strip():
        found.append("the text is empty")
    descriptors = row.get("descriptors", {})
    if not isinstance(descriptors, dict) or ("descriptors" in row and not descriptors):
        found.append("descriptors must be a non-empty object when present")
    else:
        found += [
            f"{key}={level} is not in the catalogue"
            for key, level in descriptors.items()
            if not is_valid_level(key, level)
        ]
    return found


def _check_keys(row: dict[str, Any], required: set[str], optional: set[str]) -> list[str]:
    found = [f"{key!r} is missing" for key in sorted(required - row.keys())]
    found += [f"unknown key {key!r}" for key in sorted(row.keys() - required - optional)]
    return found


def _check_categories(name: str, rows: list[dict[str, Any]]) -> list[str]:
    found = []
    categories = LEGITIMATE_CATEGORIES if name == "legitimate.jsonl" else HARMFUL_CATEGORIES
    for category in categories:
        count = sum(row.get("category") == category for row in rows)
        if count < MINIMUM_PER_CATEGORY[name]:
            found.append(f"{name}: {category} has {count} items")
        at_home = sum(
            row.get("category") == category and row.get("context") == "home" for row in rows
        )
        # Legitimate content must pass on its own, not only thanks to a protective context.
        if at_home < MINIMUM_AT_HOME:
            found.append(f"{name}: {category} has {at_home} items in the home context")
    text_only = sum(not row.get("descriptors") for row in rows)
    share = 1 / 3 if name == "legitimate.jsonl" else 1 / 2
    if text_only < share * len(rows):
        found.append(f"{name}: only {text_only} items without declared descriptors")
    return found
