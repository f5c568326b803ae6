"""Staff pages for classification: the schemes an organisation uses (supervisors change
them), an organisation's own schemes and labels, and the classify forms of the report
page's panel.

Each view parses input, fetches through `access` helpers (another organisation's ids
are a 404), calls one function of `services` or `actions` and redirects or renders.
"""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip
from haven.classification import actions, services
from haven.classification.access import (
    access_item_of,
    access_label,
    access_scheme,
    access_url_of,
)
from haven.classification.forms import (
    ClassifyForm,
    ConfirmForm,
    LabelForm,
    SchemeForm,
    SettingsForm,
)
from haven.classification.models import Classification
from haven.reports import duplicates
from haven.reports.access import access_report
from haven.triage import panels
from haven.triage.actions import ActionError
from haven.triage.forms import ReasonForm
from haven.web.forms import error_links, show_refusal


def _posted(request):
    return request.POST if request.method == "POST" else None


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


@contextmanager
def _refusal_shown_on(form):
    try:
        yield
    except ActionError as error:
        show_refusal(form, error)


def _form_page(request, form, form_id: str, **context):
    context = {"form": form, "form_id": form_id, "errors": error_links(form, form_id), **context}
    return render(
        request, "classification/form_page.html", context, status=400 if form.errors else 200
    )


