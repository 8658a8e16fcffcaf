"""The `__Secure-wm_seen` cookie: the links this browser clicked, with the time of each one's last unique click.

A click on a link whose entry is younger than an hour is a repeat: its session says `repeat: true`
and the stats consumer counts it as a click, not a unique click. The hour runs from the counted
unique click, so a repeat leaves the cookie as it is and only a unique click refreshes its entry.
Deciding here costs the click path no read and no write beyond its session
(docs/architecture.md "Bots, link previews and unique clicks"). Pure, no I/O.

The value is `<link code>:<seconds since the epoch in base 36>` entries joined by `.`, oldest
first, at most MAX_ENTRIES (the oldest dropped). A value that is malformed, too long or dated
in the future is ignored as if the browser had sent none: the click is then unique, and it
still redirects.
"""

import re

SEEN_COOKIE = "__Secure-wm_seen"
UNIQUE_WINDOW_SECONDS = 3600
MAX_ENTRIES = 20
# Lambda instances' clocks differ by milliseconds; a time further ahead than this was not written here.
CLOCK_SKEW_SECONDS = 60
_ENTRY = r"[A-Za-z0-9_-]{4,64}:[0-9a-z]{1,8}"  # a link code (waymark.core.ids.is_code) and a time
_VALUE = re.compile(rf"{_ENTRY}(?:\.{_ENTRY}){{0,{MAX_ENTRIES - 1}}}")
MAX_VALUE_LENGTH = MAX_ENTRIES * (64 + 1 + 8 + 1)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def parse(raw: str | None, now: int) -> dict[str, int]:
    """The entries still inside their hour at `now` (epoch seconds), link code -> seconds; {} if malformed."""
    if not raw or len(raw) > MAX_VALUE_LENGTH or not _VALUE.fullmatch(raw):
        return {}
    entries: dict[str, int] = {}
    for entry in raw.split("."):
        code, _, written = entry.partition(":")
        at = int(written, 36)
        if at > now + CLOCK_SKEW_SECONDS:
            return {}
        if now - at < UNIQUE_WINDOW_SECONDS:
            entries[code] = at
    return entries


def updated(seen: dict[str, int], code: str, now: int) -> str:
    """The value after a unique click on `code` at `now`: its entry refreshed and last, the oldest dropped."""
    kept = sorted((at, other) for other, at in seen.items() if other != code)[-(MAX_ENTRIES - 1) :]
    kept.append((now, code))
    return ".".join(f"{other}:{_base36(at)}" for at, other in kept)


def set_cookie(value: str) -> str:
    """Only the click routes read it (Path=/c); it lives as long as its newest entry counts.

    Not `__Host-`: that prefix demands Path=/, which would send it with every request to the
    tracking domain. A cookie planted by a sibling subdomain can only make clicks repeats
    (docs/security.md "Unique clicks").
    """
    return f"{SEEN_COOKIE}={value}; Max-Age={UNIQUE_WINDOW_SECONDS}; Path=/c; Secure; HttpOnly; SameSite=Lax"


def _base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if not number:
            return out
