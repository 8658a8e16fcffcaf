"""Correcting conversions in the console and its JSON API: the decision form chooses nothing for the
operator, undoing a rejection or a reversal, a page decided at once, offline sales, reassignment (with
the report counters following), the partner-name filter and inside sales. Each test gets its own world."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, quote, urlsplit

from devstack.pumps import StreamPump
from tests.helpers.portal import MONTH
from tests.helpers.programs import make_advertiser
from tests.helpers.reporting import counter_items, stored_click, stored_sale
from tests.helpers.tracking import postback
from waymark.conversions import status_changes
from waymark.models import ChangeRecord, Conversion, Session
from waymark.programs import changes


def drain(world) -> None:
    StreamPump(world.stack, world.runtime).drain()


def path_of(conversion_id: str) -> str:
    return f"/api/admin/conversions/{quote(conversion_id, safe='')}"


def page_of(conversion_id: str) -> str:
    return f"/admin/conversions/{quote(conversion_id, safe='')}"


def partner_month(world, agent_id: str, month: str = MONTH) -> dict:
    return counter_items().get((f"PROGRAM#{world.program.program_id}#MONTH#{month}", f"AGENT#{agent_id}"), {})


def partner_months(world, agent_id: str) -> dict:
    """A partner's figures summed over every month (the pages' clock and the postback's may differ)."""
    totals: dict = {}
    for (pk, sk), values in counter_items().items():
        if pk.startswith(f"PROGRAM#{world.program.program_id}#MONTH#") and sk == f"AGENT#{agent_id}":
            for name, value in values.items():
                totals[name] = totals.get(name, 0) + value
    return totals


def conversion_changes(world) -> list[ChangeRecord]:
    return [c for c in changes.changes_of(world.program.program_id).changes if c.subject.startswith("conversion:")]


def all_conversions() -> dict[str, Conversion]:
    return {c.conversion_id: c for c in Conversion.scan()}  # tests only


# ------------------------------------------------------------------------------------------ decision form


def test_the_decision_form_chooses_no_action_for_the_operator(activity, as_admin):
    page = as_admin.get(page_of(activity.a_sale))
    radios = re.findall(r'<input type="radio" name="status"[^>]*>', page.body)
    assert len(radios) == 2  # approve, reject
    assert all(" checked" not in radio and " required" in radio for radio in radios)
    # Sent without a choice, nothing changes.
    answer = as_admin.post(f"{page_of(activity.a_sale)}/status", form={"csrf_token": page.csrf()})
    assert answer.status == 400 and Conversion.get(activity.a_sale).status == "pending"


# ------------------------------------------------------------------------------------------ undo


def test_a_rejection_and_a_reversal_are_undone_with_a_note_and_the_history_keeps_both(activity, api_admin, as_admin):
    path = path_of(activity.b_sale)
    assert api_admin.post(f"{path}/status", json={"status": "rejected", "reason": "bot"}).status == 200
    # Undoing says why.
    refused = api_admin.post(f"{path}/status", json={"status": "pending"})
    assert refused.status == 400 and "write a note" in refused.json["message"]
    assert Conversion.get(activity.b_sale).status == "rejected"
    undone = api_admin.post(f"{path}/status", json={"status": "pending", "note": "a real guest, phoned in"})
    assert undone.status == 200 and undone.json["status"] == "pending" and undone.json["reason"] is None
    steps = [
        (h["from_status"], h["to_status"], h.get("note")) for h in undone.json["history"]
    ]  # stored_sale writes no first entry
    assert steps == [("pending", "rejected", None), ("rejected", "pending", "a real guest, phoned in")]
    assert undone.json["commission"] == "8.00"
    undo_record = conversion_changes(activity)[0]
    assert undo_record.action == "undo" and undo_record.by == "ops@example.com"
    assert changes.decoded(undo_record.before)["status"] == "rejected"

    # approved → reversed → approved, on the page.
    assert api_admin.post(f"{path}/status", json={"status": "approved"}).status == 200
    assert api_admin.post(f"{path}/status", json={"status": "reversed", "reason": "cancelled"}).status == 200
    page = as_admin.get(page_of(activity.b_sale))
    assert "Approve (undo the reversed decision)" in page.body
    no_note = as_admin.post(
        f"{page_of(activity.b_sale)}/status", form={"csrf_token": page.csrf(), "status": "approved"}
    )
    assert no_note.status == 400 and "write a note" in no_note.body
    done = as_admin.post(
        f"{page_of(activity.b_sale)}/status",
        form={"csrf_token": page.csrf(), "status": "approved", "note": "refund was cancelled"},
    )
    assert done.status == 303 and Conversion.get(activity.b_sale).status == "approved"
    # A reversal is undone to approved only.
    assert api_admin.post(f"{path}/status", json={"status": "reversed", "reason": "cancelled"}).status == 200
    assert api_admin.post(f"{path}/status", json={"status": "pending", "note": "x"}).status == 409


