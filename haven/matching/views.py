"""Staff pages for hash banks: the list, a bank's settings and entries, adding hashes,
import and export, and analysts' confirm/reject feedback on matches.

Each view parses input, fetches through `haven.matching.access`, calls one function of
`haven.matching.banks` (which audits the change) and renders. Analysts may look and give
feedback; supervisors and administrators change banks.
"""

import io
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haven.accounts.access import staff_required, supervisor_required
from haven.audit.services import Actor, client_ip, record
from haven.jobs.services import enqueue
from haven.matching import banks
from haven.matching.access import (
    access_bank,
    access_entry,
    access_import,
    access_match,
    banks_for,
)
from haven.matching.forms import (
    EXPORT_FORMATS,
    BankForm,
    DeleteBankForm,
    EntryEditForm,
    EntryFilterForm,
    EntryForm,
    FeedbackForm,
    ImportForm,
    UploadForm,
    as_sentence,
    show_bank_error,
)
from haven.matching.import_jobs import stage_upload
from haven.matching.models import BankEntry, Feedback, HashBank, Match, SignalType
from haven.web.forms import error_links

PAGE_SIZE = 50
# Browsing a bank stops this far in; past it, searching finds a hash. Counting at most
# this many rows keeps every page of a bank of millions cheap.
BROWSE_CAP = 10_000
# Entry totals are recounted at most this often (a full count of millions is slow).
COUNT_SECONDS = 300
MATCHES_SHOWN = 100
RECENT_IMPORTS = 5
# Exports are written here first, then streamed: up to this size in memory, then to an
# anonymous temporary file that disappears when closed.
EXPORT_SPOOL_BYTES = 8 * 1024 * 1024
# Room for the form fields around an uploaded file.
UPLOAD_OVERHEAD_BYTES = 256 * 1024


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def _form_page(request, template: str, form, form_id: str, **context):
    context = {"form": form, "form_id": form_id, "errors": error_links(form, form_id), **context}
    return render(request, template, context, status=400 if form.errors else 200)


# --- Counting ---------------------------------------------------------------------------


def _count_key(bank_id: int) -> str:
    return f"matching:bank-entries:{bank_id}"


def entry_counts(bank_ids: list[int]) -> dict[int, int]:
    """Entries per bank, recounted at most every few minutes, in one query for all."""
    keys = {_count_key(pk): pk for pk in bank_ids}
    counts = {keys[key]: value for key, value in cache.get_many(list(keys)).items()}
    missing = [pk for pk in bank_ids if pk not in counts]
    if missing:
        fresh = dict.fromkeys(missing, 0)
        rows = BankEntry.objects.filter(bank_id__in=missing).values_list("bank_id")
        fresh.update(rows.annotate(Count("pk")).order_by())
        cache.set_many({_count_key(pk): n for pk, n in fresh.items()}, COUNT_SECONDS)
        counts.update(fresh)
    return counts


def forget_entry_count(bank_id: int) -> None:
    cache.delete(_count_key(bank_id))


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows, so that any page costs a bounded query."""

    def __init__(self, entries: QuerySet, per_page: int, cap: int):
        super().__init__(entries, per_page)
        self.entries, self.cap = entries, cap

    @cached_property
    def count(self) -> int:
        return self.entries[: self.cap].count()

    @property
    def capped(self) -> bool:
        return self.count >= self.cap


# --- Banks ------------------------------------------------------------------------------


@require_GET
@staff_required
def bank_list(request):
    newest = BankEntry.objects.filter(bank=OuterRef("pk")).order_by("-pk").values("added_at")
    rows = list(banks_for(request.user).annotate(last_added=Subquery(newest[:1])).order_by("name"))
    counts = entry_counts([bank.pk for bank in rows])
    banks_shown = [(bank, counts[bank.pk], _last_change(bank)) for bank in rows]
    return render(request, "matching/bank_list.html", {"rows": banks_shown})


def _last_change(bank: HashBank):
    """The later of a change to the bank's settings and the newest entry added."""
    added = getattr(bank, "last_added", None)
    return max(bank.updated_at, added) if added else bank.updated_at


