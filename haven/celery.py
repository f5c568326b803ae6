"""The Celery application: the engine that runs Haven's background work."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")

app = Celery("haven")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule_periodic_work(sender: Celery, **_kwargs) -> None:
    from django.conf import settings

    sender.add_periodic_task(settings.JOB_SWEEP_SECONDS, _task("haven.jobs.sweep"))
    sender.add_periodic_task(60.0, _task("haven.triage.flag_overdue"))
    sender.add_periodic_task(3600.0, _task("haven.reports.expire_contacts"))
    sender.add_periodic_task(
        float(settings.PDQ_INDEX_SNAPSHOT_SECONDS), _task("haven.matching.snapshot")
    )
    sender.add_periodic_task(60.0, _task("haven.exchanges.fetch_due"))
    sender.add_periodic_task(
        float(settings.TAKEDOWN_SCHEDULER_SECONDS), _task("haven.takedown.run_due")
    )
    sender.add_periodic_task(3600.0, _task("haven.routing.chase_due"))
    # Helpline: escalate unacknowledged emergencies, end idle chats, anonymise records
    # past their retention.
    helpline_every = float(settings.HELPLINE_SCHEDULER_SECONDS)
    sender.add_periodic_task(helpline_every, _task("haven.emergencies.escalate_due"))
    sender.add_periodic_task(60.0, _task("haven.chat.end_idle"))
    sender.add_periodic_task(3600.0, _task("haven.helpline.anonymise_due"))
    # Access policy: children's requests to unblock and adult alerts past retention.
    sender.add_periodic_task(3600.0, _task("haven.access.expire_due"))


def _task(name: str):
    return app.signature(name)


@worker_ready.connect
def _recover_on_start(**_kwargs) -> None:
    # A worker that starts after a crash re-sends whatever the dead one left unfinished.
    from haven.jobs.services import sweep

    sweep()
