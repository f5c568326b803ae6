"""Hash list file formats: read a line into a `Signal` (or the reason it is wrong), and
write bank entries out.

- "te-file": python-threatexchange's local file exchange (`exchanges/impl/file_api.py`),
  one `<signal_type> <signal>` per line, the signal being the rest of the line. This is
  also what `threatexchange dataset -P -S` prints.
- "te-csv": the CSV that `threatexchange dataset -P --csv` prints (`cli/dataset_cmd.py`):
  `signal_type,signal_str,collab,category,tags`, tags separated by spaces.
- "csv": Haven's own CSV, with a header: `signal_type,value,note,labels,external_id`,
  labels separated by ";".

One physical line is one record in every format: a CSV field cannot span lines (a
quoted newline is reported as broken quoting). That is what lets an import stream a file
and resume at a byte offset.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator
from typing import Protocol, TextIO

from haven.hashing.vpdq import parse_vpdq
from haven.matching.banks import InvalidSignal, Signal, normalise_signal
from haven.matching.models import BankEntry, SignalType

FORMATS = ("te-file", "te-csv", "csv")
HAVEN_CSV_COLUMNS = ("signal_type", "value", "note", "labels", "external_id")
TE_CSV_COLUMNS = ("signal_type", "signal_str", "collab", "category", "tags")
# SignalOpinionCategory names (`exchanges/fetch_state.py`); a bank entry is a positive.
TE_CATEGORIES = ("NEGATIVE_CLASS", "INVESTIGATION_SEED", "POSITIVE_CLASS")

# python-threatexchange's names (SignalType.get_name()) to ours. Its MD5 and SHA-256
# types are named for video, but they are plain file hashes like ours; our own names
# are accepted too, as people write them by hand.
FROM_TE = {
    "pdq": SignalType.PDQ,
    "video_md5": SignalType.MD5,
    "video_sha256": SignalType.SHA256,
    "vpdq": SignalType.VPDQ,
    "md5": SignalType.MD5,
    "sha256": SignalType.SHA256,
}
TO_TE = {
    SignalType.PDQ: "pdq",
    SignalType.MD5: "video_md5",
    SignalType.SHA256: "video_sha256",
    SignalType.VPDQ: "vpdq",
}
# How many first lines auto-detection looks at before giving up.
DETECT_LINES = 20
_TAG_SPLIT = re.compile(r"[\s,]+")


class FormatError(ValueError):
    """The file as a whole cannot be read (unknown format, a CSV without its header)."""


class MalformedLine(ValueError):
    """One line that is not a signal; the message says why."""


class LineParser(Protocol):
    def parse(self, text: str) -> Signal | None:
        """The line's signal, None for a line to skip, or MalformedLine/InvalidSignal."""


def is_skipped(text: str) -> bool:
    """Blank lines and # comments carry nothing, in every format."""
    stripped = text.strip()
    return not stripped or stripped.startswith("#")


# -- reading --------------------------------------------------------------------------


def detect(head: Iterable[str]) -> str:
    """The format of a file from its first lines, or FormatError."""
    meaningful = (line for line in head if not is_skipped(line))
    for _, line in zip(range(DETECT_LINES), meaningful, strict=False):
        found = _detect_line(line.strip())
        if found:
            return found
    raise FormatError(
        "cannot tell the format from the first lines; name it (te-file, te-csv or csv)"
    )


def _detect_line(line: str) -> str | None:
    header = set(_header(line))
    if {"signal_type", "signal_str"} <= header:
        return "te-csv"
    if {"signal_type", "value"} <= header:
        return "csv"
    words = line.split(None, 1)
    if len(words) == 2 and words[0].lower() in FROM_TE:
        return "te-file"
    fields = _csv_fields(line, quiet=True)
    if len(fields) >= 2 and fields[0].strip().lower() in FROM_TE:
        return "te-csv"
    return None


def parser_for(fmt: str, head: Iterable[str] = ()) -> LineParser:
    """A line parser for the format; a Haven CSV takes its header from `head`."""
    if fmt == "te-file":
        return TeFileParser()
    if fmt == "te-csv":
        return TeCsvParser()
    if fmt == "csv":
        first = next((line for line in head if not is_skipped(line)), "")
        return HavenCsvParser(_header(first))
    raise FormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def read_lines(lines: Iterable[str], fmt: str = "auto") -> Iterator[tuple[int, Signal | str]]:
    """(line number, signal or reason) for every line that is not blank or a comment.

    For text already in memory (tests, small uploads); imports stream bytes instead.
    """
    lines = list(lines)
    if fmt == "auto":
        fmt = detect(lines)
    parser = parser_for(fmt, lines)
    for number, text in enumerate(lines, start=1):
        outcome = parse_line(parser, text)
        if outcome is not None:
            yield number, outcome


def parse_line(parser: LineParser, text: str) -> Signal | str | None:
    """The line's signal, the reason it is malformed, or None for a line to skip."""
    if is_skipped(text):
        return None
    try:
        return parser.parse(text)
    except (MalformedLine, InvalidSignal) as exc:
        return str(exc)[:300]


class TeFileParser:
    def parse(self, text: str) -> Signal | None:
        # As the file exchange does: the type, one space, and the rest is the signal.
        words = text.strip().split(None, 1)
        if len(words) != 2:
            raise MalformedLine("expected '<signal_type> <signal>'")
        return signal_from(words[0], words[1])


