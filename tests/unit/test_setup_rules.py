"""The console's set-up rules, without AWS: what a program, an advertiser and a change record may hold."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from waymark.portal.admin.setup_schemas import (
    AdvertiserCreate,
    AdvertiserUpdate,
    ProgramCreate,
    ProgramPatch,
    ProgramSettings,
    Rotation,
)
from waymark.programs import changes

PROGRAM = {
    "name": "Harbour Tours",
    "currency": "EUR",
    "allowed_domains": ["www.harbour.example", "*.harbour.example"],
    "default_landing_url": "https://www.harbour.example/",
}


def problems(model, data, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data, **kwargs)
    return str(caught.value)


def test_a_program_is_checked_whole():
    settings = ProgramSettings.model_validate(
        {**PROGRAM, "currency": " gbp ", "allowed_domains": ["WWW.Harbour.example"]}
    )
    assert settings.currency == "GBP" and settings.allowed_domains == ["www.harbour.example"]
    assert "ISO 4217" in problems(ProgramSettings, {**PROGRAM, "currency": "XXX"})
    assert "*.example.com" in problems(ProgramSettings, {**PROGRAM, "allowed_domains": ["harbour.example/tours"]})
    assert "allowed domains" in problems(ProgramSettings, {**PROGRAM, "order_page_url": "https://shop.other.example/"})
    assert "https page" in problems(ProgramSettings, {**PROGRAM, "default_landing_url": "http://www.harbour.example/"})
    assert "one of the languages: en" in problems(ProgramSettings, {**PROGRAM, "default_language": "de"})
    assert "listed twice" in problems(ProgramSettings, {**PROGRAM, "languages": ["en", "en"]})
    assert "https address" in problems(ProgramSettings, {**PROGRAM, "terms_url": "ftp://www.harbour.example/t"})
    assert "https address" in problems(ProgramSettings, {**PROGRAM, "banners": [{"image_url": "data:image/png,x"}]})
    assert "valid_from is after valid_until" in problems(ProgramSettings, {**PROGRAM, "commission_rules": [
        {"kind": "percent", "value": "5", "valid_from": "2026-02-01", "valid_until": "2026-01-01"}
    ]})  # fmt: skip
    assert "'new' cannot be a program id" in problems(ProgramCreate, {**PROGRAM, "program_id": "new"})


def test_the_local_demo_may_land_on_http_only_when_its_program_allows_it():
    local = {**PROGRAM, "allowed_domains": ["localhost"], "default_landing_url": "http://localhost:3001/"}
    assert "https" in problems(ProgramSettings, local)
    assert ProgramSettings.model_validate(local, context={"allow_http": True}).default_landing_url.startswith("http:")


def test_a_change_is_checked_against_the_program_it_would_make():
    current = ProgramSettings.model_validate({**PROGRAM, "languages": ["en", "de"]}).stored()
    merged = ProgramPatch(default_language="de").merged(current)
    assert merged.default_language == "de" and merged.name == "Harbour Tours"
    with pytest.raises(ValidationError, match="allowed domains"):
        ProgramPatch(allowed_domains=["other.example"]).merged(current)
    with pytest.raises(ValidationError, match="cannot be cleared: currency"):
        ProgramPatch(currency=None)
    assert (
        ProgramPatch(terms_url=None).merged({**current, "terms_url": "https://www.harbour.example/t"}).terms_url is None
    )


def test_advertiser_input():
    created = AdvertiserCreate(program_id="tours", name=" Till ", allowed_cidrs=["203.0.113.7", "10.1.2.3/8"])
    assert created.name == "Till" and created.allowed_cidrs == ["203.0.113.7/32", "10.0.0.0/8"]
    assert "2001:db8::/32" in problems(AdvertiserCreate, {"program_id": "tours", "name": "T", "allowed_cidrs": ["x"]})
    assert AdvertiserUpdate(allowed_cidrs=[]).changes() == {"allowed_cidrs": []}  # an empty list allows any address
    assert "cannot be cleared: status" in problems(AdvertiserUpdate, {"status": None})
    assert "Input should be 'active' or 'disabled'" in problems(AdvertiserUpdate, {"status": "paused"})
    assert Rotation(grace_hours=720).grace_hours == 720
    for hours in (-1, 721):
        assert "grace_hours" in problems(Rotation, {"grace_hours": hours})


def test_a_change_record_holds_the_changed_fields_only_and_never_a_secret():
    before, after = changes.diff(
        {"name": "A", "value": Decimal("10"), "domains": ["a"], "same": 1},
        {"name": "B", "value": Decimal("10.0") * 1, "domains": ["a", "b"], "same": 1},
    )
    assert before == {"name": "A", "domains": ["a"]} and after == {"name": "B", "domains": ["a", "b"]}
    entry = changes.record(
        "tours", by="ops@example.com", subject="program", action="update", before=before, after=after
    )
    assert entry.pk == "PROGRAM#tours" and entry.sk.startswith(f"CHANGE#{entry.at}#")
    assert changes.decoded(entry.after) == {"name": "B", "domains": ["a", "b"]}
    for secret in ("hmac_secret", "token", "token_sha256", "previous_hmac_secret"):
        with pytest.raises(ValueError, match="never holds secrets"):
            changes.record("tours", by="x", subject="advertiser:a", action="update", before=None, after={secret: "s"})
