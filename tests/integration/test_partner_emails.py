"""Partner emails against moto: Waymark's events on the bus -> PartnerMailRule -> PartnerMailQueue ->
PartnerMailFunction -> SES, in the partner's language, once per event, never against an opt-out."""

from datetime import date

import pytest

from tests.helpers.events import http_event
from tests.helpers.mail import conversion_detail, deliver, put_event, ses_notification
from tests.helpers.programs import make_agent
from tests.helpers.remarketing import sent_emails


@pytest.fixture
def applicant(shop):
    return make_agent(shop.program, status="pending", email="new.partner@example.org", name="Nina")


def test_a_signup_emails_the_applicant_in_the_programs_default_language(aws, runtime, shop, applicant):
    put_event(aws, "partner.signed_up", {"program_id": "shop", "agent_id": applicant.agent_id, "status": "pending"})

    assert deliver(aws, runtime) == 1
    (email,) = sent_emails(aws)
    assert email["to"] == ["new.partner@example.org"]
    assert email["subject"] == "We received your application to Example Tours"
    assert "Hello Nina," in email["html"] and "will let you know" in email["text"]
    assert email["message"]["List-Unsubscribe"] is None  # an account email is no list to leave


def test_the_partners_own_language_is_used_when_the_program_has_it(aws, runtime, shop):
    german = make_agent(shop.program, email="de@example.org", name="Dora")
    german.update(actions=[type(german).lang.set("de-AT")])
    put_event(aws, "partner.approved", {"program_id": "shop", "agent_id": german.agent_id, "status": "active"})
    deliver(aws, runtime)

    (email,) = sent_emails(aws)
    assert email["subject"] == "Willkommen bei Example Tours: Ihr Konto ist freigegeben"
    assert email["message"]["Content-Language"] == "de"


