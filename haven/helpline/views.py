"""The helpline's staff pages: the counsellor's workspace, the contact form, the contact
list and page, and the helpline settings.

Views parse input, fetch contacts through `access`, call one function of `services` and
redirect or render. Anyone who is not staff of an organisation (responders, partner
services) gets a 404 here, as if the pages did not exist.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.audit.services import Actor, client_ip
from haven.helpline import danger, repeats, services, taxonomy
from haven.helpline.access import (
    access_contact,
    access_contact_to_edit,
    contacts_for,
    is_helpline_staff,
    may_edit,
)
from haven.helpline.forms import ContactFilterForm, ContactForm, SettingsForm
from haven.helpline.models import Channel, Contact, ContactStatus
from haven.helpline.workspace import workspace_for
from haven.triage.actions import ActionError
from haven.web.forms import error_links, show_refusal

PAGE_SIZE = 25
FORM_ID = "contact-form"


def helpline_staff_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_helpline_staff(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapped


def helpline_supervisor_required(view):
    @helpline_staff_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _no_store(response):
    # Pages with a child's details are never kept by the browser or a proxy.
    response["Cache-Control"] = "no-store"
    return response


# --- The workspace ----------------------------------------------------------------------


@require_GET
@helpline_staff_required
def home(request):
    return render(
        request,
        "helpline/home.html",
        {"work": workspace_for(request.user, timezone.now()), "channels": Channel},
    )


# --- Recording a contact ----------------------------------------------------------------


def _completing(request) -> bool:
    return request.POST.get("finish") == "complete"


@require_http_methods(["GET", "POST"])
@helpline_staff_required
def contact_new(request):
    organisation = request.user.organisation
    channel = request.GET.get("channel", "")
    form = ContactForm(
        request.POST or None,
        organisation=organisation,
        completing=_completing(request),
        initial={"channel": channel if channel in Channel.values else ""},
    )
    if request.method == "POST" and form.is_valid():
        actor, data = _actor(request), form.cleaned_data
        try:
            with transaction.atomic():
                contact = services.start_contact(
                    actor, organisation, channel=data["channel"], counsellor=request.user
                )
                contact = services.save_contact(actor, contact, data)
                if _completing(request):
                    contact = services.complete_contact(actor, contact)
        except ActionError as error:
            show_refusal(form, error)
        else:
            return _saved(request, contact)
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@helpline_staff_required
def contact_edit(request, contact_ref: str):
    contact = access_contact_to_edit(request.user, contact_ref)
    completing = _completing(request) and contact.status == ContactStatus.OPEN
    form = ContactForm(
        request.POST or None,
        organisation=contact.organisation,
        contact=contact,
        completing=completing,
    )
    if request.method == "POST" and form.is_valid():
        actor = _actor(request)
        try:
            with transaction.atomic():
                contact = services.save_contact(actor, contact, form.cleaned_data)
                if completing:
                    contact = services.complete_contact(actor, contact)
        except ActionError as error:
            show_refusal(form, error)
        else:
            return _saved(request, contact)
    if request.method == "GET":
        services.view_contact(_actor(request), contact)
    return _form_page(request, form, contact)


def _saved(request, contact: Contact):
    """A completed contact goes to its page; a draft back to its form, since the call is
    usually still going (the form then shows the child's earlier contacts too)."""
    if contact.status == ContactStatus.COMPLETED:
        messages.success(request, f"Contact {contact.reference} saved and completed.")
        return redirect("helpline:contact", contact_ref=contact.reference)
    messages.success(
        request, f"Contact {contact.reference} saved as a draft: it stays open in your workspace."
    )
    return redirect("helpline:contact_edit", contact_ref=contact.reference)


def _form_page(request, form: ContactForm, contact: Contact | None):
    history = None
    if contact is not None:
        history = repeats.repeat_history(_actor(request), request.user, contact)
    response = render(
        request,
        "helpline/contact_form.html",
        {
            "form": form,
            "contact": contact,
            "history": history,
            "missing_emergency": danger.missing_emergency(contact) if contact else "",
            "errors": error_links(form, FORM_ID),
            "form_id": FORM_ID,
        },
        status=400 if form.errors else 200,
    )
    return _no_store(response)


@require_POST
@helpline_staff_required
def contact_complete(request, contact_ref: str):
    contact = access_contact_to_edit(request.user, contact_ref)
    try:
        services.complete_contact(_actor(request), contact)
    except ActionError as error:
        messages.error(request, error.message)
        if error.field == "categories":
            return redirect("helpline:contact_edit", contact_ref=contact.reference)
    else:
        messages.success(request, f"Contact {contact.reference} completed.")
    return redirect("helpline:contact", contact_ref=contact.reference)


# --- Reading contacts -------------------------------------------------------------------


@require_GET
@helpline_staff_required
def contact_list(request):
    filters = ContactFilterForm(request.GET or None)
    contacts = filters.apply(contacts_for(request.user))
    contacts = contacts.select_related("counsellor", "district").order_by("-started_at", "-pk")
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (contact, [taxonomy.full_label(code) for code in contact.categories]) for contact in page
    ]
    return render(
        request,
        "helpline/contact_list.html",
        {"filters": filters, "page": page, "rows": rows, "everyone": request.user.is_supervisor},
    )


@require_GET
@helpline_staff_required
def contact_detail(request, contact_ref: str):
    contact = access_contact(request.user, contact_ref)
    return _detail_page(request, contact, revealed=None)


@require_POST
@helpline_staff_required
def contact_reveal(request, contact_ref: str):
    """The identifying details in full, on this one page (never cached): leaving it masks
    them again."""
    contact = access_contact(request.user, contact_ref)
    if contact.anonymised_at is not None:
        messages.error(request, "This contact has been anonymised: nothing identifying is left.")
        return redirect("helpline:contact", contact_ref=contact.reference)
    revealed = services.reveal_identifying(_actor(request), contact)
    return _detail_page(request, contact, revealed=revealed)


def _detail_page(request, contact: Contact, revealed):
    actor = _actor(request)
    services.view_contact(actor, contact)
    response = render(
        request,
        "helpline/contact_detail.html",
        {
            "contact": contact,
            "categories": [taxonomy.full_label(code) for code in contact.categories],
            "actions": [taxonomy.label(code) for code in contact.actions],
            "age_band": taxonomy.age_band(contact.child_age),
            "identifying": revealed or services.masked_identifying(contact),
            "revealed": revealed is not None,
            "editable": may_edit(request.user, contact),
            "emergencies": list(contact.emergencies.order_by("-opened_at")),
            "missing_emergency": danger.missing_emergency(contact),
            "history": repeats.repeat_history(actor, request.user, contact),
        },
    )
    return _no_store(response)


# --- Settings ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@helpline_supervisor_required
def settings_page(request):
    organisation = request.user.organisation
    current = services.settings_for(organisation)
    form = SettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.update_settings(_actor(request), organisation, form.cleaned_data)
        messages.success(request, "Helpline settings saved.")
        return redirect(reverse("helpline:settings"))
    return render(
        request,
        "helpline/settings.html",
        {"form": form, "errors": error_links(form, "settings-form")},
        status=400 if form.errors else 200,
    )