def test_an_undo_is_conditional_on_the_status_read(activity, api_admin, monkeypatch):
    path = path_of(activity.a_sale)
    api_admin.post(f"{path}/status", json={"status": "rejected", "reason": "fraud"})
    seen = Conversion.get(activity.a_sale, consistent_read=True)  # what this operator's request read
    # Another operator undoes it first.
    assert api_admin.post(f"{path}/status", json={"status": "approved", "note": "real"}).status == 200
    real_load = status_changes.load
    reads = iter([seen])
    monkeypatch.setattr(status_changes, "load", lambda cid: next(reads, None) or real_load(cid))
    late = api_admin.post(f"{path}/status", json={"status": "pending", "note": "also real"})
    assert late.status == 409 and "no longer rejected" in late.json["message"]
    stored = Conversion.get(activity.a_sale)
    assert stored.status == "approved" and [h.to_status for h in stored.history][-1] == "approved"


def test_undoing_a_rejection_made_at_recording_prices_the_sale(activity, api_admin):
    bot = stored_sale(
        activity.program.program_id, activity.a.agent_id, "o-bot", amount="300.00", commission="0", status="rejected"
    )
    undone = api_admin.post(
        f"{path_of(bot.conversion_id)}/status", json={"status": "approved", "note": "the click was a real browser"}
    )
    assert undone.status == 200 and undone.json["commission"] == "30.00" and undone.json["commission_rule"]


# ------------------------------------------------------------------------------------------ a page at once


def test_a_filtered_page_is_decided_at_once_and_sales_changed_meanwhile_are_skipped(activity, as_admin, api_admin):
    listing = as_admin.get("/admin/conversions", query={"month": MONTH, "status": "pending"})
    assert "Decide this page (2 pending conversions)" in listing.body
    ids = re.search(r'name="conversion_ids" value="([^"]+)"', listing.body).group(1)
    # Someone approves B's sale after the page was shown.
    api_admin.post(f"{path_of(activity.b_sale)}/status", json={"status": "approved"})
    form = {"csrf_token": listing.csrf(), "conversion_ids": ids.replace("&#34;", '"'), "from_status": "pending"}
    refused = as_admin.post("/admin/conversions/decisions", form={**form, "status": "rejected"})
    assert refused.status == 400 and "choose a reason" in refused.body
    assert Conversion.get(activity.a_sale).status == "pending"
    done = as_admin.post("/admin/conversions/decisions", form={**form, "status": "rejected", "reason": "duplicate"})
    assert done.status == 200 and 'data-figure="changed">1<' in done.body and "no longer pending" in done.body
    assert Conversion.get(activity.a_sale).status == "rejected" and Conversion.get(activity.b_sale).status == "approved"

    answer = api_admin.post(
        "/api/admin/conversions/decisions",
        json={
            "from_status": "rejected",
            "status": "pending",
            "note": "wrong batch",
            "conversion_ids": [activity.a_sale, activity.b_sale, "shop-booking:nope"],
        },
    )
    assert answer.status == 200 and answer.json["changed"] == 1 and answer.json["changed_ids"] == [activity.a_sale]
    assert {s["conversion_id"] for s in answer.json["skipped"]} == {activity.b_sale, "shop-booking:nope"}
    bad = api_admin.post("/api/admin/conversions/decisions", json={"from_status": "pending", "status": "approved"})
    assert bad.status == 422
    too_many = {"from_status": "pending", "status": "approved", "conversion_ids": [f"x:{i}" for i in range(101)]}
    assert api_admin.post("/api/admin/conversions/decisions", json=too_many).status == 422


# ------------------------------------------------------------------------------------------ offline sales