def test_a_conversion_email_carries_one_click_unsubscribe_and_the_opt_out_is_respected(aws, runtime, shop):
    from urllib.parse import urlsplit

    put_event(aws, "conversion.approved", conversion_detail(shop.agent))
    deliver(aws, runtime)
    (email,) = sent_emails(aws)
    assert email["subject"] == "Conversion approved: 17.80 EUR commission"
    assert "178.00 EUR" in email["html"] and "2026-11-30" in email["html"]
    assert email["message"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = email["message"]["List-Unsubscribe"].strip("<>")
    assert unsubscribe in email["html"] and shop.agent.agent_id not in urlsplit(unsubscribe).path.split("/")[-1][:4]

    # RFC 8058: the mail client POSTs to the link; the partner hears of conversions no more.
    token = urlsplit(unsubscribe).path.rsplit("/", 1)[1]
    function, request = http_event(
        aws,
        "POST",
        f"/unsubscribe/{token}",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body="List-Unsubscribe=One-Click",
    )
    answer = runtime.invoke(function, request)
    assert answer["statusCode"] == 200 and "not get these emails from Example Tours" in answer["body"]
    put_event(aws, "conversion.reversed", conversion_detail(shop.agent, status="reversed"))
    deliver(aws, runtime)
    assert len(sent_emails(aws)) == 1
    from waymark.models import Agent

    assert Agent.get(shop.agent.agent_id).email_opt_outs == {"conversions"}


def test_a_repeated_event_sends_one_email(aws, runtime, shop, applicant):
    detail = {"program_id": "shop", "agent_id": applicant.agent_id, "status": "pending"}
    put_event(aws, "partner.signed_up", detail)
    put_event(aws, "partner.signed_up", detail)  # EventBridge and SQS deliver at least once

    deliver(aws, runtime)

    assert [e["to"] for e in sent_emails(aws)] == [["new.partner@example.org"]]


def test_a_bounce_suppresses_the_address_logs_it_and_no_partner_email_follows(aws, runtime, shop, applicant):
    from waymark.mail.log import recent
    from waymark.remarketing.suppression import is_suppressed

    runtime.invoke("MailEventsFunction", ses_notification("Bounce", "New.Partner@example.org"))
    runtime.invoke("MailEventsFunction", ses_notification("Delivery", "other@example.org", message_id="m-2"))

    assert is_suppressed("new.partner@example.org")
    lines = {line.event: line for line in recent(today=date.today())}
    assert set(lines) == {"bounced", "delivered"}
    assert lines["bounced"].recipient == "N***@example.org" and "suppressed" in lines["bounced"].detail
    put_event(aws, "partner.signed_up", {"program_id": "shop", "agent_id": applicant.agent_id, "status": "pending"})
    deliver(aws, runtime)
    assert sent_emails(aws) == []


def test_a_transient_bounce_is_logged_and_suppresses_nothing(aws, runtime):
    from waymark.remarketing.suppression import is_suppressed

    runtime.invoke("MailEventsFunction", ses_notification("Bounce", "full@example.org", bounce_type="Transient"))

    assert not is_suppressed("full@example.org")


def _conversion(program, agent, order: str, created_at: str, **fields):
    from decimal import Decimal

    from waymark.models import Conversion

    values = {
        "advertiser_id": "shop-backend",
        "order_id": order,
        "program_id": program.program_id,
        "agent_id": agent.agent_id if agent else None,
        "amount": Decimal("100.00"),
        "currency": "EUR",
        "commission": Decimal("10.00"),
        "status": "pending",
        "created_at": created_at,
        **fields,
    }
    Conversion(Conversion.make_id("shop-backend", order), **values).save()


def test_the_daily_digest_sums_each_partners_new_conversions_and_respects_the_opt_out(aws, runtime, shop):
    from devstack.control import scheduled_event
    from waymark.models import Agent

    quiet = make_agent(shop.program, email="quiet@example.org")
    quiet.update(actions=[Agent.email_opt_outs.set({"digest"})])
    _conversion(shop.program, shop.agent, "D1", "2026-11-30T09:00:00.000+00:00")
    _conversion(shop.program, shop.agent, "D2", "2026-11-30T23:59:59.999+00:00", status="approved")
    _conversion(shop.program, shop.agent, "D3", "2026-11-30T12:00:00.000+00:00", status="rejected")
    _conversion(shop.program, shop.agent, "D4", "2026-12-01T00:00:00.000+00:00")  # the next day
    _conversion(shop.program, quiet, "D5", "2026-11-30T10:00:00.000+00:00")
    spec = aws.functions["PartnerMailFunction"]
    event = {**scheduled_event(aws, spec, spec.schedules[0]), "time": "2026-12-01T07:00:00Z"}

    summary = runtime.invoke("PartnerMailFunction", event)
    again = runtime.invoke("PartnerMailFunction", event)  # a retried schedule digests the same day, once

    assert summary == {"day": "2026-11-30", "sent": 1, "turned off by the partner": 1}
    assert again["day"] == "2026-11-30" and again.get("sent", 0) == 0
    (email,) = sent_emails(aws)
    assert email["to"] == [shop.agent.email] and email["subject"] == "2 new conversions on 2026-11-30"
    assert "200.00 EUR" in email["html"] and "20.00 EUR" in email["html"]
    assert email["message"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_sample_events_run(aws, runtime):
    from tests.helpers.events import load_event
    from waymark.remarketing.suppression import is_suppressed

    answer = runtime.invoke("PartnerMailFunction", load_event("partner_mail", "signed_up"))
    assert answer == {"batchItemFailures": []}  # an unknown partner is no failure: there is nobody to email
    assert runtime.invoke("MailEventsFunction", load_event("mail_events", "bounce")) == {"logged": 1}
    assert is_suppressed("bounced@example.org")


def test_an_automatic_approval_gets_the_welcome_once_and_an_unconfirmed_address_nothing(aws, runtime, shop):
    auto = make_agent(shop.program, status="active", email="auto@example.org")
    stranger = make_agent(shop.program, status="unverified", email="victim@example.org")
    for agent in (auto, stranger):
        detail = {"program_id": "shop", "agent_id": agent.agent_id, "status": agent.status}
        put_event(aws, "partner.signed_up", detail)
    put_event(aws, "partner.approved", {"program_id": "shop", "agent_id": auto.agent_id, "status": "active"})

    deliver(aws, runtime)

    (email,) = sent_emails(aws)
    assert email["to"] == ["auto@example.org"] and email["subject"].startswith("Welcome to Example Tours")


def test_the_publishers_events_from_the_streams_become_the_partners_emails(aws, runtime, streams, shop):
    """The whole way: the tables' streams -> EventsPublisherFunction -> WaymarkEventBus -> PartnerMailRule
    -> PartnerMailQueue -> PartnerMailFunction -> SES, with the events as the publisher really makes them."""
    from waymark.partners.management import change_status

    applicant = make_agent(shop.program, status="pending", email="applicant@example.org", name="Ada")
    streams.drain()
    deliver(aws, runtime)
    change_status(applicant.agent_id, "approve", by="ops@example.com")
    streams.drain()
    deliver(aws, runtime)

    emails = [(e["to"], e["subject"]) for e in sent_emails(aws)]
    assert [subject for to, subject in emails if to == ["applicant@example.org"]] == [
        "We received your application to Example Tours",
        "Welcome to Example Tours: your account is approved",
    ]
    # the shop's partner, created active (signed_up and approved at once): one welcome, nothing more
    assert [subject for to, subject in emails if to == [shop.agent.email]] == [
        "Welcome to Example Tours: your account is approved"
    ]


def test_an_approved_sale_from_the_stream_emails_its_partner_the_commission(aws, runtime, streams, shop):
    from tests.helpers.reporting import set_status, stored_sale

    streams.drain()
    deliver(aws, runtime)
    before = len(sent_emails(aws))
    sale = stored_sale("shop", shop.agent.agent_id, "o-mail", amount="249.90", commission="24.99")
    streams.drain()
    set_status(sale, "approved")
    streams.drain()
    deliver(aws, runtime)

    (email,) = sent_emails(aws)[before:]
    assert email["to"] == [shop.agent.email] and email["subject"] == "Conversion approved: 24.99 EUR commission"
    assert "249.90 EUR" in email["html"]
