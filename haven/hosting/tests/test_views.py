"""The hosting pages: the report page's panel, look-up and correction, and the host
directory — who may see and change what, and another organisation's 404s."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user, verified_client
from haven.accounts.models import Role
from haven.audit.models import AuditEvent
from haven.hosting import directory
from haven.hosting.models import DirectoryKind, HostDirectoryEntry, Hosting
from haven.jobs.models import Job
from haven.reports.models import ReportUrl

CDN_WARNING = (
    "Fronted by Cloudflare:</strong> notices go to the CDN's abuse desk, which forwards "
    "them; the real host is hidden."
)


def report_page(report) -> str:
    return reverse("triage:detail", args=[report.reference])


def make_hosting(report_url, **fields) -> Hosting:
    defaults = {
        "hostname": "img.example-host.com",
        "addresses": ["104.16.1.1"],
        "country": "US",
        "network_name": "Cloudflare, Inc. (CLOUDFLARENET)",
        "abuse_email": "abuse@cloudflare.com",
        "registrar_name": "NameCheap, Inc.",
        "cdn": "Cloudflare",
        "sources": {
            "addresses": "dns",
            "country": "iptocc",
            "network_name": "rdap",
            "abuse_email": "rdap",
            "registrar_name": "rdap",
            "cdn": "cdn_ranges",
        },
        "looked_up_at": timezone.now(),
    }
    return Hosting.objects.create(
        report_url=report_url, organisation=report_url.report.organisation, **(defaults | fields)
    )


@pytest.fixture
def entry(organisation):
    return HostDirectoryEntry.objects.create(
        organisation=organisation,
        kind=DirectoryKind.NETWORK,
        match="198.51.100.0/24",
        name="Example Hosting",
        abuse_email="abuse@hosting.example",
        notice_api_url="https://api.hosting.example/notices",
        notice_api_token_sealed=directory.seal_token("very-secret-token"),
    )


@pytest.fixture
def other_entry(other_organisation):
    return HostDirectoryEntry.objects.create(
        organisation=other_organisation,
        kind=DirectoryKind.DOMAIN,
        match="south.example",
        name="Theirs",
    )


# --- The panel ---------------------------------------------------------------------------


def test_the_panel_shows_what_is_known_with_sources_and_the_cdn_warning(
    report, report_url, analyst_client
):
    make_hosting(report_url, corrected_fields=["country"])
    html = analyst_client.get(report_page(report)).content.decode()
    assert 'id="panel-hosting-title">Where it is hosted</h2>' in html
    assert CDN_WARNING in html
    assert "<code>104.16.1.1</code>" in html and "from DNS" in html
    assert "United States (US)" in html and "Corrected</span>" in html
    assert "abuse@cloudflare.com" in html and "NameCheap, Inc." in html
    assert "<code>abuse@cloudflare.com</code> (Cloudflare)" in html  # where notices go
    assert 'action="{}"'.format(reverse("hosting:locate", args=[report_url.pk])) in html
    assert 'action="{}"'.format(reverse("hosting:correct", args=[report_url.pk])) in html
    assert 'href="https://img.example-host.com' not in html


def test_the_panel_says_when_nothing_was_looked_up_and_shows_errors(
    report, report_url, analyst_client
):
    html = analyst_client.get(report_page(report)).content.decode()
    assert "Not looked up yet." in html
    make_hosting(report_url, lookup_error="RDAP for 104.16.1.1: RDAP could not be reached.")
    html = analyst_client.get(report_page(report)).content.decode()
    assert "RDAP could not be reached." in html


def test_the_panel_shows_a_notice_api_by_name_never_its_token(
    report, report_url, entry, analyst_client
):
    make_hosting(report_url, addresses=["198.51.100.9"], cdn="")
    html = analyst_client.get(report_page(report)).content.decode()
    assert "The notice API of Example Hosting" in html
    assert "very-secret-token" not in html


def test_the_panel_costs_the_same_queries_for_one_address_or_many(
    report, report_url, analyst_client, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from haven.triage import panels

    # This panel only: the other apps' panels are counted in their own tests.
    monkeypatch.setattr(panels, "_PANELS", {"hosting": panels._PANELS["hosting"]})
    make_hosting(report_url)

    def queries() -> int:
        analyst_client.get(report_page(report))  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert analyst_client.get(report_page(report)).status_code == 200
        return len(captured)

    one = queries()
    for n in range(5):
        other = ReportUrl.objects.create(report=report, url=f"https://x{n}.example/")
        make_hosting(other)
    # The report page lists each address (its own media and URL queries stay constant);
    # the hosting panel itself reads the directory once, not once per address.
    assert queries() == one


# --- Look up again, correct ---------------------------------------------------------------


def test_look_up_again_queues_the_job_and_returns_to_the_panel(
    report, report_url, analyst, analyst_client
):
    response = analyst_client.post(reverse("hosting:locate", args=[report_url.pk]))
    assert response.status_code == 302
    assert response["Location"] == report_page(report) + "?panel=hosting#panel-hosting"
    job = Job.objects.get(name="hosting.locate_url")
    assert job.payload == {"url_id": report_url.pk}
    assert AuditEvent.objects.get(action="hosting.lookup_requested").actor == analyst
    assert analyst_client.get(reverse("hosting:locate", args=[report_url.pk])).status_code == 405


def test_a_correction_is_saved_and_marked(report, report_url, analyst, analyst_client):
    make_hosting(report_url)
    response = analyst_client.post(
        reverse("hosting:correct", args=[report_url.pk]),
        {
            "country": "NL",
            "network_name": "Real Host BV",
            "network_range": "",
            "abuse_email": "abuse@realhost.example",
            "registrar_name": "NameCheap, Inc.",
            "registrar_abuse_email": "",
            "cdn": "Cloudflare",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == report_page(report) + "?panel=hosting#panel-hosting"
    hosting = Hosting.objects.get()
    assert hosting.corrected_fields == ["abuse_email", "country", "network_name"]
    assert hosting.corrected_by == analyst
    html = analyst_client.get(report_page(report)).content.decode()
    assert "Correction saved." in html and "Netherlands (NL)" in html


def test_an_invalid_correction_is_shown_next_to_its_field(report_url, analyst_client):
    make_hosting(report_url)
    response = analyst_client.post(
        reverse("hosting:correct", args=[report_url.pk]),
        {"country": "US", "abuse_email": "not-an-address", "cdn": "Cloudflare"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an e-mail address such as abuse@example.net." in html
    assert f'href="#id_hosting{report_url.pk}_abuse_email"' in html
    assert Hosting.objects.get().corrected_fields == []


def test_a_correction_that_changes_nothing_is_refused(report_url, analyst_client):
    hosting = make_hosting(report_url)
    fields = {
        name: getattr(hosting, name)
        for name in (
            "country",
            "network_name",
            "network_range",
            "abuse_email",
            "registrar_name",
            "registrar_abuse_email",
            "cdn",
        )
    }
    response = analyst_client.post(reverse("hosting:correct", args=[report_url.pk]), fields)
    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()


def test_an_address_never_looked_up_can_still_be_filled_in(report_url, analyst_client):
    url = reverse("hosting:correct", args=[report_url.pk])
    assert analyst_client.get(url).status_code == 200
    response = analyst_client.post(url, {"country": "DE", "abuse_email": "abuse@x.example"})
    assert response.status_code == 302
    hosting = Hosting.objects.get(report_url=report_url)
    assert hosting.country == "DE" and hosting.corrected_fields == ["abuse_email", "country"]


def test_partners_and_anonymous_visitors_cannot_look_up_or_correct(report_url, partner, client):
    locate, correct = (reverse(f"hosting:{n}", args=[report_url.pk]) for n in ("locate", "correct"))
    assert client.post(locate).status_code == 302  # to the sign-in page
    verified_client(client, partner)
    assert client.post(locate).status_code == 403
    assert client.post(correct, {"country": "NL"}).status_code == 403
    assert not Job.objects.exists() and not Hosting.objects.exists()


# --- The directory ----------------------------------------------------------------------


def test_staff_see_the_directory_and_search_it(entry, other_entry, analyst_client):
    HostDirectoryEntry.objects.create(
        organisation=entry.organisation, kind="domain", match="another.example", name="Another"
    )
    html = analyst_client.get(reverse("hosting:directory")).content.decode()
    assert "198.51.100.0/24" in html and "another.example" in html
    assert "south.example" not in html  # another organisation's
    assert "Add an entry" not in html  # analysts read only
    html = analyst_client.get(reverse("hosting:directory"), {"q": "hosting.ex"}).content.decode()
    assert "198.51.100.0/24" in html and "another.example" not in html
    html = analyst_client.get(reverse("hosting:directory_entry", args=[entry.pk])).content.decode()
    assert "a token is stored, encrypted" in html and "very-secret-token" not in html


def test_analysts_cannot_change_the_directory(entry, analyst_client):
    for name, args in [
        ("directory_add", []),
        ("directory_import", []),
        ("directory_edit", [entry.pk]),
        ("directory_delete", [entry.pk]),
    ]:
        assert analyst_client.get(reverse(f"hosting:{name}", args=args)).status_code == 403
        assert analyst_client.post(reverse(f"hosting:{name}", args=args)).status_code == 403
    assert HostDirectoryEntry.objects.filter(pk=entry.pk).exists()


def test_a_supervisor_adds_an_entry_and_the_token_is_never_shown_again(supervisor_client):
    response = supervisor_client.post(
        reverse("hosting:directory_add"),
        {
            "kind": "domain",
            "match": "Images.Example",
            "name": "Images",
            "country": "FR",
            "abuse_email": "abuse@images.example",
            "notice_api_url": "https://images.example/api",
            "api_token": "tok-abc",
            "language": "fr",
            "cdn": "",
        },
    )
    entry = HostDirectoryEntry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hosting:directory_entry", args=[entry.pk])
    assert (
        entry.match == "images.example"
        and directory.unseal_token(entry.notice_api_token_sealed) == "tok-abc"
    )
    for page in ("directory_entry", "directory_edit"):
        html = supervisor_client.get(reverse(f"hosting:{page}", args=[entry.pk])).content.decode()
        assert "tok-abc" not in html
    html = supervisor_client.get(
        reverse("hosting:directory_edit", args=[entry.pk])
    ).content.decode()
    assert "Remove the stored token" in html


def test_invalid_entries_are_shown_with_their_errors(supervisor_client, entry):
    response = supervisor_client.post(
        reverse("hosting:directory_add"),
        {"kind": "network", "match": "999.1.1.1/8", "name": "X", "abuse_email": "nope"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an address range such as 203.0.113.0/24" in html
    assert 'href="#id_match"' in html
    response = supervisor_client.post(
        reverse("hosting:directory_add"),
        {"kind": "network", "match": "198.51.100.0/24", "name": "Again"},
    )
    assert response.status_code == 400
    assert "already has an entry for 198.51.100.0/24" in response.content.decode()


def test_a_supervisor_edits_keeping_the_token_and_deletes(supervisor_client, entry):
    edit = reverse("hosting:directory_edit", args=[entry.pk])
    response = supervisor_client.post(
        edit,
        {
            "kind": "network",
            "match": entry.match,
            "name": "Renamed",
            "abuse_email": "",
            "notice_api_url": entry.notice_api_url,
            "api_token": "",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.name == "Renamed" and entry.abuse_email == ""
    assert directory.unseal_token(entry.notice_api_token_sealed) == "very-secret-token"
    delete = reverse("hosting:directory_delete", args=[entry.pk])
    assert "Remove entry" in supervisor_client.get(delete).content.decode()
    assert supervisor_client.post(delete).status_code == 302
    assert not HostDirectoryEntry.objects.exists()


def test_a_supervisor_imports_a_csv(supervisor_client):
    upload = SimpleUploadedFile(
        "directory.csv",
        b"kind,match,name,abuse_email\nnetwork,192.0.2.0/24,Example,abuse@example.net\n"
        b"domain,bad domain,Broken,\n",
        content_type="text/csv",
    )
    response = supervisor_client.post(reverse("hosting:directory_import"), {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 added, 0 updated." in html and "Line 3: Enter a domain such as example.org" in html
    assert HostDirectoryEntry.objects.get().match == "192.0.2.0/24"


# --- Another organisation ----------------------------------------------------------------


def test_another_organisation_gets_404_for_every_address_and_entry_of_ours(
    report_url, entry, other_organisation, outsider_client
):
    make_hosting(report_url)
    analyst = verified_client(Client(), make_user(other_organisation, "oana", Role.ANALYST))
    for client in (outsider_client, analyst):
        assert client.post(reverse("hosting:locate", args=[report_url.pk])).status_code == 404
        correct = reverse("hosting:correct", args=[report_url.pk])
        assert client.get(correct).status_code == 404
        assert client.post(correct, {"country": "NL"}).status_code == 404
        assert client.get(reverse("hosting:directory_entry", args=[entry.pk])).status_code == 404
    for name in ("directory_edit", "directory_delete"):
        url = reverse(f"hosting:{name}", args=[entry.pk])
        assert outsider_client.get(url).status_code == 404
        assert (
            outsider_client.post(
                url, {"kind": "network", "match": "10.0.0.0/8", "name": "Hijack"}
            ).status_code
            == 404
        )
    assert not Job.objects.exists()
    assert HostDirectoryEntry.objects.get(pk=entry.pk).name == "Example Hosting"
    assert Hosting.objects.get().corrected_fields == []
    html = outsider_client.get(reverse("hosting:directory")).content.decode()
    assert "198.51.100.0/24" not in html


def test_a_registry_region_code_stays_selectable_in_the_correction_form(report_url, analyst_client):
    make_hosting(report_url, country="EU")
    response = analyst_client.post(
        reverse("hosting:correct", args=[report_url.pk]),
        {
            "country": "EU",
            "network_name": "Corrected name",
            "abuse_email": "abuse@cloudflare.com",
            "registrar_name": "NameCheap, Inc.",
            "cdn": "Cloudflare",
        },
    )
    assert response.status_code == 302
    assert Hosting.objects.get().corrected_fields == ["network_name"]


# --- Review findings: ranges, addresses, names -------------------------------------------


def test_a_network_range_correction_must_be_a_range(report, report_url, analyst_client):
    make_hosting(report_url)
    url = reverse("hosting:correct", args=[report_url.pk])
    response = analyst_client.post(url, {"network_range": "999.1.1.1/99 garbage"})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        f'<a href="#id_hosting{report_url.pk}_network_range">Enter a network range such as '
        "203.0.113.0/24" in html
    )
    assert Hosting.objects.get().network_range == ""
    fields = {"country": "US", "cdn": "Cloudflare", "abuse_email": "abuse@cloudflare.com"}
    response = analyst_client.post(url, {**fields, "network_range": "104.16.1.9/13"})
    assert response.status_code == 302
    assert Hosting.objects.get().network_range == "104.16.0.0/13"


def test_each_email_error_in_the_summary_says_which_field(report_url, analyst_client):
    make_hosting(report_url)
    response = analyst_client.post(
        reverse("hosting:correct", args=[report_url.pk]),
        {"abuse_email": "nope", "registrar_abuse_email": "nope either"},
    )
    html = response.content.decode()
    message = "Enter an e-mail address such as abuse@example.net."
    assert f"Abuse e-mail: {message}</a>" in html
    assert f"Registrar&#x27;s abuse e-mail: {message}</a>" in html


def test_the_panel_labels_match_the_correction_form(report, report_url, analyst_client):
    make_hosting(report_url)
    html = analyst_client.get(report_page(report)).content.decode()
    for label in ("Network (who runs it)", "Abuse e-mail", "Registrar&#x27;s abuse e-mail"):
        assert f"<dt>{label}</dt>" in html and f">{label}</label>" in html
    assert "Abuse contact" not in html


def test_an_international_host_name_is_shown_in_unicode_with_its_punycode(
    report, report_url, analyst_client
):
    make_hosting(report_url, hostname="img.xn--bcher-kva.example")
    html = analyst_client.get(report_page(report)).content.decode()
    assert "<code>img.bücher.example (img.xn--bcher-kva.example)</code>" in html


def test_an_international_domain_entry_is_named_in_both_forms(supervisor_client):
    response = supervisor_client.post(
        reverse("hosting:directory_add"),
        {"kind": "domain", "match": "Bücher.example", "name": "Bücher", "country": "BO"},
        follow=True,
    )
    html = response.content.decode()
    assert "bücher.example (xn--bcher-kva.example) added to the directory." in html
    assert "<dd>Bolivia</dd>" in html
    listing = supervisor_client.get(reverse("hosting:directory")).content.decode()
    assert "<code>bücher.example (xn--bcher-kva.example)</code>" in listing
    assert "<td>Bolivia</td>" in listing


def test_the_directory_is_searched_by_ip_address_and_by_url(entry, analyst_client):
    HostDirectoryEntry.objects.create(
        organisation=entry.organisation, kind="domain", match="xn--bcher-kva.example", name="B"
    )
    search = reverse("hosting:directory")
    html = analyst_client.get(search, {"q": "198.51.100.42"}).content.decode()
    assert "198.51.100.0/24" in html and "bücher.example" not in html
    html = analyst_client.get(search, {"q": "https://img.bücher.example/x.jpg"}).content.decode()
    assert "bücher.example (xn--bcher-kva.example)" in html and "198.51.100.0/24" not in html


def test_a_notice_api_on_a_forbidden_address_or_in_clear_is_refused(supervisor_client):
    add = reverse("hosting:directory_add")
    entry = {"kind": "network", "match": "192.0.2.0/24", "name": "X"}
    for address, message in [
        ("http://127.0.0.1:9/notices", "Use an https:// address"),
        ("https://127.0.0.1/notices", "Haven may not connect to 127.0.0.1 (loopback)"),
    ]:
        response = supervisor_client.post(add, {**entry, "notice_api_url": address})
        assert response.status_code == 400
        assert f'<a href="#id_notice_api_url">Notice API address: {message}' in (
            response.content.decode()
        )
    assert not HostDirectoryEntry.objects.exists()


def test_the_entry_form_offers_one_country_list_and_checked_languages(supervisor_client):
    html = supervisor_client.get(reverse("hosting:directory_add")).content.decode()
    assert '<option value="BO">Bolivia</option>' in html
    assert '<option value="XK">Kosovo</option>' in html and "(BO)" not in html
    assert '<option value="it">Italian</option>' in html
    response = supervisor_client.post(
        reverse("hosting:directory_add"),
        {"kind": "network", "match": "192.0.2.0/24", "name": "X", "language": "Dutch!!"},
    )
    assert response.status_code == 400
    assert "Choose the language of notices from the list." in response.content.decode()
