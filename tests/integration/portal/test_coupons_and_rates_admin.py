"""The console's coupon codes and exchange rates: JSON API, pages, the change record, the ECB import."""

import json
from pathlib import Path

from tests.helpers.events import load_event
from waymark.conversions import ecb_rates
from waymark.models import ChangeRecord, Coupon, ExchangeRates, as_dict

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "eurofxref-daily.xml"


def _changes(program_id: str) -> list[ChangeRecord]:
    return list(ChangeRecord.query(f"PROGRAM#{program_id}", ChangeRecord.sk.startswith("CHANGE#")))


def test_an_operator_gives_pauses_expires_and_removes_a_code(world, api_admin, api_a):
    created = api_admin.post("/api/admin/coupons", json={"code": "summer10", "agent_id": world.a.agent_id})
    assert created.status == 201, created.body
    assert (created.json["code"], created.json["status"], created.json["credits_today"]) == ("SUMMER10", "active", True)
    taken = api_admin.post("/api/admin/coupons", json={"code": "Summer10", "agent_id": world.b.agent_id})
    assert taken.status == 409 and "SUMMER10" in taken.json["message"]
    stranger = api_admin.post("/api/admin/coupons", json={"code": "other10", "agent_id": "nosuchpartner"})
    assert stranger.status == 400 and "no partner" in stranger.json["message"]
    assert api_admin.post("/api/admin/coupons", json={"code": "10% off", "agent_id": world.a.agent_id}).status == 422

    paused = api_admin.patch("/api/admin/coupons/summer10", json={"status": "paused", "expires_on": "2030-01-31"})
    assert paused.status == 200, paused.body
    assert (paused.json["status"], paused.json["expires_on"], paused.json["credits_today"]) == (
        "paused",
        "2030-01-31",
        False,
    )
    listed = api_admin.get("/api/admin/coupons").json
    assert listed["coupon_precedence"] == "click_wins" and [c["code"] for c in listed["coupons"]] == ["SUMMER10"]
    assert api_a.get("/api/admin/coupons").status == 403  # partners never see the program's codes

    assert api_admin.request("DELETE", "/api/admin/coupons/SUMMER10").status == 204
    assert api_admin.patch("/api/admin/coupons/summer10", json={"status": "active"}).status == 404
    recorded = [(c.subject, c.action, json.loads(c.after or "null")) for c in _changes(world.program.program_id)]
    assert [(subject, action) for subject, action, _ in recorded if subject.startswith("coupon:")] == [
        ("coupon:SUMMER10", "create"),
        ("coupon:SUMMER10", "update"),
        ("coupon:SUMMER10", "remove"),
    ]
    update = next(after for subject, action, after in recorded if action == "update" and subject == "coupon:SUMMER10")
    assert update == {"status": "paused", "expires_on": "2030-01-31"}


def test_the_coupons_page_gives_and_pauses_a_code(world, as_admin):
    page = as_admin.get("/admin/coupons")
    assert page.status == 200 and "no coupon code yet" in page.body
    given = as_admin.submit("/admin/coupons", "/admin/coupons", {"code": "bravo5", "agent_id": world.b.agent_id})
    assert given.status == 303, given.body[:500]
    shown = as_admin.get(given.location)
    assert "BRAVO5" in shown.body and "is given to the partner" in shown.body
    saved = as_admin.post(
        "/admin/coupons/BRAVO5", form={"csrf_token": shown.csrf(), "status": "paused", "expires_on": "", "note": ""}
    )
    assert saved.status == 303, saved.body[:500]
    assert Coupon.get(*Coupon.key(world.program.program_id, "BRAVO5")).status == "paused"
    again = as_admin.submit("/admin/coupons", "/admin/coupons", {"code": "BRAVO5", "agent_id": world.a.agent_id})
    assert again.status == 409 and "has the coupon code BRAVO5 already" in again.body
    no_csrf = as_admin.post("/admin/coupons/BRAVO5/remove", form={})
    assert no_csrf.status == 403
    assert Coupon.get(*Coupon.key(world.program.program_id, "BRAVO5")).agent_id == world.b.agent_id


def test_the_rate_table_takes_an_operators_rates_and_records_them(world, api_admin, as_admin, api_a):
    put = api_admin.request("PUT", "/api/admin/rates", json={"day": "2026-12-01", "rates": {"usd": "1.0845"}})
    assert put.status == 200, put.body
    assert (put.json["source"], put.json["base"], put.json["rates"]) == ("operator", "EUR", {"USD": "1.0845"})
    refused = api_admin.request("PUT", "/api/admin/rates", json={"day": "2026-12-01", "rates": {"USD": "-2"}})
    assert refused.status == 422 and "positive" in refused.body
    unknown = api_admin.request("PUT", "/api/admin/rates", json={"day": "2026-12-01", "rates": {"XYZ": "2"}})
    assert unknown.status == 422 and "XYZ" in unknown.body
    assert api_a.request("DELETE", "/api/admin/rates/2026-12-01").status == 403
    table = api_admin.get("/api/admin/rates").json
    assert [(d["day"], d["source"]) for d in table["days"]] == [("2026-12-01", "operator")]

    page = as_admin.get("/admin/rates")
    assert "USD 1.0845" in page.body
    saved = as_admin.post(
        "/admin/rates", form={"csrf_token": page.csrf(), "day": "2026-12-01", "base": "EUR", "rates": "GBP 0.84"}
    )
    assert saved.status == 303, saved.body[:500]
    stored = ExchangeRates.get(*ExchangeRates.key("2026-12-01", "operator"))
    assert as_dict(stored.rates) == {"GBP": "0.84"}
    bad = as_admin.post("/admin/rates", form={"csrf_token": page.csrf(), "day": "2026-12-01", "rates": "GBP x"})
    assert bad.status == 400 and "decimal" in bad.body
    assert api_admin.request("PUT", "/api/admin/rates", json={"day": "2026-12-01", "rates": {}}).status == 422
    assert api_admin.request("DELETE", "/api/admin/rates/2026-13-01").status == 400
    removed = api_admin.request("DELETE", "/api/admin/rates/2026-12-01")
    assert removed.status == 204 and not list(ExchangeRates.query("RATES"))
    rate_changes = [c for c in _changes(world.program.program_id) if c.subject == "rates:2026-12-01"]
    assert [c.action for c in rate_changes] == ["create", "update", "remove"]
    assert json.loads(rate_changes[1].before) == {"base": "EUR", "rates": {"USD": "1.0845"}}


def test_the_ecb_import_stores_the_days_rates_from_the_sample(aws, runtime, monkeypatch):
    answer = runtime.invoke("EcbRatesFunction", load_event("ecb_rates", "sample-file"))
    assert answer == {"day": "2017-03-08", "source": "ecb", "currencies": 29}
    stored = ExchangeRates.get(*ExchangeRates.key("2017-03-08", "ecb"))
    assert (stored.base, stored.rates["USD"], stored.updated_by) == ("EUR", "1.0556", None)
    # The scheduled event carries no file: the function fetches it (here the sample, not the network).
    monkeypatch.setattr(ecb_rates, "fetch", lambda: SAMPLE.read_bytes().replace(b"2017-03-08", b"2017-03-09"))
    scheduled = load_event("ecb_rates", "sample-file")
    scheduled["detail"] = {}
    assert runtime.invoke("EcbRatesFunction", scheduled)["day"] == "2017-03-09"
    assert [item.day for item in ExchangeRates.query("RATES")] == ["2017-03-08", "2017-03-09"]
