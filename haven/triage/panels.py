"""Sections other apps add to the report page (classification, hosting, takedown…).

An app registers a panel in its AppConfig.ready(): a template and a function that
returns that template's context for one report and one user. The report page renders
the panels in order, so each app owns its part of the page and triage knows none of
them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    # (report, user, request) -> context dict for the template; the request gives
    # panels access to bound forms after an error.
    context: Callable[..., dict]
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def render_context(report, user, request=None) -> list[dict]:
    """One entry per panel: its key, title, template and context."""
    return [
        {
            "key": panel.key,
            "title": panel.title,
            "template": panel.template,
            "context": panel.context(report, user, request),
        }
        for panel in panels()
    ]


def url(reference: str, key: str) -> str:
    """The report page opened at one panel, where that panel shows the message of what
    was just done (the page is long: a message at its top would be off-screen)."""
    from django.urls import reverse

    return f"{reverse('triage:detail', args=[reference])}?panel={key}#panel-{key}"


def message_panel(request) -> str:
    """The panel named by the page's address, if it is one; "" otherwise."""
    key = request.GET.get("panel", "") if request is not None else ""
    return key if key in _PANELS else ""