def test_an_offline_sale_is_recorded_once_by_partner_code_or_reference_code(activity, api_admin, api_a):
    world = activity
    make_advertiser(world.program, "shop-backend")
    sale = {
        "advertiser_id": "shop-backend",
        "order_id": "PHONE-1",
        "amount": "120.00",
        "currency": "EUR",
        "channel": "phone",
        "agent": world.b.agent_id,
    }
    assert api_a.post("/api/admin/conversions", json=sale).status == 403  # partners are refused
    recorded = api_admin.post("/api/admin/conversions", json=sale)
    assert recorded.status == 200 and recorded.json["repeat"] is False
    conversion = recorded.json["conversion"]
    assert conversion["agent_id"] == world.b.agent_id and conversion["channel"] == "phone"
    assert conversion["status"] == "pending" and conversion["commission"] == "12.00"
    assert conversion["history"][0]["by"] == "console:ops@example.com"
    stored = Conversion.get(conversion["conversion_id"])
    assert stored.reported_by == "console" and stored.attributed_by == "agent"
    entry = conversion_changes(world)[0]
    assert entry.action == "record" and entry.by == "ops@example.com"

    again = api_admin.post("/api/admin/conversions", json=sale)
    assert again.status == 200 and again.json["repeat"] is True
    assert again.json["conversion"]["created_at"] == conversion["created_at"]
    assert len(conversion_changes(world)) == 1
    conflicting = api_admin.post("/api/admin/conversions", json={**sale, "amount": "99.00"})
    assert conflicting.status == 409 and "recorded before" in conflicting.json["message"]

    click = stored_click(world.program.program_id, world.a.agent_id, world.a_link.code)
    by_ref = api_admin.post(
        "/api/admin/conversions",
        json={**sale, "order_id": "CHAT-1", "channel": "chat", "agent": None, "ref": f" {click.ref_code.lower()} "},
    )
    assert by_ref.status == 200 and by_ref.json["conversion"]["agent_id"] == world.a.agent_id
    assert by_ref.json["conversion"]["attributed_by"] == "ref"


def test_bad_offline_sales_are_refused_and_change_nothing(activity, api_admin, as_admin):
    world = activity
    make_advertiser(world.program, "shop-backend")
    good = {
        "advertiser_id": "shop-backend",
        "order_id": "PHONE-2",
        "amount": "10.00",
        "currency": "EUR",
        "channel": "concierge",
        "agent": world.b.agent_id,
    }
    before = all_conversions()
    for change, status in (
        ({"amount": "-5"}, 422),
        ({"amount": 10.5}, 422),
        ({"channel": "web"}, 422),
        ({"agent": None}, 422),
        ({"ref": "not-a-code", "agent": None}, 422),
        ({"order_id": "has space"}, 422),
        ({"surprise": 1}, 422),
        ({"advertiser_id": "nobody"}, 400),
        ({"currency": "USD"}, 400),
    ):
        answer = api_admin.post("/api/admin/conversions", json={**good, **change})
        assert answer.status == status, (change, answer.body)
    assert all_conversions().keys() == before.keys()

    page = as_admin.get("/admin/conversions/new")
    assert page.status == 200 and "shop-backend" in page.body and 'value="EUR"' in page.body
    form = {"csrf_token": page.csrf(), **{k: v for k, v in good.items() if v}, "status": "pending"}
    bad = as_admin.post("/admin/conversions/new", form={**form, "amount": "ten"})
    assert bad.status == 400 and "decimal" in bad.body and all_conversions().keys() == before.keys()
    done = as_admin.post("/admin/conversions/new", form=form)
    assert done.status == 303 and done.location.endswith("?done=recorded")
    assert "The sale is recorded" in as_admin.get(done.location).body


# ------------------------------------------------------------------------------------------ reassignment


def test_reassigning_moves_the_sale_between_partners_figures(activity, api_admin, api_a, as_admin):
    world = activity
    a, b = world.a.agent_id, world.b.agent_id
    unattributed = Conversion.make_id("shop-booking", "o-x1")
    assert partner_month(world, a)["sales_pending"] == Decimal("200.00")

    assert api_a.post(f"{path_of(unattributed)}/reassign", json={"agent_id": a, "note": "mine"}).status == 403
    no_note = api_admin.post(f"{path_of(unattributed)}/reassign", json={"agent_id": a})
    assert no_note.status == 422
    for agent_id in (world.suspended.agent_id, "nobody1"):
        refused = api_admin.post(f"{path_of(unattributed)}/reassign", json={"agent_id": agent_id, "note": "n"})
        assert refused.status == 400 and "active partner" in refused.json["message"]

    # An unattributed sale (rejected: no attribution) earns again, priced with A's rules.
    credited = api_admin.post(
        f"{path_of(unattributed)}/reassign", json={"agent_id": a, "note": "the guest named Alpha Blog"}
    )
    assert credited.status == 200, credited.body
    assert credited.json["agent_id"] == a and credited.json["status"] == "pending"
    assert credited.json["commission"] == "5.00" and credited.json["reason"] is None
    last = credited.json["history"][-1]
    assert (last["from_agent"], last["to_agent"], last["by"]) == ("", a, "ops@example.com")
    assert conversion_changes(world)[0].action == "reassign"

    # A's sale was B's: from the page.
    page = as_admin.get(page_of(world.a_sale))
    moved = as_admin.post(
        f"{page_of(world.a_sale)}/reassign",
        form={"csrf_token": page.csrf(), "agent_id": b, "note": "booked through the hotel desk"},
    )
    assert moved.status == 303 and moved.location.endswith("?done=reassigned")
    shown = as_admin.get(moved.location).body
    assert f"partner {a} → {b}" in shown
    stored = Conversion.get(world.a_sale)
    assert stored.agent_id == b and stored.commission == Decimal("20.00") and stored.link_code is None

    drain(world)
    assert partner_month(world, a)["sales_pending"] == Decimal("50.00")  # o-x1 only
    assert partner_month(world, a)["commission_pending"] == Decimal("5.00")
    assert partner_month(world, b)["sales_pending"] == Decimal("280.00")  # o-b1 + o-a1
    assert partner_month(world, b)["commission_pending"] == Decimal("28.00")
    program_month = counter_items()[(f"MONTH#{MONTH}", f"PROGRAM#{world.program.program_id}")]
    assert "conversions_rejected" not in program_month and program_month["sales_pending"] == Decimal("330.00")

    again = as_admin.post(
        f"{page_of(world.a_sale)}/reassign", form={"csrf_token": page.csrf(), "agent_id": b, "note": "again"}
    )
    assert again.status == 409 and "already" in again.body
    api_admin.post(f"{path_of(world.b_sale)}/status", json={"status": "rejected", "reason": "fraud"})
    fraud = api_admin.post(f"{path_of(world.b_sale)}/reassign", json={"agent_id": a, "note": "n"})
    assert fraud.status == 409 and "undo the decision first" in fraud.json["message"]


