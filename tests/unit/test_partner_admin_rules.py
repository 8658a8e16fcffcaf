"""Rules of partners added, declined and deleted by hand, and of personal data, without AWS."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from waymark.conversions.attribution import Reason, Report, attribute
from waymark.models import Agent
from waymark.partners.applicants import DELETABLE
from waymark.partners.management import PAST_TENSE, TRANSITIONS
from waymark.partners.vocabulary import PartnerStatus
from waymark.portal.admin.partner_schemas import CustomerErasure, PartnerCreate, clean_note
from waymark.web.errors import AccountNotActive


def test_deletable_applicants_are_exactly_those_no_transition_from_active_reaches():
    # Deleting is safe only for partners that never earned: no path from active may lead back into DELETABLE.
    reachable, frontier = set(), {PartnerStatus.ACTIVE}
    while frontier:
        status = frontier.pop()
        reachable.add(status)
        frontier |= {target for starts, target in TRANSITIONS.values() if status in starts} - reachable
    assert not reachable & set(DELETABLE)
    assert set(DELETABLE) == {PartnerStatus.PENDING, PartnerStatus.DECLINED}


def test_only_a_pending_applicant_is_declined_and_every_action_has_its_words():
    assert TRANSITIONS["decline"] == ((PartnerStatus.PENDING,), PartnerStatus.DECLINED)
    assert set(PAST_TENSE) == set(TRANSITIONS)


def test_a_declined_partner_earns_nothing_and_is_told_why_the_portal_refuses():
    agent = Agent("agent001", program_id="shop", name="P", email="p@example.com", created_at="2026-01-01")
    agent.set_status(PartnerStatus.DECLINED)
    report = Report(order_id="A-1", amount=Decimal("10"), currency="EUR", agent="agent001", channel="concierge")
    decided = attribute(report, program_id="shop", session=None, agent=agent, now=datetime(2026, 6, 1, tzinfo=UTC))
    assert (decided.status, decided.reason) == ("rejected", Reason.AGENT_SUSPENDED)
    assert "declined" in str(AccountNotActive(PartnerStatus.DECLINED))


def test_a_partner_by_hand_needs_an_email_only_with_a_login():
    agent = PartnerCreate(name="  Front desk  ", login=False, email="  ")
    assert (agent.name, agent.email, agent.partner_type) == ("Front desk", None, "affiliate")
    assert PartnerCreate(name="Desk", login=True, email="Desk@Example.COM").email == "desk@example.com"
    with pytest.raises(ValidationError, match="needs an email address"):
        PartnerCreate(name="Desk", login=True)
    with pytest.raises(ValidationError, match="login"):
        PartnerCreate(name="Desk")  # the operator must choose: silence never invites anyone
    with pytest.raises(ValidationError, match="website"):
        PartnerCreate(name="Desk", login=False, website="javascript:alert(1)")


def test_notes_and_erasure_requests_are_plain_and_bounded():
    assert clean_note("  late  ") == "late" and clean_note("") is None
    with pytest.raises(ValueError, match="longer than 500"):
        clean_note("x" * 501)
    with pytest.raises(ValueError, match="control characters"):
        clean_note("a\x00b")
    assert CustomerErasure(email=" Guest@Example.org ").email == "guest@example.org"
    with pytest.raises(ValidationError):
        CustomerErasure(email="nobody")
