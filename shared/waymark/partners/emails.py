"""Partner emails: which there are, Waymark's own wording of each, and how one is rendered.

Pure (no AWS). Operators may reword any of them per language (waymark.partners.email_settings);
what they write runs in the remarketing templates' sandbox (waymark.remarketing.render), with
the variables `variables()` gives. The optional ones (TOPICS) carry a one-click unsubscribe
link and headers (RFC 8058); the others are about the partner's account and always go.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from waymark.remarketing import render


class PartnerEmail(StrEnum):
    APPLICATION_RECEIVED = "application_received"
    APPROVED = "approved"
    DECLINED = "declined"
    CONVERSION_APPROVED = "conversion_approved"
    CONVERSION_REVERSED = "conversion_reversed"
    DAILY_DIGEST = "daily_digest"
    PAYOUT_SENT = "payout_sent"


LABELS = {
    PartnerEmail.APPLICATION_RECEIVED: "Application received",
    PartnerEmail.APPROVED: "Application approved",
    PartnerEmail.DECLINED: "Application declined",
    PartnerEmail.CONVERSION_APPROVED: "Conversion approved",
    PartnerEmail.CONVERSION_REVERSED: "Conversion reversed",
    PartnerEmail.DAILY_DIGEST: "Daily digest of new conversions",
    PartnerEmail.PAYOUT_SENT: "Payout sent",
}

# The event (EventBridge detail-type) each email answers. partner.declined is no bus event:
# the console's decline queues it itself (waymark.partners.mailer.queue_declined).
EVENT_EMAILS = {
    "partner.signed_up": PartnerEmail.APPLICATION_RECEIVED,
    "partner.approved": PartnerEmail.APPROVED,
    "partner.declined": PartnerEmail.DECLINED,
    "conversion.approved": PartnerEmail.CONVERSION_APPROVED,
    "conversion.reversed": PartnerEmail.CONVERSION_REVERSED,
    "payout.paid": PartnerEmail.PAYOUT_SENT,
}

# Optional emails by the topic a partner turns off (account settings, or the email's unsubscribe link).
TOPICS = {
    "digest": (PartnerEmail.DAILY_DIGEST,),
    "conversions": (PartnerEmail.CONVERSION_APPROVED, PartnerEmail.CONVERSION_REVERSED),
}
TOPIC_LABELS = {
    "digest": "A daily digest of my new conversions",
    "conversions": "An email when a conversion is approved or reversed",
}


def topic_of(kind: PartnerEmail) -> str | None:
    return next((topic for topic, kinds in TOPICS.items() if kind in kinds), None)


def wanted(kind: PartnerEmail, opt_outs: Iterable[str] | None) -> bool:
    topic = topic_of(kind)
    return topic is None or topic not in set(opt_outs or ())


def language(program_languages: Sequence[str], default_language: str, partner_lang: str | None) -> str:
    """The partner's language when the program has it, else the program's default."""
    if partner_lang:
        for candidate in (partner_lang, partner_lang.split("-")[0].lower()):
            if candidate in program_languages:
                return candidate
    return default_language


# ---------------------------------------------------------------------------- Waymark's wording

_HELLO = {"en": "Hello {{ partner.name }},", "de": "Hallo {{ partner.name }},"}
_PORTAL = {
    "en": '<p><a href="{{ portal_url }}">Open your partner portal</a></p>',
    "de": '<p><a href="{{ portal_url }}">Zum Partnerportal</a></p>',
}


def _body(lang: str, middle: str) -> str:
    return f"<p>{_HELLO[lang]}</p>\n{middle}\n{_PORTAL[lang]}\n<p>{{{{ program.name }}}}</p>"


DEFAULTS: dict[PartnerEmail, dict[str, tuple[str, str]]] = {
    PartnerEmail.APPLICATION_RECEIVED: {
        "en": (
            "We received your application to {{ program.name }}",
            _body(
                "en",
                "<p>Thank you for applying. We review every application and will let you know by email "
                "when yours is approved.</p>",
            ),
        ),
        "de": (
            "Ihre Bewerbung bei {{ program.name }} ist eingegangen",
            _body(
                "de",
                "<p>Danke für Ihre Bewerbung. Wir prüfen jede Bewerbung und schreiben Ihnen, sobald "
                "Ihre freigegeben ist.</p>",
            ),
        ),
    },
    PartnerEmail.APPROVED: {
        "en": (
            "Welcome to {{ program.name }}: your account is approved",
            _body("en", "<p>Your application is approved. Log in to get your tracking links.</p>"),
        ),
        "de": (
            "Willkommen bei {{ program.name }}: Ihr Konto ist freigegeben",
            _body(
                "de", "<p>Ihre Bewerbung ist freigegeben. Melden Sie sich an, um Ihre Tracking-Links zu erhalten.</p>"
            ),
        ),
    },
    PartnerEmail.DECLINED: {
        "en": (
            "Your application to {{ program.name }}",
            _body("en", "<p>Thank you for your interest. We cannot accept your application at this time.</p>"),
        ),
        "de": (
            "Ihre Bewerbung bei {{ program.name }}",
            _body("de", "<p>Danke für Ihr Interesse. Wir können Ihre Bewerbung derzeit nicht annehmen.</p>"),
        ),
    },
    PartnerEmail.CONVERSION_APPROVED: {
        "en": (
            "Conversion approved: {{ conversion.commission|money(conversion.currency) }} commission",
            _body(
                "en",
                "<p>A sale of {{ conversion.amount|money(conversion.currency) }} on "
                "{{ conversion.occurred_at|date }} is approved. Your commission: "
                "{{ conversion.commission|money(conversion.currency) }}.</p>",
            ),
        ),
        "de": (
            "Conversion freigegeben: {{ conversion.commission|money(conversion.currency) }} Provision",
            _body(
                "de",
                "<p>Ein Verkauf über {{ conversion.amount|money(conversion.currency) }} vom "
                "{{ conversion.occurred_at|date }} ist freigegeben. Ihre Provision: "
                "{{ conversion.commission|money(conversion.currency) }}.</p>",
            ),
        ),
    },
    PartnerEmail.CONVERSION_REVERSED: {
        "en": (
            "Conversion reversed",
            _body(
                "en",
                "<p>A sale of {{ conversion.amount|money(conversion.currency) }} on "
                "{{ conversion.occurred_at|date }} was reversed (cancelled or refunded); its commission of "
                "{{ conversion.commission|money(conversion.currency) }} is no longer due.</p>",
            ),
        ),
        "de": (
            "Conversion storniert",
            _body(
                "de",
                "<p>Ein Verkauf über {{ conversion.amount|money(conversion.currency) }} vom "
                "{{ conversion.occurred_at|date }} wurde storniert; die Provision von "
                "{{ conversion.commission|money(conversion.currency) }} entfällt.</p>",
            ),
        ),
    },
    PartnerEmail.DAILY_DIGEST: {
        "en": (
            "{{ digest.count }} new conversions on {{ digest.day|date }}",
            _body(
                "en",
                "<p>Your new conversions on {{ digest.day|date }}:</p>\n<ul>"
                "{% for total in digest.totals %}<li>{{ total.count }} sales, "
                "{{ total.amount|money(total.currency) }}, commission "
                "{{ total.commission|money(total.currency) }}</li>{% endfor %}</ul>",
            ),
        ),
        "de": (
            "{{ digest.count }} neue Conversions am {{ digest.day|date }}",
            _body(
                "de",
                "<p>Ihre neuen Conversions am {{ digest.day|date }}:</p>\n<ul>"
                "{% for total in digest.totals %}<li>{{ total.count }} Verkäufe, "
                "{{ total.amount|money(total.currency) }}, Provision "
                "{{ total.commission|money(total.currency) }}</li>{% endfor %}</ul>",
            ),
        ),
    },
    PartnerEmail.PAYOUT_SENT: {
        "en": (
            "Payout sent: {{ payout.amount|money(payout.currency) }}",
            _body("en", "<p>We sent you a payout of {{ payout.amount|money(payout.currency) }}.</p>"),
        ),
        "de": (
            "Auszahlung gesendet: {{ payout.amount|money(payout.currency) }}",
            _body("de", "<p>Wir haben Ihnen {{ payout.amount|money(payout.currency) }} ausgezahlt.</p>"),
        ),
    },
}


def default_wording(kind: PartnerEmail, lang: str) -> tuple[str, str]:
    """(subject, html) of Waymark's wording in `lang`, else in English."""
    wordings = DEFAULTS[kind]
    return wordings.get(lang.split("-")[0]) or wordings["en"]


