"""Reports on the local stack (`make dev`): clicks over HTTP reach the counters through the stream
poller, and the monthly export's presigned URL downloads the CSV over real HTTP."""

import csv
import io
import json
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
