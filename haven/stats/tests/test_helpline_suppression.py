"""Small-count suppression: counts from 1 to 4 are "<5", and no published total lets
anyone work one out by subtraction."""

import itertools
import random

import pytest

from haven.stats.helpline_suppression import (
    COMPLEMENT,
    SHOWN,
    SMALL,
    Count,
    Suppressor,
    line_is_safe,
    solve,
)
from haven.stats.helpline_tables import Measure, share_of


def one_line(total: int, members: dict[str, int]) -> Suppressor:
    counts = Suppressor()
    counts.add("total", total)
    for key, value in members.items():
        counts.add(key, value)
    counts.line("total", members)
    return counts


def texts(counts: Suppressor) -> dict:
    return {key: counts.count(key).text for key in counts.values}


def test_counts_from_1_to_4_are_shown_as_under_5_and_zero_and_5_as_themselves():
    counts = Suppressor()
    for value in range(7):
        counts.add(value, value)
    assert [counts.count(v).text for v in range(7)] == ["0", "<5", "<5", "<5", "<5", "5", "6"]
    assert counts.count(3).data == "<5" and counts.count(5).data == 5
    assert counts.count(3).note == "fewer than 5"


def test_a_single_small_cell_beside_a_published_total_takes_another_cell_with_it():
    counts = one_line(60, {"phone": 57, "sms": 3, "chat": 0})
    assert texts(counts) == {"total": "60", "phone": "x", "sms": "<5", "chat": "0"}
    assert counts.count("phone").state == COMPLEMENT
    assert counts.count("phone").data == "x"


def test_the_smallest_cell_that_is_enough_is_withheld_not_merely_the_smallest():
    # 1 + 5 = 6 would tell that the small one is 1 and the other 5; 1 + 10 does not.
    counts = one_line(21, {"a": 10, "b": 5, "c": 1, "d": 5})
    assert texts(counts) == {"total": "21", "a": "x", "b": "5", "c": "<5", "d": "5"}
    # With a 4 instead, 4 + 5 = 9 leaves the small one anything from 1 to 4: 5 is enough.
    counts = one_line(24, {"a": 10, "b": 5, "c": 4, "d": 5})
    assert texts(counts) == {"total": "24", "a": "10", "b": "x", "c": "<5", "d": "5"}


def test_two_small_cells_that_leave_each_other_two_values_or_more_need_nothing_more():
    counts = one_line(15, {"a": 2, "b": 3, "c": 10})
    assert texts(counts) == {"total": "15", "a": "<5", "b": "<5", "c": "10"}
    # 3 and 4 of 17: each is 3 or 4, which is not knowing it.
    counts = one_line(17, {"a": 3, "b": 4, "c": 10})
    assert texts(counts) == {"total": "17", "a": "<5", "b": "<5", "c": "10"}


def test_two_small_cells_whose_sum_gives_them_away_are_protected():
    # 4 + 4 = 8 can only be 4 and 4; 1 + 1 = 2 only 1 and 1.
    assert texts(one_line(18, {"a": 4, "b": 4, "c": 10}))["c"] == "x"
    assert texts(one_line(12, {"a": 1, "b": 1, "c": 10}))["c"] == "x"


def test_with_nothing_else_to_withhold_the_total_is_withheld():
    counts = one_line(8, {"a": 4, "b": 4, "c": 0})
    assert texts(counts) == {"total": "x", "a": "<5", "b": "<5", "c": "0"}


def test_zero_is_never_withheld():
    counts = one_line(3, {"a": 3, "b": 0})
    assert texts(counts) == {"total": "<5", "a": "<5", "b": "0"}


def test_a_withheld_total_cannot_be_worked_out_from_its_published_cells():
    counts = Suppressor()
    values = {"all": 40, "violence": 30, "health": 10, "physical": 20, "sexual": 10}
    values |= {"with_tiny": 33, "tiny": 3}
    for key, value in values.items():
        counts.add(key, value)
    counts.line("all", ["violence", "health"])
    counts.line("violence", ["physical", "sexual"])
    counts.line("with_tiny", ["violence", "tiny"])  # "violence" goes to protect "tiny"
    assert texts(counts) == {
        "all": "40",
        "violence": "x",
        "health": "x",  # or 40 - 10 gives "violence" back
        "physical": "20",
        "sexual": "x",  # or 20 + 10 does
        "with_tiny": "33",
        "tiny": "<5",
    }


