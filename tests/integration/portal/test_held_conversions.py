"""Held conversions in the console and the portal: the rule and its evidence for operators, "under review"
for partners, held figures in their own column, and an operator's decision moving them."""

import pytest

from devstack.pumps import StreamPump
from tests.helpers.portal import MONTH, add_activity, figure, frozen_now
from tests.helpers.reporting import stored_sale
from waymark.models import Conversion

EVIDENCE = "12 s between click and sale, minimum 60 s"


@pytest.fixture
def held(world):
    with frozen_now():
        add_activity(world)
        sale = stored_sale(
            world.program.program_id, world.a.agent_id, "o-a2", amount="300.00", commission="30.00", status="held"
        )
        sale.update(actions=[Conversion.reason.set("too_fast"), Conversion.hold_evidence.set(EVIDENCE)])
        StreamPump(world.stack, world.runtime).drain()
        world.held_sale = sale.conversion_id
        yield world


def test_operators_see_the_rule_and_its_evidence(held, as_admin, api_admin):
    page = as_admin.get(f"/admin/conversions/{held.held_sale}")
    assert page.status == 200
    assert "Held because" in page.body and EVIDENCE in page.body and "too fast" in page.body
    assert "Approve" in page.body and "Reject" in page.body and "Reverse" not in page.body
    found = api_admin.get(f"/api/admin/conversions/{held.held_sale}").json
    assert (found["status"], found["reason"], found["evidence"]) == ("held", "too_fast", EVIDENCE)
    listing = as_admin.get("/admin/conversions", query={"month": MONTH, "status": "held"})
    assert "o-a2" in listing.body and "o-a1" not in listing.body


def test_partners_see_under_review_without_the_rule(held, as_a, api_a):
    page = as_a.get(f"/portal/reports/{MONTH}")
    assert page.status == 200
    assert "under review" in page.body and "too fast" not in page.body and EVIDENCE not in page.body
    assert figure(page.body, "commission_held") == "30.00 EUR"
    assert figure(page.body, "commission_pending") == "20.00 EUR"  # the held sale is not pending
    conversions = api_a.get(f"/api/reports/{MONTH}/conversions").json["conversions"]
    [listed] = [c for c in conversions if c["order_id"] == "o-a2"]
    assert (listed["status"], listed["reason"]) == ("held", None)
    assert "evidence" not in listed


def test_held_figures_stand_apart_and_a_decision_moves_them(held, as_a, api_admin):
    report = api_admin.get(f"/api/admin/reports/{MONTH}").json
    [row] = [p for p in report["partners"] if p["agent_id"] == held.a.agent_id]
    counters = row["counters"]
    assert (counters["conversions_held"], counters["commission_held"], counters["sales_held"]) == (1, "30.00", "300.00")
    assert (counters["conversions"], counters["commission_pending"]) == (1, "20.00")  # pending + approved only

    decided = api_admin.post(f"/api/admin/conversions/{held.held_sale}/status", json={"status": "approved"})
    assert decided.status == 200, decided.body
    StreamPump(held.stack, held.runtime).drain()
    with frozen_now():
        page = as_a.get(f"/portal/reports/{MONTH}")
    assert figure(page.body, "commission_held") == "0.00 EUR"
    assert figure(page.body, "commission_approved") == "30.00 EUR"
