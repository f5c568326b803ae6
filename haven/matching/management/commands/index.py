"""`haven index status|snapshot|warm`: look after the PDQ index snapshots."""

import json
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Inspect the PDQ index, write a snapshot, or load and time one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="what this process would load, and the change log")
        snap = sub.add_parser("snapshot", help="write a new snapshot now")
        snap.add_argument("--if-stale", action="store_true", help="only if the banks changed")
        sub.add_parser("warm", help="load the current snapshot, touch every page, time it")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action'].replace('-', '_')}")(options)

    def _status(self, options):
        from django.db.models import Max, Min

        from haven.matching.live import current_snapshot
        from haven.matching.models import BankChange
        from haven.matching.pdq_index import PdqIndex

        snapshot = current_snapshot()
        log = BankChange.objects.aggregate(low=Min("seq"), high=Max("seq"))
        status = {
            "snapshot": snapshot.name if snapshot else None,
            "snapshot_meta": PdqIndex.read_meta(snapshot) if snapshot else None,
            "change_log": log,
        }
        self.stdout.write(json.dumps(status, indent=2, default=str))

    def _snapshot(self, options):
        from haven.matching.jobs import write_snapshot_if_stale
        from haven.matching.live import write_snapshot

        started = time.monotonic()
        if options["if_stale"]:
            written = write_snapshot_if_stale()
            if not written:
                self.stdout.write("The snapshot is current.")
                return
            self.stdout.write(f"Snapshot written in {time.monotonic() - started:.1f}s.")
            return
        path = write_snapshot()
        self.stdout.write(f"Snapshot {path.name} written in {time.monotonic() - started:.1f}s.")

    def _warm(self, options):
        from haven.matching.live import current_snapshot, live_index

        if current_snapshot() is None:
            raise CommandError("No snapshot yet: run `haven index snapshot` first.")
        started = time.monotonic()
        holder = live_index()
        index = holder.current()
        loaded = time.monotonic() - started
        index.warm()
        self.stdout.write(
            f"{len(index)} rows: loaded in {loaded:.2f}s, "
            f"every page read in {time.monotonic() - started:.2f}s."
        )