# ---------------------------------------------------------------------------- what templates see


@dataclass(frozen=True)
class DigestTotal:
    currency: str
    count: int
    amount: Decimal
    commission: Decimal


@dataclass(frozen=True)
class Digest:
    agent_id: str
    day: str
    count: int
    totals: tuple[DigestTotal, ...]


def digests(conversions: Iterable[Mapping[str, Any]], day: date) -> list[Digest]:
    """One digest per partner from a day's conversions: counted and summed per currency.

    Test conversions, ones no partner earned and rejected ones are left out (a partner is told
    of what may earn it something)."""
    sums: dict[str, dict[str, list]] = defaultdict(dict)
    for conversion in conversions:
        agent_id = conversion.get("agent_id")
        if not agent_id or conversion.get("test") or conversion.get("status") == "rejected":
            continue
        currency = str(conversion.get("currency") or "")
        total = sums[agent_id].setdefault(currency, [0, Decimal(0), Decimal(0)])
        total[0] += 1
        total[1] += Decimal(str(conversion.get("amount") or 0))
        total[2] += Decimal(str(conversion.get("commission") or 0))
    return [
        Digest(
            agent_id=agent_id,
            day=day.isoformat(),
            count=sum(t[0] for t in by_currency.values()),
            totals=tuple(DigestTotal(c, *by_currency[c]) for c in sorted(by_currency)),
        )
        for agent_id, by_currency in sorted(sums.items())
    ]


