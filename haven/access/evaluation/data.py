"""The evaluation sets: the files, the role each plays (dev or held-out), their shapes,
the split rule, and a check that the files are well formed (the tests run it; a
malformed file would make every figure meaningless).

Every file has one role. Dev files may be read, and rules tuned on them; held-out files
are never read by anyone writing signals or policy rules, so that their figures stay
honest. The README beside the files says who wrote which, and when."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haven.access.catalogue import CONTEXT_KEYS, is_valid_level

DATA_DIR = Path(__file__).resolve().parent / "data"

SIGNAL_FAMILIES = ("grooming", "self_harm_intent", "bullying", "threat")
# The two roles, in the order the hash split rule numbers them (even: dev, odd: held-out).
SPLITS = ("dev", "heldout")
# The order figures are shown in: held-out first, as the honest figure.
SHOWN_SPLITS = ("heldout", "dev")
KINDS = ("signals", "fairness", "legitimate", "harmful")
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
# The groups fairness items are about. The two writers named some groups differently;
# their files are kept as written and the first writer's names are read as these.
FAIRNESS_GROUPS = (
    "sexual_orientation",
    "gender_identity",
    "religion",
    "ethnicity",
    "nationality",
    "immigrant_status",
    "disability",
    "body_size",
    "class",
    "family",
    "combination",
)
FAIRNESS_GROUP_ALIASES = {
    "orientation": "sexual_orientation",
    "gender": "gender_identity",
    "body": "body_size",
    "combined": "combination",
}
# Held-out items whose text was shown where people writing rules read: counted as dev
# from then on, as a repeat of a dev text is. Add an entry whenever a held-out text is
# quoted in docs, code or tests (a test looks for them); never remove one.
_DOCS = "quoted as a held-out error in docs/access-evaluation.md, 2026-11-29 10:53 UTC"
_GUIDE = "quoted as a labelling example in the data README, 2026-11-29"
_TESTS = "the same sentence is in the signals' tests or code, found 2026-11-29"
_RULE = (
    "its failure (id, declared and found descriptors) was reported to the lead, who changed "
    "a rule in answer (declared content descriptors stand over text), 2026-11-29 11:20 UTC"
)
EXPOSED = {
    "sig-groom-age-09": _DOCS,
    "sig-groom-age-10": _DOCS,
    "sig-groom-image-03": _DOCS,
    "sig-groom-meet-06": _DOCS,
    "sig-selfharm-explicit-06": _DOCS,
    "sig-selfharm-indirect-14": _DOCS,
    "sig-selfharm-textspeak-04": _DOCS,
    "sig-selfharm-textspeak-08": _DOCS,
    "sig-bully-exclude-02": _DOCS,
    "sig-bully-insult-07": _DOCS,
    "sig-threat-veiled-03": _DOCS,
    "sig-neg-secret-06": _DOCS,
    "sig-neg-image-05": _DOCS,
    "sig-neg-gaming-03": _DOCS,
    "sig-groom-age-02": _GUIDE,
    "sig-threat-veiled-01": _GUIDE,
    "sig-threat-veiled-04": _GUIDE,
    "sig-selfharm-explicit-01": _GUIDE,
    "sig-bully-insult-19": _TESTS,
    "sig-neg-idiom-16": _TESTS,
    "fair-h-056": _TESTS,
    "legit-h-111": _RULE,
}
MINIMUM_PER_CATEGORY = {"legitimate": 15, "harmful": 10}
MINIMUM_AT_HOME = 3
# The least share of page items that declare nothing, so the text alone must carry them.
MINIMUM_TEXT_ONLY = {"legitimate": 1 / 3, "harmful": 1 / 2}


@dataclass(frozen=True)
class DataFile:
    """One file of `data/`: what it holds, its role, and what its items must look like."""

    name: str
    kind: str  # one of KINDS
    split: str  # "dev" (tuning allowed) or "heldout" (never read by rule writers)
    minimum: int  # the least number of items for its figures to mean something
    id_pattern: str  # every id in the file matches it
    hash_split: bool = False  # its ids must be in the split `split_of` gives them


FILES = (
    DataFile("signals_dev.jsonl", "signals", "dev", 250, r"sig-[a-z0-9_-]+-\d+", True),
    DataFile("signals_dev2.jsonl", "signals", "dev", 250, r"dev2-\d{3}"),
    DataFile("signals_heldout.jsonl", "signals", "heldout", 250, r"sig-[a-z0-9_-]+-\d+", True),
    DataFile("fairness_dev.jsonl", "fairness", "dev", 80, r"fair-(?!h-)[a-z_]+-\d+"),
    DataFile("fairness_heldout.jsonl", "fairness", "heldout", 80, r"fair-h-\d{3}"),
    DataFile("legitimate_dev.jsonl", "legitimate", "dev", 120, r"legit-(?!h-)[a-z_]+-\d+"),
    DataFile("legitimate_heldout.jsonl", "legitimate", "heldout", 120, r"legit-h-\d{3}"),
    DataFile("harmful_dev.jsonl", "harmful", "dev", 100, r"harm-(?!h-)[a-z_]+-\d+"),
    DataFile("harmful_heldout.jsonl", "harmful", "heldout", 100, r"harm-h-\d{3}"),
)
FILE_BY_NAME = {f.name: f for f in FILES}


def files(kind: str, split: str = "all") -> tuple[DataFile, ...]:
    """The files of one kind and split ("dev", "heldout" or "all")."""
    if kind not in KINDS or split not in (*SPLITS, "all"):
        raise ValueError(f"Unknown kind or split: {kind!r}, {split!r}")
    return tuple(f for f in FILES if f.kind == kind and split in ("all", f.split))


@dataclass(frozen=True)
class TextItem:
    """A message or a few, with the signal families a person labelled in it (none for a
    fairness item, which names the group it is about)."""

    id: str
    text: str
    labels: frozenset[str]
    note: str = ""
    group: str = ""


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
    """The split of an item of signals_dev.jsonl or signals_heldout.jsonl, from its id
    alone: held-out when the SHA-256 of the id is odd. Looking at neither text nor
    labels, it cannot be steered. (signals_dev2.jsonl is dev whole, by its writer's
    brief, and is not subject to it.)"""
    digest = hashlib.sha256(item_id.encode()).hexdigest()
    return SPLITS[int(digest, 16) % 2]


def fairness_group(name: str) -> str:
    """A fairness item's group under the one set of names (FAIRNESS_GROUPS)."""
    return FAIRNESS_GROUP_ALIASES.get(name, name)


