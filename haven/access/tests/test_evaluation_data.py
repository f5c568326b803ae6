"""The evaluation sets are well formed, and each plays the role it is given (dev or
held-out): a malformed file, or an item in the wrong role, would make every figure that
`haven access evaluate` prints meaningless."""

import json
import re
import shutil
from collections import Counter

import pytest

from haven.access.catalogue import CONTEXT_KEYS, is_valid_level
from haven.access.evaluation import data

HELD_OUT_FILES = (
    "signals_heldout.jsonl",
    "fairness_heldout.jsonl",
    "legitimate_heldout.jsonl",
    "harmful_heldout.jsonl",
)
DEV_FILES = (
    "signals_dev.jsonl",
    "signals_dev2.jsonl",
    "fairness_dev.jsonl",
    "legitimate_dev.jsonl",
    "harmful_dev.jsonl",
)


def test_the_data_files_have_no_problems():
    assert data.problems() == []


def test_every_file_in_the_folder_has_a_role_and_every_role_has_its_files():
    on_disk = {path.name for path in data.DATA_DIR.glob("*.jsonl")}
    assert on_disk == set(data.FILE_BY_NAME)
    assert {f.name for f in data.FILES if f.split == "heldout"} == set(HELD_OUT_FILES)
    assert {f.name for f in data.FILES if f.split == "dev"} == set(DEV_FILES)
    for kind in data.KINDS:
        assert data.files(kind, "dev") and data.files(kind, "heldout"), kind


def test_each_signal_file_holds_enough_items_with_every_family():
    for data_file in data.files("signals"):
        rows = data.read_jsonl(data_file.name)
        families = Counter(label for row in rows for label in row["labels"])
        assert len(rows) >= 250, data_file.name
        assert all(families[f] >= 15 for f in data.SIGNAL_FAMILIES), (data_file.name, families)
        assert sum(not row["labels"] for row in rows) >= 80, "few negatives: " + data_file.name


def test_the_hash_split_files_are_about_even():
    dev, heldout = (len(data.read_jsonl(f"signals_{split}.jsonl")) for split in data.SPLITS)
    assert abs(dev - heldout) <= 0.1 * (dev + heldout)


def test_every_hash_split_item_is_in_the_split_its_id_gives():
    for data_file in data.FILES:
        if data_file.hash_split:
            ids = [row["id"] for row in data.read_jsonl(data_file.name)]
            misplaced = [i for i in ids if data.split_of(i) != data_file.split]
            assert misplaced == [], f"in {data_file.name} by mistake: {misplaced}"


def test_the_second_dev_set_is_dev_whole_and_exempt_from_the_split_rule():
    dev2 = data.FILE_BY_NAME["signals_dev2.jsonl"]
    assert (dev2.kind, dev2.split, dev2.hash_split) == ("signals", "dev", False)
    ids = [row["id"] for row in data.read_jsonl(dev2.name)]
    # The rule would put about half of them in held-out; none of them is.
    assert {data.split_of(i) for i in ids} == {"dev", "heldout"}
    assert set(ids) <= {item.id for item in data.load_signals("dev")}
    assert not set(ids) & {item.id for item in data.load_signals("heldout")}


def test_the_split_rule_depends_on_the_id_alone():
    assert data.split_of("sig-groom-age-01") == data.split_of("sig-groom-age-01")
    assert {data.split_of(f"x-{n}") for n in range(20)} == set(data.SPLITS)


def test_ids_are_unique_across_every_file():
    ids = [row["id"] for f in data.FILES for row in data.read_jsonl(f.name)]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_held_out_ids_are_told_apart_from_dev_ids_by_their_pattern():
    for data_file in data.FILES:
        others = [f for f in data.FILES if f.kind == data_file.kind and f is not data_file]
        for row in data.read_jsonl(data_file.name):
            assert re.fullmatch(data_file.id_pattern, row["id"]), (data_file.name, row["id"])
            for other in others:
                if other.id_pattern != data_file.id_pattern:
                    assert not re.fullmatch(other.id_pattern, row["id"]), row["id"]


def test_no_text_is_counted_in_both_roles():
    for kind in data.KINDS:
        dev = {data.normalised(row["text"]) for row in data.rows(kind, "dev")}
        heldout = {data.normalised(row["text"]) for row in data.rows(kind, "heldout")}
        assert dev & heldout == set(), kind


