"""`haven takedown run-due`: run the takedown scheduler once, for cron-style operation.

haven takedown run-due               act on what is due now (at most 200 takedowns)
haven takedown run-due --limit 50    at most 50
"""

from django.core.management.base import BaseCommand, CommandParser

from haven.cli import positive_int
from haven.takedown.scheduler import BATCH, run_due


class Command(BaseCommand):
    help = "Run the takedown scheduler: checks, notices, reminders, escalations, re-checks."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser("run-due", help="Act on every takedown that is due now.")
        run.add_argument(
            "--limit", type=positive_int, default=BATCH, help="At most this many takedowns."
        )

    def handle(self, *args, action: str, **options) -> None:
        acted = run_due(limit=options["limit"])
        self.stdout.write(f"Acted on {acted} takedown{'' if acted == 1 else 's'}.")
