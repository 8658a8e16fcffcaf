"""Which postback URLs Waymark may call: the SSRF rules, checked when a URL is saved and again before
every send, after DNS resolution, on the very addresses the connection then uses.

Only https, only a DNS name or a canonical public IP, no user name or password in the URL, and
every address the name resolves to must be public: never private (10/8, 172.16/12, 192.168/16),
loopback, link-local (169.254/16, the cloud metadata address among them), CGNAT (100.64/10),
multicast, reserved or unspecified, nor IPv6 unique-local (fc00::/7, fd00:ec2::254 included),
link-local, site-local, or a form that carries an IPv4 address inside (v4-mapped, v4-compatible,
6to4, Teredo, NAT64). Hosts written as decimal, hex, octal or shortened IPv4 numbers (2130706433,
0x7f000001, 0177.0.0.1, 127.1), which some resolvers read as addresses, are refused outright.

Loopback (and plain http to it) is allowed only when TEST_ONLY_LOOPBACK_SWITCH is "1": the test
fixtures and the local stack set it to reach a receiver on this machine; template.yaml never does.
"""

import ipaddress
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from waymark import wording

TEST_ONLY_LOOPBACK_SWITCH = "WAYMARK_TEST_ONLY_UNSAFE_ALLOW_LOOPBACK_POSTBACKS"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

MAX_URL_LENGTH = 2000

_BLOCKED = [
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/96",  # unspecified, loopback and IPv4-compatible
        "::ffff:0:0/96",  # IPv4-mapped
        "64:ff9b::/96",  # NAT64
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/32",  # Teredo
        "2001:db8::/32",
        "2002::/16",  # 6to4
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
]
_LOOPBACK = [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_CANONICAL_IPV4 = re.compile(rf"^{_OCTET}(\.{_OCTET}){{3}}$")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


class RefusedUrl(ValueError):
    """A URL or address Waymark will not call; the message says what is allowed."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (lower case), for SNI, the certificate and the Host header
    port: int
    addresses: tuple[str, ...]  # the resolved addresses, every one public: connect to one of these


def loopback_allowed() -> bool:
    return os.environ.get(TEST_ONLY_LOOPBACK_SWITCH) == "1"


def is_public(address: Address) -> bool:
    if loopback_allowed() and any(address in net for net in _LOOPBACK):
        return True
    if any(address in net for net in _BLOCKED if net.version == address.version):
        return False
    return address.is_global and not address.is_multicast and not address.is_reserved


def literal_address(host: str) -> Address | None:
    """The IP a host names when it is written as one; RefusedUrl for numeric forms that are not canonical."""
    if host.startswith("[") and host.endswith("]"):
        try:
            return ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise RefusedUrl(wording.PB_IPV6()) from None
    if _CANONICAL_IPV4.match(host):
        return ipaddress.IPv4Address(host)
    labels = host.split(".")
    if all(_NUMERIC_LABEL.match(label) for label in labels if label) or ":" in host:
        raise RefusedUrl(wording.PB_HOST_FORM())
    return None


def split(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL Waymark may call, before resolution; RefusedUrl otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise RefusedUrl(wording.PB_URL_LENGTH(maximum=MAX_URL_LENGTH))
    if any(c.isspace() or ord(c) < 0x20 or c == "\\" for c in url):
        raise RefusedUrl(wording.PB_URL_CHARACTERS())
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and loopback_allowed()):
        raise RefusedUrl(wording.PB_HTTPS())
    if "@" in parts.netloc:
        raise RefusedUrl(wording.PB_NO_USER())
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise RefusedUrl(wording.PB_PORT()) from None
    host = (parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc).lower()
    host = host.removesuffix(".")
    if host.startswith("[") and "]" in host:
        host = host[: host.index("]") + 1]
    if not host:
        raise RefusedUrl(wording.PB_NAME_A_HOST())
    return scheme, host, port


def system_resolver(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(info[4][0] for info in found))


def target(url: str, resolve: Resolver = system_resolver) -> Target:
    """Where `url` may be called: its host resolved, every address public; RefusedUrl otherwise."""
    scheme, host, port = split(url)
    literal = literal_address(host)
    if literal is not None:
        found = [str(literal)]
    else:
        if not _HOST_NAME.match(host):
            raise RefusedUrl(wording.PB_DOMAIN_NAME())
        found = resolve(host, port)
        if not found:
            raise RefusedUrl(wording.PB_NO_ADDRESS(host=host))
    for text in found:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise RefusedUrl(wording.PB_NOT_ADDRESS(host=host)) from None
        if not is_public(address):
            raise RefusedUrl(wording.PB_PRIVATE(host=host))
    return Target(scheme, host, port, tuple(found))
