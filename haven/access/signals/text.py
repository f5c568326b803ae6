"""Text as the rules read it: cut, lower-cased, with text-speak, light leetspeak and
drawn-out letters undone, and a way back to the writer's own words for evidence.

Rules match the normalised text ("u r so ugly" reads "you are so ugly", "k1ll" reads
"kill", "sooo" reads "so"), but a signal's evidence quotes the original, so a map from
normalised positions to original ones is kept for the few places that changed length.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

MAX_CHARS = 20_000
EVIDENCE_CHARS = 80
# Texts up to SCAN_WHOLE characters are read whole by every rule whose words they hold;
# longer ones, only in the sentences that hold the words (joined when fewer than
# SPAN_GAP characters apart).
SCAN_WHOLE = 400
SPAN_GAP = 40

# Text-speak read as the words it stands for. Only whole tokens are replaced; ambiguous
# ones ("ill", "n", "2") are left alone and the rules allow for them where they matter.
TEXT_SPEAK = {
    "u": "you",
    "yu": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "ru": "are you",
    "pls": "please",
    "plz": "please",
    "plez": "please",
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "couldnt": "couldn't",
    "aint": "ain't",
    "hes": "he's",
    "shes": "she's",
    "ull": "you'll",
    "arent": "aren't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "youre": "you're",
    "theyre": "they're",
    "thats": "that's",
    "whats": "what's",
    "wats": "what's",
    "wat": "what",
    "wot": "what",
    "wut": "what",
    "whr": "where",
    "hw": "how",
    "gonna": "going to",
    "gna": "going to",
    "finna": "going to",
    "wanna": "want to",
    "wana": "want to",
    "gotta": "got to",
    "tryna": "trying to",
    "ima": "i'm going to",
    "imma": "i'm going to",
    "i'ma": "i'm going to",
    "gimme": "give me",
    "lemme": "let me",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "bc": "because",
    "bcoz": "because",
    "ppl": "people",
    "rn": "right now",
    "tn": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "tonite": "tonight",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmw": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "l8r": "later",
    "gr8": "great",
    "m8": "mate",
    "h8": "hate",
    "b4": "before",
    "sum1": "someone",
    "some1": "someone",
    "any1": "anyone",
    "every1": "everyone",
    "everyones": "everyone's",
    "no1": "no one",
    "noone": "no one",
    "2day": "today",
    "wud": "would",
    "wld": "would",
    "cud": "could",
    "cld": "could",
    "shud": "should",
    "shld": "should",
    "luv": "love",
    "abt": "about",
    "msg": "message",
    "msgs": "messages",
    "txt": "text",
    "hmu": "hit me up",
    "addy": "address",
    "kys": "kill yourself",
    "urself": "yourself",
    "kms": "kill myself",
    "unalive": "kill",
    "unalived": "killed",
    "unaliving": "killing",
    "seggs": "sex",
    "nvr": "never",
    "evry1": "everyone",
    "sumthing": "something",
    "nuffin": "nothing",
    "u'll": "you'll",
    "u're": "you're",
    "yall": "you all",
    "y'all": "you all",
}
# Words whose double letters are real, so that "killll" reads "kill", not "kil".
DOUBLED = (
    "kill killed killing all will tell too see meet need feel keep free off ass kiss pass sorry "
    "better little hell good cool school look book week been sleep street happy funny silly "
    "pretty really dumbass smell add"
)
DOUBLED_WORDS = frozenset(DOUBLED.split())
KEPT_WORDS = frozenset({"xxx", "www", "zzz", "kkk"})
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u201c", '"'), ("\u201d", '"'))
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad")

# Words, and currency signs as words of their own ("£20" is "£" and "20").
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*|[£$€]")
# A leet character between two letters ("k1ll", "b!tch"). The class comes first so
# that the regex engine can skip ahead to candidates.
LEET_CHAR = re.compile(r"[013457@$!](?<=[a-z].)(?=[a-z])")
RUN = re.compile(r"([a-z])\1{2,}")
ZERO_WIDTH_RUN = re.compile(r"[\u200b\u200c\u200d\ufeff\u00ad]+")
STOP = re.compile(r"[.!?\n]+")


@dataclass(frozen=True)
class Text:
    """A text ready for the rules. `norm` is what they match; positions in it map back
    to `original` through `anchors`, one (norm start, norm end, original start,
    original end) per replacement."""

    original: str
    norm: str
    anchors: tuple[tuple[int, int, int, int], ...] = ()
    prefixes: frozenset[str] = field(default_factory=frozenset)
    _spans: dict[frozenset[str], list[tuple[int, int]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _found: dict[str, list[tuple[int, int]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # What rule sets work out once per text (haven.access.signals.rules: which rules
    # the text triggers).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _whole(self) -> list[tuple[int, int]]:
        return [(0, len(self.norm))]

    @cached_property
    def stops(self) -> list[int]:
        """Where sentences end: after each run of . ! ? or a new line."""
        return [m.end() for m in STOP.finditer(self.norm)]

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the sentence around norm[start:end]."""
        stops = self.stops
        i = bisect_right(stops, start)
        begin = stops[i - 1] if i else 0
        j = bisect_left(stops, end)
        finish = stops[j] if j < len(stops) else len(self.norm)
        return begin, finish

    def spans(self, present: frozenset[str]) -> list[tuple[int, int]]:
        """The sentences that hold one of the trigger keys `present` (a rule's keys that
        the text holds), so that its regex reads those rather than all of a long text.
        (All of a short one.)"""
        if len(self.norm) <= SCAN_WHOLE:
            return self._whole
        merged = self._spans.get(present)
        if merged is None:
            found = self._found
            spans: set[tuple[int, int]] = set()
            for key in present:
                spans.update(found[key] if key in found else self._sentences(key))
            merged = self._merge(sorted(spans))
            self._spans[present] = merged
        return merged

    def _merge(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Spans joined where they nearly touch: reading a few more characters costs less
        than starting the regex again."""
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1] + SPAN_GAP:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def _sentences(self, key: str) -> list[tuple[int, int]]:
        """The sentences `key` occurs in, with the next one (a few rules read on)."""
        found = self._found.get(key)
        if found is None:
            found, norm = [], self.norm
            at = norm.find(key)
            while at != -1:
                begin, finish = self.sentence(at, at + len(key))
                _, finish = self.sentence(finish, finish)
                found.append((begin, finish))
                at = norm.find(key, max(finish, at + 1))
            self._found[key] = found
        return found

    def evidence(self, start: int, end: int) -> str:
        """The writer's own words for norm[start:end], at most 80 characters."""
        words = " ".join(self.original[self._back(start, False) : self._back(end, True)].split())
        if len(words) > EVIDENCE_CHARS:
            words = words[: EVIDENCE_CHARS - 1].rstrip() + "…"
        return words

    def _back(self, position: int, is_end: bool) -> int:
        if not self.anchors:
            return position
        starts = [anchor[0] for anchor in self.anchors]
        i = (bisect_left(starts, position) if is_end else bisect_right(starts, position)) - 1
        if i < 0:
            return position
        _norm_start, norm_end, original_start, original_end = self.anchors[i]
        inside = position <= norm_end if is_end else position < norm_end
        if inside:
            return original_end if is_end else original_start
        return position - norm_end + original_end


def prefixes_of(words: set[str]) -> frozenset[str]:
    """The keys trigger words are checked against: the first four letters of every
    word, and the first six of longer ones, so that "kill" finds "killing", "suicide"
    finds "suicidal", and "yourself" does not fire on every "your"."""
    return frozenset(word[:4] for word in words) | frozenset(
        word[:6] for word in words if len(word) >= 6
    )


def trigger_set(words: str) -> frozenset[str]:
    return frozenset(word[:6] if len(word) >= 6 else word[:4] for word in words.split())


def normalise(raw: str) -> Text:
    original = raw[:MAX_CHARS]
    low = original.lower()
    if len(low) != len(original):
        # A few characters lower-case to two ("İ"); keep positions aligned instead.
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in original)
    for curly, straight in QUOTES:
        if curly in low:
            low = low.replace(curly, straight)
    if LEET_CHAR.search(low):
        low = LEET_CHAR.sub(lambda m: LEET[m.group()], low)
    words = set(WORD.findall(low))
    edits = _edits(low, words)
    if not edits:
        return Text(original, low, (), prefixes_of(words))
    norm, anchors = _apply(low, edits)
    # The words of the replacements join the original ones: the trigger check only
    # needs to miss nothing.
    words.update(word for _start, _end, new in edits for word in WORD.findall(new))
    return Text(original, norm, anchors, prefixes_of(words))


