"""The host directory's rules: normalised keys, validation, sealed tokens, audit, CSV."""

import pytest

from haven.audit.models import AuditEvent
from haven.audit.services import Actor
from haven.hosting import directory
from haven.hosting.models import DirectoryKind, HostDirectoryEntry
from haven.triage.actions import InvalidInput


@pytest.fixture
def actor(supervisor):
    return Actor.for_user(supervisor)


def data(**fields):
    return {"kind": "network", "match": "203.0.113.7/24", "name": "Example Hosting"} | fields


def test_an_entry_is_stored_normalised_and_audited_without_its_token(actor, organisation):
    entry = directory.create_entry(
        actor,
        organisation,
        data(
            country="nl",
            abuse_email=" abuse@host.example ",
            notice_api_url="https://api.host.example/notices",
        ),
        api_token="tok-123",
    )
    assert entry.match == "203.0.113.0/24" and entry.country == "NL"
    assert entry.abuse_email == "abuse@host.example"
    assert entry.notice_api_token_sealed and "tok-123" not in entry.notice_api_token_sealed
    assert directory.unseal_token(entry.notice_api_token_sealed) == "tok-123"
    event = AuditEvent.objects.get(action="hosting.directory_added")
    assert event.detail["has_token"] is True and "tok-123" not in str(event.detail)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Example.ORG", "example.org"),
        ("*.example.org.", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_domains_are_stored_in_ascii_lower_case(actor, organisation, given, stored):
    entry = directory.create_entry(actor, organisation, data(kind="domain", match=given))
    assert entry.match == stored


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"match": "not a range"}, "match"),
        ({"kind": "domain", "match": "https://example.org/x"}, "match"),
        ({"kind": "domain", "match": "localhost"}, "match"),
        ({"kind": "other"}, "kind"),
        ({"name": "  "}, "name"),
        ({"country": "Holland"}, "country"),
        ({"abuse_email": "nobody"}, "abuse_email"),
        ({"notice_api_url": "ftp://api.example/"}, "notice_api_url"),
        ({"notice_api_url": "http://api.example/notices"}, "notice_api_url"),
        ({"notice_api_url": "http://127.0.0.1:9/notices"}, "notice_api_url"),
        ({"notice_api_url": "https://127.0.0.1/notices"}, "notice_api_url"),
        ({"notice_api_url": "https://[::ffff:10.0.0.1]/notices"}, "notice_api_url"),
        ({"notice_api_url": "https://169.254.169.254/latest"}, "notice_api_url"),
        ({"language": "Dutch!!"}, "language"),
        ({"language": "pt-br"}, "language"),
    ],
)
def test_invalid_entries_are_refused_naming_the_field(actor, organisation, fields, field):
    with pytest.raises(InvalidInput) as refused:
        directory.create_entry(actor, organisation, data(**fields))
    assert refused.value.field == field


def test_a_token_needs_an_api_address(actor, organisation):
    with pytest.raises(InvalidInput, match="needs the notice API"):
        directory.create_entry(actor, organisation, data(), api_token="tok")


def test_the_same_range_twice_is_refused(actor, organisation):
    directory.create_entry(actor, organisation, data())
    with pytest.raises(InvalidInput, match=r"already has an entry for 203\.0\.113\.0/24"):
        directory.create_entry(actor, organisation, data(match="203.0.113.0/24"))


def test_two_organisations_may_list_the_same_range(actor, organisation, other_organisation):
    directory.create_entry(actor, organisation, data())
    directory.create_entry(actor, other_organisation, data())
    assert HostDirectoryEntry.objects.count() == 2


