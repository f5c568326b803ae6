"""One or more addresses from every class the fetching policy forbids, with its reason.

Shared by the policy tests, the client tests (literal hosts, names resolving to them,
redirects to them) so that every class is exercised at every level.
"""

FORBIDDEN = [
    # (address, the reason the policy gives, a short test id)
    ("0.0.0.0", "unspecified", "v4-unspecified"),  # noqa: S104
    ("0.1.2.3", "unspecified", "v4-this-network"),
    ("127.0.0.1", "loopback", "v4-loopback"),
    ("127.0.0.2", "loopback", "v4-loopback-other"),
    ("127.255.255.254", "loopback", "v4-loopback-top"),
    ("10.0.0.1", "private", "v4-private-10"),
    ("172.16.0.1", "private", "v4-private-172"),
    ("172.31.255.254", "private", "v4-private-172-top"),
    ("192.168.1.1", "private", "v4-private-192"),
    ("169.254.0.1", "link-local", "v4-link-local"),
    ("169.254.169.254", "cloud metadata service", "v4-metadata-aws-gcp-azure"),
    ("169.254.170.2", "cloud metadata service", "v4-metadata-ecs"),
    ("100.100.100.200", "cloud metadata service", "v4-metadata-alibaba"),
    ("168.63.129.16", "cloud platform service", "v4-azure-wireserver"),
    ("100.64.0.1", "shared carrier-grade NAT", "v4-cgnat"),
    ("100.127.255.254", "shared carrier-grade NAT", "v4-cgnat-top"),
    ("224.0.0.1", "multicast", "v4-multicast"),
    ("239.255.255.250", "multicast", "v4-multicast-ssdp"),
    ("240.0.0.1", "reserved", "v4-reserved"),
    ("255.255.255.255", "broadcast", "v4-broadcast"),
    ("192.0.0.1", "IETF protocol assignments", "v4-ietf"),
    ("192.0.2.1", "documentation", "v4-test-net-1"),
    ("198.51.100.1", "documentation", "v4-test-net-2"),
    ("203.0.113.1", "documentation", "v4-test-net-3"),
    ("198.18.0.1", "benchmarking", "v4-benchmarking"),
    ("198.19.255.254", "benchmarking", "v4-benchmarking-top"),
    ("192.88.99.1", "deprecated 6to4 relay", "v4-6to4-relay"),
    ("::", "unspecified", "v6-unspecified"),
    ("::1", "loopback", "v6-loopback"),
    ("::127.0.0.1", "deprecated IPv4-compatible", "v6-v4-compatible"),
    ("::8.8.8.8", "deprecated IPv4-compatible", "v6-v4-compatible-public"),
    ("::ffff:127.0.0.1", "loopback inside IPv4-mapped IPv6", "v6-mapped-loopback"),
    ("::ffff:10.1.2.3", "private inside IPv4-mapped IPv6", "v6-mapped-private"),
    (
        "::ffff:169.254.169.254",
        "cloud metadata service inside IPv4-mapped IPv6",
        "v6-mapped-metadata",
    ),
    ("64:ff9b::7f00:1", "loopback inside NAT64", "v6-nat64-loopback"),
    ("64:ff9b::a9fe:a9fe", "cloud metadata service inside NAT64", "v6-nat64-metadata"),
    ("64:ff9b:1::1", "local-use NAT64", "v6-nat64-local"),
    ("2002:7f00:1::1", "loopback inside 6to4", "v6-6to4-loopback"),
    ("2002:c0a8:101::1", "private inside 6to4", "v6-6to4-private"),
    ("2002:a9fe:a9fe::1", "cloud metadata service inside 6to4", "v6-6to4-metadata"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo tunnel", "v6-teredo-loopback"),
    ("2001::1", "Teredo tunnel", "v6-teredo"),
    ("2001:db8::1", "documentation", "v6-documentation"),
    ("3fff::1", "documentation", "v6-documentation-new"),
    ("2001:2::1", "IETF protocol assignments", "v6-benchmarking"),
    ("2001:10::1", "IETF protocol assignments", "v6-orchid"),
    ("100::1", "discard-only", "v6-discard"),
    ("fc00::1", "private (unique local)", "v6-unique-local-fc"),
    ("fd12:3456::1", "private (unique local)", "v6-unique-local-fd"),
    ("fd00:ec2::254", "cloud metadata service", "v6-metadata-aws"),
    ("fe80::1", "link-local", "v6-link-local"),
    ("febf::1", "link-local", "v6-link-local-top"),
    ("fec0::1", "deprecated site-local", "v6-site-local"),
    ("ff02::1", "multicast", "v6-multicast"),
    ("ff0e::1", "multicast", "v6-multicast-global"),
    ("5f00::1", "segment routing", "v6-srv6"),
    ("4000::1", "outside the global unicast range", "v6-reserved"),
    ("::2", "deprecated IPv4-compatible", "v6-reserved-low"),
]

ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "100.63.255.255",  # just below shared NAT
    "100.128.0.1",  # just above it
    "172.15.255.255",  # just below 172.16/12
    "172.32.0.1",  # just above it
    "169.253.255.255",
    "2606:4700:4700::1111",
    "2a00:1450:4001:830::200e",
    "::ffff:8.8.8.8",  # IPv4-mapped public address
    "64:ff9b::808:808",  # NAT64 of a public address (IPv6-only networks with DNS64)
    "2002:808:808::1",  # 6to4 of a public address
]
