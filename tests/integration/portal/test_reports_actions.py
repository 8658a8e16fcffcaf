"""Acting on figures: operators approve, reject and reverse conversions (and partners see the result),
pages of conversions and sub-IDs with signed cursors, odd order ids, exports of statements and of
the all-partners report, and hostile text in reports. Each test gets its own world."""

import csv
import io
import re
from urllib.parse import quote, urlsplit

import boto3
import requests
from markupsafe import escape

from devstack.pumps import StreamPump
from tests.helpers.portal import MONTH, client, figure
from tests.helpers.reporting import T0, stored_click, stored_sale
from tests.helpers.tokens import partner_token
from waymark.core import cache
from waymark.models import Agent, Conversion, Link
from waymark.portal.reports import figures
from waymark.reporting import exports

SCRIPT = "<script>alert(1)</script>"


def drain(world) -> None:
    StreamPump(world.stack, world.runtime).drain()


def stored_csv(key: str) -> list[dict]:
    body = boto3.client("s3").get_object(Bucket=exports.bucket(), Key=key)["Body"].read()
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_sub_ids_and_conversions_come_in_signed_pages_bound_to_the_partner(activity, as_a, api_a, api_b, monkeypatch):
    world = activity
    monkeypatch.setattr(figures, "SUB_ID_PAGE", 1)
    monkeypatch.setattr(figures, "CONVERSION_PAGE", 1)
    stored_sale(world.program.program_id, world.a.agent_id, "o-a2", amount="10", commission="1", at=T0)

    data = api_a.get(f"/api/reports/{MONTH}").json
    assert len(data["by_sub_id"]) == 1 and data["sub_ids_next_cursor"]
    second = api_a.get(f"/api/reports/{MONTH}/sub-ids", query={"cursor": data["sub_ids_next_cursor"]}).json
    seen = {(r["field"], r["value"]) for r in data["by_sub_id"] + second["sub_ids"]}
    assert seen == {("sub1", "spring"), ("source", "newsletter")} and second["next_cursor"] is None

    first = api_a.get(f"/api/reports/{MONTH}/conversions").json
    assert len(first["conversions"]) == 1 and first["next_cursor"]
    rest = api_a.get(f"/api/reports/{MONTH}/conversions", query={"cursor": first["next_cursor"]}).json
    assert {c["order_id"] for c in first["conversions"] + rest["conversions"]} == {"o-a1", "o-a2"}

    page = as_a.get(f"/portal/reports/{MONTH}").body
    assert "?sub_cursor=" in page and "?cursor=" in page

    # Another partner's copy of the cursors, an edited one, or one for another month: 400, nothing shown.
    for path in (f"/api/reports/{MONTH}/sub-ids", f"/api/reports/{MONTH}/conversions"):
        cursor = data["sub_ids_next_cursor"] if "sub-ids" in path else first["next_cursor"]
        assert api_b.get(path, query={"cursor": cursor}).status == 400
        assert api_a.get(path, query={"cursor": cursor[:-2] + "xx"}).status == 400
        assert api_a.get(path.replace(MONTH, "2026-04"), query={"cursor": cursor}).status == 400


def test_an_operator_approves_a_sale_and_the_partner_sees_approved_commission(activity, as_admin, as_a):
    world = activity
    listing = as_admin.get("/admin/conversions", query={"month": MONTH, "status": "pending"})
    assert listing.status == 200 and "o-a1" in listing.body and "o-b1" in listing.body
    assert "Alpha Blog" in listing.body and "unattributed" not in listing.body  # o-x1 earned no partner: rejected
    href = f"/admin/conversions/{quote(world.a_sale, safe='')}"
    assert f'href="{href}"' in listing.body
    # The filter form sends empty fields for "any".
    form = as_admin.get("/admin/conversions", query=f"month={MONTH}&status=&channel=&partner={world.b.agent_id}")
    assert form.status == 200 and "o-b1" in form.body and "o-a1" not in form.body
    assert as_admin.get("/admin/conversions", query="status=bogus").status == 400
    assert as_admin.get("/admin/conversions", query="channel=fax").status == 400

    page = as_admin.get(href)
    assert page.status == 200 and "Approve" in page.body and "Reject" in page.body and "Reverse" not in page.body
    answer = as_admin.post(
        f"{href}/status", form={"csrf_token": page.csrf(), "status": "approved", "note": "checked the booking"}
    )
    assert answer.status == 303 and answer.location == f"{href}?done=approved"
    shown = as_admin.get(answer.location).body
    assert "The conversion is approved" in shown and "ops@example.com" in shown and "checked the booking" in shown
    assert "pending → approved" in shown
    stored = Conversion.get(world.a_sale)
    assert stored.status == "approved" and stored.history[-1].by == "ops@example.com"

    drain(world)
    body = as_a.get("/portal").body
    assert figure(body, "commission_approved") == "20.00 EUR" and figure(body, "commission_pending") == "0.00 EUR"

    # Reversing needs a reason; the form says so and changes nothing.
    page = as_admin.get(href)
    refused = as_admin.post(f"{href}/status", form={"csrf_token": page.csrf(), "status": "reversed"})
    assert refused.status == 400 and "choose a reason" in refused.body
    assert Conversion.get(world.a_sale).status == "approved"
    reversed_ = as_admin.post(
        f"{href}/status", form={"csrf_token": page.csrf(), "status": "reversed", "reason": "cancelled"}
    )
    assert reversed_.status == 303 and Conversion.get(world.a_sale).status == "reversed"
    # A reversal can only be undone back to approved (with a note: see test_conversion_corrections.py).
    again = as_admin.post(f"{href}/status", form={"csrf_token": page.csrf(), "status": "pending", "note": "n"})
    assert again.status == 409 and "can become approved, not pending" in again.body
    bad = as_admin.post(f"{href}/status", form={"csrf_token": page.csrf(), "status": "deleted"})
    assert bad.status == 400 and Conversion.get(world.a_sale).status == "reversed"


