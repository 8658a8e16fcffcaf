"""What an advertiser's developer needs to connect a booking system, and a test conversion to prove it.

The parameter list comes from the postback's own model (postbacks.PostbackParams and its
field docstrings), so the integration page cannot drift from what /postback accepts. The
examples name the credentials as shell variables and placeholders: secrets are shown once,
when made (waymark.conversions.advertisers), never here; the pixel carries none at all.

A test conversion is a real round trip: a test click (a session marked `test`), then a postback
for it, signed with the advertiser's test secret (never its real HMAC secret, which the console
cannot decrypt: waymark.conversions.advertiser_secrets), sent over HTTPS to this API's own
/postback, as the merchant's server would send it; /postback takes that secret for nothing else.
Its sale is recorded rejected with reason `test`, credits no partner, earns nothing and is kept
out of every counter (reports, statements).
A Lambda cannot name its own API's URL in its environment without a cycle in the template, so
the address is the one the operator's request came to (waymark.web.base_url).
"""

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from waymark import catalog, wording
from waymark.conversions import postback_auth, postbacks
from waymark.conversions.vocabulary import AdvertiserStatus
from waymark.core import aws, currencies, ids
from waymark.core.times import iso, utcnow
from waymark.models import Advertiser, Program, Session

TEST_USER_AGENT = "Waymark-Test-Conversion/1"
TEST_AMOUNT = Decimal(10)
TEST_CLICK_MINUTES = 60  # the test click's attribution window: long enough for the round trip
TIMEOUT_SECONDS = 5  # the console function has 10
MAX_ANSWER_BYTES = 64 * 1024
NO_ONE = "-"  # the test click's partner and link: no code has one character, so none is looked up


class CannotTest(ValueError):
    """The advertiser cannot send a test conversion now (disabled, or its program is missing)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    aliases: tuple[str, ...]
    required: bool
    description: str


@dataclass(frozen=True)
class SentTestConversion:
    url: str
    order_id: str
    click_id: str
    status: int | None  # None: /postback could not be reached
    answer: dict | str | None  # Waymark's answer, as JSON when it is
    error: str | None = None


def parameters() -> list[Parameter]:
    """Every parameter /postback reads, with its aliases and description, in the model's order."""
    found = []
    for name, field in postbacks.PostbackParams.model_fields.items():
        choices = getattr(field.validation_alias, "choices", None) or [name]
        aliases = tuple(str(choice) for choice in choices if choice != name)
        found.append(Parameter(name, aliases, field.is_required(), " ".join((field.description or "").split())))
    found += [Parameter(name, (), False, text) for name, text in postbacks.AUTH_PARAMETERS]
    return found


def examples(base_url: str, advertiser: Advertiser, program: Program) -> dict[str, str]:
    """curl (token and signed), Python (signed), the pixel and the page script, for this advertiser.

    Credentials appear as $TOKEN, $HMAC_SECRET and "<hmac secret>": the merchant fills in what
    the operator gave them once."""
    api, who = base_url.rstrip("/"), advertiser.advertiser_id
    amount = _amount(program.currency)
    sale = json.dumps({"order_id": "A-1001", "amount": amount, "currency": program.currency, "click_id": "<click id>"})
    return {
        "curl_token": (
            f'curl -X POST "{api}/postback" -H "Authorization: Bearer $TOKEN" '
            f"-H 'Content-Type: application/json' \\\n  -d '{sale}'"
        ),
        "curl_signed": (
            f"body='{sale}'\n"
            "t=$(date +%s)\n"
            'sig=$(printf \'%s.%s\' "$t" "$body" | openssl dgst -sha256 -hmac "$HMAC_SECRET" -hex'
            " | sed 's/^.* //')\n"
            f"curl -X POST \"{api}/postback\" -H 'Content-Type: application/json' \\\n"
            f'  -H "X-Waymark-Advertiser: {who}" -H "X-Waymark-Signature: t=$t,v1=$sig" -d "$body"'
        ),
        "python": _PYTHON.format(api=api, who=who, sale=sale),
        "pixel": (
            f'<img src="{api}/pixel.gif?advertiser={who}&order_id=A-1001&amount={amount}'
            f'&currency={program.currency}" width="1" height="1" alt="">'
        ),
        "script": (
            f'<script src="{api}/waymark.js?program={program.program_id}" defer></script>\n'
            "<script>\n"
            '  addEventListener("DOMContentLoaded", () => {\n'
            '    document.querySelector("#checkout [name=click_id]").value = Waymark.clickId() || "";\n'
            "  });\n"
            "</script>"
        ),
    }