# --- Schemes ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def scheme_list(request):
    """Every scheme the organisation may use; supervisors choose which, and their order."""
    organisation = request.user.organisation
    uses = services.all_schemes_for(organisation)
    if request.method == "POST" and not request.user.is_supervisor:
        raise PermissionDenied("Only supervisors can change classification settings.")
    form = SettingsForm(_posted(request), uses=uses)
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            actions.save_settings(organisation, form.choices(), request.user, actor=_actor(request))
            messages.success(request, "Classification settings saved.")
            return redirect("classification:schemes")
    return render(
        request,
        "classification/scheme_list.html",
        {
            "form": form,
            "uses": uses,
            "used": [use for use in uses if use.enabled],
            "required": [use for use in uses if use.required],
            "chosen": any(use.chosen for use in uses),
            "errors": error_links(form, "form-settings"),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@staff_required
def scheme_detail(request, scheme_id):
    scheme = access_scheme(request.user, scheme_id)
    used = Classification.objects.filter(scheme=scheme).exists()
    return render(
        request,
        "classification/scheme_detail.html",
        {
            "scheme": scheme,
            "labels": list(scheme.labels.all()),
            "can_change": scheme.organisation_id is not None and request.user.is_supervisor,
            "used": used,
        },
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def scheme_create(request):
    form = SchemeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            scheme = actions.create_scheme(
                request.user.organisation,
                by=request.user,
                actor=_actor(request),
                **form.cleaned_data,
            )
            messages.success(request, f"Scheme “{scheme.name}” created. Now add its labels.")
            return redirect("classification:label_create", scheme_id=scheme.pk)
    return _form_page(
        request,
        form,
        "form-scheme",
        title="New classification scheme",
        action=reverse("classification:scheme_create"),
        button="Create scheme",
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def scheme_edit(request, scheme_id):
    scheme = access_scheme(request.user, scheme_id, to_change=True)
    form = SchemeForm.for_scheme(scheme, _posted(request))
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            actions.update_scheme(
                scheme, by=request.user, actor=_actor(request), **form.cleaned_data
            )
            messages.success(request, "Scheme saved.")
            return redirect("classification:scheme", scheme_id=scheme.pk)
    return _form_page(
        request,
        form,
        "form-scheme",
        title=f"Settings of “{scheme.name}”",
        action=reverse("classification:scheme_edit", args=[scheme.pk]),
        button="Save scheme",
        scheme=scheme,
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def scheme_delete(request, scheme_id):
    scheme = access_scheme(request.user, scheme_id, to_change=True)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            actions.delete_scheme(scheme, request.user, actor=_actor(request))
            messages.success(request, f"Scheme “{scheme.name}” deleted.")
            return redirect("classification:schemes")
    return _form_page(
        request,
        form,
        "form-delete",
        title=f"Delete the scheme “{scheme.name}”",
        hint="Its labels are deleted too. A scheme that reports have used cannot be deleted.",
        action=reverse("classification:scheme_delete", args=[scheme.pk]),
        button="Delete scheme",
        danger=True,
        scheme=scheme,
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def label_create(request, scheme_id):
    scheme = access_scheme(request.user, scheme_id, to_change=True)
    form = LabelForm(_posted(request), initial={"order": scheme.labels.count()})
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            actions.add_label(scheme, by=request.user, actor=_actor(request), **form.cleaned_data)
            messages.success(request, "Label added.")
            return redirect("classification:scheme", scheme_id=scheme.pk)
    return _form_page(
        request,
        form,
        "form-label",
        title=f"New label in “{scheme.name}”",
        action=reverse("classification:label_create", args=[scheme.pk]),
        button="Add label",
        scheme=scheme,
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def label_edit(request, label_id):
    label = access_label(request.user, label_id, to_change=True)
    form = LabelForm.for_label(label, _posted(request))
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            actions.update_label(label, by=request.user, actor=_actor(request), **form.cleaned_data)
            messages.success(request, "Label saved.")
            return redirect("classification:scheme", scheme_id=label.scheme_id)
    return _form_page(
        request,
        form,
        "form-label",
        title=f"Label “{label.name}” of “{label.scheme.name}”",
        action=reverse("classification:label_edit", args=[label.pk]),
        button="Save label",
        scheme=label.scheme,
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def label_delete(request, label_id):
    label = access_label(request.user, label_id, to_change=True)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with _refusal_shown_on(form):
            actions.delete_label(label, request.user, actor=_actor(request))
            messages.success(request, f"Label “{label.name}” deleted.")
            return redirect("classification:scheme", scheme_id=label.scheme_id)
    return _form_page(
        request,
        form,
        "form-delete",
        title=f"Delete the label “{label.name}”",
        hint="A label that reports have used cannot be deleted.",
        action=reverse("classification:label_delete", args=[label.pk]),
        button="Delete label",
        danger=True,
        scheme=label.scheme,
    )


# --- Classifying a report ---------------------------------------------------------------


@require_POST
@staff_required
def classify_report(request, reference):
    report = access_report(request.user, reference)
    return _classify(request, report, None, "report", "this report")


@require_POST
@staff_required
def classify_item(request, reference, item_id):
    report = access_report(request.user, reference)
    item = access_item_of(report, item_id)
    name = item.original_name or f"item {item.pk}"
    return _classify(request, report, item, f"item-{item.pk}", f"the file “{name}”")


@require_POST
@staff_required
def classify_url(request, reference, url_id):
    report = access_report(request.user, reference)
    report_url = access_url_of(report, url_id)
    return _classify(
        request, report, report_url, f"url-{report_url.pk}", f"the address {report_url.url}"
    )


def _classify(request, report, target, prefix: str, what: str):
    kind = services.target_kind(target)
    uses = [use for use in services.schemes_for(report.organisation_id) if use.applies_to(kind)]
    current = services.labels_of(services.classifications_for(report).for_target(target))
    form = ClassifyForm(request.POST, uses=uses, current=current, prefix=prefix)
    if form.is_valid():
        with _refusal_shown_on(form):
            services.classify(
                report,
                target=target,
                labels=form.labels(),
                by=request.user,
                actor=_actor(request),
            )
            messages.success(request, f"Classification of {what} saved.")
            return _back_to_panel(report, "classification")
    return _form_page(
        request,
        form,
        f"form-{prefix}",
        title=f"Classify {what}",
        action=request.path,
        button="Save labels",
        report=report,
        target=target,
    )


@require_POST
@staff_required
def classify_from_items(request, reference):
    """Give the whole report, for each scheme it has no label for, the most serious label
    its addresses and files have."""
    report = access_report(request.user, reference)
    labels = services.labels_from_items(report)
    if not labels:
        messages.info(request, "The whole report already has every label its items have.")
        return _back_to_panel(report, "classification")
    try:
        rows = services.classify(report, labels=labels, by=request.user, actor=_actor(request))
    except ActionError as error:
        messages.error(request, f"Nothing was saved: {error.message}")
    else:
        given = "; ".join(
            f"{row.scheme.name}: {row.label.name}" for row in rows if row.scheme.key in labels
        )
        messages.success(request, f"The whole report now has its items' labels: {given}.")
    return _back_to_panel(report, "classification")


@require_POST
@staff_required
def separate(request, reference):
    report = access_report(request.user, reference)
    form = ReasonForm(request.POST, prefix="separate")
    if form.is_valid():
        with _refusal_shown_on(form):
            duplicates.separate(
                report, request.user, form.cleaned_data["reason"], actor=_actor(request)
            )
            messages.success(request, "The report is now a case of its own, in the queue.")
            return _back_to_panel(report, "duplicates")
    return _form_page(
        request,
        form,
        "form-separate",
        title="Work on this report separately",
        action=request.path,
        button="Work on it separately",
        report=report,
    )


def _back_to_panel(report, key: str):
    return redirect(panels.url(report.reference, key))
