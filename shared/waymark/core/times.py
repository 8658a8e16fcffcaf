"""UTC timestamps as Waymark stores them: ISO 8601 with milliseconds, which sort as strings.

Stored times, exports and the API are UTC; pages show a time in the reader's own zone, named
(`shown`), so "09:14 CET" reads the same to everyone. Report days and months stay UTC days.
"""

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# A report month, YYYY-MM. Years 2000-2999 only: an earlier month is a typo, and date arithmetic
# on reports that reach back a year from month 0001-01 would leave the calendar (a 500, found by
# schemathesis).
MONTH_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"
MONTH = re.compile(MONTH_PATTERN)


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


MAX_ZONE_LENGTH = 64


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def zone_choices() -> tuple[str, ...]:
    """The zones a person picks from: UTC and the database's Area/City names, sorted."""
    return ("UTC", *sorted(name for name in _zone_names() if "/" in name and not name.startswith(("Etc/", "SystemV/"))))


def zone_named(name: str | None) -> str | None:
    """`name` if it is a time zone of the IANA database ("Europe/Berlin", "UTC"), else None.

    Names come from forms, cookies and JSON bodies, so only the database's own names pass: never a
    path zoneinfo would read from disk."""
    if not name or len(name) > MAX_ZONE_LENGTH:
        return None
    return name if name in _zone_names() else None


def _moment(stored: str | None, zone: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stored or "")
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone_named(zone) or "UTC"))


def shown(stored: str | None, zone: str | None = None) -> str:
    """A stored timestamp as people read it, in `zone` (else UTC), named: "2 Dec 2026, 09:14 CET"."""
    moment = _moment(stored, zone)
    if moment is None:
        return stored or "—"
    name = moment.tzname() or "UTC"
    if name[:1] in "+-":  # zones without an abbreviation: "+04" reads as an offset
        name = f"UTC{name}"
    return f"{moment.day} {moment:%b %Y, %H:%M} {name}"


def shown_day(stored: str | None, zone: str | None = None) -> str:
    """The day of a stored timestamp in `zone` (else UTC): "2 Dec 2026"."""
    moment = _moment(stored, zone)
    if moment is None:
        return stored or "—"
    return f"{moment.day} {moment:%b %Y}"
