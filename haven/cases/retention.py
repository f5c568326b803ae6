"""Anonymising closed cases after the helpline's retention period.

Called by `haven.helpline.retention.anonymise_due` for each organisation with its cutoff
(now minus the organisation's retention days). What identifies the child or tells their
story goes: the name, the assessment, the plan, every note and outcome written on the
case, its services, referrals and follow-ups. What statistics need stays: dates, stages,
closure reason, age, gender, district, categories, service types and referral states.
"""

from django.db import transaction
from django.utils import timezone

from haven.audit.services import Actor, record
from haven.cases.models import Case, CaseReferral, CaseService, FollowUp, Stage, StageRecord

BATCH = 500


def anonymise_due(organisation, cutoff) -> int:
    """Anonymise the organisation's cases closed before `cutoff`; how many were."""
    due = Case.objects.filter(
        organisation=organisation,
        stage=Stage.CLOSED,
        closed_at__lt=cutoff,
        anonymised_at=None,
    ).order_by("pk")
    done = 0
    while True:
        ids = list(due.values_list("pk", flat=True)[:BATCH])
        if not ids:
            return done
        done += _anonymise(organisation, ids)


def _anonymise(organisation, ids: list[int]) -> int:
    now = timezone.now()
    with transaction.atomic():
        # Only those still due under the lock: a case reopened meanwhile is left alone.
        ids = list(
            Case.objects.select_for_update()
            .filter(pk__in=ids, stage=Stage.CLOSED, anonymised_at=None)
            .values_list("pk", flat=True)
        )
        Case.objects.filter(pk__in=ids).update(
            child_name_sealed="",
            assessment="",
            plan="",
            closure_note="",
            anonymised_at=now,
            updated_at=now,
        )
        StageRecord.objects.filter(case_id__in=ids).update(note="")
        CaseService.objects.filter(case_id__in=ids).update(description="")
        CaseReferral.objects.filter(case_id__in=ids).update(
            note="", response_note="", completion_note="", responded_by=""
        )
        FollowUp.objects.filter(case_id__in=ids).update(description="", outcome="")
        if ids:
            record(
                Actor.system("retention"),
                "case.anonymised",
                organisation_id=organisation.pk,
                cases=len(ids),
            )
    return len(ids)
