"""Import hash list files into a bank, streaming and resumable; export a bank to a file.

A file is read in binary one line at a time, so ten million lines import in constant
memory. Valid signals go to `add_entries` in batches, and each batch commits in one
transaction with the import's checkpoint (`BankImport`: byte offset, line number and
counters). An import stopped at any moment (Ctrl-C, kill -9, a crash) therefore resumes
right after the last batch it committed: no line is skipped and none is added twice.

Malformed lines never stop an import: each is counted and written to an errors file,
cut back to its checkpointed size on resume so that it too lists every line once.
"""

import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, TextIO

from django.conf import settings
from django.db import reset_queries, transaction
from django.db.models import F
from django.utils import timezone
from tqdm import tqdm

from haven.audit.services import Actor, record
from haven.jobs.services import enqueue
from haven.matching.banks import BankError, Signal, add_entries
from haven.matching.formats import (
    FORMATS,
    FormatError,
    LineParser,
    detect,
    parse_line,
    parser_for,
    writer_for,
)
from haven.matching.models import BankImport, HashBank, ImportStatus

MIB = 1 << 20
# A file is known by its size and the SHA-256 of this many first bytes.
IDENTITY_BYTES = MIB
# The longest line read: a vPDQ line for a 20-minute video at 30 fps is about 3 MiB.
MAX_LINE_BYTES = 16 * MIB
# Malformed lines kept in memory for the summary; the errors file has all of them.
KEEP_MALFORMED = 1000


class ImportRefused(BankError):
    """An import that cannot start or go on; the message says why."""


def check_upload(bank, head: bytes, size: int, fmt: str) -> tuple[str, BankImport | None]:
    """Before an upload is queued: (the format it will be read as, the finished earlier
    import of the same file into this bank or None). FormatError when it cannot be read."""
    head_lines = head[:IDENTITY_BYTES].decode("utf-8-sig", errors="replace").splitlines()
    if fmt == "auto":
        fmt = detect(head_lines)
    parser_for(fmt, head_lines)
    identity = hashlib.sha256(head[:IDENTITY_BYTES]).hexdigest()
    done = (
        BankImport.objects.filter(
            bank=bank, file_size=size, head_sha256=identity, status=ImportStatus.DONE
        )
        .order_by("-pk")
        .first()
    )
    return fmt, done


@dataclass
class ImportResult:
    lines: int = 0
    added: int = 0
    duplicates: int = 0
    malformed_count: int = 0
    # The first KEEP_MALFORMED malformed lines as (line number, reason).
    malformed: list[tuple[int, str]] = field(default_factory=list)
    errors_path: str = ""
    resumed_from_line: int = 0
    format: str = ""
    # True when this file had already been imported into the bank: nothing was done.
    already_done: bool = False
    finished_at: datetime | None = None


def import_file(
    actor: Actor,
    bank: HashBank,
    path: str | Path,
    fmt: str = "auto",
    progress: bool = False,
    batch_size: int = 5000,
    restart: bool = False,
) -> ImportResult:
    """Import (or resume importing) a hash list into a bank. See the module docstring."""
    path = Path(path)
    if batch_size < 1:
        raise ImportRefused("the batch size is at least 1")
    if fmt != "auto" and fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    with path.open("rb") as source:
        head = source.read(IDENTITY_BYTES)
        size = os.fstat(source.fileno()).st_size
    head_lines = head.decode("utf-8-sig", errors="replace").splitlines()
    identity = (size, hashlib.sha256(head).hexdigest())
    job = _start(actor, bank, path, identity, fmt, head_lines, restart)
    if job.status == ImportStatus.DONE:
        return _result(job, resumed_from_line=job.line, already_done=True)
    parser = parser_for(job.format, head_lines)
    return _Run(actor, bank, job, parser, batch_size).run(path, progress)


