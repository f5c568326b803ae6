import pytest

from haven.fetching.urls import BadUrl, join, normalise, parse


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("  https://example.com/a \n", "https://example.com/a"),
        ("HTTPS://Example.COM/Path", "https://example.com/Path"),
        ("example.com/x", "http://example.com/x"),
        ("www.example.com", "http://www.example.com/"),
        ("//example.com/x", "http://example.com/x"),
        ("example.com:8080/x", "http://example.com:8080/x"),
        ("localhost:8080", "http://localhost:8080/"),
        ("http:example.com", "http://example.com/"),
        ("http:///example.com//a", "http://example.com//a"),
        ("http://example.com:80/", "http://example.com/"),
        ("https://example.com:443/", "https://example.com/"),
        ("https://example.com:0443/", "https://example.com/"),
        ("http://example.com:443/", "http://example.com:443/"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com./a", "http://example.com/a"),
        ("http://example.com/a#fragment", "http://example.com/a"),
        ("http://example.com/a?", "http://example.com/a"),
        ("http://example.com/a/./b/../c", "http://example.com/a/c"),
        ("http://example.com/../../a", "http://example.com/a"),
        ("http://example.com/a/%2e%2E/b", "http://example.com/b"),
        ("http://example.com/%7e%41%2f%3a", "http://example.com/~A%2F%3A"),
        ("http://example.com/%zz%", "http://example.com/%25zz%25"),
        ("http://example.com/a b", "http://example.com/a%20b"),
        ("http://example.com/caf\u00e9", "http://example.com/caf%C3%A9"),
        ("http://example.com\\a\\b?c\\d", "http://example.com/a/b?c\\d"),
        ("http://example.com/?b=2&a=1&a=%7e", "http://example.com/?b=2&a=1&a=%7e"),
        ("http://example.com/?q=a b\u00e9", "http://example.com/?q=a%20b%C3%A9"),
        ("http://ex\tam\nple.com/", "http://example.com/"),
        ("http://user:secret@example.com/", "http://example.com/"),
        ("http://a@b@example.com/", "http://example.com/"),
        ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
        ("http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        ("http://under_score.example.com/", "http://under_score.example.com/"),
    ],
)
def test_addresses_are_canonicalised_for_recognising_the_same_page(raw, canonical):
    assert normalise(raw) == canonical


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://BÜCHER.example/", "http://xn--bcher-kva.example/"),
        ("http://例え.テスト/パス", "http://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9"),
        ("http://faß.de/", "http://xn--fa-hia.de/"),  # non-transitional, as browsers
        ("http://example\u3002com/", "http://example.com/"),  # ideographic full stop
        ("http://xn--bcher-kva.example/", "http://xn--bcher-kva.example/"),
    ],
)
def test_international_host_names_become_punycode(raw, canonical):
    assert normalise(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0x7F000001/",
        "http://0177.0.0.1/",
        "http://0177.0000.0000.0001/",
        "http://127.1/",
        "http://127.0.1/",
        "http://127.0.0.1./",
        "http://%31%32%37.0.0.1/",
        "http://\uff11\uff12\uff17.0.0.1/",  # full-width digits
        "http://127\u30020\u30020\u30021/",  # ideographic full stops
    ],
)
def test_numeric_host_spellings_are_read_as_the_address_a_browser_would_contact(raw):
    parsed = parse(raw)
    assert parsed.host == "127.0.0.1" and str(parsed.ip) == "127.0.0.1"
    assert parsed.url == "http://127.0.0.1/"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("http://", "no_host"),
        ("http:///", "no_host"),
        ("http://:80/x", "no_host"),
        ("http://user@/x", "no_host"),
        ("http://exa mple.com/", "bad_host"),
        ("http://exam<ple.com/", "bad_host"),
        ("http://example..com/", "bad_host"),
        ("http://" + "a" * 64 + ".com/", "bad_host"),
        ("http://" + ".".join(["abcdefghi"] * 30) + "/", "bad_host"),
        ("http://example.com:99999/", "bad_port"),
        ("http://example.com:0/", "bad_port"),
        ("http://example.com:-1/", "bad_port"),
        ("http://example.com:8o/", "bad_port"),
        ("http://example.com:80:80/", "bad_port"),
        ("http://1.2.3.256/", "bad_host"),
        ("http://1.2.3.4.5/", "bad_host"),
        ("http://0x1g.0.0.1/", "bad_host"),
        ("http://08.0.0.1/", "bad_host"),
        ("http://example.123/", "bad_host"),
        ("http://[::1/", "bad_host"),
        ("http://[::1]x/", "bad_host"),
        ("http://[fe80::1%25eth0]/", "bad_host"),
        ("http://[not-v6]/", "bad_host"),
        ("http://%ff%fe.com/", "bad_host"),
        ("http://☃.net/", "bad_idn"),
        ("http://a\u200db.com/", "bad_idn"),
        ("http://example.com/" + "a" * 2000, "too_long"),
        ("http://example.com/" + "a" * 9000, "too_long"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("ftp://example.com/x", "unsupported_scheme"),
        ("gopher://example.com:70/_x", "unsupported_scheme"),
        ("data:text/html,<script>alert(1)</script>", "unsupported_scheme"),
        ("javascript:alert(1)", "unsupported_scheme"),
        ("JavaScript:alert(1)", "unsupported_scheme"),
        ("mailto:abuse@example.com", "unsupported_scheme"),
        ("dict://example.com:11211/", "unsupported_scheme"),
        ("ldap://example.com/", "unsupported_scheme"),
        # Lone surrogates are not text any encoding can carry.
        ("http://a\ud800%41.test/", "bad_host"),
        ("http://a.test/?q=\ud800", "bad_url"),
        ("http://\udcff.test/", "bad_idn"),
    ],
)
def test_malformed_addresses_are_refused_with_a_code_and_a_sentence(raw, code):
    with pytest.raises(BadUrl) as refused:
        parse(raw)
    assert refused.value.code == code
    assert str(refused.value).endswith(".") and len(str(refused.value)) > 10


