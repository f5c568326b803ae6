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