def test_withholding_spreads_to_every_line_a_cell_is_in():
    counts = Suppressor()
    values = {"all": 40, "violence": 30, "health": 10, "physical": 3, "sexual": 27}
    for key, value in values.items():
        counts.add(key, value)
    counts.line("all", ["violence", "health"])
    counts.line("violence", ["physical", "sexual"])
    # "physical" is small: "sexual" is withheld with it, and nothing else need be.
    assert texts(counts) == {
        "all": "40",
        "violence": "30",
        "health": "10",
        "physical": "<5",
        "sexual": "x",
    }
    # Withholding "violence" (to protect something elsewhere) withholds "health" too,
    # or 40 - 10 would give it back.
    counts.add("elsewhere", 2)
    counts.add("violence_and_elsewhere", 32)
    counts.line("violence_and_elsewhere", ["violence", "elsewhere"])
    states = counts.states()
    assert states["violence"] == COMPLEMENT and states["health"] == COMPLEMENT
    for line in counts.lines:
        assert line_is_safe(line, counts.values, {k: s for k, s in states.items() if s != SHOWN})


def test_a_cell_counted_twice_with_different_values_is_a_mistake():
    counts = Suppressor()
    counts.add("a", 1)
    counts.add("a", 1)
    with pytest.raises(ValueError):
        counts.add("a", 2)
    with pytest.raises(KeyError):
        counts.line("a", ["missing"])


def _possible_values(total: int, members: dict[str, int], states: dict[str, str], key: str):
    """Every value `key` can have, for someone who sees what is published and knows the
    rules: "<5" is 1 to 4, "x" is 5 or more, and the members add up to the total."""
    hidden = [k for k in members if states[k] != SHOWN]
    left = total - sum(v for k, v in members.items() if states[k] == SHOWN)
    ranges = [range(1, 5) if states[k] == SMALL else range(5, left + 1) for k in hidden]
    return {combo[hidden.index(key)] for combo in itertools.product(*ranges) if sum(combo) == left}


@pytest.mark.parametrize("seed", range(60))
def test_no_withheld_count_can_be_worked_out_from_a_published_total(seed):
    chance = random.Random(seed)
    members = {
        f"m{n}": chance.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20])
        for n in range(chance.randint(2, 5))
    }
    total = sum(members.values())
    counts = one_line(total, members)
    states = counts.states()
    if states["total"] != SHOWN:
        return  # a withheld total gives nothing to subtract from
    for key, value in members.items():
        if states[key] != SHOWN:
            possible = _possible_values(total, members, states, key)
            assert value in possible and len(possible) >= 2, (members, states)
        else:
            assert not 0 < value < 5


def test_solving_is_the_same_every_time():
    values = {"t": 30, "a": 3, "b": 9, "c": 9, "d": 9}
    lines = one_line(30, {"a": 3, "b": 9, "c": 9, "d": 9}).lines
    assert solve(values, lines) == solve(dict(values), list(lines))
    assert solve(values, lines)["b"] == COMPLEMENT  # the first of equals, in table order


def test_medians_and_percentiles_need_5_values():
    assert Measure.of([1.0, 2.0, 3.0, 4.0], 0.5).text == "—"
    assert Measure.of([1.0, 2.0, 3.0, 4.0], 0.5).note == "fewer than 5"
    assert Measure.of([1.0, 2.0, 3.0, 4.0, 5.0], 0.5).text == "3.0"
    assert Measure.of([], 0.9).data is None


def test_a_share_is_exact_when_its_counts_are_published_and_a_bound_when_one_is_small():
    shown = share_of(Count(15), Count(5), Count(20), Count(0))
    assert (shown.text, shown.data) == ("75%", 0.75)
    small_missed = share_of(Count(8, COMPLEMENT), Count(4, SMALL), Count(12), Count(0))
    assert small_missed.text == "at least 66%"  # 8 to 11 of 12
    small_within = share_of(Count(2, SMALL), Count(10, COMPLEMENT), Count(12), Count(0))
    assert small_within.text == "at most 34%"  # 1 to 4 of 12
    unknown_total = share_of(Count(8, COMPLEMENT), Count(4, SMALL), Count(12, COMPLEMENT), Count(0))
    assert (unknown_total.text, unknown_total.note) == ("—", "withheld")
    too_few = share_of(Count(3, SMALL), Count(1, SMALL), Count(4, SMALL), Count(0))
    assert (too_few.text, too_few.note, too_few.data) == ("—", "fewer than 5", None)