def test_the_conversions_api_filters_pages_and_changes_status(activity, api_admin, monkeypatch):
    world = activity
    monkeypatch.setattr(figures, "CONVERSION_PAGE", 1)
    everything = api_admin.get("/api/admin/conversions", query={"month": MONTH})
    assert everything.status == 200
    first = everything.json
    assert len(first["conversions"]) == 1 and first["next_cursor"]
    seen = [c["order_id"] for c in first["conversions"]]
    cursor = first["next_cursor"]
    while cursor:
        page = api_admin.get("/api/admin/conversions", query={"month": MONTH, "cursor": cursor}).json
        seen += [c["order_id"] for c in page["conversions"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == ["o-a1", "o-b1", "o-x1"]

    def orders(**filters) -> list[str]:
        monkeypatch.setattr(figures, "CONVERSION_PAGE", 50)
        found = api_admin.get("/api/admin/conversions", query={"month": MONTH, **filters})
        assert found.status == 200, found.body
        return sorted(c["order_id"] for c in found.json["conversions"])

    assert orders(channel="concierge") == ["o-b1"]
    assert orders(partner=world.a.agent_id) == ["o-a1"]
    assert orders(status="pending") == ["o-a1", "o-b1"]
    assert orders(month="2026-04") == []
    b_sale = api_admin.get("/api/admin/conversions", query={"month": MONTH, "channel": "concierge"}).json
    assert b_sale["conversions"][0]["partner_name"] == "Bravo Hotel"
    # A cursor is bound to its filters.
    assert (
        api_admin.get(
            "/api/admin/conversions", query={"month": MONTH, "status": "pending", "cursor": first["next_cursor"]}
        ).status
        == 400
    )
    assert api_admin.get("/api/admin/conversions", query={"status": "gone"}).status == 422

    path = f"/api/admin/conversions/{quote(world.b_sale, safe='')}"
    assert api_admin.post(f"{path}/status", json={"status": "rejected"}).status == 422  # a reason is needed
    assert api_admin.post(f"{path}/status", json={"status": "rejected", "reason": "nonsense"}).status == 422
    changed = api_admin.post(f"{path}/status", json={"status": "rejected", "reason": "fraud", "note": " fake "})
    assert changed.status == 200 and changed.json["status"] == "rejected" and changed.json["reason"] == "fraud"
    assert changed.json["history"][-1] == {
        "at": changed.json["history"][-1]["at"],
        "by": "ops@example.com",
        "from_status": "pending",
        "to_status": "rejected",
        "reason": "fraud",
        "note": "fake",
        "from_agent": None,
        "to_agent": None,
    }
    assert api_admin.get(path).json["status"] == "rejected"
    assert api_admin.get("/api/admin/conversions/shop-booking%3Anope").status == 404
    assert api_admin.get("/api/admin/conversions/no-colon").status == 404


def test_order_ids_with_slashes_and_spaces_have_working_addresses(activity, as_admin, api_admin):
    world = activity
    odd = stored_sale(world.program.program_id, world.a.agent_id, "2026/05 #7?x", amount="5", commission="0.5", at=T0)
    listing = as_admin.get("/admin/conversions", query={"month": MONTH}).body
    href = f"/admin/conversions/{quote(odd.conversion_id, safe='')}"
    assert f'href="{href}"' in listing
    assert as_admin.get(href).status == 200
    assert (
        api_admin.get(f"/api/admin/conversions/{quote(odd.conversion_id, safe='')}").json["order_id"] == "2026/05 #7?x"
    )


def test_a_partner_downloads_its_own_statement_and_nothing_else(activity, as_a, api_a):
    world = activity
    page = as_a.get(f"/portal/reports/{MONTH}")
    ready = as_a.post("/portal/exports", form={"csrf_token": page.csrf(), "month": MONTH})
    assert ready.status == 200 and "Your statement for May 2026" in ready.body
    url = re.search(r'id="download" href="([^"]+)"', ready.body).group(1).replace("&amp;", "&")
    key = f"demo/{MONTH}/{world.a.agent_id}.csv"
    assert urlsplit(url).path.endswith(key)
    downloaded = requests.get(url, timeout=10)  # moto serves the presigned URL
    assert downloaded.status_code == 200
    rows = list(csv.DictReader(io.StringIO(downloaded.content.decode("utf-8-sig"), newline="")))
    [line] = [row for row in rows if row["line_type"] == "conversion"]
    assert (line["order_id"], line["amount"], line["commission"], line["status"]) == (
        "o-a1",
        "200.00",
        "20.00",
        "pending",
    )
    assert {row["agent_id"] for row in rows} == {world.a.agent_id}

    answer = api_a.post("/api/exports", json={"month": MONTH})
    assert answer.status == 201 and answer.json["key"] == key and answer.json["rows"] == len(rows)
    assert api_a.post("/api/exports", json={"month": MONTH, "agent_id": world.b.agent_id}).status == 403
    assert api_a.post("/api/exports", json={"month": MONTH, "program": "other"}).status == 403
    assert api_a.post("/api/exports", json={"month": "2026-07"}).status == 400
    assert api_a.post("/api/exports", json={"month": "May"}).status == 422
    assert as_a.post("/portal/exports", form={"csrf_token": page.csrf()}).status == 400
    # The page's form exports the caller's own statement, whatever else is posted with it.
    other = as_a.post("/portal/exports", form={"csrf_token": page.csrf(), "month": MONTH, "agent_id": world.b.agent_id})
    assert other.status == 200 and world.b.agent_id not in other.body and key in other.body
    keys = {item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=exports.bucket()).get("Contents", [])}
    assert keys == {key}  # B's statement was never written


def test_operators_export_the_all_partners_report_or_any_statement(activity, as_admin, api_admin):
    world = activity
    answer = api_admin.post("/api/admin/exports", json={"month": MONTH})
    assert answer.status == 201 and answer.json["key"] == f"demo/{MONTH}/all-partners.csv"
    rows = stored_csv(answer.json["key"])
    assert [row["line_type"] for row in rows] == ["partner", "partner", "unattributed", "total"]
    assert rows[-1]["sales"] == "280.00" and rows[-2]["conversions_rejected"] == "1"

    page = as_admin.get(f"/admin/partners/{world.b.agent_id}/reports/{MONTH}")
    ready = as_admin.post(
        "/admin/exports",
        form={"csrf_token": page.csrf(), "month": MONTH, "agent_id": world.b.agent_id, "program": "demo"},
    )
    assert ready.status == 200 and "Bravo Hotel&#39;s statement for May 2026" in ready.body
    assert [r["order_id"] for r in stored_csv(f"demo/{MONTH}/{world.b.agent_id}.csv") if r["order_id"]] == ["o-b1"]
    assert api_admin.post("/api/admin/exports", json={"month": MONTH, "agent_id": "nosuchagent"}).status == 404
    assert api_admin.post("/api/admin/exports", json={"month": MONTH, "program": "nope"}).status == 404
    assert api_admin.post("/api/admin/exports", json={"month": MONTH, "expires_in": 5}).status == 422


def test_hostile_partner_names_sub_ids_and_link_names_are_text_in_reports(activity, as_admin):
    world = activity
    Agent.get(world.a.agent_id).update(actions=[Agent.name.set(f"Alpha {SCRIPT}")])
    Link.get(world.a_link.code).update(actions=[Link.name.set('Tour "><img src=x onerror=alert(1)>')])
    stored_click(world.program.program_id, world.a.agent_id, world.a_link.code, sub1=SCRIPT, visitor="visitor-x")
    stored_sale(
        world.program.program_id, world.a.agent_id, f"o-{SCRIPT}", amount="1", commission="0.1", at=T0, sub1=SCRIPT
    )
    drain(world)
    cache.clear_all()
    as_a = client(world, partner_token(Agent.get(world.a.agent_id)))
    for browser, path in (
        (as_a, f"/portal/reports/{MONTH}"),
        (as_a, "/portal"),
        (as_a, "/portal/links"),
        (as_admin, f"/admin/reports/{MONTH}"),
        (as_admin, f"/admin/partners/{world.a.agent_id}/reports/{MONTH}"),
        (as_admin, "/admin/conversions"),
        (as_admin, f"/admin/conversions/{quote(f'shop-booking:o-{SCRIPT}', safe='')}"),
        (as_admin, "/admin/partners"),
    ):
        answer = browser.get(path)
        assert answer.status == 200, path
        assert SCRIPT not in answer.body and "<img" not in answer.body, path
    body = as_a.get(f"/portal/reports/{MONTH}").body
    assert str(escape(SCRIPT)) in body and str(escape('Tour "><img')) in body
