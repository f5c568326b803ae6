"""`haven access evaluate`: measure Haven's default access policy on the evaluation sets
in haven/access/evaluation/data (see docs/access-evaluation.md).

haven access evaluate                   over- and under-blocking, fairness, and the text
                                        signals on the held-out and dev splits side by side
haven access evaluate --split heldout   the signals on one split (dev, heldout or all)
haven access evaluate --show-errors     list every item the policy or the signals got wrong
haven access evaluate --json            the same figures as JSON
haven access evaluate --no-fail         exit 0 even when the guard fails

The exit status is 1 when a legitimate item is blocked for ages 10 and over, or a
fairness item is flagged, so that CI can run it.
"""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.access.compiled import compiled_for
from haven.access.evaluation.evaluate import evaluate
from haven.access.evaluation.report import as_dict, as_text

# Printed side by side when no split is chosen; held-out first, as the honest figure.
DEFAULT_SPLITS = ("heldout", "dev")


class Command(BaseCommand):
    help = "Evaluate the access policy service on Haven's synthetic evaluation sets."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        run = actions.add_parser(
            "evaluate",
            help="Over- and under-blocking rates, signal precision and recall, fairness.",
        )
        run.add_argument(
            "--split",
            choices=("dev", "heldout", "all"),
            help="The text-signal split to score (default: held-out and dev side by side).",
        )
        run.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        run.add_argument(
            "--show-errors", action="store_true", help="List the items that were got wrong."
        )
        run.add_argument(
            "--no-fail", action="store_true", help="Only report: exit 0 when the guard fails."
        )

    def handle(self, *args, action: str, **options) -> None:
        splits = (options["split"],) if options["split"] else DEFAULT_SPLITS
        report = evaluate(compiled_for(None), splits)
        figures = as_dict(report, show_errors=options["show_errors"])
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(as_text(figures), ending="")
        if figures["failures"] and not options["no_fail"]:
            raise CommandError("The over-blocking guard failed.", returncode=1)
