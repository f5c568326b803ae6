"""Background work for one takedown, queued after commit by people's actions.

`act_now` does at once what the scheduler would do at its next tick (after police agree,
or a supervisor's "send now"); `recheck` checks the address after a host's answer
without sending anything. Both take the takedown's lease, like the
scheduler, so neither acts on a takedown the scheduler is working on.
"""

from django.utils import timezone

from haven.jobs.registry import job_handler
from haven.takedown import scheduler
from haven.takedown.seams import outside


@job_handler("takedown.act_now")
def act_now(takedown_id: int) -> None:
    scheduler.act(takedown_id, timezone.now(), outside())


@job_handler("takedown.recheck")
def recheck(takedown_id: int) -> None:
    scheduler.act(takedown_id, timezone.now(), outside(), due_only=False, notify=False)
