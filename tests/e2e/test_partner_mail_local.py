"""Partner emails on the local stack, as `make dev` users meet them: an event on WaymarkEventBus
(what events-postbacks' publisher puts there when a sale is approved) becomes an email to the demo
partner at /_local/mail, through the rule, the queue poller and PartnerMailFunction. Reuses the
session's local stack."""

import html
import json
import secrets
import time

import pytest

from tests.helpers.local_stack import embedded_client, fetch

pytestmark = pytest.mark.e2e
MAIL_TIMEOUT = 30  # seconds: the queue poller runs every 0.2 s; this bound only matters on a loaded machine


def test_an_approved_sale_emails_the_partner_and_the_email_shows_locally(local_stack):
    gateway, demo = local_stack["gateway_url"], local_stack["demo"]
    order = f"E2E-MAIL-{secrets.token_hex(3)}"
    detail = {
        "program_id": demo["program_id"],
        "conversion_id": f"{demo['advertiser_id']}:{order}",
        "agent_id": demo["agent_id"],
        "status": "approved",
        "amount": "245.00",
        "commission": "24.50",
        "currency": "EUR",
        "channel": "web",
        "occurred_at": "2026-12-01T10:00:00.000+00:00",
    }
    answer = embedded_client(local_stack, "events").put_events(
        Entries=[
            {
                "Source": "waymark",
                "DetailType": "conversion.approved",
                "Detail": json.dumps(detail),
                "EventBusName": local_stack["resources"]["WaymarkEventBus"],
            }
        ]
    )
    assert answer["FailedEntryCount"] == 0

    deadline = time.monotonic() + MAIL_TIMEOUT
    while True:
        fetch(f"{gateway}/_local/drain", "POST")
        _, body = fetch(f"{gateway}/_local/mail")
        listing = html.unescape(body.decode())
        if "Conversion approved: 24.50 EUR commission" in listing:
            break
        if time.monotonic() > deadline:
            pytest.fail("no partner email at /_local/mail")
        time.sleep(0.3)
    assert demo["partner"]["email"] in listing
