"""A fake RDAP server on 127.0.0.1 with realistic RIPE, ARIN and registry answers, and
the ways a real one misbehaves: redirects (as rdap.org gives), loops, hangs, trickles,
huge or broken answers."""

import contextlib
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# RIPE's answer for 193.0.6.139 (www.ripe.net), trimmed to the parts that matter: the
# abuse contact is a top-level entity.
RIPE_NETWORK = {
    "objectClassName": "ip network",
    "rdapConformance": ["cidr0", "rdap_level_0", "nro_rdap_profile_0", "redacted"],
    "handle": "193.0.0.0 - 193.0.7.255",
    "startAddress": "193.0.0.0",
    "endAddress": "193.0.7.255",
    "ipVersion": "v4",
    "name": "RIPE-NCC",
    "type": "ASSIGNED PA",
    "country": "NL",
    "cidr0_cidrs": [{"v4prefix": "193.0.0.0", "length": 21}],
    "entities": [
        {
            "objectClassName": "entity",
            "handle": "ORG-RIEN1-RIPE",
            "roles": ["registrant"],
            "vcardArray": [
                "vcard",
                [
                    ["version", {}, "text", "4.0"],
                    ["fn", {}, "text", "Reseaux IP Europeens Network Coordination Centre"],
                    ["kind", {}, "text", "org"],
                    [
                        "adr",
                        {"label": "P.O. Box 10096\n1001EB\nAmsterdam"},
                        "text",
                        ["", "", "", "", "", "", ""],
                    ],
                ],
            ],
        },
        {
            "objectClassName": "entity",
            "handle": "OPS4-RIPE",
            "roles": ["abuse"],
            "vcardArray": [
                "vcard",
                [
                    ["version", {}, "text", "4.0"],
                    ["fn", {}, "text", "RIPE NCC Operations"],
                    ["kind", {}, "text", "group"],
                    ["email", {"type": "abuse"}, "text", "abuse@ripe.net"],
                ],
            ],
        },
        {"objectClassName": "entity", "handle": "RIPE-NCC-MNT", "roles": ["registrant"]},
    ],
    "links": [{"rel": "self", "href": "https://rdap.db.ripe.net/ip/193.0.0.0/21"}],
}

# ARIN's answer for 8.8.8.8: no country on the network, and the abuse contact nested
# inside the organisation entity.
ARIN_NETWORK = {
    "objectClassName": "ip network",
    "rdapConformance": ["nro_rdap_profile_0", "rdap_level_0", "cidr0", "arin_originas0"],
    "handle": "NET-8-8-8-0-2",
    "startAddress": "8.8.8.0",
    "endAddress": "8.8.8.255",
    "ipVersion": "v4",
    "name": "GOGL",
    "type": "DIRECT ALLOCATION",
    "parentHandle": "NET-8-0-0-0-0",
    "cidr0_cidrs": [{"v4prefix": "8.8.8.0", "length": 24}],
    "entities": [
        {
            "objectClassName": "entity",
            "handle": "GOGL",
            "roles": ["registrant"],
            "vcardArray": [
                "vcard",
                [
                    ["version", {}, "text", "4.0"],
                    ["fn", {}, "text", "Google LLC"],
                    ["kind", {}, "text", "org"],
                ],
            ],
            "entities": [
                {
                    "objectClassName": "entity",
                    "handle": "ZG39-ARIN",
                    "roles": ["administrative", "technical"],
                    "vcardArray": [
                        "vcard",
                        [
                            ["version", {}, "text", "4.0"],
                            ["fn", {}, "text", "Google LLC"],
                            ["email", {}, "text", "arin-contact@google.com"],
                        ],
                    ],
                },
                {
                    "objectClassName": "entity",
                    "handle": "ABUSE5250-ARIN",
                    "roles": ["abuse"],
                    "vcardArray": [
                        "vcard",
                        [
                            ["version", {}, "text", "4.0"],
                            ["fn", {}, "text", "Abuse"],
                            ["kind", {}, "text", "group"],
                            ["email", {}, "text", "network-abuse@google.com"],
                            ["tel", {"type": ["work", "voice"]}, "text", "+1-650-253-0000"],
                        ],
                    ],
                },
            ],
        }
    ],
    "port43": "whois.arin.net",
    "status": ["active"],
}