def normalised(text: str) -> str:
    """Text compared for repeats: case and spacing ignored."""
    return " ".join(text.lower().split())


def read_jsonl(name: str) -> list[dict[str, Any]]:
    with open(DATA_DIR / name, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def rows(kind: str, split: str) -> list[dict[str, Any]]:
    """The rows of one kind in a split ("dev", "heldout" or "all"), as evaluated.

    A held-out row is counted as dev when a dev file of the same kind holds the same
    text (the writers worked apart, and a few short sentences came out the same) or when
    its text was shown to people writing rules (EXPOSED): a sentence rules may have been
    tuned on is not held out. `counted_as_dev` lists them."""
    by_split = _by_split(kind)
    if split == "all":
        return by_split["heldout"] + by_split["dev"]
    if split not in SPLITS:
        raise ValueError(f"Unknown split {split!r}")
    return by_split[split]


def counted_as_dev(kind: str) -> list[str]:
    """The ids of held-out rows counted as dev, in file order."""
    return [row["id"] for row in _by_split(kind)["heldout_counted_as_dev"]]


def _by_split(kind: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {split: [] for split in SPLITS}
    for f in files(kind):
        found[f.split] += read_jsonl(f.name)
    in_dev = {normalised(row["text"]) for row in found["dev"]}

    def seen(row: dict[str, Any]) -> bool:
        return normalised(row["text"]) in in_dev or row["id"] in EXPOSED

    moved = [row for row in found["heldout"] if seen(row)]
    return {
        "dev": found["dev"] + moved,
        "heldout": [row for row in found["heldout"] if not seen(row)],
        "heldout_counted_as_dev": moved,
    }


def load_signals(split: str) -> list[TextItem]:
    return [_text_item(row) for row in rows("signals", split)]


def load_fairness(split: str) -> list[TextItem]:
    return [_text_item(row) for row in rows("fairness", split)]


def load_legitimate(split: str) -> list[PageItem]:
    return [_page_item(row) for row in rows("legitimate", split)]


def load_harmful(split: str) -> list[PageItem]:
    return [_page_item(row) for row in rows("harmful", split)]


def _text_item(row: dict[str, Any]) -> TextItem:
    return TextItem(
        row["id"],
        row["text"],
        frozenset(row["labels"]),
        row.get("note", ""),
        fairness_group(row.get("group", "")),
    )


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
    held_out: set[str] = set()
    for data_file in FILES:
        name = data_file.name
        try:
            lines = read_jsonl(name)
        except (OSError, ValueError) as exc:
            found.append(f"{name}: cannot be read ({exc})")
            continue
        if len(lines) < data_file.minimum:
            found.append(f"{name}: {len(lines)} items, fewer than {data_file.minimum}")
        check = _check_page if data_file.kind in MINIMUM_PER_CATEGORY else _check_text
        for row in lines:
            item_id = row.get("id")
            where = f"{name}: {item_id if item_id is not None else '?'}"
            if item_id in seen:
                found.append(f"{where}: the id is used twice")
            seen.add(str(item_id))
            if not re.fullmatch(data_file.id_pattern, str(item_id)):
                found.append(f"{where}: the id does not match {data_file.id_pattern}")
            found += [f"{where}: {problem}" for problem in check(data_file, row)]
        if data_file.kind in MINIMUM_PER_CATEGORY:
            found += _check_categories(data_file, lines)
        if data_file.split == "heldout":
            held_out |= {str(row.get("id")) for row in lines}
    found += [f"EXPOSED names {i}, which no held-out file holds" for i in EXPOSED.keys() - held_out]
    return found


def _check_text(data_file: DataFile, row: dict[str, Any]) -> list[str]:
    if data_file.kind == "fairness":
        found = _check_keys(row, {"id", "group", "text", "labels", "must_not_flag"}, {"note"})
    else:
        found = _check_keys(row, {"id", "text", "labels"}, {"note"})
    if not isinstance(row.get("text"), str) or not row.get("text", "").strip():
        found.append("the text is empty")
    labels = row.get("labels")
    if not isinstance(labels, list) or not set(labels) <= set(SIGNAL_FAMILIES):
        found.append(f"labels must be a list of {', '.join(SIGNAL_FAMILIES)}")
    elif len(set(labels)) != len(labels):
        found.append("a label is repeated")
    if data_file.hash_split and split_of(str(row.get("id"))) != data_file.split:
        found.append(f"the split rule puts it in signals_{split_of(str(row.get('id')))}.jsonl")
    if data_file.kind == "fairness":
        if labels or row.get("must_not_flag") is not True:
            found.append('a fairness item has no labels and "must_not_flag": true')
        if fairness_group(str(row.get("group"))) not in FAIRNESS_GROUPS:
            found.append(f"unknown group {row.get('group')!r}")
    return found


def _check_page(data_file: DataFile, row: dict[str, Any]) -> list[str]:
    found = _check_keys(row, {"id", "category", "title", "text", "context"}, {"descriptors"})
    harmful = data_file.kind == "harmful"
    categories = HARMFUL_CATEGORIES if harmful else LEGITIMATE_CATEGORIES
    if row.get("category") not in categories:
        found.append(f"unknown category {row.get('category')!r}")
    if row.get("context") not in CONTEXT_KEYS:
        found.append(f"unknown context {row.get('context')!r}")
    if harmful and row.get("context") != "home":
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


def _check_categories(data_file: DataFile, lines: list[dict[str, Any]]) -> list[str]:
    found = []
    name, kind = data_file.name, data_file.kind
    categories = HARMFUL_CATEGORIES if kind == "harmful" else LEGITIMATE_CATEGORIES
    for category in categories:
        count = sum(row.get("category") == category for row in lines)
        if count < MINIMUM_PER_CATEGORY[kind]:
            found.append(f"{name}: {category} has {count} items")
        at_home = sum(
            row.get("category") == category and row.get("context") == "home" for row in lines
        )
        # Legitimate content must pass on its own, not only thanks to a protective context.
        if at_home < MINIMUM_AT_HOME:
            found.append(f"{name}: {category} has {at_home} items in the home context")
    text_only = sum(not row.get("descriptors") for row in lines)
    if text_only < MINIMUM_TEXT_ONLY[kind] * len(lines):
        found.append(f"{name}: only {text_only} items without declared descriptors")
    return found
