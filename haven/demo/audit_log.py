"""The demo history's steps in the audit log, at the times they happened, so that each
takedown's "Every step" and the audit log tell the same story as its notices and checks.

The audit log is append-only: the model refuses changes, and database triggers refuse
UPDATE and DELETE (haven/audit/migrations/0002_append_only_triggers.py), while inserts
are allowed. Its `at` is stamped on insert (auto_now_add), so a past time cannot be set
afterwards; the history's rows are instead inserted "raw", the way fixtures are loaded,
which takes `at` as given. Nothing is ever updated. The rows go in in time order, so that
their ids (which the takedown page sorts by) follow the times.
"""

from haven.audit.models import AuditEvent
from haven.demo.story import ANALYST, HOST, SCHEDULER, AddressStory, Step
from haven.takedown.models import Takedown

LABELS = {SCHEDULER: "takedown scheduler", HOST: "host (answer link)"}


def write_steps(organisation, analyst, urls: list[AddressStory]) -> int:
    steps = sorted((step for item in urls for step in item.steps), key=lambda step: step.at)
    for step in steps:
        # As a fixture row is loaded: a plain INSERT that keeps the given `at`.
        _event(organisation, analyst, step).save_base(raw=True)
    return len(steps)


def _event(organisation, analyst, step: Step) -> AuditEvent:
    detail = dict(step.detail)
    for key, ref in step.refs.items():
        obj = ref() if callable(ref) else ref
        detail[key] = getattr(obj, "pk", None)
    target = step.target
    if isinstance(target, Takedown):
        # As the takedown app writes its own rows: which takedown, which report, first.
        detail = {"reference": target.reference, "report": target.report.reference} | detail
    else:
        detail = {"reference": target.report.reference} | detail
    by_analyst = step.actor == ANALYST
    return AuditEvent(
        organisation=organisation,
        actor=analyst if by_analyst else None,
        actor_label=analyst.get_username() if by_analyst else LABELS.get(step.actor, step.actor),
        action=step.action,
        target_type=target._meta.model_name or "",
        target_id=str(target.pk),
        detail=detail,
        at=step.at,
    )
