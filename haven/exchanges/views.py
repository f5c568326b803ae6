"""Staff pages for exchanges and bank shares.

Supervisors see exchanges, their history, and may fetch one now; administrators add,
change and delete exchanges (they hold the credentials) and share banks. Objects are
fetched through `access_exchange` / `access_share` only; writes go through `services`.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from haven.accounts.access import admin_required, supervisor_required
from haven.audit.services import Actor, client_ip
from haven.exchanges import services
from haven.exchanges.access import access_exchange, access_share, exchanges_for, shares_for
from haven.exchanges.forms import ExchangeForm, ShareForm, shown
from haven.exchanges.kinds import KINDS, ExchangeError, spec
from haven.exchanges.models import Exchange, Kind
from haven.web.forms import error_links

RUNS_SHOWN = 25


def _actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


@require_GET
@supervisor_required
def exchange_list(request):
    exchanges = exchanges_for(request.user).select_related("bank").order_by("name")
    return render(request, "exchanges/list.html", {"exchanges": exchanges})


@require_GET
@supervisor_required
def detail(request, exchange_id: int):
    exchange = access_exchange(request.user, exchange_id)
    runs = exchange.runs.select_related("requested_by").order_by("-started_at")[:RUNS_SHOWN]
    credential_labels = [field.label for field in spec(exchange.kind).credentials]
    setting_labels = {field.name: field.label for field in spec(exchange.kind).settings}
    return render(
        request,
        "exchanges/detail.html",
        {
            "exchange": exchange,
            "runs": runs,
            "settings_shown": [
                (setting_labels.get(name, name), shown(value))
                for name, value in exchange.settings.items()
            ],
            "credential_labels": credential_labels,
        },
    )


@admin_required
def create(request):
    kind = request.GET.get("kind") or request.POST.get("kind") or ""
    if kind not in KINDS:
        return render(request, "exchanges/choose_kind.html", {"kinds": Kind.choices})
    organisation = request.user.organisation
    form = ExchangeForm(request.POST or None, kind=kind, organisation_id=organisation.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exchange = services.create_exchange(
                _actor(request),
                organisation,
                name=data["name"],
                kind=kind,
                bank=data["bank"],
                settings=form.settings_data(),
                credentials=form.credentials_data(),
                enabled=data["enabled"],
                interval_minutes=data["interval_minutes"],
            )
        except ExchangeError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, f"Exchange {exchange.name} added; it will fetch shortly.")
            return redirect("exchanges:detail", exchange_id=exchange.pk)
    return _render_form(request, form, kind, None)


@admin_required
def edit(request, exchange_id: int):
    exchange = access_exchange(request.user, exchange_id)
    form = ExchangeForm(
        request.POST or None,
        kind=exchange.kind,
        organisation_id=exchange.organisation_id,
        exchange=exchange,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_exchange(
                _actor(request),
                exchange,
                credentials=form.credentials_data(),
                bank=data["bank"],
                enabled=data["enabled"],
                interval_minutes=data["interval_minutes"],
                settings=form.settings_data(),
            )
        except ExchangeError as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, "Exchange saved.")
            return redirect("exchanges:detail", exchange_id=exchange.pk)
    return _render_form(request, form, exchange.kind, exchange)


def _render_form(request, form: ExchangeForm, kind: str, exchange: Exchange | None):
    return render(
        request,
        "exchanges/form.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "exchange": exchange,
            "errors": error_links(form, "exchange-form"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@supervisor_required
def fetch_now(request, exchange_id: int):
    exchange = access_exchange(request.user, exchange_id)
    try:
        services.request_fetch(_actor(request), exchange)
    except ExchangeError as problem:
        messages.error(request, str(problem).capitalize())
    else:
        messages.success(request, "Fetch queued. Reload this page to see how it went.")
    return redirect("exchanges:detail", exchange_id=exchange.pk)


@require_POST
@admin_required
def delete(request, exchange_id: int):
    exchange = access_exchange(request.user, exchange_id)
    try:
        services.delete_exchange(_actor(request), exchange)
    except ExchangeError as problem:
        messages.error(request, str(problem).capitalize())
        return redirect("exchanges:detail", exchange_id=exchange.pk)
    messages.success(request, f"Exchange {exchange.name} deleted; its hashes stay in the bank.")
    return redirect("exchanges:list")


@admin_required
def shares(request):
    organisation_id = request.user.organisation_id
    form = ShareForm(request.POST or None, organisation_id=organisation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.share_bank(_actor(request), data["bank"], data["user"], data["include_notes"])
        except ExchangeError as problem:
            form.add_error(None, str(problem).capitalize())
        else:
            messages.success(request, f"{data['bank'].name} is now shared with {data['user']}.")
            return redirect("exchanges:shares")
    listed = shares_for(request.user).select_related("bank", "user").order_by("bank__name")
    return render(
        request,
        "exchanges/shares.html",
        {"shares": listed, "form": form, "errors": error_links(form, "exchange-form")},
        status=400 if form.errors else 200,
    )


@require_POST
@admin_required
def share_delete(request, share_id: int):
    share = access_share(request.user, share_id)
    services.unshare_bank(_actor(request), share)
    messages.success(request, f"{share.bank.name} is no longer shared with {share.user}.")
    return redirect("exchanges:shares")
