"""Background work for messaging: sending one SMS (and then the next part of a long
one). Raising `SendLater` makes the job system retry with back-off."""

from haven.jobs.registry import job_handler
from haven.messaging import services


@job_handler(services.JOB)
def send(outbound_id: int, rest: list[int] | None = None, head: int | None = None) -> None:
    services.deliver(outbound_id, rest or [], head)
