"""`haven hosting status|countries|import-directory|locate`: look after hosting data.

haven hosting status                        iptocc version, overrides file, RDAP settings
haven hosting countries --check 8.8.8.8     the country Haven gives an address, and why
haven hosting import-directory SLUG FILE    add or update directory entries from CSV
haven hosting locate URL_ID                 look a reported address up now
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Inspect IP-to-country data, check addresses, import the host directory."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="the country data and RDAP settings in use")
        countries = sub.add_parser("countries", help="check the country of addresses")
        countries.add_argument(
            "--check", action="append", default=[], metavar="IP", help="an address to look up"
        )
        imports = sub.add_parser("import-directory", help="import directory entries from CSV")
        imports.add_argument("organisation", help="the organisation's slug")
        imports.add_argument("file", help="CSV with a header row (see docs/hosting.md)")
        locate = sub.add_parser("locate", help="look up where a reported address is hosted")
        locate.add_argument("url_id", type=int)

    def handle(self, *args, **options):
        getattr(self, f"_{options['action'].replace('-', '_')}")(options)

    def _status(self, options):
        from haven.hosting.countries import iptocc_version, load_overrides

        overrides = load_overrides(settings.IP_COUNTRY_OVERRIDES_FILE)
        status = {
            "iptocc_version": iptocc_version(),
            "update_with": "pip install -U iptocc (then restart Haven)",
            "overrides_file": settings.IP_COUNTRY_OVERRIDES_FILE or None,
            "overrides": overrides.count,
            "override_problems": overrides.problems,
            "rdap_url": settings.RDAP_URL or None,
            "rdap_timeout_seconds": settings.RDAP_TIMEOUT_SECONDS,
        }
        self.stdout.write(json.dumps(status, indent=2))

    def _countries(self, options):
        from haven.hosting.countries import OfflineCountries
        from haven.web.countries import country_name

        if not options["check"]:
            self._status(options)
            return
        source = OfflineCountries()
        for problem in source.overrides().problems:
            self.stderr.write(f"warning: {problem} (line skipped)")
        for address in options["check"]:
            fact = source.country(address)
            if fact is None:
                self.stdout.write(
                    f"{address}: unknown (private, reserved, unallocated or not an IP address)"
                )
            else:
                self.stdout.write(
                    f"{address}: {fact.code} {country_name(fact.code)} (from {fact.source})"
                )

    def _import_directory(self, options):
        from haven.accounts.models import Organisation
        from haven.audit.services import Actor
        from haven.hosting.directory import import_csv

        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with the slug {options['organisation']!r}.")
        try:
            with open(options["file"], encoding="utf-8-sig") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from None
        result = import_csv(Actor.system("haven hosting import-directory"), organisation, text)
        for problem in result.problems:
            self.stderr.write(problem)
        self.stdout.write(
            f"{result.created} added, {result.updated} updated, {len(result.problems)} skipped."
        )

    def _locate(self, options):
        from haven.hosting.services import locate
        from haven.reports.models import ReportUrl

        report_url = ReportUrl.objects.select_related("report").filter(pk=options["url_id"]).first()
        if report_url is None:
            raise CommandError(f"No reported address with id {options['url_id']}.")
        hosting = locate(report_url)
        fields = [
            "hostname",
            "addresses",
            "country",
            "network_name",
            "network_range",
            "abuse_email",
            "registrar_name",
            "registrar_abuse_email",
            "cdn",
            "sources",
            "corrected_fields",
            "lookup_error",
        ]
        self.stdout.write(json.dumps({name: getattr(hosting, name) for name in fields}, indent=2))
