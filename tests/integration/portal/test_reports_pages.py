"""Figures in the portal and the console, from counters the real stream consumer wrote: the dashboard
and its chart, links with their figures, the monthly report, the conversions console with approval,
the all-partners report, exports, and partners never seeing each other's figures."""

import csv
import io
import re
from decimal import Decimal
from urllib.parse import quote, urlsplit

import boto3
import requests
from markupsafe import escape

from devstack.pumps import StreamPump
from tests.integration.portal.conftest import MONTH, client, partner_token
from tests.reporting import T0, click, sale
from waymark import cache, exports
from waymark.models import Agent, Conversion, Link
from waymark.portal import reporting

SCRIPT = "<script>alert(1)</script>"


def figure(body: str, name: str) -> str:
    """The text of one figure card (data-figure="name") on a page."""
    found = re.search(rf'data-figure="{name}">([^<]*)<', body)
    assert found, f"no figure {name}"
    return found.group(1)


def drain(world) -> None:
    StreamPump(world.stack, world.runtime).drain()


def stored_csv(key: str) -> list[dict]:
    body = boto3.client("s3").get_object(Bucket=exports.bucket(), Key=key)["Body"].read()
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


# ----------------------------------------------------------------------------- the partner's figures


def test_the_dashboard_shows_this_month_twelve_months_and_a_daily_chart(activity, as_a, api_a):
    page = as_a.get("/portal")
    assert page.status == 200
    body = page.body
    assert "This month: May 2026" in body
    assert (figure(body, "clicks"), figure(body, "conversions"), figure(body, "sales")) == ("2", "1", "200.00 EUR")
    assert figure(body, "commission_pending") == "20.00 EUR" and figure(body, "commission_approved") == "0.00 EUR"

    # The chart: SVG drawn on the server, described for screen readers, its figures also as a table.
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="daily-chart-title daily-chart-desc"' in svg
    assert "Daily clicks and conversions, 26 Apr to 25 May 2026" in svg
    assert "2 clicks (2 unique) and 1 conversions in 30 days." in svg
    assert "<title>20 May: 1 click</title>" in svg and "<title>21 May: 1 click</title>" in svg
    assert "<title>20 May: 1 conversion</title>" in svg and "<title>19 May: 0 clicks</title>" in svg
    table = body[body.index('class="chart-data"') :]
    assert table.count('<th scope="row">2026-') == 30 and '<th scope="row">2026-05-20</th>' in table
    assert "<script>" not in body and "style=" not in body

    # The last 12 months, linked to each month's report.
    assert body.count('href="/portal/reports/20') >= 12 and 'href="/portal/reports/2025-06"' in body

    # The same figures as JSON.
    data = api_a.get("/api/dashboard").json
    assert data["month"] == MONTH and data["currency"] == "EUR"
    assert data["this_month"]["clicks"] == 2 and data["this_month"]["commission_pending"] == "20.00"
    assert [m["month"] for m in data["months"]][-2:] == ["2026-04", "2026-05"] and len(data["months"]) == 12
    assert len(data["days"]) == 30 and data["days"][-1]["day"] == "2026-05-25"
    assert {d["day"]: d["counters"]["clicks"] for d in data["days"]}["2026-05-21"] == 1


def test_links_show_their_figures_and_a_link_its_daily_series(activity, as_a, api_a):
    world = activity
    page = as_a.get("/portal/links").body
    row = page[page.index(f'href="/portal/links/{world.a_link.code}"') :].split("</tr>")[0]
    assert 'data-figure="clicks">2 (2)<' in row and 'data-figure="commission">20.00<' in row

    listed = {link["code"]: link["stats"] for link in api_a.get("/api/links").json["links"]}
    assert listed[world.a_link.code]["clicks"] == 2 and listed[world.a_link.code]["commission"] == "20.00"
    assert listed[world.a.agent_id]["clicks"] == 0  # the default link: no clicks yet

    detail = as_a.get(f"/portal/links/{world.a_link.code}").body
    assert figure(detail, "clicks") == "2" and figure(detail, "commission_pending") == "20.00 EUR"
    assert 'aria-labelledby="link-chart-title link-chart-desc"' in detail

    stats = api_a.get(f"/api/links/{world.a_link.code}/stats", query="days=7").json
    assert stats["totals"]["clicks"] == 2 and stats["days"][0]["day"] == "2026-05-19"
    assert [d["counters"]["clicks"] for d in stats["days"]] == [0, 1, 1, 0, 0, 0, 0]
    assert api_a.get(f"/api/links/{world.a_link.code}/stats", query="days=401").status == 422


