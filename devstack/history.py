"""Sixty days of demo history, so `make dev` opens on full dashboards, charts and reports.

Everything goes through the functions that handle it when deployed, back-dated with the clocks
they take: clicks through `track_click` (the click function's), sales through the postback
function's `postbacks.handle` on every channel, operators' decisions through
`status_changes.change_status` (the console's), each booking's emails planned by the planner
function's `plan` and sent by the daily job's `sender.run` on their day, and a payout run two
weeks ago (the partner's bank details through the portal's `store.save_details`, the run started
and paid through the console's `store.start_run` and `store.mark_paid`). Each runs as its
function (`running_as`), so the local IAM check holds it to that function's role. The stats
consumer then counts it all from the streams, as it counts live traffic. Deterministic: the
same days, visitors and sales on every start (only the click ids' random part differs).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

DAYS = 60
DEMO_COUPON = "HARBOUR10"
# The day of the demo's payout run, counted from the first day: its sales of the first two weeks
# are past the 30 days' hold by then (the default terms), so the run pays them and the portal
# shows a paid payout with its statement.
PAYOUT_DAY = DAYS - 15
# The partner (a hotel) is paid by bank transfer: IBAN and BIC of the ISO 13616 example account.
DEMO_BANK = {"method": "bank", "account": "DE89370400440532013000", "bic": "COBADEFFXXX"}
# The request paths wait 1 s for AWS and do not retry (a visitor is better redirected than kept
# waiting); the embedded AWS on a busy machine can take longer, so the history tries again.
_ATTEMPTS = 5
OPERATOR_REASONS = ("cancelled", "duplicate", "other")
BROWSER_AGENTS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Safari/605.1.15",
)
PREVIEW_AGENT = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"  # a link preview: a bot click
_REFERRERS = ("https://partner.example/harbour-tips", "https://www.google.com/", None)
_TOURS = (("sunset-cruise", "cruises", "89.00"), ("city-walk", "walks", "25.00"), ("wine-tasting", "tastings", "64.50"))


@dataclass
class History:
    """What was made, for the ready file and the tests: counts by day, channel and status."""

    first_day: str = ""
    last_day: str = ""
    clicks: int = 0
    conversions: dict[str, int] = field(default_factory=dict)  # by channel
    statuses: dict[str, int] = field(default_factory=dict)  # as left by the decisions
    emails_sent: int = 0
    payout_id: str = ""  # the paid payout run

    def as_data(self) -> dict:
        return {
            "days": DAYS,
            "first_day": self.first_day,
            "last_day": self.last_day,
            "clicks": self.clicks,
            "conversions": dict(sorted(self.conversions.items())),
            "statuses": dict(sorted(self.statuses.items())),
            "emails_sent": self.emails_sent,
            "payout_id": self.payout_id,
        }


def _patiently(function: str, call):
    from botocore.exceptions import BotoCoreError

    from devstack.runtime import running_as

    for attempt in range(_ATTEMPTS):
        try:
            with running_as(function):
                return call()
        except BotoCoreError:
            if attempt == _ATTEMPTS - 1:
                raise


class _VirtualClock:
    """The daily job paces its sends; history needs no real waiting."""

    def __init__(self) -> None:
        self.elapsed = 0.0

    def now(self) -> float:
        return self.elapsed

    def sleep(self, seconds: float) -> None:
        self.elapsed += seconds


def seed_history(facts: dict, *, operator: str, today: date | None = None) -> History:
    """`facts` is what devstack.seed made (program, partner, links, postback token)."""
    from devstack.runtime import running_as
    from waymark.click.rules import ClickRequest
    from waymark.click.tracking import track_click
    from waymark.conversions import postbacks, status_changes
    from waymark.core import ids
    from waymark.models import Customer
    from waymark.remarketing import planner, sender

    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=DAYS)
    history = History(first_day=first.isoformat(), last_day=(today - timedelta(days=1)).isoformat())
    codes = [facts["link_code"], facts["agent_id"]]
    recent: list[str] = []  # human clicks' ids, newest last: the sales credit them
    decided: list[tuple[str, date, int]] = []  # (conversion id, day recorded, sale number)
    order = 0
    send_days: set[date] = set()
    # The partner's coupon code, given by the console as an operator gives one: its sales need no click.
    from waymark.conversions import coupons

    with running_as("PortalFunction"):
        coupon = coupons.create_coupon(facts["program_id"], DEMO_COUPON, agent_id=facts["agent_id"], by=operator)
    _payment_details(facts, datetime.combine(first, time(9), tzinfo=UTC))

    def postback(sale: dict, at: datetime) -> dict:
        body = json.dumps({"token": facts["advertiser_token"], "currency": "EUR", **sale}).encode()
        request = postbacks.PostbackRequest(
            method="POST", body=body, content_type="application/json", source_ip="192.0.2.10"
        )
        for _ in range(_ATTEMPTS):
            with running_as("PostbackFunction"):
                outcome = postbacks.handle(request, now=at)
            if outcome.status != 503:  # 503: the embedded AWS was slower than the request path waits
                break
        if outcome.status != 200:
            raise RuntimeError(f"the demo history's sale was refused: {outcome.body}")
        return outcome.body

    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        start = datetime.combine(day, time(7), tzinfo=UTC)
        # More on weekends, and a slow rise over the two months: a chart with a shape.
        count = 1 + (offset * 7) % 3 + (day.weekday() >= 5) + offset // 30
        for index in range(count):
            visitor = offset * 11 + index
            at = start + timedelta(minutes=53 * index + offset % 13)
            agent = PREVIEW_AGENT if visitor % 9 == 0 else BROWSER_AGENTS[visitor % len(BROWSER_AGENTS)]
            request = ClickRequest(
                code=codes[visitor % 2],
                query={"sub1": "newsletter"} if visitor % 3 == 0 else {},
                user_agent=agent,
                referer=_REFERRERS[visitor % len(_REFERRERS)],
                source_ip=f"198.51.100.{visitor % 200 + 1}",
            )
            outcome = _patiently("ClickFunction", lambda request=request, at=at: track_click(request, now=at))
            history.clicks += 1
            if outcome.session is not None and agent != PREVIEW_AGENT:
                recent.append(outcome.session.click_id)
        # The day's sales, an hour after its last click, on a channel in turn.
        at = start + timedelta(minutes=53 * count + 60)
        sales = 1 + (offset % 4 == 0)
        for _ in range(sales):
            order += 1
            tour, category, price = _TOURS[order % len(_TOURS)]
            quantity = 1 + order % 2
            sale: dict = {
                "order_id": f"DEMO-{order:04d}",
                "amount": f"{float(price) * quantity:.2f}",
                "items": [{"product": tour, "category": category, "quantity": quantity, "price": price}],
            }
            channel = ("web", "web", "phone", "concierge", "chat", "inside_sales", "remarketing", "coupon")[order % 8]
            if not recent and channel in ("web", "phone", "chat"):
                channel = "concierge"  # no person has clicked yet
            if channel == "web":
                sale["click_id"] = recent[-1 - order % min(3, len(recent))]
            elif channel in ("phone", "chat"):
                sale.update(channel=channel, ref=ids.ref_code(recent[-1]))
            elif channel == "coupon":
                sale["coupon"] = coupon.code  # the channel is Waymark's to decide: a coupon sale
            else:
                sale.update(channel=channel, agent=facts["agent_id"])
            if order % 11 == 0:  # the merchant's own sale: no click, no code
                unattributed = {k: v for k, v in sale.items() if k not in ("click_id", "ref", "agent", "coupon")}
                sale = unattributed | {"channel": "web"}
            if order % 13 == 5:  # the partner booked for itself: held for an operator
                sale["email"] = facts["partner"]["email"]
            elif order % 4 == 1:  # a booking with an email: the demo's remarketing plans its emails
                service = day + timedelta(days=3 + order % 5)
                sale.update(email=f"guest-{order}@example.org", lang=("en", "de")[order % 2],
                            service_date=service.isoformat(), booking_ref=f"BK{order:04d}")  # fmt: skip
            if order % 17 == 3:
                sale["status"] = "approved"  # the booking system approves some itself
            postback(sale, at)
            conversion_id = f"{facts['advertiser_id']}:{sale['order_id']}"
            channel = "coupon" if "coupon" in sale else sale.get("channel", "web")
            history.conversions[channel] = history.conversions.get(channel, 0) + 1
            decided.append((conversion_id, day, order))
            if "service_date" in sale:
                customer = Customer.get(*Customer.key(conversion_id))
                with running_as("RemarketingPlannerFunction"):
                    planner.plan(customer, today=day)
                # The demo's steps: the day of the booking and two days before the service.
                send_days.update({day, date.fromisoformat(sale["service_date"]) - timedelta(days=2)})
            at += timedelta(minutes=17)
        # Operators decide a week later, as they review the week's sales.
        for conversion_id, recorded_on, number in list(decided):
            if (day - recorded_on).days < 7:
                continue
            decided.remove((conversion_id, recorded_on, number))
            _decide(status_changes, conversion_id, number, operator, datetime.combine(day, time(16), tzinfo=UTC))
        if offset == PAYOUT_DAY:
            history.payout_id = _pay_partners(facts, operator, day)
        if day in send_days:  # the daily job finds nothing due on the other days: not run, to start faster
            with running_as("RemarketingSenderFunction"):
                summary = sender.run(today=day, remaining_ms=lambda: 600_000, clock=_VirtualClock())
            history.emails_sent += summary.sent
    history.statuses = _statuses(facts["advertiser_id"])
    return history


def _decide(status_changes, conversion_id: str, number: int, operator: str, at: datetime) -> None:
    """Most sales approved, some rejected, a few approved then reversed; the held ones decided too."""
    from devstack.runtime import running_as

    with running_as("ApiFunction"):
        status = status_changes.load(conversion_id).status
        if status not in ("pending", "held", "approved"):
            return  # rejected when recorded (no attribution): nothing to decide
        if number % 6 == 0 and status != "approved":
            reason = OPERATOR_REASONS[number % len(OPERATOR_REASONS)]
            status_changes.change_status(conversion_id, "rejected", by=operator, reason=reason, now=at)
            return
        if number % 5 == 2:
            return  # still pending: some always wait for a decision
        if status != "approved":
            status_changes.change_status(conversion_id, "approved", by=operator, now=at)
        if number % 9 == 4:
            later = at + timedelta(hours=2)
            status_changes.change_status(conversion_id, "reversed", by=operator, reason="cancelled", now=later)


def _payment_details(facts: dict, at: datetime) -> None:
    """The partner enters its bank details in the portal (Payouts), as a partner does before its first payout."""
    from devstack.runtime import running_as
    from waymark.payouts import store

    with running_as("PortalFunction"):
        store.save_details(
            facts["agent_id"], facts["program_id"], **DEMO_BANK, account_holder="Harbour View Hotel",
            by=facts["partner"]["email"], now=at,
        )  # fmt: skip


def _pay_partners(facts: dict, operator: str, day: date) -> str:
    """The operator starts the day's run in the console (cut-off that day), then marks it paid once
    the bank transfer is made, in the afternoon: the run's id."""
    from devstack.runtime import running_as
    from waymark import catalog
    from waymark.payouts import store

    with running_as("PortalFunction"):
        program = catalog.program(facts["program_id"])
        run = store.start_run(program, day, by=operator, now=datetime.combine(day, time(10), tzinfo=UTC))
        if not run.lines:
            raise RuntimeError(f"the demo history's payout run paid nobody: {run.skipped}")
        store.mark_paid(program.program_id, run.run_id, by=operator, now=datetime.combine(day, time(15), tzinfo=UTC))
    return run.run_id


def _statuses(advertiser_id: str) -> dict[str, int]:
    from waymark.models import Conversion

    counted: dict[str, int] = {}
    for conversion in Conversion.scan(Conversion.advertiser_id == advertiser_id):
        if conversion.order_id.startswith("DEMO-"):
            counted[conversion.status] = counted.get(conversion.status, 0) + 1
    return counted
