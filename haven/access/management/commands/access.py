"""`haven access evaluate`: measure Haven's default access policy on the evaluation sets
in haven/access/evaluation/data (see docs/access-evaluation.md).

haven access evaluate                   every figure on the held-out sets (the honest
                                        ones) and the dev sets, side by side
haven access evaluate --split heldout   the figures of one split: dev, heldout, or all
                                        (dev and held-out pooled)
haven access evaluate --show-errors     list every item the policy or the signals got
                                        wrong (texts for dev items only)
haven access evaluate --json            the same figures as JSON
haven access evaluate --markdown        the same tables in Markdown, for the docs
haven access evaluate --no-fail         exit 0 even when the guard fails

The exit status is 1 when a legitimate item of any set, dev or held-out, is blocked for
ages 10 and over, or a fairness item of any set is flagged — whatever --split shows — so
that CI can run it.
"""

import json
import os
import platform
import time
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haven.access.compiled import compiled_for
from haven.access.evaluation.evaluate import evaluate, failures, pooled
from haven.access.evaluation.report import as_dict, as_markdown, as_text


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
            help="Show one split, or both pooled (default: held-out and dev side by side). "
            "The guard always covers every set.",
        )
        output = run.add_mutually_exclusive_group()
        output.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        output.add_argument("--markdown", action="store_true", help="Print the tables as Markdown.")
        run.add_argument(
            "--show-errors", action="store_true", help="List the items that were got wrong."
        )
        run.add_argument(
            "--no-fail", action="store_true", help="Only report: exit 0 when the guard fails."
        )

    def handle(self, *args, action: str, **options) -> None:
        started = time.perf_counter()
        reports = evaluate(compiled_for(None))
        split = options["split"]
        if split == "all":
            shown = [pooled(reports.values())]
        elif split:
            shown = [reports[split]]
        else:
            shown = list(reports.values())
        figures = as_dict(shown, failures(reports.values()), show_errors=options["show_errors"])
        figures["measured"] = _measured(time.perf_counter() - started)
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False))
        elif options["markdown"]:
            self.stdout.write(as_markdown(figures), ending="")
        else:
            self.stdout.write(as_text(figures), ending="")
        if figures["failures"] and not options["no_fail"]:
            raise CommandError("The over-blocking guard failed.", returncode=1)


def _measured(seconds: float) -> dict:
    """When and where the figures were measured, for the record in the docs."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        machine = f"{os.cpu_count()} CPUs, {memory:.1f} GiB"
    except (ValueError, OSError, AttributeError):
        machine = f"{os.cpu_count()} CPUs"
    return {
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{machine} ({platform.machine()})",
        "python": platform.python_version(),
        "seconds": round(seconds, 2),
    }
