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


@register.simple_tag
def duration(value: float | None, at_least: bool = False):
    """Hours up to two days, days beyond; "at least" when still-online content may grow it."""
    if value is None:
        return _missing()
    text = f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} days"
    return f"at least {text}" if at_least else text


@register.filter
def share_of(share) -> str:
    """A removal share with what it is a share of: "62% (31 of 50)"."""
    if share.share is None:
        return _missing()
    return f"{share.share:.0%} ({share.within} of {share.judged})"