_PYTHON = """import hashlib
import hmac
import json
import time
import urllib.request


def report_sale(sale: dict, hmac_secret: str) -> dict:
    body = json.dumps(sale).encode()
    t = str(int(time.time()))
    v1 = hmac.new(hmac_secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        "{api}/postback",
        data=body,
        method="POST",
        headers={{
            "Content-Type": "application/json",
            "X-Waymark-Advertiser": "{who}",
            "X-Waymark-Signature": f"t={{t}},v1={{v1}}",
        }},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # 4xx and 5xx raise HTTPError
        return json.load(response)


report_sale({sale}, "<hmac secret>")
"""


def _amount(currency: str) -> str:
    return str(TEST_AMOUNT.quantize(currencies.quantum(currency)))


def send_test_conversion(
    advertiser: Advertiser, test_secret: str, base_url: str, now: datetime | None = None
) -> SentTestConversion:
    """A test click, then a postback for it signed with `test_secret` to `base_url`/postback; Waymark's answer.

    `advertiser` is read fresh (not from the cache), with its test secret decrypted."""
    now = now or utcnow()
    if advertiser.status != AdvertiserStatus.ACTIVE:
        raise CannotTest(wording.TEST_ADVERTISER_DISABLED())
    program = catalog.program(advertiser.program_id)
    if program is None:
        raise CannotTest(wording.TEST_PROGRAM_MISSING(program_id=advertiser.program_id))
    click_id = new_test_click(program, now)
    order_id = f"test-{click_id}"
    body = json.dumps(
        {"order_id": order_id, "amount": _amount(program.currency), "currency": program.currency, "click_id": click_id}
    ).encode()
    url = base_url.rstrip("/") + "/postback"
    if not url.startswith(("https://", "http://")):  # base_url is one of them; never file: or another scheme
        raise CannotTest(wording.TEST_URL_SCHEME(url=url))
    request = urllib.request.Request(  # noqa: S310 - http(s) only, checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": TEST_USER_AGENT,
            "X-Waymark-Advertiser": advertiser.advertiser_id,
            "X-Waymark-Signature": postback_auth.sign(test_secret, int(now.timestamp()), body),
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return SentTestConversion(url, order_id, click_id, response.status, _read(response))
    except urllib.error.HTTPError as answer:  # a 4xx or 5xx is Waymark's answer too
        with answer:
            return SentTestConversion(url, order_id, click_id, answer.code, _read(answer))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return SentTestConversion(url, order_id, click_id, None, None, error=f"{url} could not be reached: {reason}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """/postback never redirects; a redirect would send the signed sale somewhere else."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _read(response) -> dict | str:
    raw = response.read(MAX_ANSWER_BYTES)
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def new_test_click(program: Program, now: datetime) -> str:
    """A session marked `test`, credited to no partner, on no link, from no visitor."""
    click_id = ids.new_click_id(int(now.timestamp() * 1000))
    expires = now + timedelta(minutes=TEST_CLICK_MINUTES)
    session = Session(
        *Session.key(click_id),
        agent_id=NO_ONE,
        link_code=NO_ONE,
        program_id=program.program_id,
        destination=program.default_landing_url,
        ip_hash=secrets.token_hex(8),  # no visitor: nothing to hash, and no two test clicks alike
        created_at=iso(now),
        expires_at=int(expires.timestamp()),
        ttl=int((now + timedelta(days=1)).timestamp()),
        test=True,
    )
    aws.client("dynamodb").put_item(
        TableName=Session.Meta.table_name,
        Item=session.serialize(),
        ConditionExpression="attribute_not_exists(click_id)",
    )
    return click_id
