"""What a click on `/c/{code}` does: pure rules, no I/O.

`decide` takes the looked-up link, partner and program and returns where the visitor goes
and which session (if any) is credited. The handler and tracking.py do the I/O around it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from waymark import ids, keys
from waymark.models import SUB_ID_FIELDS, Agent, Link, Program, Session, as_dict
from waymark.urls import AllowedDomains, UnsafeDestination, add_tracking, check_destination, host_of

MAX_SUB_ID_LENGTH = 500
MAX_USER_AGENT_LENGTH = 512
MAX_PASSTHROUGH_PARAMS = 20
# Sessions outlive their attribution window a while, so a late sale is told "expired", not "unknown".
TTL_GRACE = timedelta(days=90)
CLICK_COOKIE = "wm_click"


@dataclass(frozen=True)
class ClickRequest:
    code: str
    method: str = "GET"
    query: dict[str, str] = field(default_factory=dict)
    user_agent: str | None = None
    referer: str | None = None
    country: str | None = None
    source_ip: str = ""


@dataclass(frozen=True)
class ClickOutcome:
    status: int  # 302, 400 or 404
    location: str | None = None
    message: str | None = None
    session: Session | None = None
    cookie_max_age: int | None = None
    credited: bool = False
    kept_for_replay: bool = False  # the session write failed and waits in the replay queue

    @property
    def not_credited_reason(self) -> str | None:
        return None if self.credited or self.status != 302 else self.message


@lru_cache(maxsize=256)
def allowed_domains(entries: tuple[str, ...]) -> AllowedDomains:
    return AllowedDomains.parse(entries)


@lru_cache(maxsize=4096)
def _checked(raw: str, domains: tuple[str, ...], allow_http: bool) -> str:
    # Links send thousands of visitors to the same few destinations; the check is pure.
    return check_destination(raw, allowed_domains(domains), allow_http=allow_http)


def window_days(program: Program, agent: Agent | None) -> int:
    if agent is not None and agent.attribution_window_days:
        return int(agent.attribution_window_days)
    return int(program.attribution_window_days)


def decide(
    request: ClickRequest, link: Link | None, agent: Agent | None, program: Program | None, now: datetime
) -> ClickOutcome:
    if link is None or program is None:
        return ClickOutcome(404, message="This tracking link does not exist.")

    reserved = {"url", program.click_param, *SUB_ID_FIELDS}
    defaults = as_dict(link.sub_defaults)
    sub_ids = {name: request.query.get(name) or defaults.get(name) for name in SUB_ID_FIELDS}
    for name, value in sub_ids.items():
        if value is not None and len(value) > MAX_SUB_ID_LENGTH:
            return ClickOutcome(400, message=f"{name} is longer than {MAX_SUB_ID_LENGTH} characters.")

    raw_destination = request.query.get("url") or link.destination or program.default_landing_url
    try:
        destination = _checked(raw_destination, tuple(program.allowed_domains), program.allow_http)
    except UnsafeDestination as error:
        return ClickOutcome(400, message=f"This link cannot be followed: {error}.")

    passthrough = {}
    if program.passthrough:
        passthrough = {k: v for k, v in request.query.items() if k not in reserved}
        if len(passthrough) > MAX_PASSTHROUGH_PARAMS:
            return ClickOutcome(400, message="Too many query parameters.")

    not_credited = _not_credited_reason(request, link, agent)
    if not_credited:
        location = add_tracking(
            destination, macros=_macros("", link, sub_ids), click_param=None, passthrough=passthrough
        )
        return ClickOutcome(302, location=location, message=not_credited)

    click_id = ids.new_click_id(int(now.timestamp() * 1000))
    days = window_days(program, agent)
    expires = now + timedelta(days=days)
    location = add_tracking(
        destination,
        macros=_macros(click_id, link, sub_ids),
        click_param=program.click_param,
        passthrough=passthrough,
    )
    session = Session(
        click_id,
        ref_code=ids.ref_code(click_id),
        agent_id=link.agent_id,
        link_code=link.code,
        program_id=program.program_id,
        destination=location,
        referrer_host=host_of(request.referer) if request.referer else None,
        country=(request.country or "")[:2].upper() or None,
        user_agent=(request.user_agent or "")[:MAX_USER_AGENT_LENGTH] or None,
        ip_hash=keys.visitor_hash(request.source_ip),
        created_at=now.astimezone(UTC).isoformat(timespec="milliseconds"),
        expires_at=int(expires.timestamp()),
        ttl=int((expires + TTL_GRACE).timestamp()),
        **{name: value for name, value in sub_ids.items() if value},
    )
    return ClickOutcome(302, location=location, session=session, cookie_max_age=days * 86400, credited=True)


def _not_credited_reason(request: ClickRequest, link: Link, agent: Agent | None) -> str | None:
    if request.method == "HEAD":
        return "head request"
    if link.status != "active":
        return "link paused"
    if agent is None or agent.status != "active":
        return "partner not active"
    return None


def _macros(click_id: str, link: Link, sub_ids: dict[str, str | None]) -> dict[str, str]:
    return {
        "click_id": click_id,
        "agent_id": link.agent_id,
        "link": link.code,
        **{k: v or "" for k, v in sub_ids.items()},
    }
