"""Changes made in the policy editor: a new school or family policy, its name and the
words for its adult, the cells of its matrix, and its guardians.

Each change is one transaction that writes its audit rows. The details name the cell
and the action, never a child or anything a child wrote. Haven's own limits are checked
here, not only in the page, so that no caller can set a cell where it would have no
effect: below a floor (the locked rules, such as pornography for every child), or above
a protect rule's cap (help, health information and news are never blocked).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from haven.access.catalogue import BAND_KEYS, CONTEXT_KEYS, DESCRIPTOR_BY_KEY, Action
from haven.access.compiled import bump_version
from haven.access.default_policy import DEFAULT_RULES
from haven.access.models import Policy, PolicyGuardian, PolicyRule
from haven.access.types import Rule
from haven.audit.services import Actor, record
from haven.triage.actions import ActionError

DESCRIPTOR_KEYS = tuple(DESCRIPTOR_BY_KEY)
EDITABLE_KINDS = (Policy.Kind.SCHOOL, Policy.Kind.FAMILY)
ANY_CONTEXT = ""


class Refused(ActionError):
    """Haven's rules do not allow this change; `message` says which rule and why."""


class Stale(ActionError):
    """The policy changed since the editor's form was made from it."""


@dataclass(frozen=True)
class Cell:
    """One cell of a policy's matrix: a descriptor's level for an age band, in a context
    ("" for any context)."""

    descriptor: str
    level: str
    band: str
    context: str = ANY_CONTEXT

    def describe(self) -> str:
        descriptor = DESCRIPTOR_BY_KEY[self.descriptor]
        level = next(lv for lv in descriptor.levels if lv.key == self.level)
        return _("%(descriptor)s, %(level)s, ages %(band)s") % {
            "descriptor": descriptor.label,
            "level": level.label,
            "band": self.band,
        }


@dataclass(frozen=True)
class Limits:
    """The actions an editor may give a cell: from the highest floor to the lowest cap,
    and the rules that set them."""

    floors: tuple[Rule, ...]
    caps: tuple[Rule, ...]

    @property
    def lowest(self) -> Action:
        return max((rule.action for rule in self.floors), default=Action.ALLOW)

    @property
    def highest(self) -> Action:
        return min((rule.action for rule in self.caps), default=Action.BLOCK)

    @property
    def fixed(self) -> bool:
        """Nothing an editor chooses would change the cell."""
        return self.lowest >= self.highest

    def allows(self, action: Action) -> bool:
        return self.lowest <= action <= self.highest


_FLOORS = tuple(rule for rule in DEFAULT_RULES if rule.kind == "floor")
_CAPS = tuple(rule for rule in DEFAULT_RULES if rule.kind == "protect")


def limits_for(cell: Cell, flags: frozenset[str] = frozenset()) -> Limits:
    def matching(rules):
        return tuple(
            rule
            for rule in rules
            if rule.matches(cell.descriptor, cell.level, cell.band, cell.context, flags)
        )

    return Limits(matching(_FLOORS), matching(_CAPS))


def check_cell(cell: Cell, action: Action | None) -> None:
    """Refuse an unknown cell, or an action outside Haven's limits for it (None, back to
    what the policy inherits, is always allowed)."""
    descriptor = DESCRIPTOR_BY_KEY.get(cell.descriptor)
    if (
        descriptor is None
        or cell.level not in descriptor.level_keys
        or cell.band not in BAND_KEYS
        or cell.context not in (ANY_CONTEXT, *CONTEXT_KEYS)
    ):
        raise Refused(_("There is no such cell in the matrix."))
    if action is None:
        return
    limits = limits_for(cell)
    if action < limits.lowest:
        rule = max(limits.floors, key=lambda r: r.action)
        raise Refused(
            _("%(cell)s cannot be set below %(floor)s: rule %(rule)s, %(title)s (%(source)s).")
            % {
                "cell": cell.describe(),
                "floor": rule.action.label,
                "rule": rule.id,
                "title": rule.title,
                "source": rule.source,
            }
        )
    if action > limits.highest:
        rule = min(limits.caps, key=lambda r: r.action)
        raise Refused(
            _(
                "%(cell)s cannot be set above %(cap)s: rule %(rule)s, %(title)s "
                "(%(source)s). Help is never blocked."
            )
            % {
                "cell": cell.describe(),
                "cap": rule.action.label,
                "rule": rule.id,
                "title": rule.title,
                "source": rule.source,
            }
        )


