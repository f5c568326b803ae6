"""What the network's views share: who is acting, showing a form again, grouping."""

from collections.abc import Iterable

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.audit.services import Actor, client_ip
from haven.web.forms import error_links

FORM_ID = "network-form"


def actor(request) -> Actor:
    return Actor.for_user(request.user, client_ip(request))


def form_page(
    request,
    form,
    *,
    title: str,
    back: tuple[str, str],
    submit: str,
    template: str = "network/form_page.html",
    **extra,
):
    """A page with one form, posted to its own address: 400 when the form has errors,
    which the summary on top links to. `back` is (address, link text)."""
    context = {
        "form": form,
        "errors": error_links(form, FORM_ID),
        "title": title,
        "back_url": back[0],
        "back_text": back[1],
        "submit": submit,
        **extra,
    }
    return render(request, template, context, status=400 if form.errors else 200)


def back_to_partner(partner) -> tuple[str, str]:
    url = reverse("network:partner_detail", kwargs={"service_partner_id": partner.pk})
    return url, _("Back to %s") % partner.name


def by_region(districts: Iterable) -> list[tuple[str, list]]:
    """Districts as (region, [district, ...]) in the order given."""
    groups: dict[str, list] = {}
    for district in districts:
        groups.setdefault(district.region, []).append(district)
    return list(groups.items())
