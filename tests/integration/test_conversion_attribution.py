"""Who is credited, through the postback function: every channel, clickless sales, rejections, remarketing."""

import calendar
import time
from decimal import Decimal

import pytest

from tests.helpers.programs import make_agent, make_link
from tests.helpers.tracking import click, postback
from waymark.conversions.vocabulary import Channel
from waymark.core import cache, ids
from waymark.models import CommissionRule, Conversion, Customer, PostbackLogEntry, Session

LOG = PostbackLogEntry.Meta.table_name  # every answer but a new sale's adds its line there


def sale(merchant, **fields) -> dict:
    return {"token": merchant.token, "order_id": "A-1", "amount": "200.00", "currency": "EUR", **fields}


def stored(order_id: str = "A-1") -> Conversion:
    return Conversion.get(f"shop-backend:{order_id}")


@pytest.mark.parametrize("channel", [c for c in Channel if c != Channel.COUPON])  # coupon: Waymark sets it
def test_every_channel_is_credited_through_the_click_and_reported(runtime, merchant, channel):
    click_id = click(runtime, merchant.link.code)
    answer = postback(runtime, sale(merchant, click_id=click_id, channel=channel))
    assert answer.status == 200, answer.body
    assert (answer.json["agent"], answer.json["channel"], answer.json["status"]) == (
        merchant.agent.agent_id,
        channel,
        "pending",
    )
    assert stored().channel == channel and stored().attributed_by == "click"


def test_the_last_click_wins_and_the_click_id_decides(runtime, merchant):
    rival = make_agent(merchant.program, email="rival@example.com")
    rival_link = make_link(rival, merchant.program)
    first = click(runtime, merchant.link.code)
    last = click(runtime, rival_link.code)
    assert postback(runtime, sale(merchant, click_id=last)).json["agent"] == rival.agent_id
    assert postback(runtime, sale(merchant, order_id="A-2", click_id=first)).json["agent"] == merchant.agent.agent_id


def test_any_product_booked_counts(runtime, merchant):
    click_id = click(runtime, merchant.link.code)  # the link points at tour 1
    items = [{"product": "wine-tasting", "category": "food", "quantity": 3, "price": "64.50"}]
    answer = postback(runtime, sale(merchant, click_id=click_id, amount="193.50", items=items))
    assert answer.json["agent"] == merchant.agent.agent_id and answer.json["commission"] == "19.35"


def test_an_expired_click_is_recorded_rejected_for_operators(runtime, merchant):
    click_id = click(runtime, merchant.link.code)
    Session(*Session.key(click_id)).update(actions=[Session.expires_at.set(int(time.time()) - 60)])
    answer = postback(runtime, sale(merchant, click_id=click_id, status="approved"))
    assert answer.status == 200
    assert (answer.json["status"], answer.json["reason"], answer.json["commission"]) == ("rejected", "expired", "0")
    conversion = stored()
    assert conversion.agent_id == merchant.agent.agent_id  # operators and the partner see why
    assert conversion.history[0].reason == "expired" and conversion.commission_rule is None


@pytest.mark.parametrize("case", ["suspended", "unknown_click", "foreign_click"])
def test_clicks_that_earn_nothing_are_recorded_with_their_reason(runtime, merchant, case):
    click_id = click(runtime, merchant.link.code)
    fields = {"click_id": click_id}
    if case == "suspended":
        merchant.agent.set_status("suspended")
        merchant.agent.save()
        cache.clear_all()
    elif case == "unknown_click":
        fields["click_id"] = ids.new_click_id()
    else:
        from tests.helpers.programs import make_program

        other = make_program("other-program")
        other_agent = make_agent(other)
        fields["click_id"] = click(runtime, make_link(other_agent, other).code)
    answer = postback(runtime, sale(merchant, **fields))
    expected = {"suspended": "agent_suspended", "foreign_click": "unknown_click"}.get(case, case)
    assert (answer.status, answer.json["status"], answer.json["reason"]) == (200, "rejected", expected)
    assert stored().commission == Decimal(0)


@pytest.mark.parametrize("channel", ["concierge", "inside_sales"])
def test_concierge_and_inside_sales_credit_the_named_partner_without_a_click(runtime, merchant, channel):
    answer = postback(runtime, sale(merchant, agent=merchant.agent.agent_id, channel=channel))
    assert (answer.json["agent"], answer.json["status"], answer.json["commission"]) == (
        merchant.agent.agent_id,
        "pending",
        "20.00",
    )
    assert stored().attributed_by == "agent" and stored().click_id is None


