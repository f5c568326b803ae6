"""IP to country: iptocc's offline data, and the operator's overrides file."""

import os

import pytest
from django.core.management import call_command

from haven.hosting import countries
from haven.hosting.countries import (
    CountryFact,
    OfflineCountries,
    StaticCountries,
    load_overrides,
    parse_overrides,
)
from haven.web.countries import country_name


@pytest.fixture
def overrides_file(tmp_path, settings):
    path = tmp_path / "overrides.csv"
    settings.IP_COUNTRY_OVERRIDES_FILE = str(path)
    return path


# Values checked against the installed iptocc data (3.3.170) before writing the tests.
@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("8.8.8.8", "US"),
        ("193.0.6.139", "NL"),
        ("2001:67c:2e8:22::c100:68b", "NL"),
        ("81.2.69.160", "GB"),
        ("::ffff:193.0.6.139", "NL"),
    ],
)
def test_public_addresses_get_their_country_from_the_offline_data(address, code):
    assert OfflineCountries("").country(address) == CountryFact(code, "iptocc")


@pytest.mark.parametrize(
    "address", ["10.0.0.1", "127.0.0.1", "192.168.1.1", "::1", "fe80::1", "203.0.113.7", "nonsense"]
)
def test_private_reserved_and_malformed_addresses_have_no_country(address):
    assert OfflineCountries("").country(address) is None


def test_an_override_beats_the_offline_data(overrides_file):
    overrides_file.write_text("network,country\n8.8.8.0/24,IE\n")
    assert OfflineCountries().country("8.8.8.8") == CountryFact("IE", "override")
    assert OfflineCountries().country("8.8.4.4") == CountryFact("US", "iptocc")


def test_the_longest_matching_override_prefix_wins(overrides_file):
    overrides_file.write_text(
        "# the operator's corrections\n"
        "203.0.113.0/24,NL\n"
        "203.0.113.128/25,BE\n"
        "203.0.113.200,DE\n"
        "2001:db8::/32,FR\n"
        "2001:db8:1::/48,ES\n"
    )
    source = OfflineCountries()
    assert source.country("203.0.113.5").code == "NL"
    assert source.country("203.0.113.130").code == "BE"
    assert source.country("203.0.113.200").code == "DE"
    assert source.country("2001:db8:2::1").code == "FR"
    assert source.country("2001:db8:1::1").code == "ES"


def test_malformed_override_lines_are_skipped_and_reported_by_line(overrides_file, caplog):
    overrides_file.write_text("203.0.113.0/24,NL\nnot-a-network,DE\n198.51.100.0/24,ZZ\n1,2,3\n")
    overrides = load_overrides(str(overrides_file))
    assert overrides.count == 1
    assert overrides.problems == [
        f"{overrides_file}:2: 'not-a-network' is not an IP address or network "
        "(e.g. 203.0.113.0/24)",
        f"{overrides_file}:3: 'ZZ' is not a two-letter country code (e.g. NL)",
        f"{overrides_file}:4: expected `network,country`, found 3 fields",
    ]
    assert "line skipped" in caplog.text
    assert OfflineCountries().country("203.0.113.9").code == "NL"


def test_overrides_are_read_once_and_again_when_the_file_changes(overrides_file, monkeypatch):
    overrides_file.write_text("203.0.113.0/24,NL\n")
    reads = []
    real = countries.parse_overrides
    monkeypatch.setattr(countries, "parse_overrides", lambda *a: reads.append(1) or real(*a))
    source = OfflineCountries()
    assert source.country("203.0.113.1").code == "NL"
    assert source.country("203.0.113.2").code == "NL"
    assert len(reads) == 1
    overrides_file.write_text("203.0.113.0/24,BE\n")
    stat = overrides_file.stat()
    os.utime(overrides_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert source.country("203.0.113.1").code == "BE"
    assert len(reads) == 2


def test_a_missing_overrides_file_is_reported_and_the_offline_data_still_answers(settings):
    settings.IP_COUNTRY_OVERRIDES_FILE = "/nonexistent/overrides.csv"
    source = OfflineCountries()
    assert source.overrides().problems == [
        "/nonexistent/overrides.csv: cannot be read (No such file or directory)"
    ]
    assert source.country("8.8.8.8").code == "US"


def test_a_header_and_blank_lines_are_allowed():
    overrides = parse_overrides("network,country\n\n  \n192.0.2.0/24 , nl\n")
    assert overrides.count == 1 and not overrides.problems


def test_the_static_source_answers_from_its_mapping():
    source = StaticCountries({"192.0.2.0/24": "nl", "198.51.100.7": "DE"})
    assert source.country("192.0.2.9") == CountryFact("NL", "test")
    assert source.country("198.51.100.7").code == "DE"
    assert source.country("198.51.100.8") is None


def test_country_names_come_from_pycountry_and_unknown_codes_stay_readable():
    assert country_name("NL") == "Netherlands"
    assert country_name("xk") == "Kosovo"
    assert country_name("EU") == "European Union"
    assert country_name("QQ") == "QQ"
    assert country_name("") == ""


def test_the_command_checks_addresses_and_says_where_the_answer_came_from(overrides_file, capsys):
    overrides_file.write_text("203.0.113.0/24,NL\nbad line\n")
    call_command(
        "hosting",
        "countries",
        "--check",
        "8.8.8.8",
        "--check",
        "203.0.113.1",
        "--check",
        "10.0.0.1",
    )
    out, err = capsys.readouterr()
    assert "8.8.8.8: US United States (from iptocc)" in out
    assert "203.0.113.1: NL Netherlands (from override)" in out
    assert "10.0.0.1: unknown" in out
    assert ":2: expected `network,country`, found 1 fields (line skipped)" in err


def test_the_status_command_shows_the_iptocc_version_and_the_overrides_file(overrides_file, capsys):
    overrides_file.write_text("203.0.113.0/24,NL\n")
    call_command("hosting", "status")
    out = capsys.readouterr().out
    assert f'"iptocc_version": "{countries.iptocc_version()}"' in out
    assert str(overrides_file) in out and '"overrides": 1' in out
    assert "pip install -U iptocc" in out
