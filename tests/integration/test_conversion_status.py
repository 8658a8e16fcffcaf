"""Operators' status changes (conversions.status_changes) and the portal's month queries (conversions.queries)."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.helpers.concurrency import all_at_once
from tests.helpers.programs import make_agent, make_link
from tests.helpers.tracking import click, postback
from waymark.conversions.queries import BadQuery, commission_totals, conversions_of_agent, conversions_of_program
from waymark.conversions.status_changes import ConversionNotFound, TransitionRefused, change_status
from waymark.models import Conversion

CONVERSION = "shop-backend:A-1"


@pytest.fixture
def recorded(runtime, merchant):
    answer = postback(
        runtime,
        {
            "token": merchant.token,
            "order_id": "A-1",
            "amount": "100.00",
            "currency": "EUR",
            "click_id": click(runtime, merchant.link.code),
        },
    )
    assert answer.json["status"] == "pending"
    return merchant


def test_approve_then_reverse_keeps_who_when_and_why(recorded):
    at = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    approved = change_status(CONVERSION, "approved", by="ops@example.com", note="service delivered", now=at)
    assert approved.status == "approved" and approved.updated_at == "2026-07-01T09:30:00.000+00:00"
    reversed_ = change_status(CONVERSION, "reversed", by="ops2@example.com", reason="cancelled", note="refund #9")
    stored = Conversion.get(CONVERSION)
    assert stored.status == "reversed" and stored.reason == "cancelled"
    assert [(h.by, h.from_status, h.to_status, h.reason, h.note) for h in stored.history] == [
        ("postback:shop-backend", None, "pending", None, None),
        ("ops@example.com", "pending", "approved", None, "service delivered"),
        ("ops2@example.com", "approved", "reversed", "cancelled", "refund #9"),
    ]
    assert reversed_.history[-1].to_status == "reversed"


def test_reject_a_pending_conversion_with_a_reason(recorded):
    change_status(CONVERSION, "rejected", by="ops@example.com", reason="duplicate", note="same as A-0")
    stored = Conversion.get(CONVERSION)
    assert (stored.status, stored.reason) == ("rejected", "duplicate")


@pytest.mark.parametrize(
    ("first", "then", "reason"),
    [
        (None, "reversed", "cancelled"),  # pending cannot be reversed
        ("approved", "rejected", "fraud"),  # approved money is reversed, not rejected
        ("approved", "pending", None),
        (None, "rejected", None),  # a rejection needs a reason
        (None, "rejected", "not-a-reason"),
        (None, "paid", None),
    ],
)
def test_refused_transitions_change_nothing(recorded, first, then, reason):
    if first:
        change_status(CONVERSION, first, by="ops@example.com")
    before = Conversion.get(CONVERSION).serialize()
    with pytest.raises(TransitionRefused):
        change_status(CONVERSION, then, by="ops@example.com", reason=reason)
    assert Conversion.get(CONVERSION).serialize() == before


def test_a_rejected_conversion_stays_rejected_unless_a_note_says_why_it_is_undone(recorded):
    change_status(CONVERSION, "rejected", by="ops@example.com", reason="fraud")
    for target in ("approved", "pending", "reversed"):
        with pytest.raises(TransitionRefused):
            change_status(CONVERSION, target, by="ops@example.com", reason="other")
    assert Conversion.get(CONVERSION).status == "rejected"
    with pytest.raises(TransitionRefused, match="can become pending, approved, not reversed"):
        change_status(CONVERSION, "reversed", by="ops@example.com", reason="other", note="a note")
    undone = change_status(CONVERSION, "pending", by="ops@example.com", note="the customer paid after all")
    assert undone.status == "pending" and undone.reason is None


def test_unknown_conversions_and_anonymous_changes_are_refused(recorded):
    with pytest.raises(ConversionNotFound):
        change_status("shop-backend:nope", "approved", by="ops@example.com")
    with pytest.raises(TransitionRefused):
        change_status(CONVERSION, "approved", by="")


def test_two_operators_at_once_cannot_both_change_it(recorded, monkeypatch):
    """The update is conditional on the status read: the second operator, who read "pending"
    before the first one's change landed, is refused instead of overwriting it."""
    from waymark.conversions import status_changes

    original_get = Conversion.get
    stale = original_get(CONVERSION)
    change_status(CONVERSION, "approved", by="first@example.com")
    monkeypatch.setattr(status_changes.Conversion, "get", classmethod(lambda cls, *a, **k: stale))
    with pytest.raises(TransitionRefused, match="no longer pending"):
        change_status(CONVERSION, "rejected", by="second@example.com", reason="fraud")
    monkeypatch.undo()
    stored = original_get(CONVERSION)
    assert stored.status == "approved" and len(stored.history) == 2


