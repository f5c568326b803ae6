"""Supervisors' own notice templates: saved only when they render, audited, and removed
to fall back on the built-in ones."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from haven.audit.services import Actor, record
from haven.takedown import rendering
from haven.takedown.models import NoticeKind, NoticeTemplate
from haven.triage.actions import InvalidInput


def _require_supervisor(organisation, by) -> None:
    if not by.is_supervisor or by.organisation_id != organisation.pk:
        raise PermissionDenied("Only supervisors can change notice templates.")


def save_template(
    organisation,
    by,
    *,
    kind: str,
    language: str,
    subject: str,
    body: str,
    template: NoticeTemplate | None = None,
    actor: Actor | None = None,
) -> NoticeTemplate:
    """Create or change one of the organisation's templates, refusing one that does not
    render on the sample or leaves out the address or the answer link."""
    _require_supervisor(organisation, by)
    if kind not in NoticeKind.values:
        raise InvalidInput("Choose a kind of notice.", "kind")
    try:
        rendering.validate(subject, body)
    except rendering.TemplateRefused as refusal:
        raise InvalidInput(refusal.message, refusal.field) from refusal
    with transaction.atomic():
        clash = NoticeTemplate.objects.filter(
            organisation=organisation, kind=kind, language=language
        )
        if template is not None:
            clash = clash.exclude(pk=template.pk)
        if clash.exists():
            raise InvalidInput(
                f"You already have a {NoticeKind(kind).label.lower()} template in "
                f"“{language}”: change that one.",
                "language",
            )
        created = template is None
        template = template or NoticeTemplate(organisation=organisation)
        template.kind, template.language = kind, language
        template.subject, template.body = subject.strip(), body.strip() + "\n"
        template.save()
        record(
            actor or Actor.for_user(by),
            "takedown.template_saved",
            template,
            organisation_id=organisation.pk,
            kind=kind,
            language=language,
            created=created,
        )
    return template


def delete_template(template: NoticeTemplate, by, *, actor: Actor | None = None) -> None:
    """Remove an organisation's template: the built-in one applies again."""
    _require_supervisor(template.organisation, by)
    with transaction.atomic():
        record(
            actor or Actor.for_user(by),
            "takedown.template_deleted",
            template,
            organisation_id=template.organisation_id,
            kind=template.kind,
            language=template.language,
        )
        template.delete()


def catalogue(organisation) -> list[dict]:
    """Every kind and language with a template: whose it is (yours or built-in)."""
    rows = NoticeTemplate.objects.filter(organisation=organisation) | NoticeTemplate.objects.filter(
        organisation=None
    )
    own = {(t.kind, t.language): t for t in rows if t.organisation_id is not None}
    builtin = {(t.kind, t.language): t for t in rows if t.organisation_id is None}
    order = {kind: index for index, kind in enumerate(NoticeKind.values)}
    keys = sorted(set(own) | set(builtin), key=lambda key: (key[1], order[key[0]]))
    return [
        {
            "kind": kind,
            "kind_label": NoticeKind(kind).label,
            "language": language,
            "own": own.get((kind, language)),
            "builtin": builtin.get((kind, language)),
        }
        for kind, language in keys
    ]
