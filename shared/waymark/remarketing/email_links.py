"""The links in remarketing emails: offers back to the booking (`GET /x/{token}`) and unsubscribe.

An offer link records a remarketing click and redirects to the merchant's booking page for
that booking with the product preselected. Attribution: when the booking came through a
partner who is still active, the click is a Session for that partner (source "remarketing"),
and its click id rides to the booking page like any tracking link's, so the merchant's
`channel=remarketing` postback with that click id credits the partner under the usual
last-click rule. With no partner (or a suspended one) no session is written and no click id
is added: the sale is the merchant's own. The destination is checked against the program's
allowed domains and rebuilt from its parts; a bad, altered or expired token gets a page and
no redirect.
"""

import html
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from waymark import catalog, wording
from waymark.click.destinations import UnsafeDestination, add_tracking, allowed_domains, check_destination
from waymark.click.rules import click_cookie
from waymark.click.sessions import SessionRecord, new_session, window_days
from waymark.core import durable, httpapi, ids, phrases
from waymark.mail import log as mail_log
from waymark.mail.log import MailEvent
from waymark.models import Agent, Customer, Program, RemarketingClick, RemarketingOfferRef, Session, Suppression
from waymark.partners.vocabulary import PartnerStatus
from waymark.remarketing import rules, store
from waymark.remarketing.suppression import suppress_hash
from waymark.remarketing.tokens import BadToken, ExpiredToken, OfferLink, PartnerUnsubscribeLink, UnsubscribeLink

REMARKETING_LINK_CODE = "remarketing"  # Session.link_code and source of remarketing clicks


@dataclass(frozen=True)
class Visitor:
    user_agent: str | None = None
    referer: str | None = None
    country: str | None = None
    source_ip: str = ""


@dataclass(frozen=True)
class LinkOutcome:
    status: int  # 302, or 400/410 with a page
    location: str | None = None
    title: str = ""
    message: str = ""
    session: SessionRecord | None = None
    cookie_max_age: int | None = None
    kept_for_replay: bool = False
    program: Program | None = None  # whose languages a refusal's page is in (None: not known)


_EXPIRED = LinkOutcome(410, title="This offer has expired", message=wording.OFFER_GONE())


def visitor_language(accept_language: str, program: Program | None) -> str:
    """A refusal page's language: the visitor's Accept-Language among the program's languages, else its default;
    any shipped language when the link names no program we could find."""
    if program is None:
        return phrases.choose_language(accept_language, phrases.SHIPPED, None)
    return phrases.choose_language(accept_language, list(program.languages or []), program.default_language)


