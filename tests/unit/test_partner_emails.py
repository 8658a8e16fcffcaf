"""Partner emails, pure: which email an event is, the language, opt-outs, Waymark's wording in every
kind and language, operators' wording in the sandbox, the digest's sums, the send log's masking."""

from datetime import date
from decimal import Decimal

import pytest

from waymark.mail.log import mask
from waymark.partners import emails
from waymark.partners.emails import PartnerEmail
from waymark.remarketing import render


def test_every_email_but_the_decline_answers_a_bus_event_of_the_contract():
    contract = {"partner.signed_up", "partner.approved", "conversion.approved", "conversion.reversed", "payout.paid"}
    assert set(emails.EVENT_EMAILS) == contract | {"partner.declined"}
    assert set(emails.EVENT_EMAILS.values()) == set(PartnerEmail) - {PartnerEmail.DAILY_DIGEST}


@pytest.mark.parametrize(
    ("partner", "expected"), [("de", "de"), ("de-AT", "de"), ("DE", "de"), ("fr", "en"), (None, "en"), ("", "en")]
)
def test_the_partners_language_when_the_program_has_it_else_the_default(partner, expected):
    assert emails.language(["en", "de"], "en", partner) == expected


def test_only_optional_emails_can_be_turned_off():
    assert not emails.wanted(PartnerEmail.DAILY_DIGEST, {"digest"})
    assert not emails.wanted(PartnerEmail.CONVERSION_REVERSED, ["conversions"])
    assert emails.wanted(PartnerEmail.CONVERSION_APPROVED, {"digest"})
    for account_email in (PartnerEmail.APPROVED, PartnerEmail.DECLINED, PartnerEmail.PAYOUT_SENT):
        assert emails.topic_of(account_email) is None and emails.wanted(account_email, set(emails.TOPICS))


@pytest.mark.parametrize("kind", list(PartnerEmail))
@pytest.mark.parametrize("lang", ["en", "de"])
def test_waymarks_wording_renders_in_the_sandbox_for_every_kind(kind, lang):
    data = emails.sample(kind, program_name="Example <Tours>", currency="EUR", today=date(2026, 12, 1))
    subject, html = emails.default_wording(kind, lang)
    rendered = emails.render_email(subject, html, None, data, lang)
    assert rendered.subject and "Example &lt;Tours&gt;" in rendered.html  # values are escaped
    assert "Sample Partner" in rendered.html and rendered.text.strip()
    if emails.topic_of(kind):
        assert data.unsubscribe_url in rendered.html and data.unsubscribe_url in rendered.text
    else:
        assert "unsubscribe" not in rendered.html.lower()


def test_a_language_without_wording_gets_the_english():
    assert emails.default_wording(PartnerEmail.APPROVED, "fr") == emails.default_wording(PartnerEmail.APPROVED, "en")


def test_german_money_and_dates_in_a_conversion_email():
    data = emails.sample(PartnerEmail.CONVERSION_APPROVED, program_name="P", currency="EUR", today=date(2026, 12, 1))
    subject, html = emails.default_wording(PartnerEmail.CONVERSION_APPROVED, "de")
    rendered = emails.render_email(subject, html, None, data, "de")
    assert rendered.subject == "Conversion freigegeben: 17,80 EUR Provision"
    assert "178,00 EUR" in rendered.html and "30.11.2026" in rendered.html


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ partner.name.__class__ }}",
        "{% for i in range(100000) %}x{% endfor %}",
        "{{ partner.nmae }}",
    ],
)
def test_an_operators_wording_cannot_leave_the_sandbox(source):
    data = emails.sample(PartnerEmail.APPROVED, program_name="P", currency="EUR")
    with pytest.raises(render.RenderError):
        emails.render_email("Hi", source, None, data, "en")


def test_a_subject_cannot_add_headers():
    data = emails.sample(PartnerEmail.APPROVED, program_name="P", currency="EUR")
    rendered = emails.render_email("Hi\r\nBcc: all@example.org", "<p>x</p>", None, data, "en")
    message = render.mime_message(
        rendered,
        sender="a@example.com",
        sender_name="P",
        to="b@example.org",
        reply_to=None,
        unsubscribe_urls=[],
        lang="en",
    )
    headers = message.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"List-Unsubscribe" not in headers


def test_digests_sum_each_partners_conversions_per_currency_leaving_out_what_earns_nothing():
    rows = [
        {
            "agent_id": "a",
            "status": "pending",
            "currency": "EUR",
            "amount": Decimal("100"),
            "commission": Decimal("10"),
        },
        {"agent_id": "a", "status": "approved", "currency": "EUR", "amount": Decimal("50"), "commission": Decimal("5")},
        {"agent_id": "a", "status": "pending", "currency": "CHF", "amount": Decimal("80"), "commission": Decimal("8")},
        {"agent_id": "a", "status": "rejected", "currency": "EUR", "amount": Decimal("999"), "commission": Decimal(0)},
        {
            "agent_id": "b",
            "status": "pending",
            "currency": "EUR",
            "amount": Decimal("1"),
            "commission": Decimal("1"),
            "test": True,
        },
        {"agent_id": None, "status": "pending", "currency": "EUR", "amount": Decimal("7"), "commission": Decimal(0)},
    ]
    (digest,) = emails.digests(rows, date(2026, 11, 30))
    assert (digest.agent_id, digest.day, digest.count) == ("a", "2026-11-30", 3)
    assert [(t.currency, t.count, t.amount, t.commission) for t in digest.totals] == [
        ("CHF", 1, Decimal("80"), Decimal("8")),
        ("EUR", 2, Decimal("150"), Decimal("15")),
    ]


@pytest.mark.parametrize(
    ("address", "shown"),
    [("Jane.Doe@Example.org", "J***@example.org"), ("x@y.example", "x***@y.example"), ("nope", None), (None, None)],
)
def test_the_send_log_masks_addresses(address, shown):
    assert mask(address) == shown