def test_the_monthly_report_breaks_down_by_channel_link_and_sub_id(activity, as_a, api_a):
    world = activity
    assert as_a.get("/portal/reports", query=f"month={MONTH}").location == f"/portal/reports/{MONTH}"
    assert as_a.get("/portal/reports").location == f"/portal/reports/{MONTH}"  # this month
    page = as_a.get(f"/portal/reports/{MONTH}")
    assert page.status == 200
    body = page.body
    assert "Commission report: May 2026" in body and figure(body, "sales") == "200.00 EUR"
    channels = body[body.index('id="by-channel"') : body.index('id="links-h"')]
    labels = re.findall(r'<th scope="row">([^<]+)</th>', channels)
    assert labels == ["web", "chat", "phone", "concierge", "inside sales", "remarketing"]
    links = body[body.index('id="by-link"') :]
    assert "A&#39;s tour" in links and world.a_link.code in links
    sub_ids = body[body.index('id="by-sub-id"') :]
    assert "<code>sub1</code> spring" in sub_ids and "<code>source</code> newsletter" in sub_ids
    conversions = body[body.index('id="conversion-list"') :]
    assert "o-a1" in conversions and "o-b1" not in conversions

    data = api_a.get(f"/api/reports/{MONTH}").json
    assert data["totals"]["commission_pending"] == "20.00" and data["currency"] == "EUR"
    assert [row["channel"] for row in data["by_channel"]] == [
        "web",
        "chat",
        "phone",
        "concierge",
        "inside_sales",
        "remarketing",
    ]
    assert data["by_link"] == [
        {"code": world.a_link.code, "name": "A's tour", "counters": data["by_link"][0]["counters"]}
    ]
    assert {(row["field"], row["value"]) for row in data["by_sub_id"]} == {("sub1", "spring"), ("source", "newsletter")}
    assert data["sub_ids_next_cursor"] is None
    listed = api_a.get(f"/api/reports/{MONTH}/conversions").json
    assert [c["order_id"] for c in listed["conversions"]] == ["o-a1"] and listed["conversions"][0]["amount"] == "200.00"
    assert "history" not in listed["conversions"][0]  # operators' notes stay in the console


def test_sub_ids_and_conversions_come_in_signed_pages_bound_to_the_partner(activity, as_a, api_a, api_b, monkeypatch):
    world = activity
    monkeypatch.setattr(reporting, "SUB_ID_PAGE", 1)
    monkeypatch.setattr(reporting, "CONVERSION_PAGE", 1)
    sale(world.program.program_id, world.a.agent_id, "o-a2", amount="10", commission="1", at=T0)

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


def test_a_partner_sees_only_its_own_figures_whatever_it_asks_for(activity, as_a, api_a, api_b):
    world = activity
    b = world.b
    assert api_a.get(f"/api/links/{world.b_link.code}/stats").status == 404
    assert as_a.get(f"/portal/links/{world.b_link.code}").status == 404
    for month in ("2026-05", "2026-04", "2025-05"):
        for answer in (api_a.get(f"/api/reports/{month}"), as_a.get(f"/portal/reports/{month}")):
            assert answer.status == 200
            assert b.agent_id not in answer.body and b.name not in answer.body and "o-b1" not in answer.body
            assert "bravo-desk" not in answer.body and "80.00" not in answer.body
    assert api_b.get(f"/api/reports/{MONTH}").json["totals"]["sales"] == "80.00"
    assert api_a.get("/api/reports/2026-06").status == 400  # not started yet ("now" is 25 May 2026)
    assert api_a.get("/api/reports/2026-13").status == 422
    assert as_a.get("/portal/reports/2026-13").status == 400
    assert as_a.get("/portal/reports", query="month=nonsense").status == 400


# ----------------------------------------------------------------------------- operators


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
    again = as_admin.post(f"{href}/status", form={"csrf_token": page.csrf(), "status": "approved"})
    assert again.status == 409 and "cannot change any more" in again.body
    bad = as_admin.post(f"{href}/status", form={"csrf_token": page.csrf(), "status": "deleted"})
    assert bad.status == 400 and Conversion.get(world.a_sale).status == "reversed"


def test_the_conversions_api_filters_pages_and_changes_status(activity, api_admin, monkeypatch):
    world = activity
    monkeypatch.setattr(reporting, "CONVERSION_PAGE", 1)
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
        monkeypatch.setattr(reporting, "CONVERSION_PAGE", 50)
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
    }
    assert api_admin.get(path).json["status"] == "rejected"
    assert api_admin.get("/api/admin/conversions/shop-booking%3Anope").status == 404
    assert api_admin.get("/api/admin/conversions/no-colon").status == 404


