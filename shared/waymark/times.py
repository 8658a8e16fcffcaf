"""UTC timestamps as Waymark stores them: ISO 8601 with milliseconds, which sort as strings."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")