def test_a_web_sale_naming_a_partner_without_a_click_earns_nothing(runtime, merchant):
    answer = postback(runtime, sale(merchant, agent=merchant.agent.agent_id))
    assert (answer.json["agent"], answer.json["reason"]) == (None, "no_attribution")
    unknown = postback(runtime, sale(merchant, order_id="A-2", agent="nobody99", channel="concierge"))
    assert unknown.json["reason"] == "unknown_agent"
    plain = postback(runtime, sale(merchant, order_id="A-3"))
    assert plain.json["reason"] == "no_attribution" and plain.json["agent"] is None


def _session_with_tail(merchant, agent_id: str, tail_of: str, age_ms: int) -> str:
    prefix = ids.new_click_id(int(time.time() * 1000) - age_ms)[:-8]
    click_id = prefix + tail_of[-8:]
    now = int(time.time())
    Session(
        *Session.key(click_id),
        agent_id=agent_id,
        link_code=agent_id,
        program_id=merchant.program.program_id,
        destination="https://www.example.com/",
        ip_hash="x",
        created_at="2026-01-01T00:00:00.000+00:00",
        expires_at=now + 86400,
        ttl=now + 86400 * 100,
    ).save()
    return click_id


@pytest.mark.parametrize("channel", ["phone", "chat"])
def test_a_quoted_reference_code_credits_the_newest_session_with_it(runtime, merchant, channel, aws_requests):
    rival = make_agent(merchant.program, email="rival@example.com")
    older = _session_with_tail(merchant, rival.agent_id, ids.new_click_id(), age_ms=3_600_000)
    newer = _session_with_tail(merchant, merchant.agent.agent_id, older, age_ms=1_000)
    code = ids.ref_code(newer)
    assert ids.ref_code(older) == code
    spoken = f"{code[:3].lower()} {code[3:]}"  # as the customer reads it out
    aws_requests.calls.clear()
    answer = postback(runtime, sale(merchant, ref=spoken, channel=channel))
    assert answer.json["agent"] == merchant.agent.agent_id, answer.body
    assert stored().click_id == newer and stored().attributed_by == "ref"
    assert "Query" in aws_requests.calls and "Scan" not in aws_requests.calls


def test_an_unknown_reference_code_is_recorded_as_unknown_click(runtime, merchant):
    answer = postback(runtime, sale(merchant, ref="ABCDEF", channel="phone"))
    assert (answer.json["status"], answer.json["reason"]) == ("rejected", "unknown_click")


