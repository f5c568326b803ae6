"""A rule: a pattern in normalised text that, where its context allows, is a signal.

Each rule names the words it needs (`triggers`): a text without any of them never runs
the rule's regex, and a long text runs it only on the sentences that hold them. Most
texts hold few of the rules' words, which is what keeps analysis fast. A trigger is
checked by its first four letters, or six for longer words ("kill" finds "killing",
"suicide" finds "suicidal", "yourself" does not fire on every "your").

Context is checked cheaply around a match: `unless` anywhere in its sentence (or just
after it: "lol" often follows the full stop; with `near`, in the sentences around it:
"are you 13 yet? you can't make an account till you are"); `not_after` in the words
before it in its sentence (negation, reported speech); `only_after` must be there. In
those two, "^" is the start of the sentence and "$" the start of the match.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from haven.access.catalogue import is_valid_level
from haven.access.signals.text import Text, trigger_set

# "{YOU}" left in a pattern: a piece of regex written without the f prefix.
FORGOTTEN_F_STRING = re.compile(r"\{[A-Z_]+\}")
BEFORE_CHARS = 60
AFTER_SENTENCE_CHARS = 16
NEAR_CHARS = 120


@dataclass(frozen=True)
class Rule:
    kind: str  # "<descriptor>.<pattern>"
    level: str
    patterns: tuple[re.Pattern[str], ...]  # the alternatives of the rule's regex
    triggers: frozenset[str]
    unless: re.Pattern[str] | None = None
    not_after: re.Pattern[str] | None = None
    only_after: re.Pattern[str] | None = None
    bounded: bool = True  # the match must start a word
    near: bool = False  # look for `unless` in the neighbouring sentences too
    number: int = field(default=-1, compare=False)  # its place in RULES_BY_KEY

    @property
    def descriptor(self) -> str:
        return self.kind.partition(".")[0]


# Every rule's number under each of its trigger keys: one pass over a text's words
# then finds the rules it triggers, rather than each rule checking the text.
RULES_BY_KEY: dict[str, list[int]] = {}
ALL_RULES: list[Rule] = []


class Found(NamedTuple):
    """A signal before its evidence is quoted (only the signals kept are quoted)."""

    start: int
    end: int
    kind: str
    level: str

    @property
    def descriptor(self) -> str:
        return self.kind.partition(".")[0]


@dataclass(frozen=True)
class Hit:
    rule: Rule
    start: int
    end: int

    def found(self, level: str | None = None) -> Found:
        return Found(self.start, self.end, self.rule.kind, level or self.rule.level)


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return None if pattern is None else re.compile(pattern)


def rule(
    kind: str,
    level: str,
    pattern: str,
    triggers: str,
    *,
    unless: str | None = None,
    not_after: str | None = None,
    only_after: str | None = None,
    near: bool = False,
) -> Rule:
    """A rule from regex source written for lower-case normalised text.

    Each alternative at the outer level is compiled on its own, and a leading \\b is
    checked in Python instead of by the regex: a regex that starts with a word (or a
    choice of words) lets the engine skip to candidates, which is many times faster on
    long text than trying every alternative at every position."""
    descriptor, _, _name = kind.partition(".")
    if not is_valid_level(descriptor, level):
        raise ValueError(f"{kind}: {level!r} is not a level of {descriptor!r}")
    for source in (pattern, unless, not_after, only_after):
        if source and FORGOTTEN_F_STRING.search(source):
            raise ValueError(f"{kind}: a fragment was not filled in: {source[:60]!r}")
    branches = top_level_branches(pattern)
    bounded = pattern.startswith(r"\b")
    if bounded:
        if not all(branch.startswith(r"\b") for branch in branches):
            raise ValueError(
                f"{kind}: some branches start a word and some do not: {pattern[:60]!r}"
            )
        branches = [branch[2:] for branch in branches]
    made = Rule(
        kind=kind,
        level=level,
        patterns=tuple(re.compile(branch) for branch in branches),
        triggers=trigger_set(triggers),
        unless=_compile(unless),
        not_after=_compile(not_after),
        only_after=_compile(only_after),
        bounded=bounded,
        near=near,
        number=len(ALL_RULES),
    )
    ALL_RULES.append(made)
    for key in made.triggers:
        RULES_BY_KEY.setdefault(key, []).append(made.number)
    return made


def top_level_branches(pattern: str) -> list[str]:
    """The alternatives of a regex at its outer level ("a|(b|c)|d" has three)."""
    branches, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def find(rules: tuple[Rule, ...], text: Text) -> list[Hit]:
    """Where `rules` match `text` and their context allows it."""
    norm, hits = text.norm, []
    triggered = _triggered(text)
    for r in rules:
        present = triggered.get(r.number)
        if present is None:
            continue
        for span_start, span_end in text.spans(present):
            for pattern in r.patterns:
                for m in pattern.finditer(norm, span_start, span_end):
                    start, end = m.span()
                    if r.bounded and start and _in_word(norm[start - 1]) and _in_word(norm[start]):
                        continue
                    if _context_allows(r, text, start, end):
                        hits.append(Hit(r, start, end))
    return hits


def _triggered(text: Text) -> dict[int, frozenset[str]]:
    """The rules `text` triggers, by number, each with its trigger keys in the text."""
    triggered = text.memo.get("triggered")
    if triggered is None:
        keys: dict[int, list[str]] = {}
        for key in text.prefixes:
            for number in RULES_BY_KEY.get(key, ()):
                keys.setdefault(number, []).append(key)
        triggered = {number: frozenset(found) for number, found in keys.items()}
        text.memo["triggered"] = triggered
    return triggered


def _in_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _context_allows(r: Rule, text: Text, start: int, end: int) -> bool:
    if r.unless is None and r.not_after is None and r.only_after is None:
        return True
    norm = text.norm
    begin, finish = text.sentence(start, end)
    if r.unless is not None:
        if r.near:
            around = norm[max(0, start - NEAR_CHARS) : end + NEAR_CHARS]
            if r.unless.search(around):
                return False
        else:
            # Once per rule and sentence, not once per match: text of many matches and
            # no full stop (one 20,000-character "sentence") made this quadratic.
            memo = text.memo.setdefault("unless", {})
            key = (r.number, begin, finish)
            if key not in memo:
                memo[key] = bool(r.unless.search(norm[begin : finish + AFTER_SENTENCE_CHARS]))
            if memo[key]:
                return False
    # The words before the match, in its sentence; "^" in a pattern is the sentence's start.
    before = max(begin, start - BEFORE_CHARS)
    words_before = ("" if before == begin else "\x00") + norm[before:start]
    if r.not_after is not None and r.not_after.search(words_before):
        return False
    return r.only_after is None or bool(r.only_after.search(words_before))
