"""What supervisors change about classification: which schemes their organisation uses,
and the organisation's own schemes and labels.

Each function checks that `by` is a supervisor of the organisation, runs in one
transaction and writes an audit row. Built-in schemes can be enabled, required and
ordered, never edited; an organisation's own scheme or label can be deleted only while
no report uses it (classifications keep pointing at it, and the audit log at its key).
"""

import re

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from haven.audit.services import Actor, record
from haven.classification.models import AppliesTo, Classification, Label, Scheme, SchemeSetting
from haven.classification.services import all_schemes_for
from haven.triage.actions import InvalidInput, InvalidTransition

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
KEY_RULE = "Use 1 to 40 lower-case letters, digits, hyphens or underscores."
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000
MAX_ORDER = 32767


def _supervisor_of(organisation_id: int, by) -> None:
    if not by.is_supervisor or by.organisation_id != organisation_id:
        raise PermissionDenied("Only supervisors can change classification schemes.")


def _actor(by, actor: Actor | None) -> Actor:
    return actor if actor is not None else Actor.for_user(by)


def save_settings(
    organisation, choices: dict[int, tuple[bool, bool, int]], by, *, actor: Actor | None = None
) -> dict[str, dict]:
    """Save {scheme id: (enabled, required, order)}; returns what changed, by scheme key."""
    _supervisor_of(organisation.pk, by)
    uses = {use.scheme.pk: use for use in all_schemes_for(organisation)}
    for scheme_id, (enabled, required, order) in choices.items():
        if scheme_id not in uses:
            raise InvalidInput("Unknown scheme.", f"scheme_{scheme_id}")
        name = uses[scheme_id].name
        if required and not enabled:
            raise InvalidInput(
                f"{name} can only be required while it is used: tick “Use {name}” too.",
                f"required_{scheme_id}",
            )
        if not 0 <= order <= MAX_ORDER:
            raise InvalidInput(
                f"Enter an order for {name} from 0 to {MAX_ORDER}.", f"order_{scheme_id}"
            )
    changes: dict[str, dict] = {}
    with transaction.atomic():
        for scheme_id, (enabled, required, order) in choices.items():
            use = uses[scheme_id]
            before = {"enabled": use.enabled, "required": use.required, "order": use.order}
            after = {"enabled": enabled, "required": required, "order": order}
            if before == after and use.chosen:
                continue
            SchemeSetting.objects.update_or_create(
                organisation=organisation, scheme_id=scheme_id, defaults=after
            )
            if before != after:
                changes[use.key] = {"before": before, "after": after}
        if changes:
            record(
                _actor(by, actor),
                "classification.settings_changed",
                organisation,
                organisation_id=organisation.pk,
                changes=changes,
            )
    return changes


def create_scheme(
    organisation,
    *,
    key: str,
    name: str,
    description: str = "",
    applies_to: str = AppliesTo.BOTH,
    by,
    actor: Actor | None = None,
) -> Scheme:
    _supervisor_of(organisation.pk, by)
    key = _key(key)
    if Scheme.objects.filter(organisation=None, key=key).exists():
        raise InvalidInput(f"“{key}” is the key of a built-in scheme. Choose another.", "key")
    name, description, applies_to = _details(name, description, applies_to)
    try:
        with transaction.atomic():
            scheme = Scheme.objects.create(
                organisation=organisation,
                key=key,
                name=name,
                description=description,
                applies_to=applies_to,
            )
            record(
                _actor(by, actor),
                "classification.scheme_created",
                scheme,
                organisation_id=organisation.pk,
                key=key,
                name=name,
                applies_to=applies_to,
            )
    except IntegrityError:
        raise InvalidInput(f"Your organisation already has a scheme “{key}”.", "key") from None
    return scheme


def update_scheme(
    scheme: Scheme,
    *,
    name: str,
    description: str = "",
    applies_to: str,
    by,
    actor: Actor | None = None,
) -> Scheme:
    _own(scheme, by)
    name, description, applies_to = _details(name, description, applies_to)
    with transaction.atomic():
        previous = {"name": scheme.name, "applies_to": scheme.applies_to}
        scheme.name, scheme.description, scheme.applies_to = name, description, applies_to
        scheme.save(update_fields=["name", "description", "applies_to"])
        record(
            _actor(by, actor),
            "classification.scheme_changed",
            scheme,
            organisation_id=scheme.organisation_id,
            key=scheme.key,
            name=name,
            applies_to=applies_to,
            previous=previous,
        )
    return scheme


