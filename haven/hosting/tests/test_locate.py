"""Looking up where an address is hosted: the facts, their sources, the fallbacks, the
directory's precedence, corrections that stay, where notices go, and the job."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.fetching.models import Fetch, Outcome, Purpose
from haven.fetching.resolve import StaticResolver
from haven.hosting import directory, services
from haven.hosting.countries import StaticCountries
from haven.hosting.models import DirectoryKind, HostDirectoryEntry, Hosting
from haven.hosting.rdap import DomainRegistration, FakeRdap, IpNetwork
from haven.hosting.services import Contact, correct, locate, notice_contact, registrar_contact
from haven.hosting.tests.fake_rdap import REGISTRY_DOMAIN, RIPE_NETWORK, Answer
from haven.jobs.registry import handler_for
from haven.reports.models import ReportUrl
from haven.triage.actions import InvalidInput

RIPE = IpNetwork(
    name="RIPE-NCC",
    owner="RIPE NCC",
    handle="193.0.0.0 - 193.0.7.255",
    range="193.0.0.0/21",
    country="NL",
    abuse_email="abuse@ripe.net",
)
REGISTRAR = DomainRegistration("example-host.com", "NameCheap, Inc.", "abuse@namecheap.com")


@pytest.fixture
def rdap():
    return FakeRdap(
        networks={"193.0.0.0/21": RIPE, "8.8.8.0/24": IpNetwork(name="GOGL", owner="Google LLC")},
        domains={"example-host.com": REGISTRAR},
    )


def entry(organisation, kind, match, **fields):
    return HostDirectoryEntry.objects.create(
        organisation=organisation, kind=kind, match=match, **({"name": match} | fields)
    )


def test_a_lookup_records_addresses_country_network_abuse_contact_and_registrar(
    report_url, resolver, rdap
):
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert hosting.hostname == "img.example-host.com"
    assert hosting.addresses == ["193.0.6.139", "2001:67c:2e8:22::c100:68b"]
    assert hosting.country == "NL"
    assert hosting.network_name == "RIPE NCC (RIPE-NCC)"
    assert hosting.network_range == "193.0.0.0/21"
    assert hosting.abuse_email == "abuse@ripe.net"
    assert (hosting.registrar_name, hosting.registrar_abuse_email) == (
        "NameCheap, Inc.",
        "abuse@namecheap.com",
    )
    assert hosting.cdn == "" and hosting.lookup_error == ""
    assert hosting.sources == {
        "addresses": "dns",
        "country": "iptocc",
        "network_name": "rdap",
        "network_range": "rdap",
        "abuse_email": "rdap",
        "registrar_name": "rdap",
        "registrar_abuse_email": "rdap",
    }
    assert hosting.looked_up_at is not None
    assert rdap.calls == ["ip/193.0.6.139", "domain/example-host.com"]


def test_a_lookup_is_audited_as_the_system(report_url, resolver, rdap, organisation):
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    event = AuditEvent.objects.get(action="hosting.looked_up")
    assert event.actor is None and event.actor_label == "hosting"
    assert event.organisation_id == organisation.pk and event.target_id == str(hosting.pk)
    assert event.detail["country"] == "NL" and event.detail["abuse_email"] == "abuse@ripe.net"


def test_the_hostname_comes_from_the_last_capture_after_redirects(report_url, resolver, rdap):
    Fetch.objects.create(
        organisation=report_url.report.organisation,
        report_url=report_url,
        purpose=Purpose.CAPTURE,
        requested_url=report_url.url,
        final_url="https://www.example-host.com/landing",
        outcome=Outcome.PRESENT,
        response_headers={"Server": "nginx"},
    )
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert hosting.hostname == "www.example-host.com"
    assert hosting.addresses == ["8.8.8.8"] and hosting.country == "US"
    assert hosting.network_name == "Google LLC (GOGL)"


def test_an_ip_literal_needs_no_dns_and_no_domain_lookup(report, rdap):
    url = ReportUrl.objects.create(report=report, url="http://[2001:67c:2e8:22::c100:68b]:8080/x")
    resolver = StaticResolver({})
    hosting = locate(url, resolver=resolver, rdap=FakeRdap())
    assert hosting.hostname == "2001:67c:2e8:22::c100:68b"
    assert hosting.addresses == ["2001:67c:2e8:22::c100:68b"]
    assert hosting.sources["addresses"] == "address" and hosting.country == "NL"
    assert resolver.calls == []


def test_a_malformed_address_still_gets_a_record_the_analyst_can_fill_in(report, rdap):
    url = ReportUrl.objects.create(report=report, url="ht!tp://exa mple/")
    hosting = locate(url, resolver=StaticResolver({}), rdap=rdap)
    assert hosting.pk and hosting.hostname == "" and hosting.addresses == []
    assert hosting.lookup_error.startswith("The address cannot be read:")
    assert rdap.calls == []


def test_a_name_that_does_not_resolve_is_recorded_with_a_reason(report, rdap):
    url = ReportUrl.objects.create(report=report, url="https://gone.example/x")
    hosting = locate(url, resolver=StaticResolver({}), rdap=rdap)
    assert hosting.addresses == [] and hosting.country == ""
    assert hosting.lookup_error.startswith("The name gone.example does not exist.")


def test_when_the_name_no_longer_resolves_the_captured_addresses_are_used(report_url, rdap):
    Fetch.objects.create(
        organisation=report_url.report.organisation,
        report_url=report_url,
        purpose=Purpose.CAPTURE,
        requested_url=report_url.url,
        final_url=report_url.url,
        outcome=Outcome.PRESENT,
        addresses=["193.0.6.139"],
    )
    hosting = locate(report_url, resolver=StaticResolver({}), rdap=rdap)
    assert hosting.addresses == ["193.0.6.139"] and hosting.sources["addresses"] == "capture"
    assert hosting.country == "NL" and hosting.abuse_email == "abuse@ripe.net"
    # The fetch says where the page was: DNS is not asked again (see test_locate_fetched).
    assert hosting.lookup_error == ""


def test_private_addresses_are_recorded_but_get_no_country_or_rdap(report, rdap):
    url = ReportUrl.objects.create(report=report, url="https://inside.example/")
    hosting = locate(url, resolver=StaticResolver({"inside.example": ["10.1.2.3"]}), rdap=rdap)
    assert hosting.addresses == ["10.1.2.3"] and hosting.country == ""
    assert hosting.lookup_error.startswith("None of its addresses is a public one.")
    assert rdap.calls == ["domain/inside.example"]


def test_the_country_comes_from_the_country_source_given(report_url, resolver, rdap):
    hosting = locate(
        report_url, resolver=resolver, rdap=rdap, countries=StaticCountries({"193.0.6.0/24": "BE"})
    )
    assert hosting.country == "BE" and hosting.sources["country"] == "test"


def test_rdap_through_the_fake_server_end_to_end(report_url, resolver, rdap_server):
    rdap_server.routes["/ip/193.0.6.139"] = Answer(redirect="/ripe/ip/193.0.6.139")
    rdap_server.routes["/ripe/ip/193.0.6.139"] = Answer(body=RIPE_NETWORK)
    rdap_server.routes["/domain/example-host.com"] = Answer(body=REGISTRY_DOMAIN)
    hosting = locate(report_url, resolver=resolver)
    assert hosting.abuse_email == "abuse@ripe.net" and hosting.network_range == "193.0.0.0/21"
    assert hosting.registrar_abuse_email == "abuse@namecheap.com"
    assert hosting.lookup_error == ""


def test_without_rdap_the_directory_supplies_the_network_and_abuse_contact(
    report_url, resolver, organisation
):
    entry(
        organisation, DirectoryKind.NETWORK, "193.0.0.0/16", name="Wide", abuse_email="w@x.example"
    )
    entry(
        organisation,
        DirectoryKind.NETWORK,
        "193.0.6.0/24",
        name="RIPE",
        abuse_email="r@x.example",
        country="NL",
    )
    hosting = locate(report_url, resolver=resolver)  # RDAP_URL is empty in tests
    assert hosting.network_name == "RIPE" and hosting.network_range == "193.0.6.0/24"
    assert hosting.abuse_email == "r@x.example"
    assert hosting.sources["network_name"] == "directory"
    assert hosting.sources["abuse_email"] == "directory"
    assert hosting.sources["country"] == "iptocc"
    assert hosting.lookup_error == ""


@pytest.mark.parametrize(
    "answer",
    [
        Answer(500, {"errorCode": 500}),
        Answer(body=RIPE_NETWORK, delay=3),
        Answer(size=2 * 1024 * 1024),
        Answer(raw=b"garbage"),
    ],
    ids=["server-error", "timeout", "huge", "garbage"],
)
def test_rdap_failures_fall_back_to_the_directory_with_a_lookup_error(
    report_url, resolver, rdap_server, settings, organisation, answer
):
    settings.RDAP_TIMEOUT_SECONDS = 0.5
    rdap_server.routes["/ip/193.0.6.139"] = answer
    entry(
        organisation,
        DirectoryKind.NETWORK,
        "193.0.6.0/24",
        name="RIPE NCC",
        abuse_email="abuse@ripe.example",
    )
    hosting = locate(report_url, resolver=resolver)
    assert hosting.network_name == "RIPE NCC" and hosting.abuse_email == "abuse@ripe.example"
    assert hosting.country == "NL"
    assert hosting.lookup_error.startswith("RDAP for 193.0.6.139: ")
    assert "RDAP for example-host.com: RDAP has no record for this." in hosting.lookup_error


def test_the_directory_abuse_contact_wins_over_rdap_and_fills_other_gaps_only(
    report_url, resolver, rdap, organisation
):
    entry(
        organisation,
        DirectoryKind.NETWORK,
        "193.0.6.0/24",
        name="Directory name",
        abuse_email="takedown@ripe.example",
        country="DE",
    )
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert hosting.abuse_email == "takedown@ripe.example"
    assert hosting.sources["abuse_email"] == "directory"
    assert hosting.network_name == "RIPE NCC (RIPE-NCC)" and hosting.country == "NL"


def test_a_domain_entry_comes_before_a_network_entry(report_url, resolver, rdap, organisation):
    entry(organisation, DirectoryKind.NETWORK, "193.0.6.0/24", abuse_email="net@x.example")
    entry(organisation, DirectoryKind.DOMAIN, "example-host.com", abuse_email="site@x.example")
    entry(organisation, DirectoryKind.DOMAIN, "other.com", abuse_email="no@x.example")
    assert locate(report_url, resolver=resolver, rdap=rdap).abuse_email == "site@x.example"


def test_another_organisations_directory_is_never_used(
    report_url, resolver, rdap, other_organisation
):
    entry(other_organisation, DirectoryKind.NETWORK, "193.0.6.0/24", abuse_email="theirs@x.example")
    assert locate(report_url, resolver=resolver, rdap=rdap).abuse_email == "abuse@ripe.net"


def test_a_cdn_is_flagged_by_its_published_range(report, rdap):
    url = ReportUrl.objects.create(report=report, url="https://fronted.example/")
    hosting = locate(url, resolver=StaticResolver({"fronted.example": ["104.16.1.1"]}), rdap=rdap)
    assert hosting.cdn == "Cloudflare" and hosting.sources["cdn"] == "cdn_ranges"


def test_a_cdn_is_flagged_by_its_rdap_network_name(report, rdap_server):
    from haven.hosting.tests.fake_rdap import CLOUDFLARE_NETWORK

    rdap_server.routes["/ip/1.2.3.4"] = Answer(body=CLOUDFLARE_NETWORK)
    url = ReportUrl.objects.create(report=report, url="https://fronted.example/")
    hosting = locate(
        url,
        resolver=StaticResolver({"fronted.example": ["1.2.3.4"]}),
        countries=StaticCountries({"1.2.3.0/24": "US"}),
    )
    assert hosting.cdn == "Cloudflare" and hosting.sources["cdn"] == "rdap"
    assert hosting.abuse_email == "abuse@cloudflare.com"


def test_a_cdn_is_flagged_by_the_headers_of_the_last_capture(report_url, resolver, rdap):
    Fetch.objects.create(
        organisation=report_url.report.organisation,
        report_url=report_url,
        purpose=Purpose.CAPTURE,
        requested_url=report_url.url,
        final_url=report_url.url,
        outcome=Outcome.PRESENT,
        response_headers={"X-Sucuri-ID": "16009", "Server": "Sucuri/Cloudproxy"},
    )
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert hosting.cdn == "Sucuri" and hosting.sources["cdn"] == "headers"


def test_a_cdn_is_flagged_by_a_directory_entry(report_url, resolver, rdap, organisation):
    entry(organisation, DirectoryKind.NETWORK, "193.0.6.0/24", name="Shield Proxy", cdn=True)
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert hosting.cdn == "Shield Proxy" and hosting.sources["cdn"] == "directory"


def test_corrections_are_not_overwritten_by_a_new_lookup(report_url, resolver, rdap, analyst):
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    correct(
        hosting, {"country": "be", "abuse_email": "real@host.example", "cdn": "Cloudflare"}, analyst
    )
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    assert (hosting.country, hosting.abuse_email, hosting.cdn) == (
        "BE",
        "real@host.example",
        "Cloudflare",
    )
    assert hosting.sources["country"] == "analyst"
    assert hosting.network_name == "RIPE NCC (RIPE-NCC)"  # not corrected: looked up again
    assert hosting.corrected_fields == ["abuse_email", "cdn", "country"]


def test_a_correction_is_audited_with_the_previous_values(report_url, resolver, rdap, analyst):
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    hosting = correct(hosting, {"country": "NL", "network_name": "Real host BV"}, analyst)
    assert hosting.corrected_fields == ["network_name"]  # the country did not change
    assert hosting.corrected_by == analyst and hosting.corrected_at is not None
    event = AuditEvent.objects.get(action="hosting.corrected")
    assert event.actor == analyst
    assert event.detail["changes"] == {"network_name": "Real host BV"}
    assert event.detail["previous"] == {"network_name": "RIPE NCC (RIPE-NCC)"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"abuse_email": "not an address"}, "abuse_email"),
        ({"country": "ZZ"}, "country"),
        ({"hostname": "x"}, "hostname"),
        ({"network_name": "x" * 201}, "network_name"),
        ({"country": ""}, None),
    ],
)
def test_invalid_corrections_are_refused_with_the_field(report_url, analyst, changes, field):
    hosting = Hosting.objects.create(
        report_url=report_url, organisation=report_url.report.organisation
    )
    with pytest.raises(InvalidInput) as refused:
        correct(hosting, changes, analyst)
    assert refused.value.field == field


def test_only_staff_of_the_organisation_may_correct(report_url, outsider, partner):
    hosting = Hosting.objects.create(
        report_url=report_url, organisation=report_url.report.organisation
    )
    for user in (outsider, partner):
        with pytest.raises(PermissionDenied):
            correct(hosting, {"country": "NL"}, user)


def test_a_failed_lookup_keeps_what_an_earlier_one_found(report_url, resolver, rdap):
    locate(report_url, resolver=resolver, rdap=rdap)
    hosting = locate(
        report_url, resolver=resolver, rdap=FakeRdap(error="RDAP could not be reached.")
    )
    assert hosting.abuse_email == "abuse@ripe.net" and hosting.sources["abuse_email"] == "rdap"
    assert "could not be reached" in hosting.lookup_error


def test_a_later_successful_lookup_replaces_stale_facts(report_url, resolver, rdap):
    locate(report_url, resolver=resolver, rdap=rdap)
    moved = StaticResolver({"img.example-host.com": ["8.8.8.8"]})
    hosting = locate(report_url, resolver=moved, rdap=rdap)
    assert (
        hosting.country == "US"
        and hosting.abuse_email == ""
        and "abuse_email" not in hosting.sources
    )


def test_rdap_abuse_addresses_that_are_not_e_mail_addresses_are_ignored(report_url, resolver):
    rdap = FakeRdap(networks={"193.0.0.0/21": IpNetwork(name="X", abuse_email="<script>")})
    assert locate(report_url, resolver=resolver, rdap=rdap).abuse_email == ""


# --- Where notices go ------------------------------------------------------------------


def test_notices_go_to_a_directory_notice_api_first(report_url, resolver, rdap, organisation):
    locate(report_url, resolver=resolver, rdap=rdap)
    entry(
        organisation,
        DirectoryKind.NETWORK,
        "193.0.6.0/24",
        name="RIPE NCC",
        abuse_email="net@x.example",
    )
    entry(
        organisation,
        DirectoryKind.DOMAIN,
        "example-host.com",
        name="Example Host",
        abuse_email="site@x.example",
        notice_api_url="https://api.example-host.com/notices",
        notice_api_token_sealed=directory.seal_token("s3cret"),
        language="nl",
    )
    assert notice_contact(report_url) == Contact(
        "api", "https://api.example-host.com/notices", "Example Host", "nl", "s3cret"
    )
    # Pages that only show where notices go never unseal the token.
    assert notice_contact(report_url, with_token=False).api_token == ""


def test_notices_go_to_the_directory_abuse_email_before_rdaps(
    report_url, resolver, rdap, organisation
):
    locate(report_url, resolver=resolver, rdap=rdap)
    entry(
        organisation,
        DirectoryKind.NETWORK,
        "193.0.6.0/24",
        name="RIPE NCC",
        abuse_email="takedown@ripe.example",
        language="fr",
    )
    assert notice_contact(report_url) == Contact("email", "takedown@ripe.example", "RIPE NCC", "fr")


def test_notices_go_to_rdaps_abuse_email_when_the_directory_has_none(report_url, resolver, rdap):
    locate(report_url, resolver=resolver, rdap=rdap)
    assert notice_contact(report_url) == Contact(
        "email", "abuse@ripe.net", "RIPE NCC (RIPE-NCC)", ""
    )


def test_an_analysts_abuse_email_beats_the_directory_but_not_its_api(
    report_url, resolver, rdap, organisation, analyst
):
    hosting = locate(report_url, resolver=resolver, rdap=rdap)
    entry(organisation, DirectoryKind.NETWORK, "193.0.6.0/24", abuse_email="dir@x.example")
    correct(hosting, {"abuse_email": "mine@x.example"}, analyst)
    assert notice_contact(report_url).recipient == "mine@x.example"
    entry(
        organisation,
        DirectoryKind.DOMAIN,
        "example-host.com",
        notice_api_url="https://api.x.example/",
    )
    assert notice_contact(report_url).channel == "api"


def test_a_cdn_fronted_site_gets_notices_at_the_cdns_desk(report, organisation):
    url = ReportUrl.objects.create(report=report, url="https://fronted.example/")
    rdap = FakeRdap(
        networks={
            "104.16.0.0/13": IpNetwork(name="CLOUDFLARENET", abuse_email="abuse@cloudflare.com")
        }
    )
    locate(url, resolver=StaticResolver({"fronted.example": ["104.16.1.1"]}), rdap=rdap)
    assert notice_contact(url) == Contact("email", "abuse@cloudflare.com", "Cloudflare", "")


def test_an_unreadable_token_falls_back_to_e_mail(report_url, resolver, rdap, organisation):
    locate(report_url, resolver=resolver, rdap=rdap)
    entry(
        organisation,
        DirectoryKind.DOMAIN,
        "example-host.com",
        notice_api_url="https://api.x.example/",
        notice_api_token_sealed="not-a-fernet-token",
        abuse_email="site@x.example",
    )
    assert notice_contact(report_url).recipient == "site@x.example"


def test_there_is_no_contact_before_a_lookup_or_when_nothing_is_known(report_url, resolver):
    assert notice_contact(report_url) is None
    locate(report_url, resolver=resolver)
    assert notice_contact(report_url) is None
    assert registrar_contact(report_url) is None


def test_the_registrar_contact_is_its_abuse_desk(report_url, resolver, rdap):
    locate(report_url, resolver=resolver, rdap=rdap)
    assert registrar_contact(report_url) == Contact(
        "email", "abuse@namecheap.com", "NameCheap, Inc.", ""
    )


# --- The job -----------------------------------------------------------------------------


def test_the_job_looks_the_address_up(report_url, monkeypatch, rdap):
    monkeypatch.setattr(
        services,
        "SystemResolver",
        lambda: StaticResolver({"img.example-host.com": ["193.0.6.139"]}),
    )
    monkeypatch.setattr(services, "default_client", lambda: rdap)
    handler_for("hosting.locate_url")(url_id=report_url.pk)
    hosting = Hosting.objects.get(report_url=report_url)
    assert hosting.country == "NL" and hosting.abuse_email == "abuse@ripe.net"


def test_the_job_does_nothing_for_an_address_that_is_gone(db):
    handler_for("hosting.locate_url")(url_id=999_999)
    assert not Hosting.objects.exists()


def test_the_lookup_time_follows_the_clock(report_url, resolver, clock):
    clock.advance(hours=5)
    assert locate(report_url, resolver=resolver).looked_up_at == timezone.now() == clock.now
