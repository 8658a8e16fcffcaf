"""One try at a partner postback, from the event PartnerPostbackQueue holds to the log line.

The URL is filled, checked and its host resolved; every resolved address must be public
(waymark.partner_postbacks.addresses) and the connection goes to one of those very addresses (the
name is not looked up again, so a DNS answer cannot change between the check and the call). TLS
checks the certificate against the host name. Redirects are not followed: a 3xx is a failed
delivery, so no answer can send the call on to an address that was never checked.

2xx is delivered. 408, 429, 5xx, timeouts and refused connections are tried again later (the queue
brings the event back after a delay that grows with each try). Any other answer, and a URL or
address refused by the SSRF rules, fails for good: trying again would change nothing.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist

from waymark.core import signing_keys
from waymark.models import Conversion, PartnerPostbackSettings
from waymark.partner_postbacks import addresses, log, macros, secrets, settings, signing

logger = Logger(child=True)

TIMEOUT_SECONDS = 5.0
USER_AGENT = "Waymark-Postback/1"
_RETRIED_STATUSES = {408, 425, 429}


@dataclass(frozen=True)
class Answer:
    outcome: str  # delivered | retry | failed | refused
    status_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to one checked address, with SNI, certificate and Host for the name the partner gave."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    """Plain HTTP to one checked address: only to loopback, behind the test-only switch."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def send(
    url: str,
    secret: str,
    event: str,
    *,
    resolve: addresses.Resolver = addresses.system_resolver,
    now: float | None = None,
) -> Answer:
    """Check, sign and GET `url` once."""
    try:
        where = addresses.target(url, resolve)
    except addresses.RefusedUrl as refused:
        return Answer("refused", error=str(refused))
    at = int(time.time() if now is None else now)
    headers = {
        "User-Agent": USER_AGENT,
        "Waymark-Event": event,
        signing.HEADER: signing.signature(secret, "GET", url, at),
    }
    pinned = _PinnedHTTPS if where.scheme == "https" else _PinnedHTTP
    connection = pinned(where.host, where.port, where.addresses[0], TIMEOUT_SECONDS)
    started = time.monotonic()
    try:
        parts = urlsplit(url)
        connection.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        response.read(4096)
        status = response.status
    except (OSError, http.client.HTTPException) as error:
        latency = int((time.monotonic() - started) * 1000)
        return Answer("retry", latency_ms=latency, error=f"no answer: {type(error).__name__}")
    finally:
        connection.close()
    latency = int((time.monotonic() - started) * 1000)
    if 200 <= status < 300:
        return Answer("delivered", status, latency)
    if 300 <= status < 400:
        return Answer("failed", status, latency, "redirects are not followed: give the final URL")
    if status >= 500 or status in _RETRIED_STATUSES:
        return Answer("retry", status, latency, f"answered {status}")
    return Answer("failed", status, latency, f"answered {status}")


def _values(event: str, detail: dict) -> tuple[dict[str, str | None], str | None] | None:
    """The macros' values for this event, and the order reference; None when the sale is gone."""
    if event == settings.TEST_EVENT:
        sample = {"click_id": "test-click", "order_ref": "test-order", "amount": "0.00", "commission": "0.00"}
        return {**sample, "currency": "EUR", "status": "test", "event": event}, None
    try:
        sale = Conversion.get(detail["conversion_id"])
    except DoesNotExist:
        return None
    ref = macros.order_ref(
        signing_keys.hashing_key(signing_keys.PARTNER_POSTBACK_HASH_KEY, "order-ref"),
        detail["program_id"],
        detail["conversion_id"],
    )
    values = {
        "click_id": sale.click_id,
        "sub1": sale.sub1,
        "sub2": sale.sub2,
        "sub3": sale.sub3,
        "sub4": sale.sub4,
        "sub5": sale.sub5,
        "source": sale.source,
        "order_ref": ref,
        "amount": detail.get("amount"),
        "commission": detail.get("commission"),
        "currency": detail.get("currency"),
        "status": detail.get("status"),
        "event": event,
    }
    return values, ref


def deliver(
    event: dict, attempt: int, *, last_attempt: bool, resolve: addresses.Resolver = addresses.system_resolver
) -> Answer | None:
    """Deliver one queued event (EventBridge's envelope); None when there is nothing to send.

    Each try is logged; a try to be repeated is logged "retrying" unless it is the last.
    """
    kind, detail = event.get("detail-type", ""), event.get("detail") or {}
    agent_id = detail.get("agent_id")
    if not agent_id:
        return None
    found: PartnerPostbackSettings | None = settings.get(agent_id)
    if found is None or (kind != settings.TEST_EVENT and kind not in (found.events or [])):
        return None
    values = _values(kind, detail)
    if values is None:
        logger.warning("a postback's sale is gone", extra={"agent_id": agent_id})
        return None
    filled, ref = values
    secret = secrets.decrypt(agent_id, found.signing_secret)
    answer = send(macros.fill(found.url_template, filled), secret, kind, resolve=resolve)
    outcome = {"retry": "failed" if last_attempt else "retrying"}.get(answer.outcome, answer.outcome)
    log.write(
        agent_id,
        "test" if kind == settings.TEST_EVENT else kind,
        outcome,
        status_code=answer.status_code,
        latency_ms=answer.latency_ms,
        error=answer.error,
        order_ref=ref,
        attempt=attempt,
    )
    return answer