def delete_scheme(scheme: Scheme, by, *, actor: Actor | None = None) -> None:
    _own(scheme, by)
    with transaction.atomic():
        if Classification.objects.filter(scheme=scheme).exists():
            raise InvalidTransition(
                "Reports have been classified with this scheme, so it cannot be deleted. "
                "Stop using it instead."
            )
        record(
            _actor(by, actor),
            "classification.scheme_deleted",
            scheme,
            organisation_id=scheme.organisation_id,
            key=scheme.key,
            name=scheme.name,
        )
        scheme.delete()


def add_label(
    scheme: Scheme,
    *,
    key: str,
    name: str,
    description: str = "",
    actionable: bool = True,
    order: int = 0,
    by,
    actor: Actor | None = None,
) -> Label:
    _own(scheme, by)
    key = _key(key)
    name, description, _ = _details(name, description, AppliesTo.BOTH)
    _check_order(order)
    try:
        with transaction.atomic():
            label = Label.objects.create(
                scheme=scheme,
                key=key,
                name=name,
                description=description,
                actionable=actionable,
                order=order,
            )
            record(
                _actor(by, actor),
                "classification.label_added",
                scheme,
                organisation_id=scheme.organisation_id,
                scheme_key=scheme.key,
                key=key,
                name=name,
                actionable=actionable,
            )
    except IntegrityError:
        raise InvalidInput(f"This scheme already has a label “{key}”.", "key") from None
    return label


def update_label(
    label: Label,
    *,
    name: str,
    description: str = "",
    actionable: bool,
    order: int,
    by,
    actor: Actor | None = None,
) -> Label:
    _own(label.scheme, by)
    name, description, _ = _details(name, description, AppliesTo.BOTH)
    _check_order(order)
    with transaction.atomic():
        previous = {"name": label.name, "actionable": label.actionable, "order": label.order}
        label.name, label.description = name, description
        label.actionable, label.order = actionable, order
        label.save(update_fields=["name", "description", "actionable", "order"])
        record(
            _actor(by, actor),
            "classification.label_changed",
            label.scheme,
            organisation_id=label.scheme.organisation_id,
            scheme_key=label.scheme.key,
            key=label.key,
            name=name,
            actionable=actionable,
            order=order,
            previous=previous,
        )
    return label


def delete_label(label: Label, by, *, actor: Actor | None = None) -> None:
    _own(label.scheme, by)
    with transaction.atomic():
        if Classification.objects.filter(label=label).exists():
            raise InvalidTransition(
                "Reports have been classified with this label, so it cannot be deleted."
            )
        record(
            _actor(by, actor),
            "classification.label_deleted",
            label.scheme,
            organisation_id=label.scheme.organisation_id,
            scheme_key=label.scheme.key,
            key=label.key,
            name=label.name,
        )
        label.delete()


def _own(scheme: Scheme, by) -> None:
    if scheme.organisation_id is None:
        raise PermissionDenied("Built-in schemes and their labels cannot be changed.")
    _supervisor_of(scheme.organisation_id, by)


def _key(key: str) -> str:
    key = (key or "").strip()
    if not KEY_PATTERN.match(key):
        raise InvalidInput(KEY_RULE, "key")
    return key


def _details(name: str, description: str, applies_to: str) -> tuple[str, str, str]:
    name, description = (name or "").strip(), (description or "").strip()
    if not name:
        raise InvalidInput("Give it a name.", "name")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(f"Keep the name under {NAME_MAX_LENGTH} characters.", "name")
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise InvalidInput(
            f"Keep the description under {DESCRIPTION_MAX_LENGTH} characters.", "description"
        )
    if applies_to not in AppliesTo.values:
        raise InvalidInput("Choose what the scheme classifies.", "applies_to")
    return name, description, applies_to


def _check_order(order: int) -> None:
    if not 0 <= order <= MAX_ORDER:
        raise InvalidInput(f"Enter an order from 0 to {MAX_ORDER}.", "order")