def _edits(low: str, words: set[str]) -> list[tuple[int, int, str]]:
    """What to replace, as (start, end, new text): text-speak words, drawn-out words
    and zero-width characters, in order and not overlapping."""
    edits = []
    speak = words & TEXT_SPEAK.keys()
    if speak:
        for m in _speak(frozenset(speak)).finditer(low):
            start = m.start()
            if start and (low[start - 1].isalnum() or low[start - 1] in "'_"):
                continue  # inside a word: the "u" of "you"
            edits.append((start, m.end(), TEXT_SPEAK[m.group()]))
    for m in RUN.finditer(low):  # the whole word around drawn-out letters
        start, end = m.span()
        while start and (low[start - 1].isalpha() or low[start - 1] == "'"):
            start -= 1
        while end < len(low) and (low[end].isalpha() or low[end] == "'"):
            end += 1
        word = low[start:end]
        if _shorten(word) != word:
            edits.append((start, end, _shorten(word)))
    if any(zw in low for zw in ZERO_WIDTH):
        edits.extend((m.start(), m.end(), "") for m in ZERO_WIDTH_RUN.finditer(low))
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


@lru_cache(maxsize=512)
def _speak(words: frozenset[str]) -> re.Pattern[str]:
    """A regex for the text-speak words a text holds. Each word comes first (no
    look-behind) so that the engine can skip to candidates; `_edits` checks that the
    match starts a word."""
    alternatives = "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})(?![\w'])")


def _apply(
    low: str, edits: list[tuple[int, int, str]]
) -> tuple[str, tuple[tuple[int, int, int, int], ...]]:
    pieces: list[str] = []
    anchors: list[tuple[int, int, int, int]] = []
    done = 0  # end of the last copied part of `low`
    length = 0  # length of the normalised text so far
    for start, end, new in edits:
        pieces.append(low[done:start])
        length += start - done
        anchors.append((length, length + len(new), start, end))
        pieces.append(new)
        length += len(new)
        done = end
    pieces.append(low[done:])
    return "".join(pieces), tuple(anchors)


def _shorten(token: str) -> str:
    """A drawn-out word ("sooo", "uglyyy", "killll") as it is usually spelt."""
    if token in KEPT_WORDS:
        return token
    doubled = RUN.sub(r"\1\1", token)
    if doubled in DOUBLED_WORDS:
        return doubled
    single = RUN.sub(r"\1", token)
    return TEXT_SPEAK.get(single, single)