def test_order_ids_with_slashes_and_spaces_have_working_addresses(activity, as_admin, api_admin):
    world = activity
    odd = sale(world.program.program_id, world.a.agent_id, "2026/05 #7?x", amount="5", commission="0.5", at=T0)
    listing = as_admin.get("/admin/conversions", query={"month": MONTH}).body
    href = f"/admin/conversions/{quote(odd.conversion_id, safe='')}"
    assert f'href="{href}"' in listing
    assert as_admin.get(href).status == 200
    assert (
        api_admin.get(f"/api/admin/conversions/{quote(odd.conversion_id, safe='')}").json["order_id"] == "2026/05 #7?x"
    )


def test_the_all_partners_report_with_unattributed_sales_and_channels(activity, as_admin, api_admin):
    world = activity
    assert as_admin.get("/admin/reports", query={"month": MONTH}).location == f"/admin/reports/{MONTH}"
    body = as_admin.get(f"/admin/reports/{MONTH}").body
    partners = body[body.index('id="by-partner"') : body.index('id="channels-h"')]
    assert "Alpha Blog" in partners and "Bravo Hotel" in partners and "Unattributed" in partners
    assert figure(body, "sales") == "280.00 EUR"  # 200 + 80; the unattributed 50 earned nobody (rejected)
    data = api_admin.get(f"/api/admin/reports/{MONTH}").json
    rows = {row["agent_id"]: row for row in data["partners"]}
    assert rows[world.a.agent_id]["name"] == "Alpha Blog" and rows[world.b.agent_id]["counters"]["sales"] == "80.00"
    assert data["unattributed"]["conversions"] == 0 and data["unattributed"]["conversions_rejected"] == 1
    assert data["totals"]["clicks"] == 3
    assert {row["channel"]: row["counters"]["conversions"] for row in data["by_channel"]} == {
        "web": 1,
        "chat": 0,
        "phone": 0,
        "concierge": 1,
        "inside_sales": 0,
        "remarketing": 0,
    }
    assert [m["month"] for m in data["months"]][-1] == MONTH

    # One partner's month, as operators see it, and the partner lists with month totals.
    assert api_admin.get(f"/api/admin/partners/{world.b.agent_id}/reports/{MONTH}").json["totals"]["sales"] == "80.00"
    report = as_admin.get(f"/admin/partners/{world.b.agent_id}/reports/{MONTH}").body
    assert "Bravo Hotel: May 2026" in report and "o-b1" in report
    listed = api_admin.get("/api/admin/partners", query={"status": "active", "month": MONTH}).json
    assert listed["month"] == MONTH
    totals = {p["agent_id"]: p["month_totals"] for p in listed["partners"]}
    assert totals[world.a.agent_id]["commission_pending"] == "20.00" and totals[world.b.agent_id]["clicks"] == 1
    page = as_admin.get("/admin/partners", query={"status": "active", "month": MONTH}).body
    row = page[page.index("Alpha Blog") :].split("</tr>")[0]
    assert '<td class="num">2</td><td class="num">1</td><td class="num">200.00</td>' in row
    detail = as_admin.get(f"/admin/partners/{world.a.agent_id}").body
    assert figure(detail, "sales") == "200.00 EUR"


# ----------------------------------------------------------------------------- exports


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


# ----------------------------------------------------------------------------- hostile text and reads


def test_hostile_partner_names_sub_ids_and_link_names_are_text_in_reports(activity, as_admin):
    world = activity
    Agent.get(world.a.agent_id).update(actions=[Agent.name.set(f"Alpha {SCRIPT}")])
    Link.get(world.a_link.code).update(actions=[Link.name.set('Tour "><img src=x onerror=alert(1)>')])
    click(world.program.program_id, world.a.agent_id, world.a_link.code, sub1=SCRIPT, visitor="visitor-x")
    sale(world.program.program_id, world.a.agent_id, f"o-{SCRIPT}", amount="1", commission="0.1", at=T0, sub1=SCRIPT)
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


def test_report_routes_never_scan(activity, as_a, api_a, as_admin, api_admin, aws_requests):
    world = activity
    for browser, path in (
        (as_a, "/portal"),
        (as_a, "/portal/links"),
        (as_a, f"/portal/links/{world.a_link.code}"),
        (as_a, f"/portal/reports/{MONTH}"),
        (api_a, f"/api/reports/{MONTH}/sub-ids"),
        (as_admin, "/admin/conversions"),
        (as_admin, f"/admin/reports/{MONTH}"),
        (as_admin, "/admin/partners"),
        (as_admin, f"/admin/partners/{world.a.agent_id}"),
    ):
        assert browser.get(path).status == 200, path
    dynamodb = {call for call in aws_requests.calls if not call.startswith(("GET ", "PUT ", "POST "))}
    assert "Scan" not in dynamodb
    assert dynamodb <= {"GetItem", "Query", "BatchGetItem"}, dynamodb
    assert Decimal(api_admin.get(f"/api/admin/reports/{MONTH}").json["totals"]["sales"]) == Decimal("280.00")
