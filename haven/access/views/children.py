"""The adults' pages for children's profiles: the list, a new profile, and one profile
(change it, deactivate or reactivate it).

Supervisors look after every child of the organisation; a guardian only the children
of the school or family policies they are a guardian of, and may put a child only
under those. Other staff (analysts, counsellors) see no children: these pages are a
404 for them, as for anyone outside the organisation.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.access.access import access_page, child_for, children_for, policies_for
from haven.access.forms_children import (
    ChildForm,
    age_of,
    create_child,
    initial_for,
    update_child,
)
from haven.access.models import Policy, UnblockRequest
from haven.accounts.access import allowed_only
from haven.audit.services import Actor, client_ip
from haven.web.forms import error_links

FORM_ID = "child-form"


def looks_after_children(user) -> bool:
    """Who may see children, their requests to unblock and their alerts."""
    return user.is_supervisor or user.is_guardian


def children_page(view):
    """Supervisors and guardians of an organisation; anyone else gets a 404. Never cached:
    the pages hold children's details (a shared family computer's back button)."""
    return never_cache(access_page(allowed_only(looks_after_children, Http404)(view)))


def actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def policy_choices(user):
    """The policies `user` may put a child under: every school's and family's of the
    organisation for a supervisor, only those they are a guardian of for a guardian.
    Never the organisation's own: a child belongs to a school or a family, whose
    trusted adults answer for them (the API says the same)."""
    policies = policies_for(user).exclude(kind=Policy.Kind.ORGANISATION)
    if not user.is_supervisor:
        policies = policies.filter(guardians__user=user)
    return policies.order_by("kind", "name")


@require_GET
@children_page
def child_list(request):
    today = timezone.localdate()
    children = list(
        children_for(request.user).select_related("policy").order_by("-active", "label", "pk")
    )
    for child in children:
        child.age = age_of(child.birth_year, child.birth_month, today)  # type: ignore[attr-defined]
    context = {
        "children": children,
        "may_add": policy_choices(request.user).exists(),
        "pending": UnblockRequest.objects.filter(
            profile__in=children_for(request.user), status=UnblockRequest.Status.PENDING
        ).count(),
    }
    return render(request, "access/children_list.html", context)


@require_http_methods(["GET", "POST"])
@children_page
def child_create(request):
    policies = policy_choices(request.user)
    if not policies.exists():
        raise Http404("No policy to put a child under")
    form = ChildForm(request.POST or None, policies=policies)
    if request.method == "POST" and form.is_valid():
        child = create_child(actor(request), request.user.organisation, form.cleaned_data)
        messages.success(
            request,
            _("Profile saved. Give the platform its id: %(id)s") % {"id": child.public_id},
        )
        return redirect("access:child", child_id=child.pk)
    return _form_page(request, form, title=_("Add a child"), submit=_("Save the profile"))


@require_http_methods(["GET", "POST"])
@children_page
def child_edit(request, child_id: int):
    child = child_for(request.user, child_id)
    policies = policy_choices(request.user)
    form = ChildForm(request.POST or None, initial=initial_for(child), policies=policies)
    if request.method == "POST" and form.is_valid():
        update_child(actor(request), child, form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect("access:child", child_id=child.pk)
    return _form_page(
        request,
        form,
        title=_("Profile: %(label)s") % {"label": child.label},
        submit=_("Save changes"),
        child=child,
        age=age_of(child.birth_year, child.birth_month),
        requests=child.unblock_requests.order_by("-created_at")[:10],
    )


@require_POST
@children_page
def child_deactivate(request, child_id: int):
    child = child_for(request.user, child_id)
    update_child(actor(request), child, {"active": False})
    messages.success(
        request,
        _("The profile is no longer active: platforms that use its id get an error."),
    )
    return redirect("access:child", child_id=child.pk)


@require_POST
@children_page
def child_reactivate(request, child_id: int):
    child = child_for(request.user, child_id)
    update_child(actor(request), child, {"active": True})
    messages.success(request, _("The profile is active again."))
    return redirect("access:child", child_id=child.pk)


def _form_page(request, form, *, title: str, submit: str, **extra):
    context = {
        "form": form,
        "errors": error_links(form, FORM_ID),
        "form_id": FORM_ID,
        "title": title,
        "submit": submit,
        **extra,
    }
    return render(request, "access/children_form.html", context, status=400 if form.errors else 200)