class TeCsvParser:
    def parse(self, text: str) -> Signal | None:
        fields = _csv_fields(text)
        if [f.strip().lower() for f in fields[:2]] == ["signal_type", "signal_str"]:
            return None  # the header, which is optional
        if len(fields) < 2 or not fields[1].strip():
            raise MalformedLine("missing fields: expected at least signal_type,signal_str")
        if len(fields) > len(TE_CSV_COLUMNS):
            raise MalformedLine(f"too many fields: expected {len(TE_CSV_COLUMNS)}")
        kind, signal, collab, category, tags = (*fields, "", "", "")[:5]
        labels = [category.strip(), *_TAG_SPLIT.split(tags.strip())]
        return signal_from(
            kind,
            signal,
            labels=list(dict.fromkeys(label for label in labels if label)),
            metadata={"collab": collab.strip()} if collab.strip() else {},
        )


class HavenCsvParser:
    def __init__(self, header: list[str]) -> None:
        if "signal_type" not in header or "value" not in header:
            raise FormatError("a Haven CSV starts with the header " + ",".join(HAVEN_CSV_COLUMNS))
        self.header = header

    def parse(self, text: str) -> Signal | None:
        fields = _csv_fields(text)
        if [f.strip().lower() for f in fields] == self.header:
            return None
        if len(fields) != len(self.header):
            problem = "missing fields" if len(fields) < len(self.header) else "too many fields"
            raise MalformedLine(f"{problem}: expected {len(self.header)}, found {len(fields)}")
        row = dict(zip(self.header, fields, strict=True))
        if not row["value"].strip():
            raise MalformedLine("missing the value")
        labels = (label.strip() for label in row.get("labels", "").split(";"))
        return signal_from(
            row["signal_type"],
            row["value"],
            note=row.get("note", "").strip(),
            labels=[label for label in labels if label],
            external_id=row.get("external_id", "").strip(),
        )


def signal_from(kind: str, raw: str, **extra) -> Signal:
    """A valid Signal from a type name (ours or python-threatexchange's) and its text."""
    ours = FROM_TE.get(kind.strip().lower())
    if ours is None:
        raise InvalidSignal(f"unsupported signal type {kind.strip()[:40]!r}")
    raw = raw.strip()
    if ours == SignalType.VPDQ and raw.startswith("["):
        raw = _vpdq_from_te(raw)
    signal_type, value, frames = normalise_signal(ours, raw)
    # A video's Signal carries its frames: add_entries derives the identity from them.
    return Signal(signal_type, frames or value, **extra)


def _vpdq_from_te(raw: str) -> str:
    """python-threatexchange's vPDQ (a JSON list of "pdq_hex,quality,seconds") as vPDQ
    lines. It has no frame numbers: frames are numbered in order from 0."""
    try:
        features = json.loads(raw)
    except ValueError:
        raise InvalidSignal("not vPDQ: broken JSON") from None
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise InvalidSignal("not vPDQ: expected a JSON list of 'pdq_hex,quality,seconds'")
    lines = []
    for number, feature in enumerate(features):
        parts = feature.split(",")
        try:
            pdq, quality, seconds = parts
            lines.append(f"{number},{int(quality)},{pdq.strip()},{float(seconds):.3f}")
        except ValueError:
            raise InvalidSignal(
                f"not vPDQ: frame {number} is not 'pdq_hex,quality,seconds'"
            ) from None
    return "\n".join(lines)


def _csv_fields(text: str, quiet: bool = False) -> list[str]:
    try:
        return next(csv.reader([text.rstrip("\r\n")], strict=True), [])
    except csv.Error as exc:
        if quiet:
            return []
        raise MalformedLine(f"broken CSV quoting: {exc}") from None


def _header(line: str) -> list[str]:
    return [name.strip().lower() for name in _csv_fields(line, quiet=True)]


# -- writing --------------------------------------------------------------------------


def writer_for(fmt: str, out: TextIO, safe_bank: bool = False) -> "EntryWriter":
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return EntryWriter(fmt, out, safe_bank)


class EntryWriter:
    """Writes entries one at a time, so an export streams however big the bank is."""

    def __init__(self, fmt: str, out: TextIO, safe_bank: bool = False) -> None:
        self.fmt, self.out = fmt, out
        # A safe bank lists false positives: in python-threatexchange, a negative class.
        self.default_category = "NEGATIVE_CLASS" if safe_bank else "POSITIVE_CLASS"
        self.csv = csv.writer(out, lineterminator="\n")
        if fmt == "te-csv":
            self.csv.writerow(TE_CSV_COLUMNS)
        elif fmt == "csv":
            self.csv.writerow(HAVEN_CSV_COLUMNS)

    def write(self, entry: BankEntry) -> None:
        if self.fmt == "te-file":
            self.out.write(f"{TO_TE[SignalType(entry.signal_type)]} {te_signal(entry)}\n")
        elif self.fmt == "te-csv":
            self.csv.writerow(self._te_csv_row(entry))
        else:
            value = entry.value
            if entry.signal_type == SignalType.VPDQ:
                value = ";".join(entry.frames.split())
            labels = ";".join(str(label) for label in entry.labels)
            self.csv.writerow([entry.signal_type, value, entry.note, labels, entry.external_id])

    def _te_csv_row(self, entry: BankEntry) -> list[str]:
        labels = [str(label) for label in entry.labels]
        category = next((label for label in labels if label in TE_CATEGORIES), None)
        tags = [label for label in labels if label != category]
        return [
            TO_TE[SignalType(entry.signal_type)],
            te_signal(entry),
            str((entry.metadata or {}).get("collab", "")),
            category or self.default_category,
            " ".join(tags),
        ]


def te_signal(entry: BankEntry) -> str:
    """The signal as python-threatexchange writes it: the hex, or vPDQ's JSON list."""
    if entry.signal_type != SignalType.VPDQ:
        return entry.value
    features = [f"{f.pdq},{f.quality},{f.seconds:.3f}" for f in parse_vpdq(entry.frames)]
    return json.dumps(features)
