"""Email rendering without AWS: sandbox, autoescape, footer, text part, headers."""

from decimal import Decimal
from email import message_from_bytes, policy

import pytest

from waymark.remarketing import render
from waymark.remarketing.sender import Pacer


def context(lang="en", name="Wine & <dine>"):
    offer = render.OfferView("wine", name, Decimal("1234.5"), "EUR", None, "https://t.example/x/abc")
    return render.sample_context(lang=lang, program_name="Tours", currency="EUR", offers=[offer])


def test_html_is_autoescaped_and_text_is_not():
    email = render.render_email(
        "{{ offers[0].name }} for {{ booking.ref }}",
        "<p>{{ offers[0].name }}</p>",
        "{{ offers[0].name }}",
        context(),
    )
    assert email.subject == "Wine & <dine> for BK-20417"
    assert "<p>Wine &amp; &lt;dine&gt;</p>" in email.html
    assert email.text.startswith("Wine & <dine>")


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ offers.__class__ }}",
        "{{ booking.__init__.__globals__ }}",
        "{% for x in range(10**9) %}{% endfor %}",
        "{{ offers.append(1) }}",
    ],
)
def test_templates_cannot_escape_the_sandbox(source):
    with pytest.raises(render.RenderError):
        render.render(source, context().variables(), html=True)


def test_undefined_variables_and_syntax_errors_are_errors_with_lines():
    with pytest.raises(render.RenderError, match="nope"):
        render.render("{{ nope }}", context().variables(), html=True)
    with pytest.raises(render.RenderError) as error:
        render.render("line one\n{% if %}", context().variables(), html=True)
    assert error.value.line == 2


def test_money_and_dates_follow_the_language():
    variables = context("de").variables()
    assert render.render("{{ offers[0].price|money('EUR') }}", variables, html=False) == "1.234,50 EUR"
    assert render.render("{{ '2026-05-04'|date }}", variables, html=False) == "04.05.2026"
    english = context("en").variables()
    assert render.render("{{ offers[0].price|money }}", english, html=False) == "1,234.50"


def test_every_email_gets_an_unsubscribe_link_and_a_text_part():
    email = render.render_email(
        "Hi", "<h1>Hello</h1><p>See <a href='https://x.example/a'>this</a></p>", None, context()
    )
    assert 'href="https://example.invalid/unsubscribe/sample"' in email.html
    assert email.text.startswith("Hello\n")
    assert "this <https://x.example/a>" in email.text
    assert "Unsubscribe: https://example.invalid/unsubscribe/sample" in email.text

    german = render.render_email("Hi", "<p>Hallo</p>", None, context("de"))
    assert ">Abmelden</a>" in german.html


def test_subjects_are_one_line():
    email = render.render_email("A\r\nBcc: evil@example.org\n {{ lang }}", "<p>x</p>", None, context())
    assert email.subject == "A Bcc: evil@example.org en"


def test_the_mime_message_has_one_click_unsubscribe_headers():
    email = render.render_email("Subject", "<p>Body</p>", None, context())
    raw = render.mime_message(
        email,
        sender="offers@example.com",
        sender_name="Tours\nBcc: x@example.org",
        to="guest@example.org",
        reply_to="help@example.com",
        unsubscribe_urls=["mailto:unsub@example.com?subject=unsubscribe", "https://t.example/unsubscribe/abc"],
        lang="en",
    )
    message = message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "guest@example.org" and message["Reply-To"] == "help@example.com"
    assert message["From"] == '"Tours Bcc: x@example.org" <offers@example.com>'  # one quoted display name
    assert message["Bcc"] is None
    assert (
        message["List-Unsubscribe"]
        == "<mailto:unsub@example.com?subject=unsubscribe>, <https://t.example/unsubscribe/abc>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@example.com>")
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Content-Language"] == "en"


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.t += seconds


def test_the_pacer_keeps_to_the_send_rate_and_slows_down_on_throttling():
    clock = FakeClock()
    pacer = Pacer(4, clock)
    for _ in range(3):
        pacer.wait()
    assert clock.slept == [0.25, 0.25]
    clock.t += 10  # idle time is not saved up into a burst
    pacer.wait()
    pacer.wait()
    assert clock.slept == [0.25, 0.25, 0.25]
    pacer.slow_down()
    pacer.wait()
    assert clock.slept[-1] == 0.5 and pacer.rate == 2
    for _ in range(10):
        pacer.slow_down()
    assert pacer.rate == Pacer.MIN_RATE


HOSTILE_TEMPLATES = {
    "repeated text": '{{ "x" * 1000000000 }}',
    "repeated list": "{{ [1] * 1000000000 }}",
    "huge power": "{{ 10 ** 100000000 }}",
    "long range": "{% for i in range(10**6) %}{% endfor %}",
    "three loops deep": "{% for a in range(9) %}{% for b in range(9) %}{% for c in range(9) %}{% endfor %}"
    "{% endfor %}{% endfor %}",
    "loop over a literal": '{% for c in "abcdefghij" %}{{ c }}{% endfor %}',
    "a macro calling itself": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "macro fan-out": "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(40) }}",
    "output too long": "{% for a in range(1000) %}{% for b in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("name", HOSTILE_TEMPLATES)
def test_a_template_cannot_exhaust_memory_or_time(name):
    with pytest.raises(render.RenderError):
        render.render(HOSTILE_TEMPLATES[name], {"lang": "en"}, html=True)


def test_ordinary_loops_and_arithmetic_still_render():
    source = "{% for i in range(3) %}{% for j in range(2) %}{{ i * j }}{% endfor %}{% endfor %}{{ 2 ** 10 }}"
    assert render.render(source, {}, html=False) == "0001021024"
    assert render.render('{{ "-" * 20 }}', {}, html=False) == "-" * 20
