"""A partner's responders, and giving one a login to the partner portal."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haven.network import responders as changes
from haven.network.access import access_partner, access_responder, supervisor_page
from haven.network.forms import ResponderForm, ResponderLoginForm
from haven.network.views.common import actor, back_to_partner, form_page
from haven.triage.actions import ActionError
from haven.web.forms import show_refusal


@require_http_methods(["GET", "POST"])
@supervisor_page
def responder_create(request, service_partner_id: int):
    partner = access_partner(request.user, service_partner_id)
    form = ResponderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            responder = changes.create_responder(partner, form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("%s added. Put them on the rota to have them alerted.") % responder.name
            )
            return redirect("network:partner_detail", service_partner_id=partner.pk)
    return form_page(
        request,
        form,
        title=_("Add a responder to %s") % partner.name,
        back=back_to_partner(partner),
        submit=_("Add responder"),
        intro=_(
            "A responder goes to a child in danger. Alerts reach them by SMS or e-mail with "
            "a link to acknowledge: they need no login for that."
        ),
    )


@require_http_methods(["GET", "POST"])
@supervisor_page
def responder_edit(request, responder_id: int):
    responder = access_responder(request.user, responder_id)
    form = ResponderForm(request.POST or None, responder=responder)
    if request.method == "POST" and form.is_valid():
        try:
            responder = changes.update_responder(responder, form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("%s saved.") % responder.name)
            return redirect("network:partner_detail", service_partner_id=responder.partner_id)
    return form_page(
        request,
        form,
        title=_("Change %s") % responder.name,
        back=back_to_partner(responder.partner),
        submit=_("Save"),
        intro=_("Deactivating a responder takes them off the rota and switches off their login."),
    )


@require_POST
@supervisor_page
def responder_deactivate(request, responder_id: int):
    responder = access_responder(request.user, responder_id)
    try:
        changes.deactivate_responder(responder, actor=actor(request))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%s is no longer active: their shifts no longer count and their login is off.")
            % responder.name,
        )
    return redirect("network:partner_detail", service_partner_id=responder.partner_id)


@never_cache
@require_http_methods(["GET", "POST"])
@supervisor_page
def responder_login(request, responder_id: int):
    """GET offers the form; POST makes the login and shows its password, once: the
    database keeps only its hash, and this response is never cached."""
    responder = access_responder(request.user, responder_id)
    if responder.user_id is not None:
        messages.error(request, _("%s already has a login.") % responder.name)
        return redirect("network:partner_detail", service_partner_id=responder.partner_id)
    initial = {"username": changes.suggested_username(responder), "email": responder.email}
    form = ResponderLoginForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            login = changes.give_login(responder, **form.cleaned_data, actor=actor(request))
        except ActionError as error:
            show_refusal(form, error)
        else:
            context = {"responder": responder, "partner": responder.partner, "login": login}
            return render(request, "network/responder_login_made.html", context)
    return form_page(
        request,
        form,
        title=_("Give %s a login") % responder.name,
        back=back_to_partner(responder.partner),
        submit=_("Make the login"),
        intro=_(
            "With a login, %(name)s sees in the partner portal what was referred or alerted "
            "to %(partner)s, and nothing else. Haven makes a password and shows it once, on "
            "the next page: give it to them in person or by phone. At their first sign-in "
            "they set up two-factor sign-in with an authenticator app."
        )
        % {"name": responder.name, "partner": responder.partner.name},
    )
