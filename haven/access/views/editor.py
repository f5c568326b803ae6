"""The access pages' home, Haven's default rules, and a policy's matrix: for every
descriptor level and age band, what the policy does, changed in place by its editors."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from haven.access.access import (
    access_page,
    alerts_for,
    editable_policy_for,
    may_edit_policy,
    organisation_policy,
    policies_for,
    policy_for,
    unblock_requests_for,
)
from haven.access.catalogue import (
    AGE_BANDS,
    CONTEXTS,
    DESCRIPTORS,
    VULNERABILITIES,
    Action,
    Descriptor,
    Level,
)
from haven.access.compiled import compiled_for
from haven.access.default_policy import DEFAULT_RULES
from haven.access.editing import (
    Cell,
    Limits,
    Refused,
    Stale,
    check_cell,
    limits_for,
    set_cells,
)
from haven.access.forms_policy import MatrixViewForm
from haven.access.models import Policy, PolicyRule
from haven.access.types import Rule
from haven.audit.services import Actor, client_ip

# Short names for the cells of the matrix; the legend gives the full ones.
SHORT_LABELS = {
    Action.ALLOW: gettext_lazy("Allow"),
    Action.GUIDANCE: gettext_lazy("Guidance"),
    Action.WARN: gettext_lazy("Warn"),
    Action.RESTRICT: gettext_lazy("Restrict"),
    Action.BLOCK: gettext_lazy("Block"),
}
LEGEND = {
    Action.ALLOW: gettext_lazy("The child sees it."),
    Action.GUIDANCE: gettext_lazy("The child sees it, with a note on where to get help."),
    Action.WARN: gettext_lazy("Blurred, or a page before it: the child may go on."),
    Action.RESTRICT: gettext_lazy("A trusted adult must approve it first."),
    Action.BLOCK: gettext_lazy("Not shown."),
}
INHERIT = ""
FIELD_PREFIX = "cell:"


def actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


# --- Home and rules ---------------------------------------------------------------------------


@require_GET
@access_page
def home(request):
    organisation_policy(request.user.organisation)  # made on first use
    policies = policies_for(request.user).annotate(
        changes=Count("rules", distinct=True), guardian_count=Count("guardians", distinct=True)
    )
    waiting = unseen = 0
    if request.user.is_supervisor or request.user.is_guardian:
        # What needs the adult first: children waiting for an answer, alerts not yet seen.
        waiting = unblock_requests_for(request.user).filter(status="pending").count()
        unseen = alerts_for(request.user).filter(seen_at__isnull=True).count()
    context = {"policies": policies.order_by("kind", "name"), "waiting": waiting, "unseen": unseen}
    return render(request, "access/home.html", context)


@require_GET
@access_page
def test_start(request):
    """The tester, on the policy the user most likely means: a guardian's own, else the
    organisation's."""
    user = request.user
    policy = None
    if user.is_guardian:
        policy = policies_for(user).exclude(kind=Policy.Kind.ORGANISATION).first()
    policy = policy or organisation_policy(user.organisation)
    return redirect("access:policy_test", policy_id=policy.pk)


@dataclass
class RuleRow:
    """A default rule with its keys named for people."""

    rule: Rule
    levels: list[str]
    contexts: list[str]
    vulnerabilities: list[str]

    @property
    def kind(self) -> str:
        return str(RULE_KINDS.get(self.rule.kind, self.rule.kind))


@dataclass
class RuleGroup:
    descriptor: Descriptor
    rules: list[RuleRow]


RULE_KINDS = {
    "grade": gettext_lazy("Grades"),
    "relax": gettext_lazy("Relaxes in a context, to at most"),
    "floor": gettext_lazy("At least, whatever a policy says"),
    "protect": gettext_lazy("At most, whatever a policy says"),
}


@require_GET
@access_page
def rules(request):
    groups = []
    for descriptor in DESCRIPTORS:
        found = [rule for rule in DEFAULT_RULES if rule.descriptor == descriptor.key]
        if found:
            groups.append(RuleGroup(descriptor, [_rule_row(descriptor, rule) for rule in found]))
    return render(
        request,
        "access/rules.html",
        {"groups": groups, "count": len(DEFAULT_RULES), "legend": _legend()},
    )