def _start(
    actor: Actor,
    bank: HashBank,
    path: Path,
    identity: tuple[int, str],
    fmt: str,
    head_lines: list[str],
    restart: bool,
) -> BankImport:
    """This file's import into the bank: the one to resume, or a new one."""
    size, head_sha = identity
    with transaction.atomic():
        job = (
            BankImport.objects.select_for_update()
            .filter(bank=bank, file_size=size, head_sha256=head_sha)
            .order_by("-pk")
            .first()
        )
        if job is not None and not restart:
            if job.status == ImportStatus.DONE:
                return job
            if fmt not in ("auto", job.format):
                raise ImportRefused(
                    f"this file's import began as {job.format}; to import it as {fmt}, "
                    "start over with --restart"
                )
            job.status, job.failure = ImportStatus.RUNNING, ""
            job.save(update_fields=["status", "failure", "updated_at"])
            _audit(actor, "bank.import_resumed", job, from_line=job.line)
            return job
        if fmt == "auto":
            fmt = detect(head_lines)
        parser_for(fmt, head_lines)  # a Haven CSV without its header stops here
        job = BankImport.objects.create(
            bank=bank,
            file_name=path.name[:255],
            file_size=size,
            head_sha256=head_sha,
            format=fmt,
        )
        job.errors_path = str(_errors_path(path, job))
        job.save(update_fields=["errors_path"])
        _audit(actor, "bank.import_started", job, format=fmt, size=size)
        return job


def _errors_path(path: Path, job: BankImport) -> Path:
    # Beside the file where possible (the bank in the name: one file, several banks).
    path = path.absolute()
    if os.access(path.parent, os.W_OK):
        return path.with_name(f"{path.name}.bank-{job.bank_id}.errors.txt")
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"import-{job.pk}.errors.txt"


class _Run:
    """One pass over a file, from the job's checkpoint to the end."""

    def __init__(
        self, actor: Actor, bank: HashBank, job: BankImport, parser: LineParser, batch_size: int
    ) -> None:
        self.actor, self.bank, self.job, self.parser = actor, bank, job, parser
        self.batch_size = batch_size
        self.source = f"import:{job.file_name}"[:100]
        # The committed checkpoint; what this process read since is pending until commit.
        self.line, self.offset, self.errors_size = job.line, job.offset, job.errors_size
        self.result = _result(job, resumed_from_line=job.line)
        self.result.malformed = _read_errors(job.errors_path, job.errors_size)

    def run(self, path: Path, progress: bool) -> ImportResult:
        try:
            with (
                path.open("rb") as source,
                _errors_file(self.job.errors_path, self.errors_size) as errors,
                _bar(self.job, progress) as bar,
            ):
                source.seek(self.offset)
                self._read(source, errors, bar)
        except ImportRefused:
            raise  # another process holds this import: its state is not ours to touch
        except BaseException as exc:
            self._fail(exc)
            raise
        return self.result

    def _read(self, source: BinaryIO, errors: BinaryIO, bar: tqdm) -> None:
        batch: list[Signal] = []
        bad: list[tuple[int, str]] = []
        number, offset = self.line, self.offset
        while raw := source.readline(MAX_LINE_BYTES):
            number += 1
            offset += len(raw)
            if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
                offset += _skip_rest_of_line(source)
                bad.append((number, f"longer than {MAX_LINE_BYTES:,} bytes"))
                continue
            try:
                text = raw.decode("utf-8")
                if number == 1:
                    text = text.removeprefix("\ufeff")  # the byte order mark some editors add
                outcome = parse_line(self.parser, text)
            except UnicodeDecodeError:
                outcome = "not UTF-8 text"
            if isinstance(outcome, Signal):
                batch.append(outcome)
            elif outcome is not None:
                bad.append((number, outcome))
            # Malformed lines commit too, so that a file of nothing else streams as well.
            if len(batch) >= self.batch_size or len(bad) >= self.batch_size:
                self._commit(batch, bad, number, offset, errors, done=False)
                bar.update(offset - bar.n)
                bar.set_postfix_str(f"{number:,} lines", refresh=False)
                batch, bad = [], []
        self._commit(batch, bad, number, offset, errors, done=True)
        bar.update(offset - bar.n)
        bar.set_postfix_str(f"{number:,} lines")

    def _commit(
        self,
        batch: list[Signal],
        bad: list[tuple[int, str]],
        number: int,
        offset: int,
        errors: BinaryIO,
        done: bool,
    ) -> None:
        text = "".join(f"line {line}: {reason}\n" for line, reason in bad).encode()
        now = timezone.now()
        finished = {"status": ImportStatus.DONE, "finished_at": now} if done else {}
        with transaction.atomic():
            # The checkpoint first, conditionally: if another process moved it, this one
            # stops before it writes anything.
            moved = BankImport.objects.filter(
                pk=self.job.pk, line=self.line, offset=self.offset
            ).update(
                line=number,
                offset=offset,
                malformed=F("malformed") + len(bad),
                errors_size=self.errors_size + len(text),
                updated_at=now,
                **finished,
            )
            if moved != 1:
                raise ImportRefused("another process is importing this file into this bank")
            added = add_entries(self.actor, self.bank, batch, self.source) if batch else 0
            BankImport.objects.filter(pk=self.job.pk).update(
                added=F("added") + added, duplicates=F("duplicates") + len(batch) - added
            )
            errors.write(text)
            errors.flush()
            if done:
                self._finish(
                    lines=number,
                    added=self.result.added + added,
                    malformed=self.result.malformed_count + len(bad),
                )
        self.line, self.offset, self.errors_size = number, offset, self.errors_size + len(text)
        self._count(len(batch), added, bad)
        if settings.DEBUG:
            reset_queries()  # in debug mode Django keeps the last 9,000 queries' SQL
        if done:
            self.result.finished_at = now

    def _finish(self, **totals: int) -> None:
        _audit(self.actor, "bank.import_finished", self.job, **totals)
        # Every process picks the new hashes up from a fresh index snapshot.
        enqueue("matching.snapshot")

    def _count(self, received: int, added: int, bad: list[tuple[int, str]]) -> None:
        result = self.result
        result.lines = self.line
        result.added += added
        result.duplicates += received - added
        result.malformed_count += len(bad)
        room = KEEP_MALFORMED - len(result.malformed)
        result.malformed.extend(bad[: max(room, 0)])

    def _fail(self, exc: BaseException) -> None:
        reason = "interrupted" if isinstance(exc, KeyboardInterrupt) else repr(exc)
        try:
            with transaction.atomic():
                BankImport.objects.filter(pk=self.job.pk, offset=self.offset).update(
                    status=ImportStatus.FAILED, failure=reason[:2000], updated_at=timezone.now()
                )
        except Exception:  # noqa: S110  (the original error is what matters)
            pass


