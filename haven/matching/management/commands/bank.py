"""`haven bank ...`: list, create and change hash banks; import and export hash lists.

haven bank list --org northern
haven bank create --org northern --name "Known CSAM" --classification "Known CSAM (A)"
haven bank rename --org northern --bank "Known CSAM" "Known CSAM (IWF)"
haven bank disable --org northern --bank "Known CSAM"
haven bank set-threshold --org northern --bank "Known CSAM" 20
haven bank import --org northern --bank "Known CSAM" hashes.txt
haven bank export --org northern --bank "Known CSAM" --format te-file --output hashes.txt

Bank names are per organisation: every subcommand finds the bank within the one
organisation named, so it can never touch another organisation's bank.
"""

import sys
from pathlib import Path
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from haven.accounts.models import Organisation
from haven.audit.services import Actor
from haven.cli import positive_int
from haven.matching.banks import BankError, create_bank, update_bank
from haven.matching.formats import FORMATS, FormatError
from haven.matching.imports import ImportResult, export_bank, import_file
from haven.matching.models import MAX_PDQ_THRESHOLD, HashBank

SHOW_MALFORMED = 20


class Command(BaseCommand):
    help = "List, create and change hash banks; import and export hash lists."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="List an organisation's banks.")
        _organisation_argument(listing)

        create = actions.add_parser("create", help="Create a bank.")
        _organisation_argument(create)
        create.add_argument("--name", required=True)
        create.add_argument(
            "--classification", default="", help="What a match means (default: the name)."
        )
        create.add_argument("--description", default="")
        create.add_argument("--threshold", type=int, help="PDQ distance, 0 to 63 (default 31).")
        create.add_argument(
            "--safe", action="store_true", help="Known false positives: a hit suppresses others."
        )

        rename = actions.add_parser("rename", help="Rename a bank.")
        _bank_arguments(rename)
        rename.add_argument("new_name")
        for name, what in (("enable", "Enable a bank."), ("disable", "Disable a bank.")):
            _bank_arguments(actions.add_parser(name, help=what))
        threshold = actions.add_parser("set-threshold", help="Set a bank's PDQ threshold.")
        _bank_arguments(threshold)
        threshold.add_argument("threshold", type=int, help=f"0 to {MAX_PDQ_THRESHOLD}")

        load = actions.add_parser(
            "import", help="Import a hash list; run it again to resume an interrupted import."
        )
        _bank_arguments(load)
        load.add_argument("file", type=Path)
        load.add_argument("--format", default="auto", choices=("auto", *FORMATS))
        load.add_argument(
            "--restart", action="store_true", help="Start over, even if it was imported before."
        )
        load.add_argument("--batch-size", type=positive_int, default=5000)

        dump = actions.add_parser("export", help="Write every entry of a bank.")
        _bank_arguments(dump)
        dump.add_argument("--format", default="csv", choices=FORMATS)
        dump.add_argument("--output", default="-", help="A file, or - for standard output.")

    def handle(self, *args, action: str, **options) -> None:
        organisation = _organisation(options.pop("organisation"))
        actor = Actor(None, "command line", organisation_id=organisation.pk)
        try:
            getattr(self, f"_{action.replace('-', '_')}")(organisation, actor, **options)
        except (BankError, FormatError) as exc:
            raise CommandError(str(exc)) from None

    def _list(self, organisation, actor, **_) -> None:
        banks = (
            HashBank.objects.filter(organisation=organisation)
            .annotate(size=Count("entries"))
            .order_by("name")
        )
        rows = [("NAME", "ENTRIES", "ENABLED", "SAFE", "PDQ THRESHOLD", "CLASSIFICATION")]
        rows += [
            (
                b.name,
                str(b.size),
                _yes(b.enabled),
                _yes(b.is_safe),
                str(b.pdq_threshold),
                b.classification,
            )
            for b in banks
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

    def _create(
        self, organisation, actor, name, classification, description, threshold, safe, **_
    ) -> None:
        fields = {"description": description, "is_safe": safe}
        if threshold is not None:
            fields["pdq_threshold"] = threshold
        bank = create_bank(actor, organisation, name, classification, **fields)
        self.stdout.write(f"Created bank {bank.name!r} in {organisation.slug}.")

    def _rename(self, organisation, actor, bank, new_name, **_) -> None:
        found = _bank(organisation, bank)
        update_bank(actor, found, name=new_name)
        self.stdout.write(f"Renamed bank {bank!r} to {found.name!r}.")

    def _enable(self, organisation, actor, bank, **_) -> None:
        update_bank(actor, _bank(organisation, bank), enabled=True)
        self.stdout.write(f"Bank {bank!r} is enabled.")

    def _disable(self, organisation, actor, bank, **_) -> None:
        update_bank(actor, _bank(organisation, bank), enabled=False)
        self.stdout.write(f"Bank {bank!r} is disabled: its entries no longer match.")

    def _set_threshold(self, organisation, actor, bank, threshold, **_) -> None:
        update_bank(actor, _bank(organisation, bank), pdq_threshold=threshold)
        self.stdout.write(f"Bank {bank!r} now matches PDQ hashes up to distance {threshold}.")

    def _import(self, organisation, actor, bank, file, format, restart, batch_size, **_) -> None:
        found = _bank(organisation, bank)
        if not file.is_file():
            raise CommandError(f"No file {str(file)!r}.")
        try:
            result = import_file(
                actor,
                found,
                file,
                fmt=format,
                progress=sys.stderr.isatty(),
                batch_size=batch_size,
                restart=restart,
            )
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted. Run the same command again to resume after the last batch saved."
            ) from None
        self._summary(file, found, result)

    def _summary(self, file: Path, bank: HashBank, result: ImportResult) -> None:
        write = self.stdout.write
        if result.already_done:
            when = f" on {result.finished_at:%Y-%m-%d %H:%M}" if result.finished_at else ""
            write(
                f"{file.name} was already imported into {bank.name!r}{when}. "
                "Use --restart to import it again (hashes the bank holds are skipped)."
            )
        else:
            write(f"Imported {file.name} into {bank.name!r} as {result.format}.")
            if result.resumed_from_line:
                write(f"Resumed after line {result.resumed_from_line}.")
        write(
            f"Lines: {result.lines}  added: {result.added}  duplicates: {result.duplicates}"
            f"  malformed: {result.malformed_count}"
        )
        if result.malformed_count:
            shown = result.malformed[:SHOW_MALFORMED]
            write(f"Malformed lines (first {len(shown)} of {result.malformed_count}):")
            for number, reason in shown:
                write(f"  line {number}: {reason}")
            write(f"Every malformed line is listed in {result.errors_path}")

    def _export(self, organisation, actor, bank, format, output, **_) -> None:
        found = _bank(organisation, bank)
        if output == "-":
            count = export_bank(found, format, cast(TextIO, _Unended(self.stdout)), actor)
            self.stderr.write(f"Exported {count} entries of {found.name!r}.")
            return
        with Path(output).open("w", encoding="utf-8", newline="") as out:
            count = export_bank(found, format, out, actor)
        self.stdout.write(f"Exported {count} entries of {found.name!r} to {output}.")


class _Unended:
    """Standard output for an export: Django's wrapper would add a newline per write."""

    def __init__(self, out) -> None:
        self.out = out

    def write(self, text: str) -> int:
        self.out.write(text, ending="")
        return len(text)


def _organisation_argument(parser: CommandParser) -> None:
    parser.add_argument(
        "--organisation", "--org", required=True, help="The organisation's slug or id."
    )


def _bank_arguments(parser: CommandParser) -> None:
    _organisation_argument(parser)
    parser.add_argument("--bank", required=True, help="The bank's name.")


def _organisation(key: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=key).first()
    if organisation is None and key.isdigit():
        organisation = Organisation.objects.filter(pk=int(key)).first()
    if organisation is None:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"No organisation {key!r}. Known: {known}.")
    return organisation


def _bank(organisation: Organisation, name: str) -> HashBank:
    # Only ever within the organisation named: a name never reaches another's bank.
    bank = HashBank.objects.filter(organisation=organisation, name=name).first()
    if bank is None:
        names = HashBank.objects.filter(organisation=organisation).values_list("name", flat=True)
        known = ", ".join(repr(n) for n in names) or "none yet"
        raise CommandError(f"No bank {name!r} in {organisation.slug}. Its banks: {known}.")
    return bank


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