def _rule_row(descriptor: Descriptor, rule: Rule) -> RuleRow:
    levels = {level.key: str(level.label) for level in descriptor.levels}
    contexts = dict(CONTEXTS)
    flags = dict(VULNERABILITIES)
    return RuleRow(
        rule,
        [levels.get(key, key) for key in rule.levels],
        [str(contexts.get(key, key)) for key in rule.contexts],
        [str(flags.get(key, key)) for key in rule.vulnerabilities],
    )


# --- The matrix -------------------------------------------------------------------------------


@dataclass
class MatrixCell:
    cell: Cell
    action: Action
    inherited: Action  # what the cell would be without this policy's adjustments
    if_inherited: Action  # what "Inherit" in this view gives (any-context change included)
    limits: Limits
    own: str  # this policy's action for exactly this context, or "" (inherit)
    changed: bool  # this policy decides the cell (in this context, or in any context)
    changed_in_any: bool  # ... by its any-context adjustment, seen in a context
    selected: str  # what the select shows: what was posted, else `own`
    locking: tuple[Rule, ...]  # Haven's locked rules that hold it at least at `action`
    raising: tuple[Rule, ...]  # the safeguards for a vulnerable child that raised it
    capping: tuple[Rule, ...]  # the protect rules that keep it at most at their action
    error: str = ""

    @property
    def name(self) -> str:
        return f"{FIELD_PREFIX}{self.cell.descriptor}:{self.cell.level}:{self.cell.band}"

    @property
    def html_id(self) -> str:
        return f"c-{self.cell.descriptor}-{self.cell.level}-{self.cell.band}"

    @property
    def short(self) -> str:
        return str(SHORT_LABELS[self.action])

    @property
    def inherited_short(self) -> str:
        return str(SHORT_LABELS[self.inherited])

    @property
    def editable(self) -> bool:
        return not self.limits.fixed

    @property
    def anchor(self) -> str:
        """Where the error summary links to: the cell's list, or the cell."""
        return self.html_id if self.editable else f"{self.html_id}-cell"

    def options(self) -> list[tuple[str, str, bool]]:
        inherit = _("Inherit: %s") % SHORT_LABELS[self.if_inherited]
        choices = [(INHERIT, inherit)] + [
            (action.key, str(SHORT_LABELS[action]))
            for action in Action
            if self.limits.allows(action)
        ]
        return [(value, label, value == self.selected) for value, label in choices]


@dataclass
class MatrixRow:
    level: Level
    cells: list[MatrixCell]


@dataclass
class MatrixGroup:
    descriptor: Descriptor
    rows: list[MatrixRow] = field(default_factory=list)


def build_matrix(
    policy: Policy, context: str, flags: frozenset[str], posted=None, errors=None
) -> list[MatrixGroup]:
    compiled = compiled_for(policy)
    own = {
        (rule.descriptor, rule.level, rule.age_band, rule.context): rule.action
        for rule in PolicyRule.objects.filter(policy=policy)
    }
    posted = posted or {}
    errors = errors or {}
    groups = []
    for descriptor in DESCRIPTORS:
        group = MatrixGroup(descriptor)
        for level in descriptor.levels:
            cells = []
            for band in AGE_BANDS:
                cell = Cell(descriptor.key, level.key, band.key, context)
                cells.append(_matrix_cell(compiled, cell, flags, own, posted, errors.get(cell, "")))
            group.rows.append(MatrixRow(level, cells))
        groups.append(group)
    return groups


def _matrix_cell(compiled, cell: Cell, flags, own: dict, posted: dict, error: str) -> MatrixCell:
    found = engine_cell(compiled, cell, flags)
    key = (cell.descriptor, cell.level, cell.band)
    exact = own.get((*key, cell.context))
    in_any = own.get((*key, "")) if cell.context else None
    limits = limits_for(cell, flags)
    return MatrixCell(
        cell=cell,
        action=found.action,
        inherited=found.inherited,
        if_inherited=(
            min(max(Action.from_key(in_any), limits.lowest), limits.highest)
            if in_any
            else found.inherited
        ),
        limits=limits,
        own=exact or INHERIT,
        changed=bool(exact or in_any),
        changed_in_any=bool(in_any and not exact),
        selected=posted.get(cell, exact or INHERIT),
        locking=tuple(rule for rule in limits.floors if rule.locked),
        raising=tuple(
            rule for rule in limits.floors if not rule.locked and rule.action > Action.ALLOW
        ),
        capping=limits.caps,
        error=error,
    )