def test_an_update_keeps_replaces_or_forgets_the_token(actor, organisation):
    entry = directory.create_entry(
        actor, organisation, data(notice_api_url="https://api.x.example/"), api_token="one"
    )
    fields = data(notice_api_url="https://api.x.example/", name="Renamed")
    entry = directory.update_entry(actor, entry, fields)
    assert (
        entry.name == "Renamed" and directory.unseal_token(entry.notice_api_token_sealed) == "one"
    )
    entry = directory.update_entry(actor, entry, fields, api_token="two")
    assert directory.unseal_token(entry.notice_api_token_sealed) == "two"
    entry = directory.update_entry(actor, entry, fields, forget_token=True)
    assert entry.notice_api_token_sealed == ""
    tokens = list(
        AuditEvent.objects.filter(action="hosting.directory_changed")
        .order_by("pk")
        .values_list("detail__token", flat=True)
    )
    assert tokens == ["", "replaced", "removed"]


def test_deleting_an_entry_is_audited(actor, organisation):
    entry = directory.create_entry(actor, organisation, data())
    directory.delete_entry(actor, entry)
    assert not HostDirectoryEntry.objects.exists()
    assert (
        AuditEvent.objects.get(action="hosting.directory_deleted").detail["match"]
        == "203.0.113.0/24"
    )


def test_matching_takes_the_longest_domain_and_the_longest_network(organisation):
    for kind, match in [
        ("domain", "example.org"),
        ("domain", "cdn.example.org"),
        ("domain", "org"),
        ("network", "192.0.2.0/24"),
        ("network", "192.0.2.128/25"),
        ("network", "2001:db8::/32"),
    ]:
        HostDirectoryEntry.objects.create(
            organisation=organisation, kind=kind, match=match, name=match
        )
    found = directory.match(organisation.pk, "img.cdn.example.org", ["192.0.2.200", "2001:db8::1"])
    assert found.domain.match == "cdn.example.org"
    assert found.network.match == "192.0.2.128/25"
    found = directory.match(organisation.pk, "notexample.org", ["2001:db8::1"])
    assert found.domain.match == "org" and found.network.match == "2001:db8::/32"
    assert directory.match(organisation.pk, "", []).entries == []


def test_a_csv_import_adds_and_updates_and_reports_bad_lines(actor, organisation):
    HostDirectoryEntry.objects.create(
        organisation=organisation, kind=DirectoryKind.DOMAIN, match="example.org", name="Old"
    )
    text = (
        "kind,match,name,country,abuse_email,notice_api_url,language,cdn,notes\n"
        "domain,Example.org,New name,NL,abuse@example.org,,nl,no,\n"
        "network,198.51.100.0/24,Proxy Co,US,,,,yes,a reverse proxy\n"
        "network,nonsense,Broken,,,,,,\n"
        ",,,,,,,,\n"
    )
    result = directory.import_csv(actor, organisation, text)
    assert (result.created, result.updated) == (1, 1)
    assert result.problems == [
        "Line 4: Enter an address range such as 203.0.113.0/24 or 2001:db8::/32."
    ]
    updated = HostDirectoryEntry.objects.get(match="example.org")
    assert updated.name == "New name" and updated.language == "nl" and updated.cdn is False
    assert HostDirectoryEntry.objects.get(match="198.51.100.0/24").cdn is True
    assert AuditEvent.objects.get(action="hosting.directory_imported").detail == {
        "created": 1,
        "updated": 1,
        "skipped": 1,
    }


def test_a_csv_without_the_required_columns_is_refused_whole(actor, organisation):
    result = directory.import_csv(actor, organisation, "network,name\n192.0.2.0/24,X\n")
    assert result.problems == ["The first line must name the columns; missing: kind, match."]
    assert not HostDirectoryEntry.objects.exists()


def test_the_import_command_reads_a_file(tmp_path, organisation, capsys):
    from django.core.management import call_command

    path = tmp_path / "directory.csv"
    path.write_text("kind,match,name\nnetwork,192.0.2.0/24,Example\n")
    call_command("hosting", "import-directory", "northern", str(path))
    assert "1 added, 0 updated, 0 skipped." in capsys.readouterr().out
    assert HostDirectoryEntry.objects.get().organisation == organisation


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://api.host.example/notices", ""),
        ("https://203.0.114.10:8443/notices", ""),
        ("http://api.host.example/notices", "Use an https:// address"),
        ("https://10.1.2.3/notices", "Haven may not connect to 10.1.2.3 (private)"),
        ("https://api.host.example:22/", "Haven does not connect to port 22"),
        ("https://user:pw@api.host.example/", "Leave the user name and password out"),
        ("api.host.example/notices", "Enter the API's full address"),
    ],
)
def test_notice_api_addresses_follow_the_senders_rules(db, url, problem):
    found = directory.api_address_problem(url, http_allowed=False)
    assert found.startswith(problem) if problem else found == ""