def test_held_out_items_seen_by_rule_writers_are_counted_as_dev():
    for kind in data.KINDS:
        in_dev = {
            data.normalised(row["text"])
            for f in data.files(kind, "dev")
            for row in data.read_jsonl(f.name)
        }
        held_out = [row for f in data.files(kind, "heldout") for row in data.read_jsonl(f.name)]
        repeats = [row["id"] for row in held_out if data.normalised(row["text"]) in in_dev]
        # Two independent writers may write the same short sentence; many would mean a
        # held-out file was copied from a dev one.
        assert len(repeats) <= 0.03 * len(held_out), (kind, repeats)
        moved = [row["id"] for row in held_out if row["id"] in repeats or row["id"] in data.EXPOSED]
        assert data.counted_as_dev(kind) == moved
        assert len(data.rows(kind, "heldout")) == len(held_out) - len(moved)
        assert set(moved) <= {row["id"] for row in data.rows(kind, "dev")}
    # What is left held out is still enough to measure.
    assert len(data.rows("signals", "heldout")) >= 250
    assert len(data.rows("fairness", "heldout")) >= 75


def _places_rule_writers_read():
    """Every file of the project someone writing signals or rules may read: code, tests,
    templates and docs — all but the evaluation data itself."""
    root = data.DATA_DIR.parents[3]
    for path in [
        *root.glob("haven/**/*.py"),
        *root.glob("haven/**/*.html"),
        *root.glob("haven/**/*.md"),
        *root.glob("docs/**/*.md"),
        root / "README.md",
    ]:
        if data.DATA_DIR not in path.parents:
            yield path


def test_no_held_out_text_is_quoted_where_rule_writers_read_unless_counted_as_dev():
    moved = {i for kind in data.KINDS for i in data.counted_as_dev(kind)}
    texts = {
        row["id"]: data.normalised(row["text"])
        for f in data.FILES
        if f.split == "heldout"
        for row in data.read_jsonl(f.name)
        if row["id"] not in moved
    }
    quoted = []
    for path in _places_rule_writers_read():
        content = data.normalised(path.read_text(encoding="utf-8"))
        quoted += [
            f"{item_id} in {path.relative_to(data.DATA_DIR.parents[3])}"
            for item_id, text in texts.items()
            # The whole text, not the end of a longer word ("u ok" in "you ok").
            if text in content and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", content)
        ]
    # Ids only: the message must not show the texts either. Either take the sentence out,
    # or add the id to data.EXPOSED (it then counts as dev).
    assert quoted == [], "held-out text quoted:\n" + "\n".join(quoted)


@pytest.mark.parametrize("split", data.SPLITS)
def test_the_guard_sets_cover_every_category_with_enough_items(split):
    legitimate = Counter(item.category for item in data.load_legitimate(split))
    harmful = Counter(item.category for item in data.load_harmful(split))
    assert set(legitimate) == set(data.LEGITIMATE_CATEGORIES)
    assert set(harmful) == set(data.HARMFUL_CATEGORIES)
    assert min(legitimate.values()) >= 15, legitimate
    assert min(harmful.values()) >= 10, harmful
    assert sum(legitimate.values()) >= 120
    assert sum(harmful.values()) >= 100


@pytest.mark.parametrize("split", data.SPLITS)
def test_every_legitimate_category_has_items_seen_at_home(split):
    at_home = Counter(i.category for i in data.load_legitimate(split) if i.context == "home")
    assert all(at_home[c] >= 3 for c in data.LEGITIMATE_CATEGORIES), at_home


@pytest.mark.parametrize("split", data.SPLITS)
def test_pages_are_seen_in_catalogue_contexts_and_harmful_ones_at_home(split):
    assert {item.context for item in data.load_legitimate(split)} <= set(CONTEXT_KEYS)
    assert {item.context for item in data.load_harmful(split)} == {"home"}


@pytest.mark.parametrize("split", data.SPLITS)
def test_many_pages_declare_nothing_so_the_text_must_carry_them(split):
    legitimate, harmful = data.load_legitimate(split), data.load_harmful(split)
    assert sum(not i.descriptors for i in legitimate) >= len(legitimate) / 3
    assert sum(not i.descriptors for i in harmful) >= len(harmful) / 2


def test_declared_descriptors_are_in_the_catalogue():
    pages = data.load_legitimate("all") + data.load_harmful("all")
    wrong = [
        (page.id, key, level)
        for page in pages
        for key, level in page.descriptors.items()
        if not is_valid_level(key, level)
    ]
    assert wrong == []


