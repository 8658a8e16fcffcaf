"""Email rendering: operators' Jinja2 templates in a sandbox, autoescaped HTML, and the MIME message.

Templates are the operator's text, so they run in Jinja2's immutable sandbox (no attribute
tricks, no mutation) with StrictUndefined: a misspelt variable is an error at save time, not
an empty gap in a customer's email. HTML is autoescaped; subjects and text bodies are
rendered without escaping and never reach HTML.

The sandbox alone bounds neither memory nor work (`{{ "x" * 10**9 }}`, loops in loops,
macros calling themselves), and one template renders for every customer of the daily job. So
here: repetition and powers are capped, ranges are short, loops nest at most two deep and
never over a literal, every call (macros, filters, range) counts against a per-render budget,
and output stops at MAX_OUTPUT_CHARS.
"""

import operator
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from jinja2 import StrictUndefined, TemplateError, nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from waymark import wording

MAX_BODY_CHARS = 100_000
MAX_OUTPUT_CHARS = 200_000  # what one rendered part may grow to
MAX_RANGE = 1_000
MAX_LOOP_DEPTH = 2
MAX_CALLS = 10_000  # macro, filter-function and range calls in one render
MAX_EXPONENT = 64
MAX_SUBJECT_CHARS = 200
_DECIMAL_COMMA = {"de", "fr", "es", "it", "nl", "pt", "da", "sv", "fi", "nb", "pl", "cs"}
_UNSUBSCRIBE_WORD = {"en": "Unsubscribe", "de": "Abmelden", "fr": "Se désabonner", "es": "Darse de baja"}
_FOOTER_NOTE = {
    "en": "You receive this email because of your booking.",
    "de": "Sie erhalten diese E-Mail wegen Ihrer Buchung.",
}


@pass_context
def _money(context: Any, value: Any, currency: str | None = None) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:,.2f}"
    if str(context.get("lang", "en")).split("-")[0] in _DECIMAL_COMMA:
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} {currency}" if currency else text


@pass_context
def _date(context: Any, value: Any) -> str:
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    lang = str(context.get("lang", "en")).split("-")[0]
    return day.strftime("%d.%m.%Y") if lang in _DECIMAL_COMMA else day.isoformat()


_calls_left: ContextVar[int] = ContextVar("calls_left", default=MAX_CALLS)


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(wording.RENDER_RANGE(maximum=MAX_RANGE))
    return numbers


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, int | float | Decimal) and abs(right) > MAX_EXPONENT:
                raise SecurityError(wording.RENDER_POWER(maximum=MAX_EXPONENT))
            return operator.pow(left, right)
        for sequence, times in ((left, right), (right, left)):
            too_long = isinstance(sequence, str | list | tuple) and isinstance(times, int)
            if too_long and len(sequence) * times > MAX_OUTPUT_CHARS:
                raise SecurityError(wording.RENDER_REPEAT())
        return operator.mul(left, right)

    def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
        left = _calls_left.get() - 1
        if left < 0:
            raise SecurityError(wording.RENDER_CALLS(maximum=MAX_CALLS))
        _calls_left.set(left)
        return super().call(context, obj, *args, **kwargs)


def _environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    env = _BoundedSandbox(autoescape=autoescape, undefined=StrictUndefined)
    env.globals["range"] = _bounded_range
    env.filters["money"] = _money
    env.filters["date"] = _date
    return env


def _check_loops(tree: nodes.Node, depth: int = 0) -> None:
    for loop in tree.iter_child_nodes():
        inner = depth
        if isinstance(loop, nodes.For):
            inner = depth + 1
            if inner > MAX_LOOP_DEPTH:
                raise RenderError(wording.RENDER_LOOP_DEPTH(maximum=MAX_LOOP_DEPTH), loop.lineno)
            if isinstance(loop.iter, nodes.Const | nodes.List | nodes.Tuple | nodes.Dict):
                raise RenderError(wording.RENDER_LOOP_OVER(), loop.lineno)
        _check_loops(loop, inner)


_HTML = _environment(autoescape=True)
_TEXT = _environment(autoescape=False)