def test_plain_http_and_loopback_are_for_tests_that_turn_them_on(actor, organisation, settings):
    # The switch the takedown sender obeys, and the fetch policy's test allowance.
    settings.TAKEDOWN_API_ALLOW_HTTP = True
    settings.FETCH_TEST_ALLOW_NETWORKS = ["127.0.0.1/32"]
    entry = directory.create_entry(
        actor, organisation, data(notice_api_url="http://127.0.0.1:8080/notices")
    )
    assert entry.notice_api_url == "http://127.0.0.1:8080/notices"
    with pytest.raises(InvalidInput, match="port 9"):
        directory.create_entry(
            actor, organisation, data(match="192.0.2.0/24", notice_api_url="http://127.0.0.1:9/")
        )


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("192.0.2.7/24", "192.0.2.0/24"),
        ("192.0.2.0/24, 2001:db8::/32", "192.0.2.0/24, 2001:db8::/32"),
        ("192.0.2.0 \u2013 192.0.3.255", "192.0.2.0 - 192.0.3.255"),
        ("", ""),
    ],
)
def test_network_ranges_are_checked_and_normalised(given, stored):
    assert directory.clean_network_range(given) == stored


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("999.1.1.1/99 garbage", "Enter a network range such as 203.0.113.0/24"),
        ("192.0.2.9 - 192.0.2.1", "The first address of the range comes after the last."),
        ("192.0.2.1 - 2001:db8::1", "Give both ends of the range in IPv4, or both in IPv6."),
    ],
)
def test_bad_network_ranges_are_refused_with_the_reason(given, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        directory.clean_network_range(given)
    assert refused.value.field == "network_range"


def test_international_domains_are_shown_in_unicode_with_their_punycode():
    assert (
        directory.shown_domain("xn--bcher-kva.example") == "bücher.example (xn--bcher-kva.example)"
    )
    assert directory.shown_domain("example.org") == "example.org"
    assert directory.shown_domain("xn--zz.example") == "xn--zz.example"  # not punycode


def test_search_finds_entries_by_address_url_and_unicode_name(organisation, other_organisation):
    for owner, kind, match in [
        (organisation, "network", "198.51.100.0/24"),
        (organisation, "network", "2001:db8::/32"),
        (organisation, "domain", "xn--bcher-kva.example"),
        (organisation, "domain", "example.org"),
        (other_organisation, "network", "198.51.100.0/24"),
    ]:
        HostDirectoryEntry.objects.create(organisation=owner, kind=kind, match=match, name=match)
    ours = HostDirectoryEntry.objects.filter(organisation=organisation)

    def found(query: str) -> list[str]:
        return sorted(directory.search(ours, query).values_list("match", flat=True))

    assert found("198.51.100.77") == ["198.51.100.0/24"]
    assert found("2001:db8::5") == ["2001:db8::/32"]
    assert found("https://img.bücher.example/a/b.jpg?x=1") == ["xn--bcher-kva.example"]
    assert found("bücher") == ["xn--bcher-kva.example"]  # part of a name, in either form
    assert found("bücher.example") == ["xn--bcher-kva.example"]
    assert found("http://[2001:db8::9]:8080/") == ["2001:db8::/32"]
    assert found("cdn.example.org/path") == ["example.org"]
    assert found("203.0.113.1") == []


def test_a_csv_line_with_a_bad_language_is_skipped_with_the_reason(actor, organisation):
    text = "kind,match,name,language\nnetwork,192.0.2.0/24,Example,Dutch!!\n"
    result = directory.import_csv(actor, organisation, text)
    assert result.problems == [
        "Line 2: “dutch!!” is not a language code: use one such as en, fr or nl."
    ]
