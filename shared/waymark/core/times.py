"""UTC timestamps as Waymark stores them: ISO 8601 with milliseconds, which sort as strings."""

import re
from datetime import UTC, datetime

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


def shown(stored: str) -> str:
    """A stored timestamp as people read it: "2026-03-04 09:05 UTC" (minutes; the zone said)."""
    try:
        moment = datetime.fromisoformat(stored)
    except (TypeError, ValueError):
        return stored or "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
