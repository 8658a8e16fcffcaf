"""Identifiers: click ids, link codes and the short reference codes read out on the phone."""

import base64
import re
import secrets
import time

# ASCII-ordered and URL-safe, so ids sort by creation time as plain strings.
_SORTABLE = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_SORTABLE_INDEX = {ch: i for i, ch in enumerate(_SORTABLE)}
_TIME_BITS = 42  # milliseconds since 1970 fit until 2109
_RANDOM_BITS = 96
CLICK_ID_LENGTH = (_TIME_BITS + _RANDOM_BITS) // 6  # 23 characters
# Six bits a character, as base64, whose C encoder is far cheaper than a Python loop on the click path:
# its alphabet is translated to the sortable one. 138 bits are padded to 144 (18 bytes, 24 characters).
_FROM_BASE64 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", _SORTABLE.encode())

# No 0/O, 1/I/L, U: codes survive being read aloud or typed from a screen.
_FRIENDLY = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REF_CODE_LENGTH = 6
LINK_CODE_LENGTH = 10


def new_click_id(now_ms: int | None = None) -> str:
    """42-bit millisecond timestamp then 96 random bits (from `secrets`, so unique after a SnapStart restore)."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    value = (ms & ((1 << _TIME_BITS) - 1)) << _RANDOM_BITS | secrets.randbits(_RANDOM_BITS)
    encoded = base64.b64encode((value << 6).to_bytes(18, "big")).translate(_FROM_BASE64)
    return encoded[:CLICK_ID_LENGTH].decode()


def is_click_id(value: str) -> bool:
    return len(value) == CLICK_ID_LENGTH and all(ch in _SORTABLE_INDEX for ch in value)


def click_id_time_ms(click_id: str) -> int:
    value = 0
    for ch in click_id:
        value = value << 6 | _SORTABLE_INDEX[ch]
    return value >> _RANDOM_BITS


def ref_code(click_id: str) -> str:
    """Six friendly characters from the click id's random tail: the code a customer quotes by phone.

    Deterministic, so the merchant's page script can show it without asking the server
    (the same arithmetic lives in waymark/conversions/page_script.js). 30^6 ≈ 7.3e8 values: two live
    sessions can share a code, so lookups take the newest session (docs/operators.md "Limits").
    """
    value = 0
    for ch in click_id[-8:]:
        value = value << 6 | _SORTABLE_INDEX[ch]
    chars = []
    for _ in range(REF_CODE_LENGTH):
        value, digit = divmod(value, len(_FRIENDLY))
        chars.append(_FRIENDLY[digit])
    return "".join(chars)


def normalize_ref_code(value: str) -> str | None:
    code = value.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != REF_CODE_LENGTH or any(ch not in _FRIENDLY for ch in code):
        return None
    return code


def new_code(length: int = LINK_CODE_LENGTH) -> str:
    """An unguessable public code (50 bits at the default length) for links and partners."""
    return "".join(secrets.choice(_FRIENDLY.lower()) for _ in range(length))


_CODE = re.compile(r"[A-Za-z0-9_-]{4,64}")


def is_code(value: str) -> bool:
    return _CODE.fullmatch(value) is not None
