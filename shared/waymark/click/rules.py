"""What a click on `/c/{code}` does: pure rules, no I/O, no PynamoDB.

`decide` takes the looked-up link, partner and program (waymark.click.projections) and returns where the
visitor goes and which session (if any) is credited. tracking.py does the I/O around it.
"""

from datetime import datetime
from functools import lru_cache

from waymark.click import click_wording, seen
from waymark.click.destinations import UnsafeDestination, add_tracking, allowed_domains, check_destination
from waymark.click.projections import AgentView, LinkView, ProgramView
from waymark.click.sessions import SUB_ID_FIELDS, SessionRecord, new_session, window_days
from waymark.partners.vocabulary import LinkStatus, PartnerStatus

MAX_SUB_ID_LENGTH = 500
MAX_PASSTHROUGH_PARAMS = 20
CLICK_COOKIE = "__Host-wm_click"


def click_cookie(click_id: str, max_age: int) -> str:
    """The first-party cookie that lets the pixel credit a sale whose thank-you page lost the click id.

    Lax, not Strict: the visitor arrives at the merchant's site by following a link from elsewhere.
    """
    return f"{CLICK_COOKIE}={click_id}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Lax"


class ClickRequest:
    __slots__ = ("code", "country", "method", "query", "referer", "seen", "source_ip", "user_agent")

    def __init__(self, code: str, method: str = "GET", query: dict[str, str] | None = None,
                 user_agent: str | None = None, referer: str | None = None, country: str | None = None,
                 source_ip: str = "", seen: str | None = None) -> None:  # fmt: skip
        self.code, self.method, self.query = code, method, query or {}
        self.user_agent, self.referer, self.country, self.source_ip = user_agent, referer, country, source_ip
        self.seen = seen  # the __Secure-wm_seen cookie's value as sent, unchecked (waymark.click.seen)


class ClickOutcome:
    __slots__ = ("cookie_max_age", "kept_for_replay", "location", "message", "program", "seen", "session", "status")

    def __init__(self, status: int, location: str | None = None, message: str | None = None,
                 session: SessionRecord | None = None, cookie_max_age: int | None = None) -> None:  # fmt: skip
        self.status = status  # 302, 400 or 404
        self.location, self.message, self.session = location, message, session
        self.cookie_max_age = cookie_max_age
        self.seen: str | None = None  # the __Secure-wm_seen value to set: a unique click's only
        self.kept_for_replay = False  # the session write failed and waits in the replay queue
        self.program: ProgramView | None = None  # whose languages a refusal's page is in

    @property
    def credited(self) -> bool:
        return self.session is not None

    @property
    def not_credited_reason(self) -> str | None:
        return None if self.credited or self.status != 302 else self.message


@lru_cache(maxsize=4096)
def _checked(raw: str, domains: tuple[str, ...], allow_http: bool) -> str:
    # Links send thousands of visitors to the same few destinations; the check is pure.
    return check_destination(raw, allowed_domains(domains), allow_http=allow_http)


def decide(
    request: ClickRequest, link: LinkView | None, agent: AgentView | None, program: ProgramView | None, now: datetime
) -> ClickOutcome:
    outcome = _decide(request, link, agent, program, now)
    outcome.program = program
    return outcome


def _decide(
    request: ClickRequest, link: LinkView | None, agent: AgentView | None, program: ProgramView | None, now: datetime
) -> ClickOutcome:
    if link is None or program is None:
        return ClickOutcome(404, message=click_wording.LINK_UNKNOWN())

    reserved = {"url", program.click_param, *SUB_ID_FIELDS}
    sub_ids = {name: request.query.get(name) or link.sub_defaults.get(name) for name in SUB_ID_FIELDS}
    for name, value in sub_ids.items():
        if value is not None and len(value) > MAX_SUB_ID_LENGTH:
            return ClickOutcome(400, message=click_wording.SUB_ID_TOO_LONG(name=name, maximum=MAX_SUB_ID_LENGTH))

    raw_destination = request.query.get("url") or link.destination or program.default_landing_url
    try:
        destination = _checked(raw_destination, program.allowed_domains, program.allow_http)
    except UnsafeDestination as error:
        return ClickOutcome(400, message=click_wording.CANNOT_FOLLOW(error=str(error)))

    passthrough = {}
    if program.passthrough:
        passthrough = {k: v for k, v in request.query.items() if k not in reserved}
        if len(passthrough) > MAX_PASSTHROUGH_PARAMS:
            return ClickOutcome(400, message=click_wording.TOO_MANY_PARAMETERS(maximum=MAX_PASSTHROUGH_PARAMS))

    not_credited = _not_credited_reason(request, link, agent)
    if not_credited:
        location = add_tracking(
            destination, macros=_macros("", link, sub_ids), click_param=None, passthrough=passthrough
        )
        return ClickOutcome(302, location=location, message=not_credited)

    days = window_days(program.attribution_window_days, agent.attribution_window_days)
    session = new_session(
        agent_id=link.agent_id,
        link_code=link.code,
        program_id=program.program_id,
        destination="",
        window=days,
        now=now,
        source_ip=request.source_ip,
        user_agent=request.user_agent,
        referer=request.referer,
        country=request.country,
        sub_ids=sub_ids,
    )
    session.destination = add_tracking(
        destination,
        macros=_macros(session.click_id, link, sub_ids),
        click_param=program.click_param,
        passthrough=passthrough,
    )
    outcome = ClickOutcome(302, location=session.destination, session=session, cookie_max_age=days * 86400)
    moment = int(now.timestamp())
    clicked = seen.parse(request.seen, moment)
    if link.code in clicked:
        session.repeat = True
    else:
        outcome.seen = seen.updated(clicked, link.code, moment)
    return outcome


def _not_credited_reason(request: ClickRequest, link: LinkView, agent: AgentView | None) -> str | None:
    if request.method == "HEAD":
        return "head request"
    if link.status != LinkStatus.ACTIVE:
        return "link paused"
    if agent is None or agent.status != PartnerStatus.ACTIVE:
        return "partner not active"
    return None


def _macros(click_id: str, link: LinkView, sub_ids: dict[str, str | None]) -> dict[str, str]:
    return {
        "click_id": click_id,
        "agent_id": link.agent_id,
        "link": link.code,
        **{k: v or "" for k, v in sub_ids.items()},
    }