def set_cells(
    policy: Policy,
    changes: dict[Cell, Action | None],
    *,
    actor: Actor,
    version: int | None = None,
) -> list[Cell]:
    """Give each cell its action in `policy` (None: inherit again, by deleting the
    policy's own rule). Nothing is saved if any change is refused, or if `version` is
    given and the policy is no longer at it (Stale: someone else saved meanwhile).
    Returns the cells that changed; the policy's version is bumped once when any did."""
    for cell, action in changes.items():
        check_cell(cell, action)
    changed: list[Cell] = []
    if not changes:
        return changed
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if version is not None and locked.version != version:
            raise Stale(_("The policy was changed by someone else."))
        existing = {
            Cell(rule.descriptor, rule.level, rule.age_band, rule.context): rule
            for rule in PolicyRule.objects.filter(policy=locked)
        }
        for cell, action in sorted(changes.items(), key=lambda item: _cell_order(item[0])):
            rule = existing.get(cell)
            before = rule.action if rule else None
            if action is None:
                if rule is None:
                    continue
                rule.delete()
                record(actor, "access.rule.clear", locked, **_detail(cell), was=before)
            elif rule is None:
                PolicyRule.objects.create(
                    policy=locked,
                    descriptor=cell.descriptor,
                    level=cell.level,
                    age_band=cell.band,
                    context=cell.context,
                    action=action.key,
                    created_by=actor.user,
                )
                record(actor, "access.rule.set", locked, **_detail(cell, action.key), was=None)
            elif rule.action != action.key:
                rule.action = action.key
                rule.save(update_fields=["action"])
                record(actor, "access.rule.set", locked, **_detail(cell, action.key), was=before)
            else:
                continue
            changed.append(cell)
        if changed:
            bump_version(locked)
            policy.version = locked.version
    return changed


def _detail(cell: Cell, action: str | None = None) -> dict:
    detail = {
        "descriptor": cell.descriptor,
        "level": cell.level,
        "band": cell.band,
        "context": cell.context,
    }
    if action is not None:
        # "to", not "action": record() names the audit action so.
        detail["to"] = action
    return detail


def _cell_order(cell: Cell) -> tuple:
    return (
        DESCRIPTOR_KEYS.index(cell.descriptor),
        DESCRIPTOR_BY_KEY[cell.descriptor].level_keys.index(cell.level),
        BAND_KEYS.index(cell.band),
    )


# --- Policies and their guardians ----------------------------------------------------------


def create_policy(
    organisation, *, kind: str, name: str, adult_label: str, parent: Policy, actor: Actor
) -> Policy:
    """A school's or family's policy, on the organisation's."""
    if kind not in EDITABLE_KINDS:
        raise Refused(_("Choose a school or a family policy."), field="kind")
    with transaction.atomic():
        policy = Policy.objects.create(
            organisation=organisation,
            kind=kind,
            name=name,
            adult_label=adult_label,
            parent=parent,
        )
        # The name may be a family's: the log keeps the policy's kind and id only.
        record(actor, "access.policy.create", policy, kind=kind, policy=policy.public_id)
    return policy


def update_policy(policy: Policy, *, name: str, adult_label: str, actor: Actor) -> list[str]:
    """Rename a policy or change who its children are told to ask. Returns the names of
    the fields that changed."""
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        changed = [
            field
            for field, value in (("name", name), ("adult_label", adult_label))
            if getattr(locked, field) != value
        ]
        if changed:
            locked.name, locked.adult_label = name, adult_label
            locked.save(update_fields=[*changed, "updated_at"])
            # The adult's words reach children's explanations: bump the cached version.
            bump_version(locked)
            record(actor, "access.policy.update", locked, fields=changed)
    policy.refresh_from_db()
    return changed


def add_guardian(policy: Policy, user, *, actor: Actor) -> PolicyGuardian:
    if policy.kind not in EDITABLE_KINDS:
        raise Refused(_("The organisation's policy is changed by supervisors only."))
    if not user.is_guardian or user.organisation_id != policy.organisation_id:
        raise Refused(
            _("Only a parent, carer or teacher of your organisation can be a guardian."),
            field="username",
        )
    with transaction.atomic():
        guardian, created = PolicyGuardian.objects.get_or_create(policy=policy, user=user)
        if not created:
            raise Refused(_("%s is already a guardian of this policy.") % user, field="username")
        record(actor, "access.guardian.add", policy, user=user.pk)
    return guardian


def remove_guardian(guardian: PolicyGuardian, *, actor: Actor) -> None:
    with transaction.atomic():
        policy, user_id = guardian.policy, guardian.user_id
        guardian.delete()
        record(actor, "access.guardian.remove", policy, user=user_id)