class RenderError(ValueError):
    """A template did not compile or render; `line` is the template line when Jinja2 knows it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@lru_cache(maxsize=512)
def _compile(source: str, html: bool):
    # Compiled templates are cached per source text: the daily job renders one template many times.
    env = _HTML if html else _TEXT
    _check_loops(env.parse(source))
    return env.from_string(source)


def render(source: str, context: Mapping[str, Any], *, html: bool) -> str:
    if len(source) > MAX_BODY_CHARS:
        raise RenderError(wording.RENDER_BODY_LONG(maximum=MAX_BODY_CHARS))
    budget = _calls_left.set(MAX_CALLS)
    try:
        parts, size = [], 0
        for part in _compile(source, html).generate(context):
            size += len(part)
            if size > MAX_OUTPUT_CHARS:
                raise RenderError(wording.RENDER_OUTPUT_LONG(maximum=MAX_OUTPUT_CHARS))
            parts.append(part)
        return "".join(parts)
    except RenderError:
        raise
    except TemplateError as error:
        raise RenderError(error.message or type(error).__name__, getattr(error, "lineno", None)) from error
    except (ArithmeticError, ValueError, TypeError, RecursionError) as error:
        raise RenderError(f"{type(error).__name__}: {error}") from error
    finally:
        _calls_left.reset(budget)


# ---------------------------------------------------------------------------- context


@dataclass(frozen=True)
class OfferView:
    code: str
    name: str
    price: Decimal
    currency: str
    image_url: str | None
    url: str


@dataclass(frozen=True)
class BookingView:
    ref: str | None
    booked_on: str
    service_date: str | None
    amount: Decimal
    currency: str
    items: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class EmailContext:
    lang: str
    program_name: str
    booking: BookingView
    offers: Sequence[OfferView]
    unsubscribe_url: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def variables(self) -> dict[str, Any]:
        """What templates see (docs/operators.md "Email templates")."""
        return {
            "lang": self.lang,
            "program": {"name": self.program_name},
            "booking": self.booking,
            "offers": list(self.offers),
            "unsubscribe_url": self.unsubscribe_url,
            **self.extra,
        }


def sample_context(
    *, lang: str, program_name: str, currency: str, offers: Sequence[OfferView] = (), today: date | None = None
) -> EmailContext:
    """Plausible data for previews and for checking templates before they are saved."""
    today = today or date.today()
    sample_offers = list(offers) or [
        OfferView("sample-tour", "Sample tour", Decimal("49.00"), currency, None, "https://example.invalid/x/1"),
        OfferView("sample-dinner", "Sample dinner", Decimal("35.50"), currency, None, "https://example.invalid/x/2"),
    ]
    booking = BookingView(
        ref="BK-20417",
        booked_on=today.isoformat(),
        service_date=(today + timedelta(days=14)).isoformat(),
        amount=Decimal("178.00"),
        currency=currency,
        items=({"product": "sunset-cruise", "category": "cruises", "quantity": 2},),
    )
    return EmailContext(lang, program_name, booking, sample_offers, "https://example.invalid/unsubscribe/sample")


# ---------------------------------------------------------------------------- the email


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def render_email(subject: str, html_source: str, text_source: str | None, context: EmailContext) -> RenderedEmail:
    """Subject, HTML and text; an unsubscribe link is appended when the template has none."""
    variables = context.variables()
    rendered_subject = " ".join(render(subject, variables, html=False).split())[:MAX_SUBJECT_CHARS]
    html = render(html_source, variables, html=True)
    text = render(text_source, variables, html=False) if text_source else html_to_text(html)
    if context.unsubscribe_url not in html:
        html += _html_footer(context)
    if context.unsubscribe_url not in text:
        text += _text_footer(context)
    return RenderedEmail(rendered_subject, html, text)


def _word(table: Mapping[str, str], lang: str) -> str:
    return table.get(lang.split("-")[0], table["en"])


def _html_footer(context: EmailContext) -> str:
    from markupsafe import escape

    return (
        '<p style="font-size:12px;color:#666;margin-top:2em">'
        f"{escape(_word(_FOOTER_NOTE, context.lang))} "
        f'<a href="{escape(context.unsubscribe_url)}">{escape(_word(_UNSUBSCRIBE_WORD, context.lang))}</a></p>'
    )


def _text_footer(context: EmailContext) -> str:
    return (
        f"\n\n--\n{_word(_FOOTER_NOTE, context.lang)}\n"
        f"{_word(_UNSUBSCRIBE_WORD, context.lang)}: {context.unsubscribe_url}\n"
    )


class _TextExtractor(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "ul", "ol", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._href: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip += 1
        if tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag == "a":
            self._href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title"):
            self._skip = max(0, self._skip - 1)
        if tag == "a" and self._href:
            href = self._href.pop()
            if href and href.startswith(("http://", "https://", "mailto:")):
                self.parts.append(f" <{href}>")
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """A readable text alternative of an HTML body: blocks become lines, links keep their URLs."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def mime_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    sender_name: str | None,
    to: str,
    reply_to: str | None,
    unsubscribe_urls: Sequence[str],
    lang: str,
    sender_domain: str | None = None,
) -> bytes:
    """The raw message: multipart text + HTML, with RFC 8058 one-click unsubscribe headers when there are URLs."""
    message = EmailMessage()
    message["From"] = formataddr((_header_text(sender_name), sender)) if sender_name else sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = _header_text(rendered.subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender_domain or sender.rpartition("@")[2] or None)
    if unsubscribe_urls:  # a partner's account emails (approved, payout sent) are no list to leave
        message["List-Unsubscribe"] = ", ".join(f"<{url}>" for url in unsubscribe_urls)
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8")
    message["Content-Language"] = lang  # after the content: set_content() drops Content-* headers
    return message.as_bytes()


def _header_text(value: str | None) -> str:
    # Operators' text must not be able to add headers.
    return " ".join((value or "").replace("\r", " ").replace("\n", " ").split())
