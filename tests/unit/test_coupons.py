"""Coupon codes in attribution (pure): the program's precedence over every click and code state."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.unit.test_attribution import NOW, agent, decide, report, session
from waymark.conversions.attribution import (
    ClickState,
    CouponCredit,
    CouponState,
    Reason,
    click_state,
    coupon_credits,
    same_sale,
    with_coupon,
)
from waymark.conversions.coupons import normalize, state_of
from waymark.conversions.vocabulary import Channel, CouponPrecedence
from waymark.models import Conversion, Coupon

CLICK_WINS, COUPON_WINS, IF_NO_CLICK = list(CouponPrecedence)
TODAY = NOW.date()


def coupon(state: CouponState) -> CouponCredit:
    return CouponCredit("SUMMER10", "coupon01" if state != CouponState.UNKNOWN else None, state)


def credit_for(click: str):
    """The click's own attribution for a live click, an expired one, or none."""
    if click == "none":
        return decide(report(coupon="SUMMER10"), None, None)
    s = session(expires=NOW + timedelta(days=1) if click == "live" else NOW - timedelta(days=1))
    return decide(report(click_id=s.click_id, coupon="SUMMER10"), s, agent())


# Who earns: "coupon" (its partner, a coupon sale), "click" (the click's partner) or None (nobody).
EXPECTED = {
    CLICK_WINS: {"live": "click", "expired": "coupon", "none": "coupon"},
    COUPON_WINS: {"live": "coupon", "expired": "coupon", "none": "coupon"},
    IF_NO_CLICK: {"live": "click", "expired": None, "none": "coupon"},
}


@pytest.mark.parametrize("precedence", list(CouponPrecedence))
@pytest.mark.parametrize("click", ["live", "expired", "none"])
@pytest.mark.parametrize("state", list(CouponState))
def test_the_precedence_decides_between_click_and_coupon(precedence, click, state):
    base = credit_for(click)
    credit, recorded = with_coupon(base, report(coupon="SUMMER10"), coupon(state), precedence)
    expected = EXPECTED[precedence][click] if state == CouponState.ACTIVE else ("click" if click == "live" else None)
    if expected == "coupon":
        assert (credit.agent_id, credit.status, credit.attributed_by) == ("coupon01", "pending", "coupon")
        assert recorded.channel == Channel.COUPON and recorded.click_id is None
        assert credit.session is None  # the other partner's click and sub-ids stay off the coupon sale
    elif expected == "click":
        assert (credit.agent_id, credit.status, credit.attributed_by) == ("agent001", "pending", "click")
        assert recorded.channel == Channel.WEB
    else:
        assert credit == base and not credit.earns
        assert recorded.channel == Channel.WEB


def test_the_click_states():
    assert click_state(credit_for("live")) == ClickState.LIVE
    assert click_state(credit_for("expired")) == ClickState.EXPIRED
    assert click_state(credit_for("none")) == ClickState.NONE
    s = session()
    suspended = decide(report(click_id=s.click_id), s, agent(status="suspended"))
    assert click_state(suspended) == ClickState.EXPIRED  # a click exists, but cannot earn
    unknown = decide(report(click_id=s.click_id), None, None)
    assert (unknown.reason, click_state(unknown)) == (Reason.UNKNOWN_CLICK, ClickState.NONE)


def test_only_an_active_coupon_ever_credits():
    for precedence in CouponPrecedence:
        for click in ClickState:
            for state in (CouponState.PAUSED, CouponState.EXPIRED, CouponState.UNKNOWN):
                assert not coupon_credits(precedence, click, state)


def test_a_test_click_stays_a_test_whatever_code_it_brings():
    s = session()
    s.test = True
    base = decide(report(click_id=s.click_id), s, agent())
    credit, _ = with_coupon(base, report(coupon="SUMMER10"), coupon(CouponState.ACTIVE), COUPON_WINS)
    assert (credit.reason, credit.earns) == (Reason.TEST, False)


def test_an_approved_report_stays_approved_when_the_coupon_credits_it():
    base = decide(report(status="approved"), None, None)
    credit, _ = with_coupon(base, report(status="approved"), coupon(CouponState.ACTIVE), CLICK_WINS)
    assert credit.status == "approved"


def test_codes_are_case_insensitive_and_plain():
    assert normalize(" summer-10 ") == "SUMMER-10"
    assert normalize("Summer_10") == normalize("SUMMER_10")
    for bad in ("ab", "x" * 41, "SUMMER 10", "SÜMMER", "10%OFF", ""):
        assert normalize(bad) is None


def stored_coupon(**fields) -> Coupon:
    values = {"program_id": "shop", "code": "SUMMER10", "agent_id": "agent001", "created_at": "2026-01-01"}
    return Coupon("PROGRAM#shop", "COUPON#SUMMER10", **{**values, **fields})


def test_a_code_state_on_a_day():
    assert state_of(None, None, TODAY) == CouponState.UNKNOWN
    assert state_of(stored_coupon(), agent(), TODAY) == CouponState.ACTIVE
    assert state_of(stored_coupon(expires_on=TODAY.isoformat()), agent(), TODAY) == CouponState.ACTIVE  # its last day
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert state_of(stored_coupon(expires_on=yesterday), agent(), TODAY) == CouponState.EXPIRED
    assert state_of(stored_coupon(status="paused"), agent(), TODAY) == CouponState.PAUSED
    assert state_of(stored_coupon(), agent(status="suspended"), TODAY) == CouponState.PAUSED
    assert state_of(stored_coupon(), None, date(2026, 1, 1)) == CouponState.PAUSED


def test_a_repeat_of_a_coupon_sale_is_the_same_sale():
    stored = Conversion("adv:A-1", amount=Decimal("100.00"), currency="EUR", channel=Channel.COUPON, coupon="SUMMER10")
    assert same_sale(stored, report(coupon="SUMMER10"))
    assert not same_sale(stored, report(coupon="OTHER10"))
