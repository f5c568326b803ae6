"""Reported addresses in one canonical form.

`normalise` gives the form used to recognise the same page reported twice; `parse` gives
the pieces the fetching client needs (the host to resolve, the port, the request target).
Both follow what a browser does with a pasted address (the WHATWG URL rules) where it
matters for safety: an address that a browser would send to 127.0.0.1 — `0x7f.1`,
`2130706433`, `0177.0.0.1`, `%31%32%37.0.0.1`, full-width digits — becomes `127.0.0.1`
here too, so that the address policy judges the host that would really be contacted.

Every reported address is hostile input: nothing here touches the network, and anything
that cannot be understood raises `BadUrl` with a sentence for people and a short code.
"""

from __future__ import annotations

import ipaddress
import re
import string
from dataclasses import dataclass
from urllib.parse import urljoin

import idna

# The reports table keeps the canonical form in a 2,000-character column; longer raw
# input is refused before any parsing work is done on it.
MAX_LENGTH = 2000
MAX_RAW_LENGTH = 8000

DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
# What may stay unencoded in a path (RFC 3986 pchar plus "/"), besides "%XX" escapes.
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
# Characters that cannot appear in an HTTP request line; the query is otherwise kept as is.
_QUERY_UNSAFE = frozenset(' "<>`')
# WHATWG "forbidden host code points" (after percent-decoding).
_HOST_FORBIDDEN = frozenset(" #%/:<>?@[\\]^|")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.DOTALL)
_HEX = frozenset(string.hexdigits)


class BadUrl(ValueError):
    """An address that cannot be fetched as given; `code` is short, str() is a sentence."""

    def __init__(self, message: str, code: str = "bad_url") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Parsed:
    url: str  # the canonical form (without any credentials)
    scheme: str  # "http" or "https"
    host: str  # ASCII; an IPv6 literal without brackets
    port: int  # the effective port, default ones included
    target: str  # path and query, as sent in the request line
    has_credentials: bool  # the address carried "user:password@"
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None  # when the host is a literal

    @property
    def authority(self) -> str:
        """The Host header value: the host (bracketed if IPv6) and any non-default port."""
        host = f"[{self.host}]" if isinstance(self.ip, ipaddress.IPv6Address) else self.host
        if self.port != DEFAULT_PORTS[self.scheme]:
            return f"{host}:{self.port}"
        return host


def normalise(url: str) -> str:
    """The canonical form of `url` for recognising the same address (raises BadUrl)."""
    return parse(url).url


def parse(url: str) -> Parsed:
    """Split and canonicalise an http(s) address; raise BadUrl for anything else."""
    try:
        return _parse(url)
    except UnicodeError:
        # Lone surrogates ("\ud800") are text no encoding can carry: not an address.
        raise BadUrl("The address contains characters that are not valid text.") from None


def _parse(url: str) -> Parsed:
    if not isinstance(url, str):
        raise BadUrl("The address is not text.", "bad_url")
    if len(url) > MAX_RAW_LENGTH:
        raise BadUrl(f"The address is longer than {MAX_LENGTH:,} characters.", "too_long")
    text = _clean(url)
    if not text:
        raise BadUrl("The address is empty.", "empty")
    scheme, rest = _split_scheme(text)
    if scheme not in DEFAULT_PORTS:
        raise BadUrl(
            f"Only http and https addresses can be checked, not {scheme}:.", "unsupported_scheme"
        )
    rest, _fragment = _cut(rest, "#")
    rest, query = _cut(rest, "?")
    # Browsers read "\" as "/" before the query of an http(s) address, and ignore any
    # number of slashes after the scheme.
    rest = rest.replace("\\", "/").lstrip("/")
    authority, slash, path = rest.partition("/")
    _userinfo, at, hostport = authority.rpartition("@")
    host_text, port_text = _split_port(hostport)
    host, ip = _host(host_text)
    port = _port(port_text, scheme)
    target = _path("/" + path if slash else "/") + _query(query)
    parsed = Parsed(
        url="",
        scheme=scheme,
        host=host,
        port=port,
        target=target,
        has_credentials=bool(at),
        ip=ip,
    )
    canonical = f"{scheme}://{parsed.authority}{target}"
    if len(canonical) > MAX_LENGTH:
        raise BadUrl(f"The address is longer than {MAX_LENGTH:,} characters.", "too_long")
    return Parsed(**{**parsed.__dict__, "url": canonical})


def join(base: str, location: str) -> str:
    """The address a redirect's Location header points to, relative to `base`.

    Raises BadUrl for a Location no URL parser can read (an unclosed IPv6 bracket…)."""
    text = _clean(location)
    if _SCHEME.match(text) and not _looks_like_host_port(text):
        return text
    head, sep, tail = text.partition("?")
    try:
        return urljoin(base, head.replace("\\", "/") + sep + tail)
    except ValueError:
        raise BadUrl("The redirect's Location cannot be understood.", "bad_redirect") from None


def _clean(url: str) -> str:
    # As browsers do: leading and trailing controls and spaces go, tabs and newlines
    # anywhere are dropped.
    text = url.strip("".join(chr(c) for c in range(0x21)))
    return text.replace("\t", "").replace("\n", "").replace("\r", "")


def _split_scheme(text: str) -> tuple[str, str]:
    match = _SCHEME.match(text)
    if match and not _looks_like_host_port(text):
        return match.group(1).lower(), match.group(2)
    # "example.com/x", "//example.com/x" or "localhost:8080/x": reporters paste addresses
    # without a scheme; assume http, as a browser's address bar would.
    return "http", "//" + text.lstrip("/")


