"""Paying partners through the JSON API: payment details (checked, masked, recorded), a run started,
its PayPal file, paid, the partner's balance and statement, a reversal taken back by the next run;
partners see only their own payouts. The clock is the pages' frozen one (tests.helpers.portal.frozen_now):
the local stack's functions take no injected clock, so this in-process test is the issue's end-to-end flow."""

import csv
import io
from datetime import timedelta

from tests.helpers.payouts import IBAN
from tests.helpers.portal import frozen_now
from tests.helpers.reporting import stored_sale
from waymark.models import ChangeRecord, Conversion, PaymentDetails
from waymark.programs.changes import decoded


def _changes(subject_prefix: str) -> list[ChangeRecord]:
    found = ChangeRecord.query("PROGRAM#demo", ChangeRecord.sk.startswith("CHANGE#"))
    return [c for c in found if c.subject.startswith(subject_prefix)]


def test_payment_details_are_checked_stored_masked_and_recorded(world, api_a, api_b):
    refused = api_a.request(
        "PUT",
        "/api/payment-details",
        json={"method": "bank", "account": "DE89 3704 0044 0532 0130 01", "bic": "COBADEFF", "account_holder": "Alpha"},
    )
    assert refused.status == 422 and "check digits do not match" in refused.body
    assert PaymentDetails.count() == 0 and not _changes("payment_details")

    saved = api_a.request(
        "PUT",
        "/api/payment-details",
        json={"method": "bank", "account": IBAN, "bic": "cobadeff", "account_holder": "Alpha Blog"},
    )
    assert saved.status == 200, saved.body
    assert (saved.json["account"], saved.json["bic"]) == ("DE** **** 3000", "COBADEFF")
    assert IBAN not in saved.body and IBAN not in api_a.get("/api/payouts").body
    (record,) = _changes("payment_details")
    assert (record.by, decoded(record.after)["account"]) == ("a@example.com", "DE** **** 3000")
    assert IBAN not in (record.after or "")
    assert api_b.get("/api/payment-details").status == 404  # B has none; A's are A's


def test_a_run_over_the_api_from_approval_to_a_paid_zero_balance_and_a_clawback(world, api_a, api_b, api_admin):
    with frozen_now() as now:
        sale_day = now - timedelta(days=40)
        api_a.request("PUT", "/api/payment-details", json={"method": "paypal", "account": "Alpha@Example.com"})
        sale = stored_sale("demo", world.a.agent_id, "p1", commission="60.00", status="approved", at=sale_day)
        stored_sale("demo", world.b.agent_id, "p2", commission="70.00", status="approved", at=sale_day)  # no details
        terms = api_admin.request(
            "PUT",
            "/api/admin/payout-terms",
            json={
                "hold_days": 30,
                "minimum": "50",
                "details_change_days": 0,
                "merchant": {"name": "Demo Tours GmbH", "address": "Hauptstr. 1, Berlin"},
            },
        )
        assert terms.status == 200, terms.body

        started = api_admin.post("/api/admin/payouts", json={"cutoff": now.date().isoformat()})
        assert started.status == 201, started.body
        run = started.json
        assert [(line["agent_id"], line["amount"], line["account"]) for line in run["lines"]] == [
            (world.a.agent_id, "60.00", "a***@example.com")
        ]
        assert run["skipped"] == [f"{world.b.agent_id}: no payment details"]
        payout_id = run["payout_id"]

        paypal = api_admin.post(f"/api/admin/payouts/{payout_id}/paypal.csv")
        assert paypal.status == 200 and paypal.headers["Content-Type"].startswith("text/csv")
        assert list(csv.reader(io.StringIO(paypal.body))) == [
            [
                "alpha@example.com",
                "60.00",
                "EUR",
                f"{payout_id}-{world.a.agent_id}",
                f"Demo Tours: commission {payout_id}",
                "PAYPAL",
            ]
        ]
        assert sorted(c.action for c in _changes(f"payout:{payout_id}")) == ["create", "download"]  # one frozen moment

        assert api_b.get(f"/api/payouts/{payout_id}").status == 404  # not B's payout
        assert api_a.get("/api/payouts").json["balances"][0]["in_payout"] == "60.00"

        paid = api_admin.post(f"/api/admin/payouts/{payout_id}/paid", json={"agent_id": world.a.agent_id})
        assert (paid.status, paid.json["status"]) == (200, "paid")
        assert api_admin.post(f"/api/admin/payouts/{payout_id}/paid", json={}).status == 409

        mine = api_a.get("/api/payouts").json
        assert (mine["balances"][0]["paid"], mine["balances"][0]["balance"]) == ("60.00", "0.00")
        assert mine["payouts"][0]["status"] == "paid"
        statement = api_a.get(f"/api/payouts/{payout_id}").json
        assert statement["merchant"] == {
            "name": "Demo Tours GmbH",
            "address": "Hauptstr. 1, Berlin",
            "vat_id": None,
            "email": None,
        }
        assert statement["payout"]["conversions"][0]["conversion_id"] == sale.conversion_id

        sale.update(actions=[Conversion.status.set("reversed")])
        assert api_a.get("/api/payouts").json["balances"][0]["balance"] == "-60.00"

        stored_sale("demo", world.a.agent_id, "p3", commission="150.00", status="approved", at=sale_day)
        next_run = api_admin.post("/api/admin/payouts", json={"cutoff": now.date().isoformat()}).json
        (line,) = next_run["lines"]
        assert (line["agent_id"], line["amount"]) == (world.a.agent_id, "90.00")  # 150 earned less the 60 taken back
        assert sorted(c["amount"] for c in line["conversions"]) == ["-60.00", "150.00"]


def test_bad_payout_requests_get_a_4xx_that_says_what_is_allowed(world, api_admin):
    with frozen_now() as now:
        future = api_admin.post("/api/admin/payouts", json={"cutoff": (now.date() + timedelta(days=1)).isoformat()})
        assert future.status == 400 and "at most today" in future.body
        assert api_admin.get("/api/admin/payouts/20260101000000-abcdef").status == 404
        assert api_admin.post("/api/admin/payouts", json={"cutoff": "yesterday"}).status == 422
        assert (
            api_admin.request(
                "PUT", "/api/admin/payout-terms", json={"hold_days": -1, "minimum": "1", "details_change_days": 1}
            ).status
            == 422
        )
