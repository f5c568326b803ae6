"""A school's or family's policy: making one, naming it, and choosing its guardians."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from haven.access import editing
from haven.access.access import (
    access_page,
    editable_policy_for,
    organisation_policy,
    policy_for,
    supervisor_access_page,
)
from haven.access.forms_policy import AddGuardianForm, NewPolicyForm, PolicyForm
from haven.access.views.editor import actor
from haven.web.forms import error_links, show_refusal

FORM_ID = "policy-form"


def form_page(request, form, *, title: str, back: tuple[str, str], submit: str, **extra):
    """A page with one form, posted to its own address: 400 when the form has errors."""
    page = {
        "form": form,
        "errors": error_links(form, FORM_ID),
        "form_id": FORM_ID,
        "title": title,
        "back_url": back[0],
        "back_text": back[1],
        "submit": submit,
        **extra,
    }
    return render(request, "access/policy_form.html", page, status=400 if form.errors else 200)


def back_to_policy(policy) -> tuple[str, str]:
    url = reverse("access:policy", kwargs={"policy_id": policy.pk})
    return url, _("Back to %s") % policy.name


@require_http_methods(["GET", "POST"])
@supervisor_access_page
def policy_create(request):
    form = NewPolicyForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = request.user.organisation
        try:
            policy = editing.create_policy(
                organisation,
                parent=organisation_policy(organisation),
                actor=actor(request),
                **form.cleaned_data,
            )
        except editing.Refused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(
                request,
                _(
                    "%s made. It starts as your organisation's policy: change what you need "
                    "here, and add its guardians."
                )
                % policy.name,
            )
            return redirect("access:policy", policy_id=policy.pk)
    return form_page(
        request,
        form,
        title=_("New school or family policy"),
        back=(reverse("access:home"), _("Back to the policies")),
        submit=_("Make the policy"),
        section="policies",
    )


@require_http_methods(["GET", "POST"])
@access_page
def policy_edit(request, policy_id: int):
    policy = editable_policy_for(request.user, policy_id)
    initial = {"name": policy.name, "adult_label": policy.adult_label}
    form = PolicyForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = editing.update_policy(policy, actor=actor(request), **form.cleaned_data)
        messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
        return redirect("access:policy", policy_id=policy.pk)
    return form_page(
        request,
        form,
        title=_("Change %s") % policy.name,
        back=back_to_policy(policy),
        submit=_("Save"),
        policy=policy,
        section="policies",
    )


@require_http_methods(["GET", "POST"])
@access_page
def policy_guardians(request, policy_id: int):
    # The policy first: one the user may not read is a 404, as on every policy page.
    policy = policy_for(request.user, policy_id)
    if not request.user.is_supervisor:
        raise PermissionDenied
    if policy.kind not in editing.EDITABLE_KINDS:
        raise Http404("The organisation's policy has no guardians")
    form = AddGuardianForm(
        request.POST if "username" in request.POST else None,
        organisation=request.user.organisation,
    )
    if request.method == "POST":
        if "remove" in request.POST:
            guardian = get_object_or_404(
                policy.guardians.select_related("user"), pk=_int(request.POST["remove"])
            )
            editing.remove_guardian(guardian, actor=actor(request))
            messages.success(
                request, _("%s is no longer a guardian of this policy.") % guardian.user
            )
            return redirect("access:policy_guardians", policy_id=policy.pk)
        if form.is_valid():
            user = form.cleaned_data["username"]
            try:
                editing.add_guardian(policy, user, actor=actor(request))
            except editing.Refused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("%s is now a guardian of this policy.") % user)
                return redirect("access:policy_guardians", policy_id=policy.pk)
    page = {
        "policy": policy,
        "form": form,
        "form_id": FORM_ID,
        "errors": error_links(form, FORM_ID),
        "guardians": policy.guardians.select_related("user").order_by("user__username"),
        "section": "policies",
    }
    return render(request, "access/policy_guardians.html", page, status=400 if form.errors else 200)


def _posted(request):
    """The posted data, even when empty (`request.POST or None` would show an empty
    post as a fresh form, without saying what is missing)."""
    return request.POST if request.method == "POST" else None


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("No such guardian") from None
