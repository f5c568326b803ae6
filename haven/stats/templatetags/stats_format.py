"""Numbers on the statistics page: hours and shares, with "no data" said in words."""

from django import template
from django.utils.html import format_html

register = template.Library()


def _missing():
    # A dash for the eye, words for screen readers, which often skip a lone dash.
    return format_html(
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>', "—", "no data"
    )


@register.filter
def hours(value: float | None):
    return _missing() if value is None else f"{value:.1f} h"


@register.filter
def percent(value: float | None):
    return _missing() if value is None else f"{value:.0%}"