@pytest.fixture
def kept_sessions(aws, monkeypatch, iam_check):
    """The sessions table an earlier version kept (keyed by click id, indexed by reference code), named by
    PreviousSessionsTable as an upgrade names it: the functions' roles get its read-only statement."""
    import boto3

    name = "waymark-test-previous-sessions"
    strings = [{"AttributeName": n, "AttributeType": "S"} for n in ("click_id", "ref_code")]
    by_ref = [{"AttributeName": "ref_code", "KeyType": "HASH"}, {"AttributeName": "click_id", "KeyType": "RANGE"}]
    boto3.client("dynamodb", region_name="eu-west-1").create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=strings,
        KeySchema=[{"AttributeName": "click_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "ref-index", "KeySchema": by_ref, "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    monkeypatch.setenv("PREVIOUS_SESSIONS_TABLE", name)
    monkeypatch.setitem(iam_check.stack.parameters, "PreviousSessionsTable", name)
    yield name
    monkeypatch.undo()
    iam_check.roles.statements("PostbackFunction", fresh=True)  # no later test keeps the upgrade's grant


def _moved_to(table: str, click_id: str) -> None:
    """The session as an earlier version stored it: in the kept table only."""
    import boto3

    session = Session.get(*Session.key(click_id))
    boto3.client("dynamodb", region_name="eu-west-1").put_item(TableName=table, Item=session.serialize())
    session.delete()


@pytest.mark.parametrize("by", ["click_id", "ref"])
def test_after_an_upgrade_a_session_of_the_kept_table_still_credits_its_partner(runtime, merchant, kept_sessions, by):
    click_id = click(runtime, merchant.link.code)
    _moved_to(kept_sessions, click_id)
    fields = {"click_id": click_id} if by == "click_id" else {"ref": ids.ref_code(click_id), "channel": "phone"}
    answer = postback(runtime, sale(merchant, **fields))
    assert answer.json["agent"] == merchant.agent.agent_id, answer.body
    assert stored().click_id == click_id and stored().attributed_by == ("click" if by == "click_id" else "ref")


def test_after_an_upgrade_the_new_table_is_read_first_and_a_miss_in_both_is_unknown(runtime, merchant, kept_sessions):
    import boto3

    newer = click(runtime, merchant.link.code)
    rival = make_agent(merchant.program, email="rival@example.com")
    stale = Session.get(*Session.key(newer)).serialize() | {"agent_id": {"S": rival.agent_id}}
    boto3.client("dynamodb", region_name="eu-west-1").put_item(TableName=kept_sessions, Item=stale)
    assert postback(runtime, sale(merchant, click_id=newer)).json["agent"] == merchant.agent.agent_id
    unknown = postback(runtime, sale(merchant, order_id="A-2", click_id=ids.new_click_id()))
    assert (unknown.json["status"], unknown.json["reason"]) == ("rejected", "unknown_click")


def test_partner_and_channel_overrides_with_dates_price_the_conversion(runtime, merchant):
    today = time.strftime("%Y-%m-%d", time.gmtime())
    merchant.program.update(
        actions=[
            type(merchant.program).commission_rules.set(
                [
                    CommissionRule(kind="percent", value=Decimal("10")),
                    CommissionRule(kind="percent", value=Decimal("5"), channel="chat"),
                    CommissionRule(kind="relative", value=Decimal("100"), channel="chat", valid_from=today),
                ]
            )
        ]
    )
    merchant.agent.update(
        actions=[
            type(merchant.agent).commission_rules.set(
                [CommissionRule(kind="fixed", value=Decimal("12"), channel="phone")]
            )
        ]
    )
    cache.clear_all()
    chat = postback(runtime, sale(merchant, click_id=click(runtime, merchant.link.code), channel="chat"))
    assert chat.json["commission"] == "20.00"  # 100 % of the normal 10 % while the dated rule runs
    phone = postback(
        runtime, sale(merchant, order_id="A-2", click_id=click(runtime, merchant.link.code), channel="phone")
    )
    assert phone.json["commission"] == "12.00"  # the partner's own fixed phone rate
    assert stored("A-2").commission_rule == "partner, phone sales: 12 fixed"


def test_the_remarketing_customer_is_written_with_the_conversion_when_the_program_sends_emails(
    runtime, merchant, aws_requests
):
    merchant.program.update(actions=[type(merchant.program).settings.set({"remarketing": {"email": True}})])
    cache.clear_all()
    click_id = click(runtime, merchant.link.code)
    aws_requests.calls.clear()
    fields = {"email": "Guest@Example.org", "lang": "de", "service_date": "2027-05-01", "booking_ref": "BK-1"}
    answer = postback(runtime, sale(merchant, click_id=click_id, **fields))
    assert answer.status == 200
    assert aws_requests.of("PutItem", "TransactWriteItems", but_to=LOG) == ["TransactWriteItems"]
    customer = Customer.get(*Customer.key("shop-backend:A-1"))
    assert (customer.email, customer.lang, customer.service_date, customer.booking_ref) == (
        "guest@example.org",
        "de",
        "2027-05-01",
        "BK-1",
    )
    assert customer.agent_id == merchant.agent.agent_id and customer.amount == Decimal("200.00")
    assert customer.ttl == calendar.timegm((2028, 4, 30, 0, 0, 0))  # 365 days after the service date
    raw = str(stored().serialize())
    assert "guest@example.org" not in raw.lower() and "2027-05-01" not in raw  # personal fields only there


def test_no_customer_item_without_the_programs_setting_or_an_email(runtime, merchant, aws_requests):
    click_id = click(runtime, merchant.link.code)
    aws_requests.calls.clear()
    postback(runtime, sale(merchant, click_id=click_id, email="guest@example.org"))
    assert aws_requests.of("PutItem", "TransactWriteItems", but_to=LOG) == ["PutItem"]
    assert Customer.count() == 0
