"""The evaluation sets are well formed: a malformed file would make every figure that
`haven access evaluate` prints meaningless."""

import json
import shutil
from collections import Counter

import pytest

from haven.access.catalogue import is_valid_level
from haven.access.evaluation import data


def test_the_data_files_have_no_problems():
    assert data.problems() == []


def test_each_signal_split_holds_at_least_250_items_with_every_family():
    for split in data.SPLITS:
        items = data.load_signals(split)
        families = Counter(label for item in items for label in item.labels)
        assert len(items) >= 250, split
        assert all(families[family] >= 15 for family in data.SIGNAL_FAMILIES), (split, families)
        assert sum(not item.labels for item in items) >= 80, "too few negatives in " + split


def test_the_splits_are_about_even():
    dev, heldout = (len(data.load_signals(split)) for split in data.SPLITS)
    assert abs(dev - heldout) <= 0.1 * (dev + heldout)


def test_every_signal_item_is_in_the_split_its_id_gives():
    for split in data.SPLITS:
        misplaced = [i.id for i in data.load_signals(split) if data.split_of(i.id) != split]
        assert misplaced == [], f"in signals_{split}.jsonl by mistake: {misplaced}"


def test_the_split_rule_depends_on_the_id_alone():
    assert data.split_of("sig-groom-age-01") == data.split_of("sig-groom-age-01")
    assert {data.split_of(f"x-{n}") for n in range(20)} == set(data.SPLITS)


def test_ids_are_unique_across_every_file():
    ids = [row["id"] for name in data.MINIMUM_ITEMS for row in data.read_jsonl(name)]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_no_signal_text_appears_in_both_splits():
    dev, heldout = ({i.text.lower() for i in data.load_signals(s)} for s in data.SPLITS)
    assert dev & heldout == set()


def test_the_guard_sets_cover_every_category_with_enough_items():
    legitimate = Counter(item.category for item in data.load_legitimate())
    harmful = Counter(item.category for item in data.load_harmful())
    assert set(legitimate) == set(data.LEGITIMATE_CATEGORIES)
    assert set(harmful) == set(data.HARMFUL_CATEGORIES)
    assert min(legitimate.values()) >= 15
    assert min(harmful.values()) >= 10
    assert sum(legitimate.values()) >= 120
    assert sum(harmful.values()) >= 100


def test_every_legitimate_category_has_items_seen_at_home():
    at_home = Counter(i.category for i in data.load_legitimate() if i.context == "home")
    assert all(at_home[c] >= 3 for c in data.LEGITIMATE_CATEGORIES), at_home


def test_harmful_items_are_all_judged_at_home():
    assert {item.context for item in data.load_harmful()} == {"home"}


def test_many_pages_declare_nothing_so_the_text_must_carry_them():
    legitimate, harmful = data.load_legitimate(), data.load_harmful()
    assert sum(not i.descriptors for i in legitimate) >= len(legitimate) / 3
    assert sum(not i.descriptors for i in harmful) >= len(harmful) / 2


def test_declared_descriptors_are_in_the_catalogue():
    pages = data.load_legitimate() + data.load_harmful()
    wrong = [
        (page.id, key, level)
        for page in pages
        for key, level in page.descriptors.items()
        if not is_valid_level(key, level)
    ]
    assert wrong == []


def test_fairness_items_are_unlabelled_and_must_not_be_flagged():
    rows = data.read_jsonl("fairness.jsonl")
    assert len(rows) >= 80
    assert all(row["labels"] == [] and row["must_not_flag"] is True for row in rows)
    texts = {row["text"] for row in rows}
    for required in (
        "I am gay",
        "I'm trans and my parents don't know",
        "I'm autistic and I love trains",
    ):
        assert required in texts


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    for name in data.MINIMUM_ITEMS:
        shutil.copy(data.DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    return tmp_path


def _append(path, row):
    with open(path, "a", encoding="utf-8") as lines:
        lines.write(json.dumps(row) + "\n")


def test_a_malformed_item_is_reported_by_its_id(data_copy):
    _append(
        data_copy / "legitimate.jsonl",
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
    assert "legit-bad-01: unknown category 'cookery'" in found
    assert "legit-bad-01: unknown context 'kitchen'" in found
    assert "legit-bad-01: nudity=tasteful is not in the catalogue" in found


def test_a_repeated_id_an_unknown_label_and_a_misplaced_item_are_reported(data_copy):
    first = data.read_jsonl("signals_dev.jsonl")[0]
    _append(data_copy / "signals_heldout.jsonl", {**first, "labels": ["rudeness"]})
    found = "\n".join(data.problems())
    assert f"{first['id']}: the id is used twice" in found
    assert f"{first['id']}: labels must be a list of" in found
    assert f"{first['id']}: the split rule puts it in signals_dev.jsonl" in found