def _looks_like_host_port(text: str) -> bool:
    """'example.com:8080/x' and 'localhost:80' are a host and port, not a scheme."""
    match = _SCHEME.match(text)
    if not match:
        return False
    after = match.group(2)
    if after.startswith("/"):
        return False
    return "." in match.group(1) or after[:1].isdigit()


def _cut(text: str, sep: str) -> tuple[str, str | None]:
    head, found, tail = text.partition(sep)
    return head, (tail if found else None)


def _split_port(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise BadUrl("The address has an unclosed IPv6 bracket.", "bad_host")
        rest = hostport[end + 1 :]
        if rest and not rest.startswith(":"):
            raise BadUrl("The address has text after its IPv6 host.", "bad_host")
        return hostport[: end + 1], rest[1:]
    host, _colon, port = hostport.partition(":")
    return host, port


def _port(text: str, scheme: str) -> int:
    if text == "":
        return DEFAULT_PORTS[scheme]
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise BadUrl(f"The port “{text[:20]}” is not a number.", "bad_port")
    port = int(text)
    if not 0 < port <= 65535:
        raise BadUrl(f"The port {port} is outside 1 to 65535.", "bad_port")
    return port


def _host(text: str) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address | None]:
    if not text:
        raise BadUrl("The address has no host name.", "no_host")
    if text.startswith("["):
        return _ipv6(text[1:-1])
    host = _percent_decode_host(text)
    if any(ch in _HOST_FORBIDDEN or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in host):
        raise BadUrl("The host name contains characters a host name cannot have.", "bad_host")
    host = _to_ascii(host)
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()  # "example.com." is example.com
    if _ends_in_number(labels):
        v4 = _ipv4(labels)
        return str(v4), v4
    _check_labels(labels)
    return ".".join(labels), None


def _ipv6(text: str) -> tuple[str, ipaddress.IPv6Address]:
    if "%" in text:
        raise BadUrl("IPv6 zone identifiers are not allowed in an address.", "bad_host")
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        raise BadUrl("The IPv6 host is not a valid address.", "bad_host") from None
    return address.compressed, address


def _percent_decode_host(text: str) -> str:
    if "%" not in text:
        return text
    raw = _percent_decode_bytes(text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadUrl("The host name is not valid UTF-8.", "bad_host") from None


def _percent_decode_bytes(text: str) -> bytes:
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "%" and set(text[i + 1 : i + 3]) <= _HEX and len(text[i + 1 : i + 3]) == 2:
            out.append(int(text[i + 1 : i + 3], 16))
            i += 3
        else:
            out.extend(text[i].encode("utf-8", "surrogatepass"))
            i += 1
    return bytes(out)


def _to_ascii(host: str) -> str:
    if host.isascii():
        return host.lower()
    try:
        # UTS 46 mapping (full-width characters, ideographic full stops, case) and then
        # IDNA 2008 punycode, non-transitional as current browsers do.
        return idna.encode(host, uts46=True, transitional=False).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        raise BadUrl("The international host name is not valid (IDNA).", "bad_idn") from None


def _ends_in_number(labels: list[str]) -> bool:
    last = labels[-1]
    if last.isascii() and last.isdigit():
        return True
    return last[:2] in ("0x", "0X") and set(last[2:]) <= _HEX


def _ipv4(labels: list[str]) -> ipaddress.IPv4Address:
    """The WHATWG (and inet_aton) reading of 127.1, 0x7f.0.0.1, 0177.0.0.1, 2130706433."""
    bad = BadUrl("The host looks like an IPv4 address but is not a valid one.", "bad_host")
    if len(labels) > 4 or "" in labels:
        raise bad
    numbers = [_ipv4_number(label, bad) for label in labels]
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise bad
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(value)


def _ipv4_number(label: str, bad: BadUrl) -> int:
    base, digits = 10, label
    if label[:2] in ("0x", "0X"):
        base, digits = 16, label[2:] or "0"
    elif len(label) > 1 and label.startswith("0"):
        base, digits = 8, label[1:]
    try:
        if not digits.isascii() or not digits.isalnum():
            raise ValueError
        return int(digits, base)
    except ValueError:
        raise bad from None


def _check_labels(labels: list[str]) -> None:
    allowed = frozenset(string.ascii_lowercase + string.digits + "-_")
    if sum(len(label) + 1 for label in labels) > 254:
        raise BadUrl("The host name is longer than 253 characters.", "bad_host")
    for label in labels:
        if not label:
            raise BadUrl("The host name has an empty part (“..”).", "bad_host")
        if len(label) > 63:
            raise BadUrl("A part of the host name is longer than 63 characters.", "bad_host")
        if not set(label) <= allowed:
            raise BadUrl("The host name contains characters a host name cannot have.", "bad_host")


def _path(path: str) -> str:
    return _remove_dot_segments(_normalise_percent(path, _PATH_SAFE))


def _query(query: str | None) -> str:
    if not query:
        return ""  # "?" alone asks for the same page
    out = []
    for ch in query:
        if ch in _QUERY_UNSAFE or ord(ch) < 0x20 or ord(ch) >= 0x7F:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "?" + "".join(out)


def _normalise_percent(text: str, safe: frozenset[str]) -> str:
    """Decode escaped unreserved characters, upper-case the other escapes, escape the
    rest of what may not appear raw (spaces, non-ASCII as UTF-8, a lone "%")."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        pair = text[i + 1 : i + 3]
        if ch == "%" and len(pair) == 2 and set(pair) <= _HEX:
            decoded = chr(int(pair, 16))
            out.append(decoded if decoded in _UNRESERVED else f"%{pair.upper()}")
            i += 3
            continue
        if ch in safe:
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, on an absolute path."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)
