"""Building a click session, without PynamoDB: the click path writes many, and PynamoDB's import
and model machinery cost about a tenth of the click function's cold start and a fifth of its
warm time. `waymark.models.Session` stays the schema: tests/unit/test_click_path_items.py
checks that every item built here is exactly what that model would write."""

from datetime import UTC, datetime, timedelta

from waymark.click.destinations import host_of
from waymark.core import ids, signing_keys

SUB_ID_FIELDS = ("sub1", "sub2", "sub3", "sub4", "sub5", "source")
MAX_USER_AGENT_LENGTH = 512
# Sessions outlive their attribution window a while, so a late sale is told "expired", not "unknown".
TTL_GRACE = timedelta(days=90)
_TTL_GRACE_SECONDS = int(TTL_GRACE.total_seconds())
DEFAULT_WINDOW_DAYS = 365


def window_days(program_days: int | None, agent_days: int | None) -> int:
    """The partner's own window when it has one, else the program's."""
    return int(agent_days or program_days or DEFAULT_WINDOW_DAYS)


class SessionRecord:
    """One session as written; attribute names are `waymark.models.Session`'s."""

    __slots__ = (
        "agent_id",
        "click_id",
        "country",
        "created_at",
        "destination",
        "expires_at",
        "ip_hash",
        "link_code",
        "program_id",
        "ref_code",
        "referrer_host",
        "repeat",
        "source",
        "sub1",
        "sub2",
        "sub3",
        "sub4",
        "sub5",
        "ttl",
        "user_agent",
    )  # fmt: skip
    _NUMBERS = frozenset(("expires_at", "ttl"))
    _BOOLEANS = frozenset(("repeat",))

    def __init__(self, **fields) -> None:
        if not fields.keys() <= _FIELDS:
            raise TypeError(f"not session fields: {', '.join(fields.keys() - _FIELDS)}")
        get = fields.get
        for name in self.__slots__:
            setattr(self, name, get(name))

    def to_item(self) -> dict:
        """The item in DynamoDB's JSON, with absent fields left out (as PynamoDB does)."""
        item = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if value is None:
                continue
            if name in self._NUMBERS:
                item[name] = {"N": str(value)}
            elif name in self._BOOLEANS:
                item[name] = {"BOOL": value}
            else:
                item[name] = {"S": value}
        return item


_FIELDS = frozenset(SessionRecord.__slots__)


def new_session(
    *,
    agent_id: str,
    link_code: str,
    program_id: str,
    destination: str,
    window: int,
    now: datetime,
    source_ip: str,
    user_agent: str | None = None,
    referer: str | None = None,
    country: str | None = None,
    click_id: str | None = None,
    sub_ids: dict[str, str | None] | None = None,
) -> SessionRecord:
    """A credited click: new click id (unless given), its reference code, and the attribution window."""
    timestamp = now.timestamp()
    click_id = click_id or ids.new_click_id(int(timestamp * 1000))
    # Whole days added to a timestamp keep its fraction, so this is int((now + window days).timestamp()).
    expires_at = int(timestamp) + window * 86400
    return SessionRecord(
        click_id=click_id,
        ref_code=ids.ref_code(click_id),
        agent_id=agent_id,
        link_code=link_code,
        program_id=program_id,
        destination=destination,
        referrer_host=host_of(referer) if referer else None,
        country=(country or "")[:2].upper() or None,
        user_agent=(user_agent or "")[:MAX_USER_AGENT_LENGTH] or None,
        ip_hash=signing_keys.visitor_hash(source_ip),
        created_at=now.astimezone(UTC).isoformat(timespec="milliseconds"),
        expires_at=expires_at,
        ttl=expires_at + _TTL_GRACE_SECONDS,
        **{name: value for name, value in (sub_ids or {}).items() if value},
    )
