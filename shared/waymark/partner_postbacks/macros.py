"""The macros of a partner's postback URL template, and the URL they make (pure).

Macros go in the path or the query only (the scheme and host are fixed when the URL is saved, so a
value can never change where the call goes), each value URL-encoded. {order_ref} is a keyed hash of
the sale: the same for every event of one sale, so a partner can match them, and never the
merchant's order id, which the partner must not learn.
"""

import hashlib
import hmac
import re
from urllib.parse import quote, urlsplit

from waymark import wording

MACROS = (
    "click_id",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "source",
    "order_ref",
    "amount",
    "commission",
    "currency",
    "status",
    "event",
)
_MACRO = re.compile(r"\{([^{}]*)\}")


class MacroError(ValueError):
    pass


def check_template(template: str) -> None:
    """MacroError naming what is allowed, when the template has an unknown macro or one outside path and query."""
    unknown = sorted({name for name in _MACRO.findall(template) if name not in MACROS})
    if unknown:
        allowed = ", ".join("{" + m + "}" for m in MACROS)
        raise MacroError(wording.PB_UNKNOWN_MACRO(macro=unknown[0], allowed=allowed))
    if "{" in _MACRO.sub("", template) or "}" in _MACRO.sub("", template):
        raise MacroError(wording.PB_BRACE())
    parts = urlsplit(template)
    if "{" in parts.scheme + parts.netloc:
        raise MacroError(wording.PB_MACRO_IN_HOST())


def fill(template: str, values: dict[str, str | None]) -> str:
    """The URL: each macro replaced by its value, URL-encoded (an unknown value is empty)."""
    return _MACRO.sub(lambda m: quote(values.get(m.group(1)) or "", safe=""), template)


def order_ref(key: bytes, program_id: str, conversion_id: str) -> str:
    """A stable keyed hash of one sale in one program: 24 hex characters."""
    message = f"order-ref\n{program_id}\n{conversion_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]