@dataclass(frozen=True)
class EmailData:
    """What one partner email is about; `extra` holds the kind's own part (conversion, digest, payout)."""

    partner_name: str
    program_name: str
    portal_url: str
    unsubscribe_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def variables(self, lang: str) -> dict[str, Any]:
        """What templates see (docs/operators.md "Partner emails")."""
        return {
            "lang": lang,
            "partner": {"name": self.partner_name},
            "program": {"name": self.program_name},
            "portal_url": self.portal_url,
            "unsubscribe_url": self.unsubscribe_url or "",
            **self.extra,
        }


def sample(kind: PartnerEmail, *, program_name: str, currency: str, today: date | None = None) -> EmailData:
    """Plausible data for previews and for checking an operator's wording before it is saved."""
    today = today or date.today()
    yesterday = (today - timedelta(days=1)).isoformat()
    extra: dict[str, Any] = {
        "conversion": {
            "amount": Decimal("178.00"),
            "commission": Decimal("17.80"),
            "currency": currency,
            "status": "approved",
            "channel": "web",
            "occurred_at": yesterday,
        },
        "digest": Digest("sample", yesterday, 3, (DigestTotal(currency, 3, Decimal("412.00"), Decimal("41.20")),)),
        "payout": {"amount": Decimal("250.00"), "currency": currency},
    }
    unsubscribe = "https://example.invalid/unsubscribe/sample" if topic_of(kind) else None
    return EmailData("Sample Partner", program_name, "https://example.invalid/portal", unsubscribe, extra)


_FOOTER = {
    "en": "You receive this email as a partner of {program}.",
    "de": "Sie erhalten diese E-Mail als Partner von {program}.",
}
_STOP = {"en": "Stop these emails", "de": "Diese E-Mails abbestellen"}


def render_email(subject: str, html_source: str, text_source: str | None, data: EmailData, lang: str):
    """Subject, HTML and text (a render.RenderedEmail); an optional email's unsubscribe link is
    appended when the wording has none. Raises render.RenderError."""
    from markupsafe import escape

    variables = data.variables(lang)
    rendered_subject = " ".join(render.render(subject, variables, html=False).split())[: render.MAX_SUBJECT_CHARS]
    html = render.render(html_source, variables, html=True)
    text = render.render(text_source, variables, html=False) if text_source else render.html_to_text(html)
    base = lang.split("-")[0]
    if data.unsubscribe_url:
        footer = _FOOTER.get(base, _FOOTER["en"]).format(program=data.program_name)
        stop = _STOP.get(base, _STOP["en"])
        if data.unsubscribe_url not in html:
            html += (
                f'<p style="font-size:12px;color:#666;margin-top:2em">{escape(footer)} '
                f'<a href="{escape(data.unsubscribe_url)}">{escape(stop)}</a></p>'
            )
        if data.unsubscribe_url not in text:
            text += f"\n\n--\n{footer}\n{stop}: {data.unsubscribe_url}\n"
    return render.RenderedEmail(rendered_subject, html, text)