# A Cloudflare network as ARIN describes it (for CDN detection by name).
CLOUDFLARE_NETWORK = {
    "objectClassName": "ip network",
    "handle": "NET-104-16-0-0-1",
    "startAddress": "104.16.0.0",
    "endAddress": "104.31.255.255",
    "name": "CLOUDFLARENET",
    "entities": [
        {
            "objectClassName": "entity",
            "roles": ["registrant"],
            "vcardArray": [
                "vcard",
                [["version", {}, "text", "4.0"], ["fn", {}, "text", "Cloudflare, Inc."]],
            ],
            "entities": [
                {
                    "objectClassName": "entity",
                    "roles": ["abuse"],
                    "vcardArray": [
                        "vcard",
                        [
                            ["version", {}, "text", "4.0"],
                            ["email", {}, "text", "abuse@cloudflare.com"],
                        ],
                    ],
                }
            ],
        }
    ],
}

# A .com registry answer: the registrar, with its abuse desk nested in it (ICANN's
# RDAP profile).
REGISTRY_DOMAIN = {
    "objectClassName": "domain",
    "handle": "2138514_DOMAIN_COM-VRSN",
    "ldhName": "EXAMPLE-HOST.COM",
    "entities": [
        {
            "objectClassName": "entity",
            "handle": "1068",
            "roles": ["registrar"],
            "publicIds": [{"type": "IANA Registrar ID", "identifier": "1068"}],
            "vcardArray": [
                "vcard",
                [["version", {}, "text", "4.0"], ["fn", {}, "text", "NameCheap, Inc."]],
            ],
            "entities": [
                {
                    "objectClassName": "entity",
                    "roles": ["abuse"],
                    "vcardArray": [
                        "vcard",
                        [
                            ["version", {}, "text", "4.0"],
                            ["fn", {}, "text", ""],
                            ["tel", {"type": "voice"}, "uri", "tel:+1.6613102107"],
                            ["email", {}, "text", "abuse@namecheap.com"],
                        ],
                    ],
                }
            ],
        }
    ],
    "status": ["client transfer prohibited"],
}


class Answer:
    """How to answer one path."""

    def __init__(
        self,
        status=200,
        body=None,
        headers=None,
        *,
        raw=None,
        delay=0.0,
        trickle=0.0,
        size=0,
        redirect="",
    ):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.raw = raw
        self.delay = delay
        self.trickle = trickle
        self.size = size
        self.redirect = redirect


class FakeRdapServer:
    """Serve `routes` ({path: Answer}) on 127.0.0.1; unknown paths are RDAP 404s."""

    def __init__(self):
        self.routes: dict[str, Answer | Callable[[], Answer]] = {}
        self.requests: list[str] = []
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                answer = server.routes.get(self.path) or Answer(404, {"errorCode": 404})
                if callable(answer):
                    answer = answer()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.answer(self, answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def answer(self, handler, answer: Answer) -> None:
        if answer.delay and self.stop.wait(answer.delay):
            return
        if answer.redirect:
            handler.send_response(answer.status if answer.status != 200 else 302)
            handler.send_header("Location", answer.redirect)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if answer.size:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rdap+json")
            handler.end_headers()  # no length: the client must stop by itself
            chunk = b" " * 65536
            for _ in range(answer.size // len(chunk) + 1):
                if self.stop.is_set():
                    return
                handler.wfile.write(chunk)
            return
        data = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
        handler.send_response(answer.status)
        handler.send_header("Content-Type", "application/rdap+json")
        for name, value in answer.headers.items():
            handler.send_header(name, value)
        if not answer.trickle:
            handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        if answer.trickle:
            for byte in data:
                if self.stop.wait(answer.trickle):
                    return
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
            return
        handler.wfile.write(data)

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
