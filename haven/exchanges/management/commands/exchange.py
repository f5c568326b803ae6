"""`haven exchange list|add|show|fetch|reset|share|unshare`: exchanges from the command line.

haven exchange list [--org northern]
haven exchange add --org northern --name "NCMEC NGO" --kind ncmec --bank "Known CSAM" \\
    --set environment=NGO          (asks for the credentials, which are never echoed)
haven exchange add ... --credentials-stdin < creds.json    (a JSON object, for scripts)
haven exchange show 3
haven exchange fetch 3             (fetches now, here; --queue leaves it to a worker)
haven exchange reset 3             (the next fetch starts from the beginning)
haven exchange share --org northern --bank "Known CSAM" --user southern-haven [--notes]
haven exchange unshare --org northern --bank "Known CSAM" --user southern-haven
"""

import getpass
import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from haven.accounts.models import Organisation
from haven.audit.services import Actor
from haven.exchanges import services
from haven.exchanges.fetching import fetch_exchange
from haven.exchanges.kinds import KINDS, ExchangeError, spec
from haven.exchanges.models import BankShare, Exchange, Trigger
from haven.matching.models import HashBank

CLI = Actor.system("cli")


class Command(BaseCommand):
    help = "List, add, show and fetch hash exchanges; share banks with other Havens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="List exchanges.")
        listing.add_argument("--org", help="Only this organisation's (its slug).")
        add = actions.add_parser("add", help="Add an exchange.")
        add.add_argument("--org", required=True, help="The organisation's slug.")
        add.add_argument("--name", required=True)
        add.add_argument("--kind", required=True, choices=sorted(KINDS))
        add.add_argument("--bank", required=True, help="The name of the bank to fill.")
        add.add_argument(
            "--set", action="append", default=[], metavar="NAME=VALUE", help="A setting."
        )
        add.add_argument("--interval", type=int, default=60, help="Minutes between fetches.")
        add.add_argument("--disabled", action="store_true", help="Add it, but do not fetch.")
        add.add_argument(
            "--credentials-stdin",
            action="store_true",
            help="Read the credentials as a JSON object from standard input.",
        )
        for name in ("show", "fetch", "reset"):
            sub = actions.add_parser(name)
            sub.add_argument("exchange_id", type=int)
            if name == "fetch":
                sub.add_argument("--queue", action="store_true", help="Leave it to a worker.")
        for name in ("share", "unshare"):
            sub = actions.add_parser(name, help=f"{name.capitalize()} a bank's feed.")
            sub.add_argument("--org", required=True)
            sub.add_argument("--bank", required=True)
            sub.add_argument("--user", required=True, help="The account that reads the feed.")
            if name == "share":
                sub.add_argument("--notes", action="store_true", help="Include entry notes.")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except ExchangeError as problem:
            raise CommandError(str(problem)) from None

    def _list(self, org=None, **_) -> None:
        exchanges = Exchange.objects.select_related("organisation", "bank").order_by("pk")
        if org:
            exchanges = exchanges.filter(organisation=_organisation(org))
        rows = [("ID", "ORG", "NAME", "KIND", "BANK", "ENABLED", "LAST RUN", "STATUS", "NEXT RUN")]
        rows += [
            (
                str(e.pk),
                e.organisation.slug,
                e.name,
                e.kind,
                e.bank.name,
                "yes" if e.enabled else "no",
                _when(e.last_run_at),
                e.last_status or "-",
                _when(e.next_run_at) if e.enabled else "-",
            )
            for e in exchanges
        ]
        _table(self.stdout, rows)

    def _add(self, org, name, kind, bank, set, interval, disabled, credentials_stdin, **_):
        organisation = _organisation(org)
        target = HashBank.objects.filter(organisation=organisation, name=bank).first()
        if target is None:
            raise CommandError(f"No bank {bank!r} in {organisation.slug}.")
        settings = dict(_pair(item) for item in set)
        credentials = self._credentials(kind, credentials_stdin)
        exchange = services.create_exchange(
            CLI,
            organisation,
            name=name,
            kind=kind,
            bank=target,
            settings=settings,
            credentials=credentials,
            enabled=not disabled,
            interval_minutes=interval,
        )
        self.stdout.write(f"Added exchange {exchange.pk} ({exchange.name}).")

    def _credentials(self, kind: str, from_stdin: bool) -> dict:
        if from_stdin:
            try:
                given = json.load(sys.stdin)
            except ValueError:
                raise CommandError("Standard input is not a JSON object.") from None
            if not isinstance(given, dict):
                raise CommandError("Standard input is not a JSON object.")
            return {str(k): str(v) for k, v in given.items()}
        return {field.name: getpass.getpass(f"{field.label}: ") for field in spec(kind).credentials}

    def _show(self, exchange_id, **_) -> None:
        e = _exchange(exchange_id)
        fields = [
            ("Name", e.name),
            ("Organisation", e.organisation.slug),
            ("Kind", e.get_kind_display()),
            ("Bank", e.bank.name),
            ("Enabled", "yes" if e.enabled else "no"),
            ("Every", f"{e.interval_minutes} minutes"),
            ("Settings", json.dumps(e.settings, sort_keys=True)),
            ("Credentials", "stored, encrypted" if e.has_credentials else "none"),
            ("Checkpoint", json.dumps(e.checkpoint) if e.checkpoint else "none (starts over)"),
            ("Last run", f"{_when(e.last_run_at)} {e.last_status}".strip()),
            ("Last error", e.last_error or "-"),
            ("Next run", _when(e.next_run_at)),
            (
                "Totals",
                f"{e.fetched_count} fetched, {e.added_count} added, {e.updated_count} updated, "
                f"{e.removed_count} removed, {e.rejected_count} rejected",
            ),
        ]
        for label, value in fields:
            self.stdout.write(f"{label + ':':<13} {value}")
        for run in e.runs.order_by("-started_at")[:10]:
            self.stdout.write(f"  {_run_line(run)}")

    def _fetch(self, exchange_id, queue, **_) -> None:
        exchange = _exchange(exchange_id)
        if queue:
            services.request_fetch(CLI, exchange, trigger=Trigger.CLI)
            self.stdout.write(f"Queued a fetch of exchange {exchange.pk}.")
            return
        run = fetch_exchange(exchange.pk, Trigger.CLI)
        if run is None:
            raise CommandError("That exchange is disabled or being fetched already.")
        self.stdout.write(_run_line(run))
        if run.error:
            raise CommandError(run.error)

    def _reset(self, exchange_id, **_) -> None:
        exchange = _exchange(exchange_id)
        services.reset_exchange(CLI, exchange)
        self.stdout.write(f"Exchange {exchange.pk} will fetch everything again next time.")

    def _share(self, org, bank, user, notes, **_) -> None:
        target, account = _bank_and_user(org, bank, user)
        services.share_bank(CLI, target, account, include_notes=notes)
        self.stdout.write(
            f"Shared {target.name!r} with {account.get_username()}; its feed is "
            f"/exchanges/feed/{target.name}/"
        )

    def _unshare(self, org, bank, user, **_) -> None:
        target, account = _bank_and_user(org, bank, user)
        share = BankShare.objects.filter(bank=target, user=account).first()
        if share is None:
            raise CommandError(f"{target.name!r} is not shared with {account.get_username()}.")
        services.unshare_bank(CLI, share)
        self.stdout.write(f"{target.name!r} is no longer shared with {account.get_username()}.")


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"No organisation {slug!r}.")
    return organisation


def _exchange(exchange_id: int) -> Exchange:
    exchange = (
        Exchange.objects.select_related("organisation", "bank").filter(pk=exchange_id).first()
    )
    if exchange is None:
        raise CommandError(f"No exchange {exchange_id}. See `haven exchange list`.")
    return exchange


def _bank_and_user(org: str, bank: str, username: str):
    organisation = _organisation(org)
    target = HashBank.objects.filter(organisation=organisation, name=bank).first()
    if target is None:
        raise CommandError(f"No bank {bank!r} in {organisation.slug}.")
    account = get_user_model().objects.filter(username=username).first()
    if account is None or account.organisation_id != organisation.pk:
        raise CommandError(f"No account {username!r} in {organisation.slug}.")
    return target, account


def _pair(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise CommandError(f"--set takes NAME=VALUE, not {item!r}.")
    return name.strip(), value.strip()


def _run_line(run) -> str:
    line = (
        f"{_when(run.started_at)} {run.trigger} {run.status}: {run.fetched} fetched, "
        f"{run.added} added, {run.updated} updated, {run.removed} removed, "
        f"{run.rejected} rejected"
    )
    return f"{line} - {run.error}" if run.error else line


def _table(out, rows) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"