@require_http_methods(["GET", "POST"])
@supervisor_required
def bank_create(request):
    initial = {"enabled": True, "pdq_threshold": 31, "vpdq_match_percent": 80}
    form = BankForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bank = banks.create_bank(
                _actor(request), request.user.organisation, **form.cleaned_data
            )
        except banks.BankError as error:
            show_bank_error(form, error)
        else:
            messages.success(request, f"Bank \u201c{bank.name}\u201d created.")
            return redirect("matching:bank", bank_id=bank.pk)
    return _form_page(request, "matching/bank_form.html", form, "bank-form", bank=None)


@require_http_methods(["GET", "POST"])
@supervisor_required
def bank_edit(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    form = BankForm.for_bank(bank, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            banks.update_bank(_actor(request), bank, **form.cleaned_data)
        except banks.BankError as error:
            show_bank_error(form, error)
            bank.refresh_from_db()
        else:
            messages.success(request, "Bank settings saved.")
            return redirect("matching:bank", bank_id=bank.pk)
    return _form_page(request, "matching/bank_form.html", form, "bank-form", bank=bank)


@require_http_methods(["GET", "POST"])
@supervisor_required
def bank_delete(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    form = DeleteBankForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            banks.delete_bank(_actor(request), bank)
        except banks.BankError as error:
            form.add_error(None, as_sentence(str(error)))
        else:
            forget_entry_count(bank_id)
            messages.success(request, f"Bank \u201c{bank.name}\u201d deleted.")
            return redirect("matching:banks")
    has_matches = Match.objects.filter(entry__bank=bank).exists()
    count = entry_counts([bank.pk])[bank.pk]
    return _form_page(
        request,
        "matching/bank_delete.html",
        form,
        "delete-form",
        bank=bank,
        has_matches=has_matches,
        exchanges=list(bank.exchanges.values_list("name", flat=True)),
        count=count,
    )


@require_GET
@staff_required
def bank_detail(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    filter_form = EntryFilterForm(request.GET)
    filters = filter_form.filters()
    paginator = CappedPaginator(_entries(bank, filters), PAGE_SIZE, BROWSE_CAP)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "matching/bank_detail.html",
        {
            "bank": bank,
            "count": entry_counts([bank.pk])[bank.pk],
            "filter_form": filter_form,
            "filtered": any(filters.values()),
            "page": page,
            "browse_cap": BROWSE_CAP,
            "imports": _recent_imports(bank),
            "export_formats": EXPORT_FORMATS,
        },
    )


def _entries(bank: HashBank, filters: dict):
    entries = bank.entries.order_by("-pk")
    if filters["signal_type"]:
        entries = entries.filter(signal_type=filters["signal_type"])
    if filters["state"]:
        entries = entries.filter(enabled=filters["state"] == "enabled")
    query = filters["q"].strip()
    if query:
        # Every type listed, so that the (signal_type, value) index finds the value.
        by_value = Q(signal_type__in=SignalType.values, value=query.lower())
        entries = entries.filter(by_value | Q(external_id=query))
    return entries


def _recent_imports(bank: HashBank) -> list:
    try:
        model = apps.get_model("matching", "BankImport")
    except LookupError:  # imports are not part of this installation yet
        return []
    return list(model.objects.filter(bank=bank).order_by("-pk")[:RECENT_IMPORTS])


# --- Entries ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@supervisor_required
def entry_add(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    form = EntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            added = banks.add_entry(_actor(request), bank, form.signal(), source="manual")
        except banks.InvalidSignal as error:
            form.add_error("value", as_sentence(str(error)))
        else:
            return _added(request, bank, [added])
    return _form_page(request, "matching/entry_add.html", form, "entry-form", bank=bank)


class InMemoryUpload(MemoryFileUploadHandler):
    """Holds an upload in memory whatever its size, up to the upload limit, so that a
    file hashed for a bank never touches the disk. A larger body is not kept at all."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES
        self.activated = content_length is not None and content_length <= limit


@csrf_exempt  # checked by _upload, once the upload handlers are in place
@require_http_methods(["GET", "POST"])
@supervisor_required
def entry_upload(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    # Django would spill a large upload to a temporary file; reading the body (which the
    # CSRF check does) fixes the handlers, so they are swapped first.
    request.upload_handlers = [InMemoryUpload(request)]
    return _upload(request, bank)


@csrf_protect
def _upload(request, bank: HashBank):
    form = UploadForm()
    if request.method == "POST":
        limit = settings.MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD_BYTES
        too_large = int(request.META.get("CONTENT_LENGTH") or 0) > limit
        form = UploadForm(request.POST, request.FILES, too_large=too_large)
        if form.is_valid():
            actor = _actor(request)
            with transaction.atomic():
                added = [banks.add_entry(actor, bank, s, source="upload") for s in form.signals]
            return _added(request, bank, added)
    return _form_page(request, "matching/entry_upload.html", form, "upload-form", bank=bank)


def _added(request, bank: HashBank, added: list[tuple[BankEntry, bool]]):
    forget_entry_count(bank.pk)
    new = [entry for entry, created in added if created]
    if len(added) == 1:
        entry = added[0][0]
        if new:
            messages.success(request, "Hash added.")
        else:
            messages.info(
                request, "This bank already holds this hash; it is unchanged. Here it is."
            )
        return redirect("matching:entry", entry_id=entry.pk)
    held = len(added) - len(new)
    text = f"{len(new)} hash{'es' if len(new) != 1 else ''} added"
    if held:
        text += f"; {held} {'was' if held == 1 else 'were'} already in the bank and unchanged"
    messages.success(request, text + ".")
    return redirect("matching:bank", bank_id=bank.pk)


@require_GET
@staff_required
def entry_detail(request, entry_id):
    entry = access_entry(request.user, entry_id)
    return _render_entry(request, entry, EntryEditForm.for_entry(entry))


@require_POST
@supervisor_required
def entry_edit(request, entry_id):
    entry = access_entry(request.user, entry_id)
    form = EntryEditForm.for_entry(entry, request.POST)
    if form.is_valid():
        try:
            banks.update_entry(_actor(request), entry, **form.changes())
        except banks.BankError as error:
            show_bank_error(form, error)
        else:
            messages.success(request, "Entry saved.")
            return redirect("matching:entry", entry_id=entry.pk)
    return _render_entry(request, entry, form)


@require_POST
@supervisor_required
def entry_remove(request, entry_id):
    entry = access_entry(request.user, entry_id)
    bank = entry.bank
    banks.remove_entry(_actor(request), entry)
    if BankEntry.objects.filter(pk=entry_id).exists():
        messages.warning(
            request,
            "This hash has matches on record, so it was disabled instead of removed. "
            "It no longer matches.",
        )
        return redirect("matching:entry", entry_id=entry_id)
    forget_entry_count(bank.pk)
    messages.success(request, "Hash removed from the bank.")
    return redirect("matching:bank", bank_id=bank.pk)


def _render_entry(request, entry: BankEntry, form):
    matches = (
        Match.objects.filter(
            entry=entry, item__report__organisation_id=request.user.organisation_id
        )
        .select_related("item__report")
        .order_by("-pk")[:MATCHES_SHOWN]
    )
    return _form_page(
        request,
        "matching/entry_detail.html",
        form,
        "entry-form",
        entry=entry,
        bank=entry.bank,
        matches=list(matches),
        matches_shown=MATCHES_SHOWN,
    )


# --- Import and export ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@supervisor_required
def bank_import(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid() and _importable(form, bank):
            upload, fmt = form.cleaned_data["file"], form.cleaned_data["format"]
            path = stage_upload(upload)
            record(
                _actor(request),
                "bank.import_requested",
                bank,
                organisation_id=bank.organisation_id,
                file=upload.name,
                format=fmt,
                size=upload.size,
            )
            enqueue(
                "matching.import_file",
                bank_id=bank.pk,
                path=str(path),
                fmt=fmt,
                user_id=request.user.pk,
                restart=form.cleaned_data["restart"],
            )
            messages.success(
                request,
                "The file is being imported in the background. "
                "Its progress shows under \u201cRecent imports\u201d.",
            )
            return redirect("matching:bank", bank_id=bank.pk)
    else:
        form = ImportForm(initial={"format": "auto"})
    return _form_page(request, "matching/bank_import.html", form, "import-form", bank=bank)


def _importable(form, bank: HashBank) -> bool:
    """Check the file's first lines now, so that the person importing hears at once
    that it cannot be read, or that it was imported already."""
    from haven.matching.formats import FormatError
    from haven.matching.imports import IDENTITY_BYTES, check_upload

    upload = form.cleaned_data["file"]
    head = upload.read(IDENTITY_BYTES)
    upload.seek(0)
    try:
        _, done = check_upload(bank, head, upload.size, form.cleaned_data["format"])
    except FormatError as exc:
        form.add_error("file", as_sentence(str(exc)))
        return False
    if done is not None and not form.cleaned_data["restart"]:
        form.add_error(
            "restart",
            f"This file was imported into this bank already ({done.added} added). To add "
            "it again (for example after removing entries), tick this box.",
        )
        return False
    return True


@require_GET
@supervisor_required
def import_errors(request, import_id):
    """The malformed lines of an import, by number and reason (the first 10,000)."""
    job = access_import(request.user, import_id)
    lines = []
    if job.errors_path and Path(job.errors_path).exists():
        with open(job.errors_path, encoding="utf-8", errors="replace") as errors:
            lines = [line for _, line in zip(range(10_000), errors, strict=False)]
    text = "".join(lines) or "No malformed lines.\n"
    response = StreamingHttpResponse([text], content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slugify(job.file_name)}-errors.txt"'
    return response


@require_GET
@supervisor_required
def bank_export(request, bank_id):
    bank = access_bank(request.user, pk=bank_id)
    fmt = request.GET.get("format") or EXPORT_FORMATS[0]
    if fmt not in EXPORT_FORMATS:
        raise BadRequest("Unknown export format")
    extension = "txt" if fmt == "te-file" else "csv"
    content_type = "text/plain" if extension == "txt" else "text/csv"
    chunks = _export_chunks(bank, fmt, _actor(request))
    response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
    name = f"{slugify(bank.name) or 'bank'}-{fmt}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _export_chunks(bank: HashBank, fmt: str, actor: Actor, size: int = 64 * 1024):
    """The export as it is downloaded. Nothing runs until the first chunk is asked for,
    so a download that never starts exports (and audits) nothing."""
    from haven.matching.imports import export_bank

    folder = Path(settings.STAGING_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    # export_bank writes the whole bank in one call: it goes to memory, or past a few
    # megabytes to an anonymous temporary file that disappears when closed.
    with tempfile.SpooledTemporaryFile(max_size=EXPORT_SPOOL_BYTES, dir=str(folder)) as spool:
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        export_bank(bank, fmt, text, actor=actor)  # audited as "bank.exported"
        text.flush()
        text.detach()
        spool.seek(0)
        while chunk := spool.read(size):
            yield chunk


# --- Feedback on matches ----------------------------------------------------------------


@require_POST
@staff_required
def match_feedback(request, match_id):
    match = access_match(request.user, match_id)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        verdict = form.cleaned_data["verdict"]
        banks.give_feedback(_actor(request), match, verdict)
        done = "confirmed" if verdict == Feedback.CONFIRMED else "rejected as a false positive"
        messages.success(request, f"Match with \u201c{match.entry.bank.name}\u201d {done}.")
    else:
        messages.error(request, " ".join(form.errors["verdict"]))
    url = reverse("triage:detail", args=[match.item.report.reference])
    return redirect(f"{url}#match-{match.pk}")