def test_month_queries_page_without_scanning(runtime, merchant, aws_requests):
    other = make_agent(merchant.program, email="other@example.com")
    other_link = make_link(other, merchant.program)
    for n in range(5):
        postback(
            runtime,
            {
                "token": merchant.token,
                "order_id": f"M-{n}",
                "amount": "10.00",
                "currency": "EUR",
                "channel": "phone" if n % 2 else "web",
                "click_id": click(runtime, (merchant.link if n < 4 else other_link).code),
            },
        )
    month = datetime.now(UTC).strftime("%Y-%m")
    aws_requests.calls.clear()
    first = conversions_of_agent(merchant.agent.agent_id, month, limit=3)
    assert len(first.conversions) == 3 and first.cursor
    second = conversions_of_agent(merchant.agent.agent_id, month, limit=3, cursor=first.cursor)
    ids = [c.order_id for c in first.conversions + second.conversions]
    assert ids == ["M-3", "M-2", "M-1", "M-0"] and second.cursor is None  # newest first, each once
    assert conversions_of_agent(merchant.agent.agent_id, "2001-01").conversions == []

    everyone = conversions_of_program("shop", month)
    assert len(everyone.conversions) == 5
    phone = conversions_of_program("shop", month, channel="phone", agent_id=merchant.agent.agent_id)
    assert sorted(c.order_id for c in phone.conversions) == ["M-1", "M-3"]
    assert conversions_of_program("shop", month, status="approved").conversions == []
    assert "Scan" not in aws_requests.calls and set(aws_requests.calls) == {"Query"}

    with pytest.raises(BadQuery):  # another partner's cursor is not accepted here
        conversions_of_agent(other.agent_id, month, cursor=first.cursor)
    for bad in ("2026-13", "2026", "../x"):
        with pytest.raises(BadQuery):
            conversions_of_agent(merchant.agent.agent_id, bad)


def test_partners_see_pending_and_approved_commission_separately(runtime, merchant):
    for n in range(3):
        postback(
            runtime,
            {
                "token": merchant.token,
                "order_id": f"T-{n}",
                "amount": "100.00",
                "currency": "EUR",
                "click_id": click(runtime, merchant.link.code),
            },
        )
    change_status("shop-backend:T-0", "approved", by="ops@example.com")
    change_status("shop-backend:T-1", "rejected", by="ops@example.com", reason="fraud")
    month = datetime.now(UTC).strftime("%Y-%m")
    assert commission_totals(merchant.agent.agent_id, month) == {
        "pending": {"EUR": Decimal("10.00")},
        "approved": {"EUR": Decimal("10.00")},
    }


def test_concurrent_status_changes_on_moto_leave_one_winner(recorded):

    results: list = []

    def act(target: str, reason: str | None) -> None:
        try:
            results.append(change_status(CONVERSION, target, by=target, reason=reason).status)
        except TransitionRefused:
            results.append("refused")

    all_at_once(lambda: act("approved", None), lambda: act("rejected", "fraud"))
    stored = Conversion.get(CONVERSION)
    assert sorted(results).count("refused") == 1 and stored.status in results
    assert len(stored.history) == 2
