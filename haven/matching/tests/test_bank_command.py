"""`haven bank ...`: banks managed, imported and exported from the command line.

Every hash here is random hex made up for the test.
"""

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.audit.models import AuditEvent
from haven.matching.models import HashBank


def bank_command(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("bank", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def hexes(count: int, bits: int = 256) -> list[str]:
    rng = random.Random(7)
    return [f"{rng.getrandbits(bits):0{bits // 4}x}" for _ in range(count)]


@pytest.fixture
def known(organisation):
    return HashBank.objects.create(organisation=organisation, name="known", classification="K")


@pytest.fixture
def theirs(other_organisation):
    return HashBank.objects.create(
        organisation=other_organisation, name="known", classification="Theirs"
    )


def test_create_makes_a_bank_with_its_threshold_and_safe_flag_and_audits_it(organisation):
    output = bank_command(
        "create", "--org", "northern", "--name", "safe list", "--classification", "FP",
        "--threshold", "12", "--safe",
    )  # fmt: skip
    assert "Created bank 'safe list' in northern." in output
    bank = HashBank.objects.get(organisation=organisation, name="safe list")
    assert (bank.classification, bank.pdq_threshold, bank.is_safe) == ("FP", 12, True)
    event = AuditEvent.objects.get(action="bank.created")
    assert (event.actor_label, event.organisation_id) == ("command line", organisation.pk)


def test_a_duplicate_name_or_a_threshold_out_of_range_is_an_error_with_its_reason(known):
    with pytest.raises(CommandError, match="already exists"):
        bank_command("create", "--org", "northern", "--name", "known")
    with pytest.raises(CommandError, match="between 0 and 63"):
        bank_command("set-threshold", "--org", "northern", "--bank", "known", "64")


def test_rename_enable_disable_and_set_threshold_change_the_bank(known):
    bank_command("disable", "--org", "northern", "--bank", "known")
    bank_command("set-threshold", "--org", "northern", "--bank", "known", "20")
    bank_command("rename", "--org", "northern", "--bank", "known", "known images")
    known.refresh_from_db()
    assert (known.name, known.enabled, known.pdq_threshold) == ("known images", False, 20)
    bank_command("enable", "--org", "northern", "--bank", "known images")
    known.refresh_from_db()
    assert known.enabled


def test_list_shows_only_the_organisations_own_banks(known, theirs):
    known.entries.create(signal_type="md5", value="0" * 32)
    output = bank_command("list", "--organisation", "northern")
    assert output.splitlines()[1].split()[:4] == ["known", "1", "yes", "no"]
    assert "Theirs" not in output


def test_an_organisation_can_be_named_by_its_id_and_an_unknown_one_is_refused(organisation):
    assert "NAME" in bank_command("list", "--organisation", str(organisation.pk))
    with pytest.raises(CommandError, match=r"No organisation 'nowhere'\. Known: northern\."):
        bank_command("list", "--organisation", "nowhere")


def test_one_organisations_command_cannot_touch_another_organisations_bank(
    theirs, other_organisation, organisation, tmp_path
):
    path = tmp_path / "hashes.txt"
    path.write_text(f"pdq {hexes(1)[0]}\n")
    for args in (
        ("import", "--org", "northern", "--bank", "known", str(path)),
        ("export", "--org", "northern", "--bank", "known"),
        ("disable", "--org", "northern", "--bank", "known"),
    ):
        with pytest.raises(CommandError, match="No bank 'known' in northern"):
            bank_command(*args)
    theirs.refresh_from_db()
    assert theirs.enabled and not theirs.entries.exists()


def test_the_same_bank_name_in_two_organisations_reaches_only_the_named_ones(
    known, theirs, tmp_path
):
    path = tmp_path / "hashes.txt"
    path.write_text(f"pdq {hexes(1)[0]}\n")
    bank_command("import", "--org", "southern", "--bank", "known", str(path))
    bank_command("disable", "--org", "southern", "--bank", "known")
    known.refresh_from_db()
    theirs.refresh_from_db()
    assert (known.entries.count(), known.enabled) == (0, True)
    assert (theirs.entries.count(), theirs.enabled) == (1, False)


def test_import_prints_a_summary_with_the_first_twenty_malformed_lines(known, tmp_path):
    good = hexes(5)
    path = tmp_path / "hashes.txt"
    lines = [f"pdq {h}" for h in good] + [f"pdq {good[0]}"] + ["pdq 0"] * 25
    path.write_text("\n".join(lines) + "\n")

    output = bank_command("import", "--org", "northern", "--bank", "known", str(path))

    assert "Imported hashes.txt into 'known' as te-file." in output
    assert "Lines: 31  added: 5  duplicates: 1  malformed: 25" in output
    assert "Malformed lines (first 20 of 25):" in output
    assert "  line 7: a pdq hash is 64 hexadecimal digits" in output
    assert "  line 26: a pdq hash is 64 hexadecimal digits" in output
    assert "line 27:" not in output
    assert f"Every malformed line is listed in {path}.bank-{known.pk}.errors.txt" in output


def test_importing_a_file_again_says_it_was_done_and_restart_starts_over(known, tmp_path):
    path = tmp_path / "hashes.txt"
    path.write_text("".join(f"video_md5 {h}\n" for h in hexes(3, bits=128)))
    args = ["import", "--org", "northern", "--bank", "known", str(path)]
    bank_command(*args)
    assert "was already imported into 'known'" in bank_command(*args)
    output = bank_command(*args, "--restart", "--batch-size", "2", "--format", "te-file")
    assert "Lines: 3  added: 0  duplicates: 3  malformed: 0" in output


def test_a_missing_file_or_an_undetectable_format_is_an_error(known, tmp_path):
    with pytest.raises(CommandError, match="No file"):
        bank_command("import", "--org", "northern", "--bank", "known", str(tmp_path / "no"))
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n")
    with pytest.raises(CommandError, match="cannot tell the format"):
        bank_command("import", "--org", "northern", "--bank", "known", str(path))


def test_export_writes_the_bank_to_standard_output_or_a_file(known, tmp_path):
    md5 = hexes(1, bits=128)[0]
    known.entries.create(signal_type="md5", value=md5)
    out = io.StringIO()
    call_command(
        "bank", "export", "--org", "northern", "--bank", "known", "--format", "te-file",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert out.getvalue() == f"video_md5 {md5}\n"

    target = tmp_path / "known.csv"
    output = bank_command("export", "--org", "northern", "--bank", "known", "--output", str(target))
    assert f"Exported 1 entries of 'known' to {target}." in output
    assert target.read_text() == f"signal_type,value,note,labels,external_id\nmd5,{md5},,,\n"
