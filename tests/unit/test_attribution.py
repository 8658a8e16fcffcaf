"""Attribution rules and status transitions (waymark.conversions.attribution), without AWS."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from waymark.conversions.attribution import (
    CLICKLESS_CHANNELS,
    Reason,
    Report,
    UndoNeedsNote,
    answer,
    attribute,
    check_transition,
    new_conversion,
    same_sale,
)
from waymark.conversions.commissions import Price
from waymark.conversions.vocabulary import Channel
from waymark.core import ids
from waymark.models import Agent, Session

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def agent(status="active", program_id="shop", email="partner@example.com") -> Agent:
    found = Agent("agent001", program_id=program_id, name="P", email=email, created_at="2026-01-01")
    found.set_status(status)
    return found


def session(expires=NOW + timedelta(days=1), program_id="shop") -> Session:
    click_id = ids.new_click_id(int((NOW - timedelta(days=1)).timestamp() * 1000))
    return Session(
        *Session.key(click_id),
        agent_id="agent001",
        link_code="link000001",
        program_id=program_id,
        destination="https://www.example.com/",
        ip_hash="x",
        created_at="2026-06-14T12:00:00.000+00:00",
        expires_at=int(expires.timestamp()),
        ttl=int(expires.timestamp()) + 1,
        user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36",
        sub1="newsletter",
    )


def report(**fields) -> Report:
    return Report(**{"order_id": "A-1", "amount": Decimal("100.00"), "currency": "EUR", **fields})


def decide(rep: Report, found_session=None, found_agent=None):
    return attribute(rep, program_id="shop", session=found_session, agent=found_agent, now=NOW)


def test_a_click_in_its_window_credits_its_partner():
    s = session()
    result = decide(report(click_id=s.click_id), s, agent())
    assert (result.agent_id, result.status, result.reason, result.attributed_by) == (
        "agent001",
        "pending",
        None,
        "click",
    )


def test_the_advertiser_may_report_a_sale_approved_but_not_through_the_pixel():
    s = session()
    assert decide(report(click_id=s.click_id, status="approved"), s, agent()).status == "approved"
    pixel = report(click_id=s.click_id, status="approved", reported_by="pixel")
    assert decide(pixel, s, agent()).status == "pending"


@pytest.mark.parametrize(
    ("case", "reason", "credited_partner"),
    [
        ("expired", Reason.EXPIRED, "agent001"),
        ("unknown", Reason.UNKNOWN_CLICK, None),
        ("other program", Reason.UNKNOWN_CLICK, None),
        ("suspended", Reason.AGENT_SUSPENDED, "agent001"),
        ("partner gone", Reason.AGENT_SUSPENDED, "agent001"),
    ],
)
def test_clicks_that_earn_nothing_say_why(case, reason, credited_partner):
    s, a, email = session(), agent(), None
    if case == "expired":
        s = session(expires=NOW - timedelta(seconds=1))
    elif case == "unknown":
        s = None
    elif case == "other program":
        s = session(program_id="elsewhere")
    elif case == "suspended":
        a = agent(status="suspended")
    else:
        a = None
    result = decide(report(click_id="x" * 23, email=email), s, a)
    assert (result.status, result.reason, result.agent_id) == ("rejected", reason, credited_partner)
    assert not result.earns


def test_the_click_id_decides_over_the_named_partner():
    s = session()
    result = decide(report(click_id=s.click_id, agent="someone9", channel="concierge"), s, agent())
    assert result.agent_id == "agent001" and result.attributed_by == "click"


def test_a_reference_code_names_the_session_on_phone_and_chat():
    s = session()
    result = decide(report(ref_code=s.ref_code, channel="phone"), s, agent())
    assert (result.agent_id, result.attributed_by, result.status) == ("agent001", "ref", "pending")
    assert decide(report(ref_code="ABCDEF", channel="chat"), None, None).reason == Reason.UNKNOWN_CLICK


@pytest.mark.parametrize("channel", CLICKLESS_CHANNELS)
def test_offline_channels_credit_the_named_partner(channel):
    result = decide(report(agent="agent001", channel=channel), None, agent())
    assert (result.agent_id, result.status, result.attributed_by) == ("agent001", "pending", "agent")


def test_web_sales_need_a_click():
    # coupon is no advertiser's channel: attribution sets it (tests/unit/test_coupons.py)
    assert set(Channel) - set(CLICKLESS_CHANNELS) == {"web", "coupon"}
    result = decide(report(agent="agent001", channel="web"), None, agent())
    assert (result.status, result.reason, result.agent_id) == ("rejected", Reason.NO_ATTRIBUTION, None)
    assert decide(report(), None, None).reason == Reason.NO_ATTRIBUTION


def test_a_named_partner_must_exist_in_the_program_and_be_active():
    assert decide(report(agent="agent001", channel="concierge"), None, None).reason == Reason.UNKNOWN_AGENT
    other = agent(program_id="elsewhere")
    assert decide(report(agent="agent001", channel="concierge"), None, other).reason == Reason.UNKNOWN_AGENT
    suspended = agent(status="pending")
    assert decide(report(agent="agent001", channel="concierge"), None, suspended).reason == Reason.AGENT_SUSPENDED


def test_the_conversion_item_and_the_answer():
    s = session()
    rep = report(click_id=s.click_id, items=({"product": "tour", "category": None, "quantity": 2, "price": None},))
    attribution = decide(rep, s, agent())
    conversion = new_conversion(
        rep,
        advertiser_id="shop-backend",
        program_id="shop",
        attribution=attribution,
        price=Price(Decimal("10.00"), "program, all sales: 10 %"),
        now=NOW,
    )
    assert conversion.conversion_id == "shop-backend:A-1"
    assert (conversion.sub1, conversion.link_code, conversion.click_id) == ("newsletter", "link000001", s.click_id)
    assert conversion.history[0].by == "postback:shop-backend"
    assert answer(conversion)["commission"] == "10.00" and answer(conversion)["agent"] == "agent001"
    assert same_sale(conversion, rep)
    assert not same_sale(conversion, report(click_id=s.click_id, amount=Decimal("100.01")))
    rejected = new_conversion(
        rep,
        advertiser_id="shop-backend",
        program_id="shop",
        attribution=decide(report(click_id=s.click_id), None, None),
        price=Price(Decimal("10.00"), "ignored"),
        now=NOW,
    )
    assert (rejected.commission, rejected.commission_rule, rejected.reason) == (Decimal(0), None, "unknown_click")


def test_report_fields_match_the_reason_taxonomy_values():
    assert {r.value for r in Reason} >= {"duplicate", "expired", "unknown_click", "agent_suspended", "self_referral"}


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("pending", "approved", None),
        ("pending", "rejected", "fraud"),
        ("approved", "reversed", "cancelled"),
        ("held", "approved", None),
        ("held", "rejected", "bot"),
    ],
)
def test_allowed_transitions(start, end, reason):
    check_transition(start, end, reason)


@pytest.mark.parametrize(
    ("start", "end"), [("rejected", "pending"), ("rejected", "approved"), ("reversed", "approved")]
)
def test_a_rejection_or_a_reversal_is_undone_only_with_a_note(start, end):
    check_transition(start, end, None, "a real sale")
    for note in (None, "  "):
        with pytest.raises(UndoNeedsNote, match="write a note"):
            check_transition(start, end, None, note)


def test_a_reversal_is_undone_to_approved_only():
    with pytest.raises(ValueError, match="can become approved, not pending"):
        check_transition("reversed", "pending", None, "a note")


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("pending", "reversed", "cancelled"),
        ("approved", "rejected", "fraud"),
        ("approved", "pending", None),
        ("rejected", "approved", None),
        ("reversed", "approved", None),
        ("pending", "pending", None),
        ("pending", "rejected", None),  # a rejection says why
        ("pending", "rejected", "because"),  # ...with a code from the taxonomy
        ("held", "reversed", "fraud"),  # a held sale was never approved
        ("held", "rejected", None),
        ("approved", "held", None),  # only the rules hold a sale, when it is recorded
    ],
)
def test_refused_transitions(start, end, reason):
    with pytest.raises(ValueError, match=r"can become|say why|is not a valid Reason"):
        check_transition(start, end, reason)


def test_a_test_click_credits_no_one_and_marks_its_sale_test():
    s = session()
    s.test = True
    result = decide(report(click_id=s.click_id), s, agent())  # even with an active partner behind the code
    assert (result.agent_id, result.status, result.reason, result.earns) == (None, "rejected", "test", False)
    conversion = new_conversion(
        report(click_id=s.click_id),
        advertiser_id="shop-backend",
        program_id="shop",
        attribution=result,
        price=Price(Decimal("10.00"), "program"),
        now=NOW,
    )
    assert conversion.test is True and conversion.commission == 0 and conversion.agent_id is None
