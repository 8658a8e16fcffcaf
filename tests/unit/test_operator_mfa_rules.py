"""The pure parts of operators' TOTP: the key URI authenticator apps read, what a code may look
like, and the test helper's own codes (checked against RFC 6238's published vectors, so tests that
log operators in do not rest on a helper that merely agrees with moto)."""

import pytest
from pydantic import ValidationError

from tests.helpers.operators import code_at
from waymark.partners import mfa
from waymark.portal.schemas import AuthenticatorRequest, CodeRequest

RFC_6238_SHA1_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of b"12345678901234567890"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_the_helpers_codes_are_rfc_6238s(moment, expected):
    assert code_at(RFC_6238_SHA1_KEY, moment) == expected  # the RFC's 8-digit values, last six digits


def test_the_key_uri_names_the_issuer_and_the_login_and_escapes_the_address():
    uri = mfa.otpauth_uri("JBSWY3DPEHPK3PXP", "ana+ops@example.com")
    assert uri == (
        "otpauth://totp/Waymark:ana%2Bops@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Waymark"
        "&algorithm=SHA1&digits=6&period=30"
    )


@pytest.mark.parametrize("code", ["123456", " 123 456 "])
def test_a_code_is_six_digits_spaces_aside(code):
    assert CodeRequest(email="a@example.com", session="s", code=code).code == "123456"
    assert AuthenticatorRequest(setup_token="t", code=code).code == "123456"


@pytest.mark.parametrize("code", ["12345", "1234567", "12ab56", "١٢٣٤٥٦", ""])
def test_anything_else_is_refused_in_plain_words(code):
    with pytest.raises(ValidationError) as refused:
        CodeRequest(email="a@example.com", session="s", code=code)
    assert refused.value.errors()[0]["msg"] == "Value error, the code is the 6 digits your authenticator app shows"


def test_the_domain_refuses_a_malformed_code_before_asking_cognito():
    with pytest.raises(mfa.CodeWrong, match="6 digits"):
        mfa.answer_code("a@example.com", "session", "12ab56")
    with pytest.raises(mfa.CodeWrong, match="6 digits"):
        mfa.finish_setup("token", "١٢٣٤٥٦")
