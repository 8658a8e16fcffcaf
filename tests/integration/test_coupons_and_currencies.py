"""Coupon codes and sales in other currencies, through the postback function and the pixel."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import boto3

from tests.helpers.programs import make_agent
from tests.helpers.reporting import T0, stored_sale
from tests.helpers.tracking import assert_gif, click, pixel, postback
from waymark.conversions import coupons
from waymark.models import Conversion, ExchangeRates
from waymark.programs import settings
from waymark.reporting import exports

OPERATOR = "operator@example.com"


def sale(merchant, **fields) -> dict:
    return {"token": merchant.token, "order_id": "A-1", "amount": "200.00", "currency": "EUR", **fields}


def stored(order_id: str = "A-1") -> Conversion | None:
    try:
        return Conversion.get(f"shop-backend:{order_id}")
    except Conversion.DoesNotExist:
        return None


def coupon_partner(merchant, code: str = "summer10"):
    partner = make_agent(merchant.program, email="coupons@example.com")
    coupons.create_coupon(merchant.program.program_id, code, agent_id=partner.agent_id, by=OPERATOR)
    return partner


def precedence(merchant, chosen: str) -> None:
    settings.update_program(merchant.program.program_id, {"coupon_precedence": chosen}, by=OPERATOR)


def test_a_coupon_credits_its_partner_as_a_coupon_sale(runtime, merchant):
    partner = coupon_partner(merchant)
    answer = postback(runtime, sale(merchant, coupon="Summer10"))
    assert answer.status == 200, answer.body
    assert (answer.json["agent"], answer.json["channel"], answer.json["coupon"]) == (
        partner.agent_id,
        "coupon",
        "SUMMER10",
    )
    conversion = stored()
    assert (conversion.attributed_by, conversion.commission) == ("coupon", Decimal("20.00"))
    # The same postback again is the same sale, not a conflict.
    assert postback(runtime, sale(merchant, coupon="SUMMER10")).status == 200


def test_with_a_live_click_the_program_chooses_who_wins(runtime, merchant):
    partner = coupon_partner(merchant)
    clicked = click(runtime, merchant.link.code)
    answer = postback(runtime, sale(merchant, click_id=clicked, coupon="SUMMER10"))
    assert (answer.json["agent"], answer.json["channel"]) == (merchant.agent.agent_id, "web")  # click_wins
    precedence(merchant, "coupon_wins")
    answer = postback(runtime, sale(merchant, order_id="A-2", click_id=clicked, coupon="SUMMER10"))
    assert (answer.json["agent"], answer.json["channel"]) == (partner.agent_id, "coupon")
    assert stored("A-2").click_id is None  # the other partner's click is not on the coupon's sale


def test_a_paused_or_unknown_code_credits_nobody_and_the_sale_is_still_recorded(runtime, merchant):
    coupon_partner(merchant)
    coupons.update_coupon("shop", "summer10", {"status": "paused"}, by=OPERATOR)
    answer = postback(runtime, sale(merchant, coupon="SUMMER10"))
    assert (answer.status, answer.json["status"], answer.json["reason"]) == (200, "rejected", "no_attribution")
    answer = postback(runtime, sale(merchant, order_id="A-2", coupon="NOSUCHCODE"))
    assert (answer.json["agent"], answer.json["coupon"]) == (None, "NOSUCHCODE")
    bad = postback(runtime, sale(merchant, order_id="A-3", coupon="50% off"))
    assert (bad.status, bad.json["fields"][0]["field"]) == (400, "coupon")
    assert stored("A-3") is None


def test_an_advertiser_cannot_send_the_coupon_channel_and_is_told_which_it_may(runtime, merchant):
    answer = postback(runtime, sale(merchant, order_id="A-4", channel="coupon"))
    assert (answer.status, answer.json["fields"][0]["field"]) == (400, "channel")
    assert answer.json["fields"][0]["message"] == "web, chat, phone, concierge, inside_sales or remarketing"
    assert stored("A-4") is None


def test_the_pixel_ignores_a_coupon(runtime, merchant):
    coupon_partner(merchant)
    precedence(merchant, "coupon_wins")
    clicked = click(runtime, merchant.link.code)
    assert_gif(
        pixel(
            runtime,
            {
                "advertiser": "shop-backend",
                "order_id": "P-1",
                "amount": "50.00",
                "currency": "EUR",
                "click_id": clicked,
                "coupon": "SUMMER10",
            },
        )
    )
    conversion = stored("P-1")
    assert (conversion.agent_id, conversion.channel, conversion.coupon) == (merchant.agent.agent_id, "web", None)
    # Without a live click the code credits nobody: nothing is written.
    assert_gif(
        pixel(
            runtime,
            {
                "advertiser": "shop-backend",
                "order_id": "P-2",
                "amount": "50.00",
                "currency": "EUR",
                "coupon": "SUMMER10",
            },
        )
    )
    assert stored("P-2") is None


def rates(day: str, source: str = "ecb", **given: str) -> None:
    ExchangeRates(
        *ExchangeRates.key(day, source), day=day, source=source, rates=given, updated_at=f"{day}T16:00:00Z"
    ).save()


def test_a_sale_in_dollars_converts_at_the_days_rate_into_the_programs_euros(runtime, merchant):
    today = datetime.now(UTC).date().isoformat()
    rates(today, USD="1.25")
    clicked = click(runtime, merchant.link.code)
    items = '[{"product": "tour", "quantity": 2, "price": "125.00"}]'
    answer = postback(runtime, sale(merchant, click_id=clicked, amount="250.00", currency="usd", items=items))
    assert answer.status == 200, answer.body
    assert (answer.json["amount"], answer.json["currency"], answer.json["commission"]) == ("200.00", "EUR", "20.00")
    assert (answer.json["original_amount"], answer.json["original_currency"]) == ("250.00", "USD")
    conversion = stored()
    assert (conversion.exchange_rate, conversion.rate_date, conversion.rate_source) == (Decimal("0.8"), today, "ecb")
    assert conversion.items[0].price == Decimal("100.00")
    # A repeat on the same terms is the same sale.
    again = postback(runtime, sale(merchant, click_id=clicked, amount="250.00", currency="USD", items=items))
    assert (again.status, again.json["amount"]) == (200, "200.00")


def test_a_currency_without_a_rate_is_refused_naming_it_and_writes_nothing(runtime, merchant):
    answer = postback(runtime, sale(merchant, amount="250.00", currency="CHF"))
    assert answer.status == 400
    assert answer.json["fields"] == ["currency"]
    assert "no exchange rate from CHF to EUR" in answer.json["message"]
    assert stored() is None


def test_a_statement_shows_coupon_sales_and_converted_sales_apart(aws, merchant):
    month = T0.strftime("%Y-%m")
    stored_sale("shop", merchant.agent.agent_id, "c1", channel="coupon", coupon="SUMMER10")
    stored_sale("shop", merchant.agent.agent_id, "u1", original_amount=Decimal("125.00"), original_currency="USD")
    exported = exports.export_statement(merchant.program, merchant.agent, month)
    body = boto3.client("s3").get_object(Bucket=exports.bucket(), Key=exported.key)["Body"].read()
    rows = {row["order_id"]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))}
    assert (rows["c1"]["channel"], rows["c1"]["coupon"]) == ("coupon", "SUMMER10")
    assert (rows["u1"]["amount"], rows["u1"]["original_amount"], rows["u1"]["original_currency"]) == (
        "100.00",
        "125.00",
        "USD",
    )
