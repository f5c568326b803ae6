"""CDN detection: published ranges, RDAP network names, response headers, directory."""

import pytest

from haven.hosting.cdn import CdnFact, by_headers, by_network_name, by_range, detect


@pytest.mark.parametrize(
    ("address", "cdn"),
    [
        ("104.16.1.1", "Cloudflare"),
        ("172.67.10.10", "Cloudflare"),
        ("2606:4700::6810:1", "Cloudflare"),
        ("151.101.1.69", "Fastly"),
        ("2a04:4e42::1", "Fastly"),
        ("13.32.1.1", "Amazon CloudFront"),
        ("45.60.1.1", "Imperva (Incapsula)"),
        ("192.88.134.5", "Sucuri"),
        ("193.0.6.139", ""),
        ("8.8.8.8", ""),
        ("not an address", ""),
    ],
)
def test_published_ranges_name_the_cdn(address, cdn):
    assert by_range([address]) == cdn


@pytest.mark.parametrize(
    ("name", "cdn"),
    [
        ("CLOUDFLARENET", "Cloudflare"),
        ("Akamai Technologies, Inc.", "Akamai"),
        ("AKAMAI-AS", "Akamai"),
        ("SKYCA-3 (Fastly, Inc.)", "Fastly"),
        ("AMAZO-CF", "Amazon CloudFront"),
        ("Incapsula Inc", "Imperva (Incapsula)"),
        ("SUCURI-SEC", "Sucuri"),
        ("StackPath, LLC.", "StackPath"),
        ("DDOS-GUARD", "DDoS-Guard"),
        ("Amazon Technologies Inc.", ""),
        ("GOGL", ""),
        ("RIPE-NCC", ""),
    ],
)
def test_rdap_network_names_name_the_cdn(name, cdn):
    assert by_network_name(name) == cdn


@pytest.mark.parametrize(
    ("headers", "cdn"),
    [
        ({"CF-RAY": "8a1b2c3d4e5f-AMS"}, "Cloudflare"),
        ({"Server": "cloudflare"}, "Cloudflare"),
        ({"X-Amz-Cf-Id": "abc=="}, "Amazon CloudFront"),
        ({"Via": "1.1 0a1b.cloudfront.net (CloudFront)"}, "Amazon CloudFront"),
        ({"X-Served-By": "cache-ams21046-AMS"}, "Fastly"),
        ({"X-Akamai-Transformed": "9 - 0 pmb=mRUM,1"}, "Akamai"),
        ({"Server": "AkamaiGHost"}, "Akamai"),
        ({"X-Sucuri-ID": "11005"}, "Sucuri"),
        ({"X-Iinfo": "7-1234-0 NNNN CT(0 0 0)"}, "Imperva (Incapsula)"),
        ({"X-Azure-Ref": "0abc"}, "Azure Front Door"),
        ({"Server": "nginx", "X-Served-By": "web-3"}, ""),
        ({}, ""),
    ],
)
def test_response_headers_name_the_cdn(headers, cdn):
    assert by_headers(headers) == cdn


def test_a_directory_entry_marked_as_cdn_comes_first_then_ranges_names_and_headers():
    assert detect(addresses=["104.16.1.1"], directory_cdn="Our proxy") == CdnFact(
        "Our proxy", "directory"
    )
    assert detect(addresses=["104.16.1.1"], network_names=["AKAMAI"]) == CdnFact(
        "Cloudflare", "cdn_ranges"
    )
    assert detect(addresses=["8.8.8.8"], network_names=["AKAMAI"]) == CdnFact("Akamai", "rdap")
    assert detect(addresses=["8.8.8.8"], headers={"x-sucuri-id": "1"}) == CdnFact(
        "Sucuri", "headers"
    )
    assert detect(addresses=["8.8.8.8"], network_names=["GOGL"], headers={}) is None
