"""Small-count suppression for the helpline statistics: no published figure may tell
how many children, from 1 to 4, are behind a cell.

Primary suppression: every count from 1 to 4 is withheld and shown as "<5". Zero is
shown as 0: "nobody" identifies nobody.

Secondary (complementary) suppression: a published total lets a reader work out a
withheld cell by subtraction, so each *line* — a total and the cells that add up to it
(a row or a column of a table; a category and its sub-categories) — is checked on its
own, and more cells are withheld until the line is safe. A cell withheld only to
protect another is shown as "x" (it is 5 or more). A line is safe when

- it withholds no cell, or
- it withholds at least two, and, when its total is published, what the total leaves
  for the withheld cells still allows each of them at least two values, for someone
  who knows that "<5" is 1 to 4 and "x" is 5 or more (4 and 4 of a total of 18 with 10
  shown would give both away; 3 and 4, or 1 and 2 and 3, do not).

The cells withheld to make a line safe are the smallest non-zero published ones that
do it (the total last), so as little as possible is lost. Withholding a cell can
unsettle another line it belongs to (a category is in the category table and is the
total of its sub-categories and of its row in the cross tables), so the lines are
checked again until none changes. Cells that appear in several tables have one key,
so they are withheld in all of them or in none.

This protects each line against subtraction. Like the rules statistical offices apply
to a table's margins, it does not promise that linear algebra over many lines at once
can never narrow a withheld cell; docs/helpline-statistics.md says what to do before
publishing anything beyond the exports.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

SHOWN, SMALL, COMPLEMENT = "shown", "small", "complement"
SMALL_TEXT, COMPLEMENT_TEXT = "<5", "x"
THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are withheld
_UNBOUNDED = 10**12


@dataclass(frozen=True)
class Count:
    """A count as it may be published: its value is never shown when withheld."""

    value: int
    state: str = SHOWN

    @property
    def withheld(self) -> bool:
        return self.state != SHOWN

    @property
    def text(self) -> str:
        if self.state == SMALL:
            return SMALL_TEXT
        if self.state == COMPLEMENT:
            return COMPLEMENT_TEXT
        return str(self.value)

    @property
    def data(self) -> int | str:
        """For JSON: the number, or the same mark as the page."""
        return self.value if self.state == SHOWN else self.text

    @property
    def note(self) -> str:
        if self.state == SMALL:
            return "fewer than 5"
        if self.state == COMPLEMENT:
            return "withheld so that a count under 5 cannot be worked out"
        return ""

    def __str__(self) -> str:
        return self.text


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


Key = Hashable


@dataclass(frozen=True)
class Line:
    total: Key
    members: tuple[Key, ...]


class Suppressor:
    """Collects counts and the lines they add up in, then decides what is withheld."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.lines: list[Line] = []
        self._solved: dict[Key, str] | None = None

    def add(self, key: Key, value: int) -> None:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"{key!r} counted twice with different values")
        self.values[key] = value
        self._solved = None

    def line(self, total: Key, members: Iterable[Key]) -> None:
        members = tuple(members)
        missing = [key for key in (total, *members) if key not in self.values]
        if missing:
            raise KeyError(f"no count for {missing!r}")
        self.lines.append(Line(total, members))
        self._solved = None

    def count(self, key: Key) -> Count:
        return Count(self.values[key], self.states()[key])

    def states(self) -> dict[Key, str]:
        if self._solved is None:
            self._solved = solve(self.values, self.lines)
        return self._solved


def solve(values: dict[Key, int], lines: list[Line]) -> dict[Key, str]:
    withheld = {key: SMALL for key, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            while not line_is_safe(line, values, withheld):
                extra = _next_to_withhold(line, values, withheld)
                if extra is None:
                    break
                withheld[extra] = COMPLEMENT
                changed = True
    return {key: withheld.get(key, SHOWN) for key in values}


def line_is_safe(line: Line, values: dict[Key, int], withheld: dict[Key, str]) -> bool:
    hidden = [key for key in (line.total, *line.members) if key in withheld]
    if not hidden:
        return True
    if len(hidden) == 1:
        return False
    if line.total in withheld:
        return True
    return all(
        _keeps_its_range(key, hidden, values, withheld) for key in hidden if key != line.total
    )


def _keeps_its_range(
    key: Key, hidden: list[Key], values: dict[Key, int], withheld: dict[Key, str]
) -> bool:
    """Whether what the total leaves for the withheld cells (their sum) still allows
    this one at least two values of those its mark allows (1 to 4 for "<5", 5 or more
    for "x"): then it cannot be worked out."""
    others = [other for other in hidden if other != key]
    left = sum(values[k] for k in hidden)
    least = sum(1 if withheld[o] == SMALL else THRESHOLD for o in others)
    most = sum(THRESHOLD - 1 if withheld[o] == SMALL else _UNBOUNDED for o in others)
    low, high = left - most, left - least
    if withheld[key] == SMALL:
        low, high = max(low, 1), min(high, THRESHOLD - 1)
    else:
        low = max(low, THRESHOLD)
    return high > low


def _next_to_withhold(line: Line, values: dict[Key, int], withheld: dict[Key, str]) -> Key | None:
    """The smallest published non-zero member that makes the line safe; failing that,
    the smallest one (more follow); with no member left, the total."""
    candidates = sorted(
        (key for key in line.members if key not in withheld and values[key] > 0),
        key=lambda key: values[key],
    )
    for key in candidates:
        if line_is_safe(line, values, {**withheld, key: COMPLEMENT}):
            return key
    if candidates:
        return candidates[0]
    if line.total not in withheld and values[line.total] > 0:
        return line.total
    return None