# ------------------------------------------------------------------------------------------ partner name


def test_conversions_are_filtered_by_partner_name(activity, api_admin, as_admin):
    def orders(name: str, **more) -> list[str]:
        found = api_admin.get("/api/admin/conversions", query={"month": MONTH, "partner_name": name, **more})
        assert found.status == 200, found.body
        return sorted(c["order_id"] for c in found.json["conversions"])

    assert orders("bravo") == ["o-b1"]
    assert orders("ALPHA blog") == ["o-a1"]
    assert orders("hotel", status="approved") == []
    assert orders("nobody") == []
    assert api_admin.get("/api/admin/conversions", query={"partner_name": "a", "cursor": "x"}).status == 400
    page = as_admin.get("/admin/conversions", query=f"month={MONTH}&status=&channel=&partner=&partner_name=bravo")
    assert page.status == 200 and "o-b1" in page.body and "o-a1" not in page.body
    assert 'value="bravo"' in page.body


# ------------------------------------------------------------------------------------------ inside sales


def test_an_inside_sale_is_the_concierges_but_the_operators_visit_is_not_its_traffic(activity, as_admin, as_b):
    world = activity
    b = world.b.agent_id
    before = partner_months(world, b)
    directory = as_admin.get("/admin/inside-sales", query="q=bravo")
    assert f'action="/admin/inside-sales/{b}/visit"' in directory.body
    assert as_b.post(f"/admin/inside-sales/{b}/visit", form={"csrf_token": directory.csrf()}).status == 403
    affiliate = as_admin.post(f"/admin/inside-sales/{world.a.agent_id}/visit", form={"csrf_token": directory.csrf()})
    assert affiliate.status == 409

    visit = as_admin.post(f"/admin/inside-sales/{b}/visit", form={"csrf_token": directory.csrf()})
    assert visit.status == 303 and visit.location.startswith("https://www.example.com/order?click_id=")
    click_id = parse_qs(urlsplit(visit.location).query)["click_id"][0]
    session = Session.get(*Session.key(click_id))
    assert session.agent_id == b and session.inside_sales_by == "ops@example.com"

    token = make_advertiser(world.program, "shop-backend")[1]
    sold = postback(
        world.runtime,
        {"token": token, "order_id": "IS-1", "amount": "60.00", "currency": "EUR", "click_id": click_id},
    )
    assert sold.status in (200, 201), sold.body
    assert sold.json["agent"] == b and sold.json["channel"] == "inside_sales"
    drain(world)
    after = partner_months(world, b)
    # The visit is not the concierge's traffic: neither a click nor a bot's.
    assert (after.get("clicks"), after.get("bot_clicks")) == (before.get("clicks"), before.get("bot_clicks"))
    assert after["sales_pending"] == before["sales_pending"] + Decimal("60.00")


def test_the_inside_sales_api_opens_the_order_page(activity, api_admin, api_b):
    b = activity.b.agent_id
    assert api_b.post(f"/api/admin/inside-sales/{b}/visits").status == 403
    opened = api_admin.post(f"/api/admin/inside-sales/{b}/visits")
    assert opened.status == 201 and opened.json["url"].endswith(f"click_id={opened.json['click_id']}")
    assert api_admin.post("/api/admin/inside-sales/nobody1/visits").status == 404
