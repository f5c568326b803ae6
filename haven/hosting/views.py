"""Staff pages for hosting: look an address up again, correct what is known, and the
organisation's host directory.

Staff look and correct; supervisors change the directory. Objects are fetched through
`haven.hosting.access` only; writes go through `services` and `directory`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip, record
from haven.hosting import directory, services
from haven.hosting.access import access_entry, directory_for
from haven.hosting.forms import CorrectionForm, EntryForm, ImportForm, SearchForm
from haven.hosting.models import Hosting
from haven.hosting.panel import addresses_from, facts
from haven.jobs.services import enqueue
from haven.reports.access import access_report_url
from haven.triage import panels
from haven.triage.actions import InvalidInput
from haven.web.countries import country_name
from haven.web.forms import error_links
from haven.web.forms import show_refusal as show_error
from haven.web.languages import language_name

PAGE_SIZE = 50


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _back_to_report(report_url) -> str:
    return panels.url(report_url.report.reference, "hosting")


# --- One reported address --------------------------------------------------------------


@require_POST
@staff_required
def locate(request, url_id: int):
    report_url = access_report_url(request.user, url_id)
    with transaction.atomic():
        # DNS and RDAP can take seconds: the worker does it, not this request.
        enqueue("hosting.locate_url", url_id=report_url.pk)
        record(_actor(request), "hosting.lookup_requested", report_url, report_url_id=report_url.pk)
    messages.success(request, "Look-up queued: reload the page in a moment to see the result.")
    return redirect(_back_to_report(report_url))


@require_http_methods(["GET", "POST"])
@staff_required
def correct(request, url_id: int):
    report_url = access_report_url(request.user, url_id)
    hosting = Hosting.objects.filter(report_url=report_url).first()
    form = CorrectionForm(
        request.POST if request.method == "POST" else None, hosting=hosting, url_id=report_url.pk
    )
    if request.method == "POST" and form.is_valid():
        try:
            if hosting is None:
                # Nothing looked up yet (or the look-up failed early): the analyst may
                # still record what they know.
                hosting, _ = Hosting.objects.get_or_create(
                    report_url=report_url,
                    defaults={"organisation_id": report_url.report.organisation_id},
                )
            services.correct(hosting, form.changes(), request.user, actor=_actor(request))
        except InvalidInput as problem:
            show_error(form, problem)
        else:
            messages.success(request, "Correction saved. A new look-up will not overwrite it.")
            return redirect(_back_to_report(report_url))
    form_id = f"hosting-correct-{report_url.pk}"
    return render(
        request,
        "hosting/correct.html",
        {
            "report_url": report_url,
            "report": report_url.report,
            "hosting": hosting,
            "facts": facts(hosting) if hosting else [],
            "hostname_shown": directory.shown_domain(hosting.hostname) if hosting else "",
            "addresses_from": addresses_from(hosting) if hosting else "",
            "form": form,
            "form_id": form_id,
            "errors": error_links(form, form_id),
        },
        status=400 if form.errors else 200,
    )


# --- Directory ---------------------------------------------------------------------------


@require_GET
@staff_required
def directory_list(request):
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    entries = directory.search(directory_for(request.user), query).order_by("kind", "match")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        _shown(entry)
    return render(
        request, "hosting/directory_list.html", {"page": page, "search": search, "query": query}
    )


def _shown(entry):
    """Display-only names for the templates: the domain in Unicode with its punycode,
    the country by name."""
    entry.shown_match = directory.shown_match(entry)
    entry.country_name = country_name(entry.country) if entry.country else ""
    entry.language_name = language_name(entry.language) if entry.language else ""
    return entry


@require_GET
@staff_required
def directory_entry(request, directory_entry_id: int):
    entry = _shown(access_entry(request.user, directory_entry_id))
    return render(request, "hosting/directory_entry.html", {"entry": entry})


@require_http_methods(["GET", "POST"])
@supervisor_required
def directory_add(request):
    form = EntryForm(
        request.POST if request.method == "POST" else None, initial={"kind": "network"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = directory.create_entry(
                _actor(request),
                request.user.organisation,
                form.entry_data(),
                api_token=form.cleaned_data["api_token"],
            )
        except InvalidInput as problem:
            show_error(form, problem)
        else:
            messages.success(request, f"{directory.shown_match(entry)} added to the directory.")
            return redirect("hosting:directory_entry", directory_entry_id=entry.pk)
    return _entry_form(request, form, None)


@require_http_methods(["GET", "POST"])
@supervisor_required
def directory_edit(request, directory_entry_id: int):
    entry = access_entry(request.user, directory_entry_id)
    form = EntryForm(request.POST if request.method == "POST" else None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            directory.update_entry(
                _actor(request),
                entry,
                form.entry_data(),
                api_token=form.cleaned_data["api_token"] or None,
                forget_token=form.cleaned_data.get("forget_token", False),
            )
        except InvalidInput as problem:
            show_error(form, problem)
        else:
            messages.success(request, "Directory entry saved.")
            return redirect("hosting:directory_entry", directory_entry_id=entry.pk)
    return _entry_form(request, form, entry)


def _entry_form(request, form: EntryForm, entry):
    return render(
        request,
        "hosting/directory_form.html",
        {
            "form": form,
            "entry": _shown(entry) if entry is not None else None,
            "form_id": "entry-form",
            "errors": error_links(form, "entry-form"),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@supervisor_required
def directory_delete(request, directory_entry_id: int):
    entry = access_entry(request.user, directory_entry_id)
    if request.method == "POST":
        directory.delete_entry(_actor(request), entry)
        messages.success(request, f"{directory.shown_match(entry)} removed from the directory.")
        return redirect("hosting:directory")
    return render(request, "hosting/directory_delete.html", {"entry": _shown(entry)})


@require_http_methods(["GET", "POST"])
@supervisor_required
def directory_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = directory.import_csv(
            _actor(request), request.user.organisation, form.cleaned_data["file"]
        )
        if not result.problems:
            messages.success(
                request, f"Imported: {result.created} added, {result.updated} updated."
            )
            return redirect("hosting:directory")
    return render(
        request,
        "hosting/directory_import.html",
        {
            "form": form,
            "result": result,
            "form_id": "import-form",
            "errors": error_links(form, "import-form"),
        },
        status=400 if form.errors else 200,
    )
