"""What the adults answer: children's requests to unblock (approve for a while, decline
with a note, withdraw an approval) and alerts (see, then mark as seen).

Guardians see only their own policies' children's requests and alerts; supervisors
all of the organisation's. The alert pages never hold message text: Haven keeps none.
"""

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.access import unblocking
from haven.access.access import alert_for, alerts_for, unblock_request_for, unblock_requests_for
from haven.access.alerts import category_labels, mark_seen
from haven.access.catalogue import DESCRIPTOR_BY_KEY, Action
from haven.access.default_policy import RULE_BY_ID
from haven.access.forms_children import AnswerForm, WithdrawForm, child_age
from haven.access.models import Policy, UnblockRequest
from haven.access.resources import resources_for
from haven.access.views.children import actor, children_page
from haven.web.forms import error_links

# The list shows every waiting request and this many of the answered ones.
ANSWERED_SHOWN = 100
ALERTS_SHOWN = 200
Status = UnblockRequest.Status


@require_GET
@children_page
def request_list(request):
    requests = unblock_requests_for(request.user)
    waiting = list(requests.filter(status=Status.PENDING).order_by("created_at"))
    answered = list(
        requests.exclude(status=Status.PENDING).order_by("-decided_at", "-created_at")[
            :ANSWERED_SHOWN
        ]
    )
    return render(request, "access/request_list.html", {"waiting": waiting, "answered": answered})


@require_http_methods(["GET", "POST"])
@children_page
def request_detail(request, unblock_request_id: int):
    unblock_request = unblock_request_for(request.user, unblock_request_id)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unblocking.decide_request(
                actor(request),
                unblock_request,
                approve=form.approve,
                note=form.cleaned_data["note"],
                expires_in_days=form.days,
            )
        except unblocking.NotPending:
            messages.error(request, _("This request was answered already."))
        else:
            messages.success(request, _("Answer saved. The child sees it on their page."))
        return redirect("access:request", unblock_request_id=unblock_request.pk)
    return _detail_page(request, unblock_request, form)


@require_POST
@children_page
def request_withdraw(request, unblock_request_id: int):
    unblock_request = unblock_request_for(request.user, unblock_request_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, unblock_request, AnswerForm(), withdraw_form=form)
    try:
        unblocking.withdraw_request(actor(request), unblock_request, form.cleaned_data["note"])
    except unblocking.NotPending:
        messages.error(request, _("Only an approval that is in place can be withdrawn."))
    else:
        messages.success(request, _("Approval withdrawn: the content is held back again."))
    return redirect("access:request", unblock_request_id=unblock_request.pk)


def _detail_page(request, unblock_request, form, withdraw_form=None):
    withdraw_form = withdraw_form or WithdrawForm()
    errors = error_links(form, "answer-form") + error_links(withdraw_form, "withdraw-form")
    context = {
        "item": unblock_request,
        "age": child_age(unblock_request.profile),
        "descriptors": _descriptors(unblock_request.descriptors),
        "action_label": _action_label(unblock_request.action),
        "rules": [
            _rule_words(rule_id, unblock_request.organisation_id)
            for rule_id in unblock_request.rule_ids
        ],
        "lasting": unblocking.is_lasting(unblock_request),
        "form": form,
        "withdraw_form": withdraw_form,
        "errors": errors,
        "shows_link": unblock_request.content_ref.startswith(("https://", "http://")),
    }
    status = 400 if form.errors or withdraw_form.errors else 200
    return render(request, "access/request_detail.html", context, status=status)


def _descriptors(descriptors: dict) -> list[tuple[str, str]]:
    """(descriptor, level) labels, in the catalogue's words."""
    shown = []
    for key, level in descriptors.items():
        descriptor = DESCRIPTOR_BY_KEY.get(key)
        if descriptor is None:
            continue
        levels = {lv.key: str(lv.label) for lv in descriptor.levels}
        shown.append((str(descriptor.label), levels.get(level, level)))
    return shown


def _rule_words(rule_id: str, organisation_id: int) -> str:
    """A rule as an adult reads it: Haven's own by id and title; a policy's adjustment
    ("pol_…:contact_strangers/moderated/10-12/school") as who changed what, for whom."""
    if ":" not in rule_id:
        rule = RULE_BY_ID.get(rule_id)
        return f"{rule_id}: {rule.title}" if rule else rule_id
    public_id, _colon, cell = rule_id.partition(":")
    parts = cell.split("/")
    if len(parts) < 3:
        return rule_id
    named = Policy.objects.filter(organisation_id=organisation_id, public_id=public_id)
    policy = named.values_list("name", flat=True).first()
    [(descriptor, level)] = _descriptors({parts[0]: parts[1]}) or [(parts[0], parts[1])]
    words = _("%(policy)s's change: %(descriptor)s (%(level)s), ages %(band)s") % {
        "policy": policy or _("a policy"),
        "descriptor": descriptor,
        "level": level,
        "band": parts[2],
    }
    if len(parts) > 3:
        words += _(", in the context %(context)s") % {"context": parts[3]}
    return words


def _action_label(key: str) -> str:
    try:
        return Action.from_key(key).label
    except ValueError:
        return key


# --- Alerts -------------------------------------------------------------------------------


@require_GET
@children_page
def alert_list(request):
    unseen_first = Case(
        When(seen_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    alerts = list(
        alerts_for(request.user)
        .annotate(unseen_first=unseen_first)
        .order_by("unseen_first", "-created_at")[:ALERTS_SHOWN]
    )
    for alert in alerts:
        alert.labels = category_labels(alert.categories)  # type: ignore[attr-defined]
    return render(request, "access/alert_list.html", {"alerts": alerts})


@require_http_methods(["GET", "POST"])
@children_page
def alert_detail(request, alert_id: int):
    alert = alert_for(request.user, alert_id)
    if request.method == "POST":
        mark_seen(actor(request), alert)
        messages.success(request, _("Marked as seen."))
        return redirect("access:alert", alert_id=alert.pk)
    context = {
        "alert": alert,
        "labels": category_labels(alert.categories),
        "age": child_age(alert.profile),
        "self_harm": bool({"self_harm", "eating_disorder"} & set(alert.categories)),
        "grooming": "grooming" in alert.categories,
        "shows_link": alert.content_ref.startswith(("https://", "http://")),
        "support": resources_for(tuple(alert.categories), request.user.organisation.country),
    }
    return render(request, "access/alert_detail.html", context)