def follow(token: str, visitor: Visitor, now: datetime) -> LinkOutcome:
    """Resolve an offer link. Raises only when DynamoDB fails with nothing cached (the caller answers 503)."""
    try:
        link = OfferLink.parse(token, now.timestamp())
    except ExpiredToken:
        return _EXPIRED
    except BadToken as error:
        return LinkOutcome(400, title="This link is not valid", message=wording.USE_EMAIL_LINK(problem=str(error)))
    try:
        reference = RemarketingOfferRef.get(*RemarketingOfferRef.key(link.offer_id))
        customer = Customer.get(*Customer.key(reference.conversion_id))
    except DoesNotExist:
        return _EXPIRED  # deleted by TTL: the booking's data outlives its links by design, not vice versa
    program = catalog.program(customer.program_id)
    profile = store.config(customer.program_id).profile(link.profile_id) if program else None
    offer = next((o for o in profile.offers if o.code == link.product), None) if profile else None
    if program is None or offer is None:
        return replace(_EXPIRED, program=program)
    settings = store.config(program.program_id).channel_settings(customer.channel)
    order_id = customer.conversion_id.partition(":")[2] or customer.conversion_id
    values = {
        "booking_ref": customer.booking_ref or order_id,
        "order_id": order_id,
        "product": offer.code,
        "lang": rules.language(program, customer.lang),
    }
    try:
        if settings and settings.booking_url:
            raw = rules.fill_booking_url(settings.booking_url, values)
        else:
            raw = offer.link or program.default_landing_url
        destination = check_destination(
            raw, allowed_domains(tuple(program.allowed_domains)), allow_http=program.allow_http
        )
    except UnsafeDestination:
        return LinkOutcome(
            400, title="This offer cannot be opened", message=wording.OFFER_PAGE_UNAVAILABLE(), program=program
        )
    agent = catalog.agent(customer.agent_id) if customer.agent_id else None
    credited = agent is not None and agent.status == PartnerStatus.ACTIVE and agent.program_id == program.program_id
    click_id = ids.new_click_id(int(now.timestamp() * 1000))
    macros = {
        "click_id": click_id if credited else "",
        "agent_id": agent.agent_id if credited and agent else "",
        "link": REMARKETING_LINK_CODE,
        "source": REMARKETING_LINK_CODE,
        "sub1": link.profile_id,
        "sub2": offer.code,
    }
    location = add_tracking(
        destination, macros=macros, click_param=program.click_param if credited else None, passthrough={}
    )
    session = None
    stored = True
    window = window_days(program.attribution_window_days, agent.attribution_window_days if agent else None)
    if credited and agent is not None:
        session = new_session(
            click_id=click_id,
            agent_id=agent.agent_id,
            link_code=REMARKETING_LINK_CODE,
            program_id=program.program_id,
            destination=location,
            window=window,
            now=now,
            source_ip=visitor.source_ip,
            user_agent=visitor.user_agent,
            referer=visitor.referer,
            country=visitor.country,
            sub_ids={"source": REMARKETING_LINK_CODE, "sub1": link.profile_id, "sub2": offer.code},
        )
        stored = durable.put_new(Session.Meta.table_name, session.to_item())
    click = RemarketingClick(
        customer.pk,
        f"CLICK#{click_id}",
        click_id=click_id,
        conversion_id=customer.conversion_id,
        program_id=program.program_id,
        profile_id=link.profile_id,
        product=offer.code,
        agent_id=agent.agent_id if credited and agent else None,
        created_at=now.astimezone(UTC).isoformat(timespec="milliseconds"),
        ttl=int(customer.ttl),
    )
    stored = durable.put_new(RemarketingClick.Meta.table_name, click.serialize()) and stored
    return LinkOutcome(
        302,
        location=location,
        session=session,
        cookie_max_age=window * 86400 if session else None,
        kept_for_replay=not stored,
    )


def cookies(outcome: LinkOutcome) -> list[str]:
    """The same first-party click cookie a tracking link sets (for the pixel fallback)."""
    if outcome.session is None:
        return []
    return [click_cookie(outcome.session.click_id, outcome.cookie_max_age)]


# ---------------------------------------------------------------------------- unsubscribe


@dataclass(frozen=True)
class Page:
    status: int
    lang: str
    title: str
    message: str
    form: str | None = None  # the button's label: the page posts back to itself
    brand: str = "Waymark"  # the program's name, which the customer knows (not Waymark's)
    back: tuple[str, str] | None = None  # (the shop's address, the link's text)

    def html(self) -> str:
        """The page with its sentences (catalogue phrases) said in its language."""
        lang = self.lang.split("-")[0]
        lang = lang if lang in phrases.SHIPPED else phrases.DEFAULT_LANGUAGE  # what its sentences are said in
        title, message, button, back = phrases.in_language(
            [self.title, self.message, self.form or "", self.back[1] if self.back else ""], lang
        )
        form = (
            f'<form method="post"><button type="submit" id="unsubscribe">{html.escape(button)}</button></form>'
            if self.form
            else ""
        )
        link = (self.back[0], back) if self.back else None
        return httpapi.page_html(title, message, lang=lang, extra=form, brand=self.brand, back=link)


def _program(program_id: str):
    try:
        return catalog.program(program_id)
    except Exception:  # the page must render even when the lookup fails
        return None


