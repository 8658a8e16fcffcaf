"""Reports on the local stack (`make dev`): clicks over HTTP reach the counters through the stream
poller, and the monthly export's presigned URL downloads the CSV over real HTTP."""

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest

from tests.helpers.local_stack import embedded_client, fetch

pytestmark = pytest.mark.e2e

BROWSER = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1"
)


def test_clicks_reach_the_export_and_its_link_downloads_it(local_stack):
    demo, gateway = local_stack["demo"], local_stack["gateway_url"]
    assert fetch(demo["tracking_links"][0], headers={"User-Agent": BROWSER})[0].status == 302
    assert fetch(demo["tracking_links"][0])[0].status == 302  # no user agent at all: a bot
    fetch(f"{gateway}/_local/drain", "POST")

    month = datetime.now(UTC).strftime("%Y-%m")
    body = json.dumps({"detail": {"month": month}}).encode()
    response, answer = fetch(f"{gateway}/_local/invoke/exports", "POST", body)
    assert response.status == 200, answer
    [program] = [p for p in json.loads(answer)["programs"] if p["program_id"] == demo["program_id"]]
    assert program["all_partners"] == f"demo/{month}/all-partners.csv"

    response, content = fetch(program["url"])  # the presigned URL, over HTTP, to the embedded S3
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    [partner] = [row for row in rows if row["agent_id"] == demo["agent_id"]]
    assert partner["partner_name"] == "Harbour View Hotel"
    assert int(partner["clicks"]) >= 1 and int(partner["bot_clicks"]) >= 1

    s3 = embedded_client(local_stack, "s3")
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=local_stack["resources"]["ExportsBucket"])["Contents"]}
    assert f"demo/{month}/{demo['agent_id']}.csv" in keys  # the statement, written by the queue consumer


def test_the_demo_opens_on_sixty_days_of_history(local_stack, page):
    """`make dev`'s seed: every day of the last 60 has clicks, every channel and status has sales,
    remarketing emails went out, and the partner's dashboard and reports show them."""
    from waymark.conversions.vocabulary import Channel, ConversionStatus
    from waymark.reporting.counters import partner_days_partition

    demo, gateway = local_stack["demo"], local_stack["gateway_url"]
    history, resources = demo["history"], local_stack["resources"]
    dynamodb = embedded_client(local_stack, "dynamodb")

    days = dynamodb.query(
        TableName=resources["StatsTable"],
        KeyConditionExpression="pk = :pk AND sk BETWEEN :first AND :last",
        ExpressionAttributeValues={
            ":pk": {"S": partner_days_partition(demo["agent_id"])},
            ":first": {"S": history["first_day"]},
            ":last": {"S": history["last_day"]},
        },
    )["Items"]
    counted = {
        d["sk"]["S"] for d in days if int(d.get("clicks", {}).get("N", 0)) + int(d.get("bot_clicks", {}).get("N", 0))
    }
    assert len(counted) == history["days"] == 60  # counted by the stats consumer from the streams

    sales = [
        item
        for page_ in dynamodb.get_paginator("scan").paginate(TableName=resources["ConversionsTable"])
        for item in page_["Items"]
        if item["order_id"]["S"].startswith("DEMO-")
    ]
    assert {s["channel"]["S"] for s in sales} == {channel.value for channel in Channel}
    assert {s["status"]["S"] for s in sales} == {status.value for status in ConversionStatus}
    assert {s["created_at"]["S"][:10] for s in sales} >= {history["first_day"], history["last_day"]}

    response, listing = fetch(f"{gateway}/_local/mail")
    assert response.status == 200
    guests = set(re.findall(r"guest-\d+@example\.org", listing.decode()))
    assert history["emails_sent"] > 0 and len(guests) > 0  # sent by the daily job on their days

    page.goto(f"{gateway}/login")
    page.get_by_label("Email", exact=True).fill(demo["partner"]["email"])
    page.get_by_label("Password", exact=True).fill(demo["partner"]["password"])
    page.get_by_role("button", name="Log in").click()
    chart = page.locator("svg[role=img] desc").first.text_content()
    shown = int(re.match(r"(\d+) clicks", chart).group(1))
    assert shown >= 30, chart  # the 30-day chart: a day without a person's click is rare
    page.goto(f"{gateway}/portal/reports")
    body = page.locator("main").inner_text()
    for month in sorted({history["first_day"][:7], history["last_day"][:7]}):
        assert month in body or datetime.strptime(month, "%Y-%m").strftime("%B %Y") in body, month