def engine_cell(compiled, cell: Cell, flags: frozenset[str]):
    """The engine's outcome for a cell. The matrix's "any context" (context "") is the
    base every context starts from: Haven's rules that name no context, and the
    policies' adjustments for any context."""
    return compiled.cell(cell.descriptor, cell.level, cell.band, cell.context, flags)


def _legend() -> list[tuple[str, str, str]]:
    return [(action.key, str(SHORT_LABELS[action]), str(LEGEND[action])) for action in Action]


def _matrix_url(policy: Policy, context: str) -> str:
    url = reverse("access:policy", kwargs={"policy_id": policy.pk})
    return f"{url}?{urlencode({'context': context})}" if context else url


@require_http_methods(["GET", "POST"])
@access_page
def policy_matrix(request, policy_id: int):
    if request.method == "POST":
        policy = editable_policy_for(request.user, policy_id)
        return _save_matrix(request, policy)
    policy = policy_for(request.user, policy_id)
    view = MatrixViewForm(request.GET or None)
    context, flags = view.values()
    return _render_matrix(request, policy, view, context, flags)


def _render_matrix(request, policy, view, context, flags, *, posted=None, errors=None, status=200):
    groups = build_matrix(policy, context, flags, posted, errors)
    may_edit = may_edit_policy(request.user, policy)
    page = {
        "policy": policy,
        "view": view,
        "context": context,
        "context_label": dict(CONTEXTS).get(context, _("any context")),
        "flags": flags,
        "editing": may_edit and not flags,
        "may_edit": may_edit,
        "groups": groups,
        "bands": AGE_BANDS,
        "legend": _legend(),
        "changed_count": PolicyRule.objects.filter(policy=policy).count(),
        "error_links": [
            (cell.anchor, cell.error)
            for group in groups
            for row in group.rows
            for cell in row.cells
            if cell.error
        ],
    }
    return render(request, "access/policy_matrix.html", page, status=status)


def _save_matrix(request, policy: Policy):
    view = MatrixViewForm(request.POST)
    context, _flags = view.values()
    posted = _read_cells(request.POST, context)
    errors: dict[Cell, str] = {}
    changes: dict[Cell, Action | None] = {}
    current = {
        Cell(rule.descriptor, rule.level, rule.age_band, rule.context): rule.action
        for rule in PolicyRule.objects.filter(policy=policy, context=context)
    }
    for cell, value in posted.items():
        if value == current.get(cell, INHERIT):
            continue
        action = Action.from_key(value) if value else None
        try:
            check_cell(cell, action)
        except Refused as refusal:
            errors[cell] = refusal.message
        else:
            changes[cell] = action
    if errors:
        return _render_matrix(
            request, policy, view, context, frozenset(), posted=posted, errors=errors, status=400
        )
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        changed = set_cells(policy, changes, actor=actor(request), version=version)
    except Stale:
        policy.refresh_from_db()
        messages.warning(
            request,
            _(
                "Someone changed this policy while you were editing it. Your choices are "
                "shown below and were not saved yet: check them and save again."
            ),
        )
        return _render_matrix(request, policy, view, context, frozenset(), posted=posted)
    if changed:
        messages.success(
            request,
            ngettext(
                "Saved %(count)d change. Decisions use it from now on (version %(version)d).",
                "Saved %(count)d changes. Decisions use them from now on (version %(version)d).",
                len(changed),
            )
            % {"count": len(changed), "version": policy.version},
        )
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect(_matrix_url(policy, context))


def _read_cells(post, context: str) -> dict[Cell, str]:
    """The cells in a posted matrix: cell -> action key, or "" to inherit."""
    cells: dict[Cell, str] = {}
    for name, value in post.items():
        if not name.startswith(FIELD_PREFIX):
            continue
        parts = name[len(FIELD_PREFIX) :].split(":")
        if len(parts) != 3:
            continue
        descriptor, level, band = parts
        cell = Cell(descriptor, level, band, context)
        try:
            check_cell(cell, None)
            if value:
                Action.from_key(value)
        except (Refused, ValueError):
            continue  # not a field this page makes: ignored, as any unknown field
        cells[cell] = value
    return cells