def test_credentials_are_noticed_but_not_kept():
    parsed = parse("https://admin:hunter2@example.com/x")
    assert parsed.has_credentials
    assert "hunter2" not in parsed.url and "admin" not in parsed.url


def test_the_parsed_pieces_are_what_the_client_sends():
    parsed = parse("https://Example.com:8443/a b?x=1#top")
    assert (parsed.scheme, parsed.host, parsed.port) == ("https", "example.com", 8443)
    assert parsed.target == "/a%20b?x=1"
    assert parsed.authority == "example.com:8443"
    assert parse("http://[::1]/").authority == "[::1]"
    assert parse("http://example.com/").port == 80


def test_normalising_twice_changes_nothing():
    for raw in ("http://bücher.example/a/../b?q=é#x", "0x7f.1", "http://EXAMPLE.com:80"):
        once = normalise(raw)
        assert normalise(once) == once


@pytest.mark.parametrize(
    ("location", "resolved"),
    [
        ("/b", "http://host.test/b"),
        ("c", "http://host.test/a/c"),
        ("//other.test/x", "http://other.test/x"),
        ("https://other.test/", "https://other.test/"),
        ("/\\other.test/x", "http://other.test/x"),  # as a browser reads it
        ("?q=1", "http://host.test/a/b?q=1"),
        ("file:///etc/passwd", "file:///etc/passwd"),
    ],
)
def test_redirect_locations_are_resolved_against_the_current_address(location, resolved):
    assert join("http://host.test/a/b", location) == resolved


@pytest.mark.parametrize("location", ["//[::1", "/\\[::1", "//[v1.x"])
def test_a_location_no_parser_can_read_raises_bad_url(location):
    with pytest.raises(BadUrl) as refused:
        join("http://host.test/a", location)
    assert refused.value.code == "bad_redirect"