def _skip_rest_of_line(source: BinaryIO) -> int:
    skipped = 0
    while chunk := source.readline(MAX_LINE_BYTES):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


@contextmanager
def _errors_file(path: str, size: int) -> Iterator[BinaryIO]:
    """The errors file, cut back to the checkpoint: lines written after it are re-read."""
    errors_path = Path(path)
    errors_path.touch()
    with errors_path.open("r+b") as errors:
        errors.truncate(size)
        errors.seek(size)
        yield errors


def _read_errors(path: str, size: int) -> list[tuple[int, str]]:
    """The first malformed lines an earlier run wrote, for this run's summary."""
    found: list[tuple[int, str]] = []
    if not path or not size or not Path(path).exists():
        return found
    with Path(path).open("rb") as errors:
        while len(found) < KEEP_MALFORMED and errors.tell() < size:
            line = errors.readline(MIB).decode("utf-8", "replace").rstrip("\n")
            number, _, reason = line.removeprefix("line ").partition(": ")
            if number.isdigit():
                found.append((int(number), reason))
    return found


def _bar(job: BankImport, progress: bool) -> tqdm:
    return tqdm(
        total=job.file_size,
        initial=job.offset,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=job.file_name[:30],
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
    )


def _result(job: BankImport, resumed_from_line: int, already_done: bool = False) -> ImportResult:
    return ImportResult(
        lines=job.line,
        added=job.added,
        duplicates=job.duplicates,
        malformed_count=job.malformed,
        malformed=_read_errors(job.errors_path, job.errors_size) if already_done else [],
        errors_path=job.errors_path,
        resumed_from_line=resumed_from_line,
        format=job.format,
        already_done=already_done,
        finished_at=job.finished_at,
    )


def _audit(actor: Actor, action: str, job: BankImport, **detail) -> None:
    record(
        actor,
        action,
        job,
        organisation_id=job.bank.organisation_id,
        bank=job.bank.name,
        file=job.file_name,
        **detail,
    )


def export_bank(bank: HashBank, fmt: str, out: TextIO, actor: Actor | None = None) -> int:
    """Write every entry of the bank to `out` in the format; returns how many."""
    writer = writer_for(fmt, out, safe_bank=bank.is_safe)
    count = 0
    for entry in bank.entries.order_by("pk").iterator(chunk_size=2000):
        writer.write(entry)
        count += 1
    if actor is not None:
        with transaction.atomic():
            record(
                actor,
                "bank.exported",
                bank,
                organisation_id=bank.organisation_id,
                format=fmt,
                entries=count,
            )
    return count
