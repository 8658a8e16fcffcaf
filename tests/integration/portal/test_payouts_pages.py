"""Paying partners on the pages: the partner's payment details form, balance and statement; the console's
terms, a run started, its PayPal file downloaded and its lines marked paid."""

import csv
import io
import re
from datetime import timedelta

from tests.helpers.portal import frozen_now
from tests.helpers.reporting import stored_sale
from waymark.models import PaymentDetails


def test_a_partner_enters_payment_details_and_a_mistyped_iban_is_refused_saying_why(world, as_a):
    refused = as_a.submit(
        "/portal/payouts",
        "/portal/payouts/details",
        {"method": "bank", "account": "DE89 3704 0044 0532 0130 01", "bic": "COBADEFF", "account_holder": "Alpha"},
    )
    assert refused.status == 400 and "check digits do not match" in refused.body
    assert PaymentDetails.count() == 0

    saved = as_a.submit(
        "/portal/payouts", "/portal/payouts/details", {"method": "paypal", "account": "alpha@example.com"}
    )
    assert (saved.status, saved.location) == (303, "/portal/payouts?saved=1")
    page = as_a.get(saved.location).body
    assert "a***@example.com" in page and "alpha@example.com" not in page


def test_the_console_pays_a_run_and_the_partner_prints_its_statement(world, as_a, as_admin):
    with frozen_now() as now:
        as_a.submit("/portal/payouts", "/portal/payouts/details", {"method": "paypal", "account": "alpha@example.com"})
        stored_sale("demo", world.a.agent_id, "g1", commission="55.00", status="approved", at=now - timedelta(days=31))
        terms = {"hold_days": "30", "minimum": "50", "details_change_days": "0", "merchant_name": "Demo Tours GmbH"}
        assert as_admin.submit("/admin/payouts", "/admin/payouts/terms", terms).status == 303

        started = as_admin.submit("/admin/payouts", "/admin/payouts", {"cutoff": now.date().isoformat()})
        assert started.status == 303
        run_page = as_admin.get(started.location)
        assert "55.00 EUR" in run_page.body and "a***@example.com" in run_page.body
        payout_id = re.search(r"/admin/payouts/([\w-]+)\?", started.location).group(1)

        token = run_page.csrf()
        download = as_admin.post(
            f"/admin/payouts/{payout_id}/file", form={"csrf_token": token, "kind": "paypal", "currency": "EUR"}
        )
        assert download.status == 200 and 'filename="paypal-' in download.headers["Content-Disposition"]
        assert next(csv.reader(io.StringIO(download.body)))[:3] == ["alpha@example.com", "55.00", "EUR"]

        paid = as_admin.post(f"/admin/payouts/{payout_id}/paid", form={"csrf_token": token})
        assert paid.status == 303
        assert as_admin.post(f"/admin/payouts/{payout_id}/cancel", form={"csrf_token": token}).status == 409

        statement = as_a.get(f"/portal/payouts/{payout_id}").body
        assert "Demo Tours GmbH" in statement and "55.00 EUR" in statement and "paid" in statement
        assert 'data-figure="balance-EUR">0.00<' in as_a.get("/portal/payouts").body
