"""Importing hash list files into a bank (streamed, batched, resumable) and exporting banks.

Every hash here is random hex made up for the test.
"""

import io
import random
from pathlib import Path

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.jobs.models import Job
from haven.matching import imports
from haven.matching.banks import add_entries
from haven.matching.imports import ImportRefused, export_bank, import_file
from haven.matching.models import BankEntry, BankImport, HashBank, ImportStatus

FRAME = "c" * 64


def hexes(count: int, bits: int = 256, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(bits):0{bits // 4}x}" for _ in range(count)]


@pytest.fixture
def bank(organisation):
    return HashBank.objects.create(organisation=organisation, name="known", classification="K")


@pytest.fixture
def actor(organisation):
    return Actor(None, "test", organisation_id=organisation.pk)


def te_file(tmp_path: Path, lines: list[str], name: str = "hashes.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(f"{line}\n" for line in lines))
    return path


def values(bank: HashBank) -> list[str]:
    return sorted(bank.entries.values_list("value", flat=True))


def test_an_import_counts_lines_added_duplicates_and_malformed_lines(tmp_path, bank, actor):
    hashes = hexes(10)
    add_entries(actor, bank, [imports.Signal("pdq", hashes[0])], source="manual")
    lines = ["# synthetic", *(f"pdq {h}" for h in hashes), f"pdq {hashes[3]}", "", "pdq 123"]
    path = te_file(tmp_path, [*lines, "url https://example.org", f"video_md5 {hashes[1]}"])

    result = import_file(actor, bank, path, batch_size=4)

    assert (result.lines, result.added, result.duplicates) == (16, 9, 2)
    assert result.malformed_count == 3
    assert result.malformed == [
        (14, "a pdq hash is 64 hexadecimal digits"),
        (15, "unsupported signal type 'url'"),
        (16, "a md5 hash is 32 hexadecimal digits"),
    ]
    assert values(bank) == sorted(hashes)
    assert set(bank.entries.values_list("source", flat=True)) == {"manual", "import:hashes.txt"}


def test_every_malformed_line_is_counted_and_written_to_the_errors_file(tmp_path, bank, actor):
    good = hexes(3)
    path = te_file(tmp_path, ["pdq 12", f"pdq {good[0]}", "md5 xyz", f"pdq {good[1]}", "pdq"])

    result = import_file(actor, bank, path, batch_size=1)

    assert result.malformed_count == 3
    assert result.malformed == [
        (1, "a pdq hash is 64 hexadecimal digits"),
        (3, "a md5 hash is 32 hexadecimal digits"),
        (5, "expected '<signal_type> <signal>'"),
    ]
    assert Path(result.errors_path).parent == tmp_path
    assert Path(result.errors_path).read_text().splitlines() == [
        "line 1: a pdq hash is 64 hexadecimal digits",
        "line 3: a md5 hash is 32 hexadecimal digits",
        "line 5: expected '<signal_type> <signal>'",
    ]


def test_only_the_first_thousand_malformed_lines_are_kept_in_memory_but_all_are_counted(
    tmp_path, bank, actor
):
    path = te_file(tmp_path, ["pdq 0"] * 1500)
    result = import_file(actor, bank, path, batch_size=100)
    assert result.malformed_count == 1500
    assert len(result.malformed) == 1000
    assert len(Path(result.errors_path).read_text().splitlines()) == 1500


def test_invalid_utf8_is_a_malformed_line_not_a_crash(tmp_path, bank, actor):
    good = hexes(2)
    path = tmp_path / "mixed.txt"
    path.write_bytes(f"pdq {good[0]}\n".encode() + b"pdq \xff\xfe\n" + f"pdq {good[1]}\n".encode())
    result = import_file(actor, bank, path)
    assert result.malformed == [(2, "not UTF-8 text")]
    assert values(bank) == sorted(good)


def test_a_csv_saved_with_a_byte_order_mark_is_read_from_its_header(tmp_path, bank, actor):
    md5 = hexes(1, bits=128)[0]
    path = tmp_path / "excel.csv"
    path.write_bytes(
        f"signal_type,value,note,labels,external_id\r\nmd5,{md5},n,,\r\n".encode("utf-8-sig")
    )
    result = import_file(actor, bank, path)
    assert (result.format, result.added, result.malformed_count) == ("csv", 1, 0)


def test_a_line_longer_than_the_limit_is_malformed_and_skipped_whole(
    tmp_path, bank, actor, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_LINE_BYTES", 100)
    good = hexes(2)
    path = te_file(tmp_path, [f"pdq {good[0]}", "pdq " + "a" * 250, f"pdq {good[1]}"])
    result = import_file(actor, bank, path)
    assert result.malformed == [(2, "longer than 100 bytes")]
    assert (result.lines, values(bank)) == (3, sorted(good))


def interrupt_on_call(monkeypatch, number: int, error: BaseException) -> None:
    """Make the `number`th batch fail, as a crash in the middle of an import would."""
    calls = [0]
    real = imports.add_entries

    def failing(*args, **kwargs):
        calls[0] += 1
        if calls[0] == number:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "add_entries", failing)


def test_an_interrupted_import_resumes_after_its_last_batch_without_gaps_or_duplicates(
    tmp_path, bank, actor, monkeypatch
):
    hashes = hexes(25)
    lines = ["# synthetic", *(f"pdq {h}" for h in hashes[:12]), "pdq bad", "md5 bad"]
    path = te_file(tmp_path, [*lines, *(f"pdq {h}" for h in hashes[12:])])
    interrupt_on_call(monkeypatch, 3, RuntimeError("disk full"))

    with pytest.raises(RuntimeError):
        import_file(actor, bank, path, batch_size=5)
    job = BankImport.objects.get()
    assert (job.status, job.line, job.added) == (ImportStatus.FAILED, 11, 10)
    assert "disk full" in job.failure
    assert bank.entries.count() == 10
    monkeypatch.undo()

    result = import_file(actor, bank, path, batch_size=5)

    assert result.resumed_from_line == 11
    assert (result.lines, result.added, result.duplicates) == (28, 25, 0)
    assert values(bank) == sorted(hashes)
    assert result.malformed == [
        (14, "a pdq hash is 64 hexadecimal digits"),
        (15, "a md5 hash is 32 hexadecimal digits"),
    ]
    assert len(Path(result.errors_path).read_text().splitlines()) == 2
    job.refresh_from_db()
    assert (job.status, job.added, job.malformed) == (ImportStatus.DONE, 25, 2)


def test_an_import_killed_outright_resumes_from_its_checkpoint(tmp_path, bank, actor, monkeypatch):
    # kill -9: nothing runs after the last commit, so the import still says "running".
    hashes = hexes(12)
    path = te_file(tmp_path, [f"pdq {h}" for h in hashes])
    interrupt_on_call(monkeypatch, 2, KeyboardInterrupt())
    monkeypatch.setattr(imports._Run, "_fail", lambda self, exc: None)
    with pytest.raises(KeyboardInterrupt):
        import_file(actor, bank, path, batch_size=4)
    assert BankImport.objects.get().status == ImportStatus.RUNNING
    monkeypatch.undo()

    result = import_file(actor, bank, path, batch_size=4)

    assert (result.resumed_from_line, result.added, result.duplicates) == (4, 12, 0)
    assert values(bank) == sorted(hashes)


def test_ctrl_c_marks_the_import_interrupted(tmp_path, bank, actor, monkeypatch):
    path = te_file(tmp_path, [f"pdq {h}" for h in hexes(6)])
    interrupt_on_call(monkeypatch, 2, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        import_file(actor, bank, path, batch_size=3)
    job = BankImport.objects.get()
    assert (job.status, job.failure, job.line) == (ImportStatus.FAILED, "interrupted", 3)


def test_a_finished_import_is_not_run_again_unless_restarted(tmp_path, bank, actor):
    hashes = hexes(3)
    path = te_file(tmp_path, [*(f"pdq {h}" for h in hashes), "pdq oops"])
    first = import_file(actor, bank, path)

    again = import_file(actor, bank, path)
    assert again.already_done
    assert (again.added, again.malformed_count, again.malformed) == (3, 1, first.malformed)

    restarted = import_file(actor, bank, path, restart=True)
    assert not restarted.already_done
    assert (restarted.added, restarted.duplicates, restarted.malformed_count) == (0, 3, 1)
    assert (
        Path(restarted.errors_path).read_text() == "line 4: a pdq hash is 64 hexadecimal digits\n"
    )
    assert BankImport.objects.count() == 2


def test_a_changed_file_is_a_new_import(tmp_path, bank, actor):
    hashes = hexes(4)
    path = te_file(tmp_path, [f"pdq {h}" for h in hashes[:2]])
    import_file(actor, bank, path)
    te_file(tmp_path, [f"pdq {h}" for h in hashes])
    result = import_file(actor, bank, path)
    assert (result.already_done, result.added, result.duplicates) == (False, 2, 2)


def test_resuming_in_another_format_is_refused(tmp_path, bank, actor, monkeypatch):
    path = te_file(tmp_path, [f"pdq {h}" for h in hexes(4)])
    interrupt_on_call(monkeypatch, 1, RuntimeError("crash"))
    with pytest.raises(RuntimeError):
        import_file(actor, bank, path, batch_size=2)
    monkeypatch.undo()
    with pytest.raises(ImportRefused, match="began as te-file"):
        import_file(actor, bank, path, fmt="te-csv")


def test_a_second_process_on_the_same_import_stops_before_writing(
    tmp_path, bank, actor, monkeypatch
):
    hashes = hexes(6)
    path = te_file(tmp_path, [f"pdq {h}" for h in hashes])
    real = imports.add_entries

    def meanwhile(*args, **kwargs):
        added = real(*args, **kwargs)
        # Another process commits a checkpoint of its own while this batch is written.
        BankImport.objects.update(line=100, offset=10_000)
        return added

    monkeypatch.setattr(imports, "add_entries", meanwhile)
    with pytest.raises(ImportRefused, match="another process"):
        import_file(actor, bank, path, batch_size=2)
    assert values(bank) == sorted(hashes[:2])
    assert BankImport.objects.get().status == ImportStatus.RUNNING


def test_a_completed_import_is_audited_and_queues_an_index_snapshot(tmp_path, bank, actor):
    path = te_file(tmp_path, [f"pdq {h}" for h in hexes(3)])
    import_file(actor, bank, path, batch_size=2)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "bank.import_started",
        "bank.entries_added",
        "bank.entries_added",
        "bank.import_finished",
    ]
    assert Job.objects.filter(name="matching.snapshot").count() == 1


def test_the_file_format_is_detected_and_havens_csv_header_is_used_on_resume(
    tmp_path, bank, actor, monkeypatch
):
    hashes = hexes(5, bits=128)
    path = tmp_path / "list.csv"
    rows = [f"md5,{h},note {i},a;b,id-{i}" for i, h in enumerate(hashes)]
    path.write_text("signal_type,value,note,labels,external_id\n" + "\n".join(rows) + "\n")
    interrupt_on_call(monkeypatch, 2, RuntimeError("crash"))
    with pytest.raises(RuntimeError):
        import_file(actor, bank, path, batch_size=2)
    monkeypatch.undo()

    result = import_file(actor, bank, path, batch_size=2)

    assert (result.format, result.resumed_from_line, result.malformed_count) == ("csv", 3, 0)
    entry = bank.entries.get(value=hashes[4])
    assert (entry.note, entry.labels, entry.external_id) == ("note 4", ["a", "b"], "id-4")


# -- export ---------------------------------------------------------------------------


def fill(bank: HashBank, actor: Actor) -> None:
    video = f"0,100,{FRAME},0.000\n1,95,{'d' * 64},0.500\n"
    add_entries(
        actor,
        bank,
        [
            imports.Signal("pdq", hexes(1)[0], note="n", labels=["POSITIVE_CLASS", "series_1"]),
            imports.Signal("md5", hexes(1, 128)[0], labels=["POSITIVE_CLASS"], external_id="e"),
            imports.Signal("sha256", hexes(1, seed=2)[0], labels=["POSITIVE_CLASS"]),
            imports.Signal("vpdq", video, labels=["POSITIVE_CLASS"]),
        ],
        source="manual",
    )


FIELDS_KEPT = {
    "te-file": ("signal_type", "value", "frames"),
    "te-csv": ("signal_type", "value", "frames", "labels", "metadata"),
    "csv": ("signal_type", "value", "frames", "note", "labels", "external_id"),
}


@pytest.mark.parametrize("fmt", ["te-file", "te-csv", "csv"])
def test_a_bank_exported_and_imported_into_a_new_bank_has_the_same_entries(
    fmt, tmp_path, bank, actor, organisation
):
    fill(bank, actor)
    out = io.StringIO()
    assert export_bank(bank, fmt, out, actor) == 4
    path = tmp_path / f"export.{fmt}"
    path.write_text(out.getvalue())
    copy = HashBank.objects.create(organisation=organisation, name="copy", classification="C")

    result = import_file(actor, copy, path)

    assert (result.format, result.added, result.malformed_count) == (fmt, 4, 0)
    fields = FIELDS_KEPT[fmt]
    original = BankEntry.objects.filter(bank=bank).order_by("signal_type").values_list(*fields)
    imported = BankEntry.objects.filter(bank=copy).order_by("signal_type").values_list(*fields)
    assert list(imported) == list(original)


def test_an_export_is_audited(bank, actor):
    fill(bank, actor)
    export_bank(bank, "te-file", io.StringIO(), actor)
    event = AuditEvent.objects.get(action="bank.exported")
    assert event.detail == {"format": "te-file", "entries": 4}
