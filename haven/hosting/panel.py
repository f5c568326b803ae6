"""The "Where it is hosted" section of the report page: one block per reported address."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from haven.hosting import directory, services
from haven.hosting.directory import shown_domain
from haven.hosting.forms import CorrectionForm
from haven.hosting.models import Hosting
from haven.triage.panels import Panel, register
from haven.web.countries import country_name

SOURCE_LABELS = {
    "dns": "DNS",
    "address": "the address itself",
    "capture": "the last capture (the name no longer resolves)",
    "iptocc": "offline IP data (iptocc)",
    "override": "the operator's override file",
    "rdap": "RDAP",
    "directory": "your directory",
    "analyst": "corrected by an analyst",
    "cdn_ranges": "the CDN's published ranges",
    "headers": "the response headers of the last capture",
    "test": "test data",
}


@dataclass
class Fact:
    label: str
    value: str
    source: str
    corrected: bool


@dataclass
class Row:
    url: object
    hosting: Hosting | None
    facts: list[Fact]
    contact: services.Contact | None
    form: CorrectionForm
    addresses_from: str
    # The host name as people read it: "bücher.example (xn--bcher-kva.example)".
    hostname_shown: str = ""


def register_panel() -> None:
    register(
        Panel(
            key="hosting",
            title="Where it is hosted",
            template="hosting/panel.html",
            context=context,
            order=20,
        )
    )


def context(report, user, request=None) -> dict:
    if not getattr(user, "is_org_staff", False):
        return {"rows": []}
    rows = []
    loaded = directory.load(report.organisation_id)  # once for every address
    for url in report.urls.select_related("hosting__corrected_by").order_by("pk"):
        hosting = _hosting(url)
        contact = (
            services.notice_contact(url, with_token=False, hosting=hosting, loaded=loaded)
            if hosting
            else None
        )
        rows.append(
            Row(
                url=url,
                hosting=hosting,
                facts=facts(hosting) if hosting else [],
                contact=contact,
                form=CorrectionForm(hosting=hosting, url_id=url.pk),
                addresses_from=addresses_from(hosting) if hosting else "",
                hostname_shown=shown_domain(hosting.hostname) if hosting else "",
            )
        )
    return {"rows": rows}


def _hosting(url) -> Hosting | None:
    try:
        return url.hosting
    except ObjectDoesNotExist:
        return None


def facts(hosting: Hosting) -> list[Fact]:
    country = f"{country_name(hosting.country)} ({hosting.country})" if hosting.country else ""
    shown = [
        ("Country", country, "country"),
        # The same labels as the correction form's fields.
        ("Network (who runs it)", hosting.network_name, "network_name"),
        ("Network range", hosting.network_range, "network_range"),
        ("Abuse e-mail", hosting.abuse_email, "abuse_email"),
        ("Registrar", hosting.registrar_name, "registrar_name"),
        ("Registrar's abuse e-mail", hosting.registrar_abuse_email, "registrar_abuse_email"),
        ("CDN in front of the site", hosting.cdn, "cdn"),
    ]
    return [
        Fact(
            label,
            value,
            source_label(hosting.sources.get(name, "")),
            name in hosting.corrected_fields,
        )
        for label, value, name in shown
    ]


def addresses_from(hosting: Hosting) -> str:
    return source_label(hosting.sources.get("addresses", ""))


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)
