"""Destination rules: which URLs a tracking link may send a visitor to, and how the click id rides along.

The redirect target is never echoed from input. It is parsed strictly, its host checked
against the program's allowed domains, then rebuilt from its parts with everything
percent-encoded, so what the browser follows is exactly what was checked.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote_plus, urlsplit

from waymark.click import click_wording

MAX_URL_LENGTH = 2048
MACRO_NAMES = ("click_id", "agent_id", "link", "sub1", "sub2", "sub3", "sub4", "sub5", "source")
_MACRO = re.compile(r"\{(" + "|".join(MACRO_NAMES) + r")\}")
_ENCODED_CONTROL = re.compile(r"%(?:[01][0-9a-f]|7f)", re.IGNORECASE)
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Characters kept as they are when the path and query are re-encoded; '%' keeps existing escapes.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class UnsafeDestination(ValueError):
    """The URL may not be redirected to; the message is safe to show the visitor."""


class HostNotAllowed(UnsafeDestination):
    """The URL's host is not one of the program's allowed domains (the link form names them)."""


@dataclass(frozen=True)
class AllowedDomains:
    """Exact hosts (`shop.example.com`) and subdomain rules (`*.example.com`, subdomains only)."""

    exact: frozenset[str]
    suffixes: tuple[str, ...]

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "AllowedDomains":
        exact, suffixes = set(), []
        for raw in entries:
            entry = raw.strip().lower()
            if entry.startswith("*."):
                if not _valid_host(entry[2:]):
                    raise ValueError(click_wording.NOT_A_DOMAIN_RULE(raw=repr(raw)))
                suffixes.append(entry[1:])
            elif _valid_host(entry):
                exact.add(entry)
            else:
                raise ValueError(click_wording.NOT_A_DOMAIN_RULE(raw=repr(raw)))
        return cls(frozenset(exact), tuple(suffixes))

    def allows(self, host: str) -> bool:
        return host in self.exact or any(host.endswith(suffix) for suffix in self.suffixes)

    def described(self) -> str:
        """The rules in words, said in the reader's language: "www.example.com or any subdomain of example.com"."""
        hosts = sorted(self.exact)
        if self.suffixes:
            hosts.append(click_wording.ANY_SUBDOMAIN(domains=", ".join(suffix[1:] for suffix in self.suffixes)))
        if not hosts:
            return click_wording.NO_DOMAIN_YET()
        if len(hosts) == 1:
            return hosts[0]
        return click_wording.ONE_OF_HOSTS(hosts=", ".join(hosts[:-1]), last=hosts[-1])


@lru_cache(maxsize=256)
def allowed_domains(entries: tuple[str, ...]) -> AllowedDomains:
    """A program's parsed domain rules, parsed once per container."""
    return AllowedDomains.parse(entries)


def _valid_host(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    return all(_HOST_LABEL.match(label) for label in host.split("."))


def check_destination(raw: str, allowed: AllowedDomains, *, allow_http: bool = False) -> str:
    """Return `raw` rebuilt from its checked parts, or raise UnsafeDestination."""
    if not raw:
        raise UnsafeDestination(click_wording.DESTINATION_EMPTY())
    if len(raw) > MAX_URL_LENGTH:
        raise UnsafeDestination(click_wording.DESTINATION_TOO_LONG(maximum=MAX_URL_LENGTH))
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in raw):
        raise UnsafeDestination(click_wording.DESTINATION_CHARACTERS())
    if _ENCODED_CONTROL.search(raw):
        raise UnsafeDestination(click_wording.DESTINATION_ENCODED_CONTROL())
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as error:
        raise UnsafeDestination(click_wording.DESTINATION_INVALID()) from error
    scheme = parts.scheme.lower()
    if scheme not in (("http", "https") if allow_http else ("https",)):
        raise UnsafeDestination(
            click_wording.DESTINATION_HTTPS() if not allow_http else click_wording.DESTINATION_WEB()
        )
    if not raw[len(scheme) :].startswith("://") or not parts.netloc:
        raise UnsafeDestination(click_wording.DESTINATION_ABSOLUTE())
    if any(ch in parts.netloc for ch in "@%[]{}"):
        raise HostNotAllowed(click_wording.DESTINATION_HOST())
    host = parts.hostname or ""
    if parts.netloc.endswith(":"):
        raise UnsafeDestination(click_wording.DESTINATION_INVALID())
    if not _valid_host(host) or not allowed.allows(host):
        raise HostNotAllowed(click_wording.DESTINATION_HOST())
    netloc = host if port is None else f"{host}:{port}"
    rebuilt = f"{scheme}://{netloc}{_quote_keeping_macros(parts.path, _PATH_SAFE)}"
    if parts.query:
        rebuilt += "?" + _quote_keeping_macros(parts.query, _QUERY_SAFE)
    if parts.fragment:
        rebuilt += "#" + quote(parts.fragment, safe=_QUERY_SAFE)
    return rebuilt


def _quote_keeping_macros(text: str, safe: str) -> str:
    pieces = _MACRO.split(text)
    # re.split with one group alternates literal text and macro names.
    return "".join("{" + piece + "}" if i % 2 else quote(piece, safe=safe) for i, piece in enumerate(pieces))


def add_tracking(
    destination: str,
    *,
    macros: Mapping[str, str],
    click_param: str | None,
    passthrough: Mapping[str, str],
) -> str:
    """Substitute `{click_id}`-style macros (appending the click id as `click_param` when the
    destination has no `{click_id}`), then add passed-through parameters it does not already have.

    `destination` must come from check_destination. Values are fully percent-encoded, so
    nothing a visitor sends can change the URL's structure.
    """
    click_id = macros.get("click_id")
    layout = _layout(destination, click_param if click_param and click_id else None)
    if layout is None:  # macros in the destination: substituted per click
        base, _, fragment = destination.partition("#")
        extra = {click_param: click_id} if click_param and click_id and "{click_id}" not in base else {}
        base = _MACRO.sub(lambda m: quote(macros.get(m.group(1), ""), safe=""), base)
        path, _, query = base.partition("?")
        kept = [pair for pair in query.split("&") if pair and _param_name(pair) not in extra]
        present = {_param_name(pair) for pair in kept}
    else:
        path, fragment, kept_pairs, present = layout
        extra = {click_param: click_id} if click_param and click_id else {}
        kept = list(kept_pairs)
    added = {**extra, **{k: v for k, v in passthrough.items() if k not in present and k not in extra}}
    kept.extend(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in added.items())
    url = path + ("?" + "&".join(kept) if kept else "")
    return url + ("#" + fragment if fragment else "")


@lru_cache(maxsize=4096)
def _layout(destination: str, click_param: str | None) -> tuple[str, str, tuple[str, ...], frozenset[str]] | None:
    """A destination without macros split once (path, fragment, the query's pairs but `click_param`'s, their
    names): thousands of clicks follow the same few destinations. None when it has macros."""
    base, _, fragment = destination.partition("#")
    if _MACRO.search(base):
        return None
    path, _, query = base.partition("?")
    kept = tuple(pair for pair in query.split("&") if pair and _param_name(pair) != click_param)
    return path, fragment, kept, frozenset(_param_name(pair) for pair in kept)


def _param_name(pair: str) -> str:
    return unquote_plus(pair.partition("=")[0])


def host_of(url: str) -> str | None:
    """The host of a referrer-like URL, or None when it does not parse."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host[:253] if host else None