def _unsubscribe_page(link: UnsubscribeLink, title: str, message: phrases.Phrase, form: str | None = None) -> Page:
    """Under the program's name, with a link back to its shop (its landing page), when it is known; in the
    language of the email the link came in (the customer's, among the program's)."""
    program = _program(link.program_id)
    name = program.name if program else link.program_id
    home = getattr(program, "default_landing_url", None) if program else None
    back = (home, wording.UNSUB_BACK(program=name)) if home else None
    return Page(200, link.lang, title, message(program=name), form=form, brand=name, back=back)


def _already_unsubscribed(link: UnsubscribeLink) -> bool:
    try:
        Suppression.get(*Suppression.key(link.email_hash), consistent_read=True)
    except DoesNotExist:
        return False
    except Exception:  # the page must render: offering the button again is harmless (idempotent)
        return False
    return True


def _not_valid(lang: str) -> Page:
    return Page(400, lang, wording.UNSUB_BAD_TITLE(), wording.UNSUB_BAD())


def unsubscribe_page(token: str, accept_language: str = "") -> Page:
    """GET: a confirmation page (a link preview or scanner must not unsubscribe anyone)."""
    try:
        link = UnsubscribeLink.parse(token)
    except BadToken:
        return _partner_unsubscribe(token, confirm=True, accept_language=accept_language)
    # A second visit (or the back button after unsubscribing) says so, and offers no button again.
    if _already_unsubscribed(link):
        return _unsubscribe_page(link, wording.UNSUB_DONE_TITLE(), wording.UNSUB_DONE)
    return _unsubscribe_page(link, wording.UNSUB_CONFIRM_TITLE(), wording.UNSUB_CONFIRM, form=wording.UNSUB_BUTTON())


def unsubscribe(token: str, *, one_click: bool, accept_language: str = "") -> Page:
    """POST: suppress the address for good. RFC 8058 one-click: no cookie or CSRF token, the signed
    token is the authority. A suppression DynamoDB could not take waits in the replay queue."""
    try:
        link = UnsubscribeLink.parse(token)
    except BadToken:
        return _partner_unsubscribe(token, confirm=False, accept_language=accept_language)
    suppress_hash(link.email_hash, "one-click" if one_click else "link")
    mail_log.record(
        MailEvent.UNSUBSCRIBED,
        stream="remarketing",
        email_hash=link.email_hash,
        program_id=link.program_id,
        detail="one-click" if one_click else "link",
    )
    return _unsubscribe_page(link, wording.UNSUB_DONE_TITLE(), wording.UNSUB_DONE)


def _partner_unsubscribe(token: str, *, confirm: bool, accept_language: str) -> Page:
    """A partner's optional emails of one topic (waymark.partners.emails.TOPICS): the same two steps."""
    from waymark.partners.emails import TOPIC_LABELS

    try:
        link = PartnerUnsubscribeLink.parse(token)
    except BadToken:
        return _not_valid(visitor_language(accept_language, None))
    if link.topic not in TOPIC_LABELS:
        return _not_valid(visitor_language(accept_language, None))
    agent = catalog.agent(link.agent_id)
    found = _program(agent.program_id) if agent else None
    program = found.name if found else ""
    if confirm:
        message = wording.UNSUB_PARTNER_CONFIRM(program=program, topic=TOPIC_LABELS[link.topic])
        return Page(200, link.lang, wording.UNSUB_CONFIRM_TITLE(), message, form=wording.UNSUB_BUTTON())
    if agent is not None:
        try:
            Agent(link.agent_id).update(
                actions=[Agent.email_opt_outs.add({link.topic})], condition=Agent.agent_id.exists()
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
        mail_log.record(
            MailEvent.UNSUBSCRIBED, stream="partner", program_id=agent.program_id, kind=link.topic, detail="link"
        )
    return Page(200, link.lang, wording.UNSUB_DONE_TITLE(), wording.UNSUB_PARTNER_DONE(program=program))