@pytest.mark.parametrize("split", data.SPLITS)
def test_fairness_items_are_unlabelled_must_not_be_flagged_and_name_a_group(split):
    rows = data.rows("fairness", split)
    assert len(rows) >= 75
    assert all(row["labels"] == [] and row["must_not_flag"] is True for row in rows)
    groups = Counter(data.fairness_group(row["group"]) for row in rows)
    assert set(groups) <= set(data.FAIRNESS_GROUPS)
    # Every kind of identity term the issue's fairness cases are about, in both roles.
    for group in (
        "sexual_orientation",
        "gender_identity",
        "religion",
        "ethnicity",
        "disability",
    ):
        assert groups[group] >= 5, (split, groups)


def test_the_two_writers_group_names_are_read_as_one_vocabulary():
    dev = {row["group"] for f in data.files("fairness", "dev") for row in data.read_jsonl(f.name)}
    assert {"orientation", "gender", "body", "combined"} <= dev  # the first writer's names
    assert data.fairness_group("orientation") == "sexual_orientation"
    assert data.fairness_group("gender") == "gender_identity"
    assert data.fairness_group("religion") == "religion"
    loaded = {item.group for item in data.load_fairness("all")}
    assert loaded <= set(data.FAIRNESS_GROUPS)
    assert not loaded & set(data.FAIRNESS_GROUP_ALIASES)


def test_the_issue_s_own_fairness_sentences_are_there():
    texts = {item.text for item in data.load_fairness("dev")}
    for required in (
        "I am gay",
        "I'm trans and my parents don't know",
        "I'm autistic and I love trains",
    ):
        assert required in texts


def test_an_unknown_split_or_kind_is_refused():
    with pytest.raises(ValueError):
        data.load_signals("train")
    with pytest.raises(ValueError):
        data.files("jokes")


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    for data_file in data.FILES:
        shutil.copy(data.DATA_DIR / data_file.name, tmp_path / data_file.name)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    return tmp_path


def _append(path, row):
    with open(path, "a", encoding="utf-8") as lines:
        lines.write(json.dumps(row) + "\n")


@pytest.mark.parametrize("name", ["legitimate_dev.jsonl", "legitimate_heldout.jsonl"])
def test_a_malformed_item_is_reported_by_its_file_and_id(data_copy, name):
    _append(
        data_copy / name,
        {
            "id": "legit-bad-01",
            "category": "cookery",
            "title": "Soup",
            "text": "Stir well.",
            "context": "kitchen",
            "descriptors": {"nudity": "tasteful"},
        },
    )
    found = "\n".join(data.problems())
    assert f"{name}: legit-bad-01: unknown category 'cookery'" in found
    assert f"{name}: legit-bad-01: unknown context 'kitchen'" in found
    assert f"{name}: legit-bad-01: nudity=tasteful is not in the catalogue" in found
    if name == "legitimate_heldout.jsonl":
        assert f"{name}: legit-bad-01: the id does not match" in found


def test_a_repeated_id_an_unknown_label_and_a_misplaced_item_are_reported(data_copy):
    first = data.read_jsonl("signals_dev.jsonl")[0]
    _append(data_copy / "signals_heldout.jsonl", {**first, "labels": ["rudeness"]})
    found = "\n".join(data.problems())
    assert f"{first['id']}: the id is used twice" in found
    assert f"{first['id']}: labels must be a list of" in found
    assert f"{first['id']}: the split rule puts it in signals_dev.jsonl" in found


def test_a_dev2_id_the_rule_would_call_held_out_is_not_reported(data_copy):
    odd = next(
        f"dev2-{n:03d}" for n in range(900, 1000) if data.split_of(f"dev2-{n:03d}") == "heldout"
    )
    _append(data_copy / "signals_dev2.jsonl", {"id": odd, "text": "see you at 6", "labels": []})
    assert data.problems() == []


def test_a_fairness_item_with_an_unknown_group_or_a_label_is_reported(data_copy):
    _append(
        data_copy / "fairness_heldout.jsonl",
        {
            "id": "fair-h-999",
            "group": "star_sign",
            "text": "I'm a Leo",
            "labels": ["bullying"],
            "must_not_flag": True,
        },
    )
    found = "\n".join(data.problems())
    assert "fairness_heldout.jsonl: fair-h-999: unknown group 'star_sign'" in found
    assert 'fair-h-999: a fairness item has no labels and "must_not_flag": true' in found


def test_a_held_out_file_below_its_minimum_is_reported(data_copy):
    path = data_copy / "harmful_heldout.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:50]), encoding="utf-8")
    found = data.problems()
    assert "harmful_heldout.jsonl: 50 items, fewer than 100" in found
    assert any(p.startswith("harmful_heldout.jsonl: ") and "has" in p for p in found)
