"""A tiny merchant website for the local demo (its own port, like a real shop's own domain).

Visitors land here from tracking links with `click_id` in the URL; booking a tour makes the
shop's backend send Waymark a server-to-server postback, as a real booking system would.
"""

from __future__ import annotations

import html
import json
import secrets
import socket
import threading
import urllib.error
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOURS = {
    "sunset-cruise": ("Sunset cruise", "89.00", "cruises"),
    "city-walk": ("Old town walking tour", "25.00", "walks"),
    "wine-tasting": ("Vineyard wine tasting", "64.50", "food"),
}

BANNER = (
    b"<svg xmlns='http://www.w3.org/2000/svg' width='468' height='60'><rect width='468' height='60' fill='#0b5cad'/>"
    b"<text x='20' y='38' font-family='sans-serif' font-size='22' fill='#fff'>Demo Tours: sunset cruises</text>"
    b"</svg>"
)


def listen(host: str, port: int) -> socket.socket:
    """The site's address, taken before the demo program exists: the program's landing pages and
    links need the site's URL, and the site needs the program's postback token to serve."""
    return socket.create_server((host, port))


def serve(listener: socket.socket, *, gateway_url: str, postback_token: str) -> ThreadingHTTPServer:
    """Serve the site on `listener`, sending bookings to `gateway_url` with the shop's token."""
    server = ThreadingHTTPServer(listener.getsockname(), _handler(gateway_url, postback_token), bind_and_activate=False)
    server.socket.close()  # the socket it made unbound gives way to the one already listening
    server.socket = listener
    server.server_address = listener.getsockname()
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="demo-site", daemon=True).start()
    return server


def _page(title: str, body: str, gateway: str) -> bytes:
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>" + html.escape(title) + " · Demo Tours</title>"
        f"<script src='{html.escape(gateway)}/waymark.js' defer></script>"
        "<body style='font-family:system-ui;max-width:48rem;margin:2rem auto;padding:0 1rem'>"
        "<header><a href='/'>Demo Tours</a> <small>(a demo merchant site)</small></header>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    ).encode()


def _handler(gateway_url: str, postback_token: str):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            click_id = query.get("click_id") or self._cookie("demo_click_id")
            cookies = (
                [f"demo_click_id={query['click_id']}; Path=/; Max-Age=31536000; SameSite=Lax"]
                if "click_id" in query
                else []
            )
            if url.path == "/":
                items = "".join(
                    f"<li><a href='/tours/{slug}'>{html.escape(t[0])}</a> from €{t[1]}</li>"
                    for slug, t in TOURS.items()
                )
                self._send(200, _page("Tours", _arrival(click_id) + f"<ul>{items}</ul>", gateway_url), cookies)
            elif url.path.startswith("/tours/") and url.path.removeprefix("/tours/") in TOURS:
                slug = url.path.removeprefix("/tours/")
                # A remarketing email's link opens the tour for an existing booking: that sale is remarketing's.
                channel = "remarketing" if "booking" in query else "web"
                form = _form(slug, channel, query.get("lang", "en"))
                self._send(200, _page(TOURS[slug][0], _arrival(click_id) + form, gateway_url), cookies)
            elif url.path == "/banner.svg":  # the banner partners' snippets show (program settings "banners")
                self._send_bytes(200, "image/svg+xml", BANNER)
            elif url.path == "/order":
                body = "<p>Concierge order desk: book on a customer's behalf.</p>" + _form("sunset-cruise", "concierge")
                self._send(200, _page("Order for a customer", _arrival(click_id) + body, gateway_url), cookies)
            else:
                self._send(404, _page("Not found", "<p>No such page.</p>", gateway_url))

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/book":
                self._send(404, _page("Not found", "", gateway_url))
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            slug = form.get("tour") if form.get("tour") in TOURS else "sunset-cruise"
            name, price, category = TOURS[slug]
            quantity = max(1, min(10, int(form.get("quantity", "1") or 1)))
            amount = str(Decimal(price) * quantity)
            order = {
                "token": postback_token,
                "order_id": "D" + secrets.token_hex(4).upper(),
                "amount": amount,
                "currency": "EUR",
                "channel": form.get("channel", "web"),
                "items": [{"product": slug, "category": category, "quantity": quantity, "price": price}],
                "email": form.get("email") or None,
                "lang": form.get("lang", "en"),
                "service_date": form.get("date") or None,
            }
            click_id = form.get("click_id") or self._cookie("demo_click_id")
            if click_id:
                order["click_id"] = click_id
            result = _postback(gateway_url, {k: v for k, v in order.items() if v is not None})
            body = (
                f"<p>Thank you! Order <b>{html.escape(order['order_id'])}</b>: {quantity} x {html.escape(name)}, "
                f"€{amount}.</p>{_credit(result)}<h2>What the shop's backend got back from Waymark</h2>"
                f"<pre id=postback>{html.escape(_pretty(result))}</pre>"
            )
            self._send(200, _page("Booking confirmed", body, gateway_url))

        def _send_bytes(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _cookie(self, name: str) -> str | None:
            for part in (self.headers.get("Cookie") or "").split(";"):
                key, _, value = part.strip().partition("=")
                if key == name:
                    return value
            return None

        def _send(self, status: int, body: bytes, cookies: list[str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            for cookie in cookies or []:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _arrival(click_id: str | None) -> str:
    if not click_id:
        return "<p><i>You came here directly (no partner click).</i></p>"
    return (
        f"<p id=arrival>Welcome! You arrived through a partner link: click id <code>{html.escape(click_id)}</code>.</p>"
    )


def _pretty(result: str) -> str:
    try:
        return json.dumps(json.loads(result), indent=2)
    except ValueError:
        return result


def _credit(result: str) -> str:
    """One line for people: whom Waymark credited the sale to, and what it earns."""
    try:
        answer = json.loads(result)
    except ValueError:
        return "<p id=credit>Waymark did not record the sale (see below).</p>"
    if not isinstance(answer, dict) or "conversion_id" not in answer or "status" not in answer:
        return "<p id=credit>Waymark did not record the sale (see below).</p>"
    if answer.get("agent"):
        text = (
            f"Credited to partner <b>{html.escape(answer['agent'])}</b>: commission "
            f"{html.escape(answer['commission'])} {html.escape(answer['currency'])} ({html.escape(answer['status'])})."
        )
    else:
        text = f"No partner credited ({html.escape(answer.get('reason') or 'no click')})."
    return f"<p id=credit>{text}</p>"


LANGUAGES = {"en": "English", "de": "Deutsch"}


def _form(slug: str, channel: str, lang: str = "en") -> str:
    options = "".join(
        f"<option value='{s}'{' selected' if s == slug else ''}>{html.escape(t[0])}</option>" for s, t in TOURS.items()
    )
    languages = "".join(
        f"<option value='{code}'{' selected' if code == lang else ''}>{name}</option>"
        for code, name in LANGUAGES.items()
    )
    return (
        "<form method=post action=/book>"
        f"<input type=hidden name=channel value='{channel}'>"
        "<input type=hidden name=click_id id=click_id>"
        f"<p><label>Tour <select name=tour>{options}</select></label></p>"
        "<p><label>Guests <input name=quantity type=number value=2 min=1 max=10></label></p>"
        "<p><label>Email <input name=email type=email placeholder='guest@example.com' autocomplete=email></label></p>"
        f"<p><label>Language <select name=lang>{languages}</select></label></p>"
        "<p><label>Date <input name=date type=date></label></p>"
        "<p><button type=submit id=book>Book now</button></p></form>"
        "<p id=phone hidden>Booking by phone? Quote reference <b id=reference></b> at +00 000 000 000.</p>"
        "<script>addEventListener('DOMContentLoaded',()=>{if(window.Waymark){"
        "document.getElementById('click_id').value=Waymark.clickId()||'';"
        "const ref=Waymark.reference();if(ref){document.getElementById('reference').textContent="
        "ref.slice(0,3)+' '+ref.slice(3);document.getElementById('phone').hidden=false}}})</script>"
    )


def _postback(gateway: str, order: dict) -> str:
    request = urllib.request.Request(  # noqa: S310 - the local gateway's http URL
        f"{gateway}/postback",
        data=json.dumps(order).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local gateway URL  # nosec B310
            return response.read().decode()
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}: {error.read().decode()}"
    except OSError as error:
        return f"postback failed: {error}"
