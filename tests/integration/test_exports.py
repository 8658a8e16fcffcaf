"""Exports to S3 (moto): CSV content read back, presigned URLs, authorisation, multipart streaming,
failures mid-upload, and the monthly schedule producing every statement."""

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from devstack.control import scheduled_event
from devstack.pumps import QueuePump
from tests.helpers.faults import FailCalls
from tests.helpers.programs import make_agent, make_program
from tests.helpers.reporting import SLACK, T0, set_status, stored_click, stored_sale
from waymark.reporting import exports
from waymark.reporting.exports import ExportForbidden, ExportNotFound, ExportRejected, MultipartWriter, Requester

NAMES = ['Hôtel "Le Port", Nice', "Ὀδυσσεύς Tours; 東京 & Co", '=HYPERLINK("http://evil")']
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ADMIN = Requester(is_admin=True)


def s3(aws):
    return boto3.client("s3", region_name=aws.region)


def read_csv(aws, key: str) -> tuple[list[dict], bytes]:
    body = s3(aws).get_object(Bucket=exports.bucket(), Key=key)["Body"].read()
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""))), body


@pytest.fixture
def month(runtime, streams):
    """Program shop in May 2026: three partners (names that break naive CSV), sales in every status."""
    program = make_program("shop")
    agents = [make_agent(program, name=name) for name in NAMES]
    first, second, _ = (agent.agent_id for agent in agents)
    stored_click("shop", first, "lnk1")
    stored_click("shop", first, "lnk1", user_agent=SLACK)
    stored_click("shop", second, "lnk2", at=T0 + timedelta(hours=2))
    sales = [
        stored_sale("shop", first, "o1", amount="249.90", commission="24.99", link_code="lnk1", sub1="-5%"),
        stored_sale("shop", first, "o2", amount="0.10", commission="0.005", channel="phone"),
        stored_sale("shop", first, "o3", amount="1000", commission="100", status="rejected"),
        stored_sale("shop", second, "o4", amount="33.33", commission="3.333"),
        stored_sale("shop", None, "o5", amount="75.50", commission="0", channel="chat"),
        stored_sale("shop", first, "o6", amount="5", commission="0.5", at=T0 + timedelta(days=20)),  # June
    ]
    set_status(sales[0], "approved")
    set_status(sales[1], "approved")
    set_status(sales[1], "reversed")
    streams.drain()
    return program, agents


def test_a_partner_statement_lists_its_conversions_and_totals(aws, month, aws_requests):
    program, agents = month
    exported = exports.export_statement(program, agents[0], "2026-05")

    assert exported.key == f"shop/2026-05/{agents[0].agent_id}.csv"
    assert "Scan" not in aws_requests.calls
    rows, body = read_csv(aws, exported.key)
    assert body.startswith(b"\xef\xbb\xbfline_type,program_id,month,agent_id,partner_name,conversion_id")
    assert b"\r\n" in body
    lines = [row for row in rows if row["line_type"] == "conversion"]
    assert sorted(row["order_id"] for row in lines) == ["o1", "o2", "o3"]  # not June, not other partners
    assert {row["partner_name"] for row in rows} == {NAMES[0]}  # commas and quotes round-trip
    first = next(row for row in lines if row["order_id"] == "o1")
    assert (first["status"], first["amount"], first["commission"], first["link_code"]) == (
        "approved",
        "249.90",
        "24.99",
        "lnk1",
    )
    assert first["sub1"] == "'-5%"  # would be a formula in a spreadsheet
    assert next(row for row in lines if row["order_id"] == "o2")["commission"] == "0.005"  # exact, not rounded
    totals = {row["status"]: row for row in rows if row["line_type"] == "total"}
    assert set(totals) == {"pending", "held", "approved", "rejected", "reversed"}  # held apart from pending
    assert (totals["approved"]["conversions"], totals["approved"]["commission"]) == ("1", "24.99")
    assert (totals["reversed"]["amount"], totals["reversed"]["commission"]) == ("0.10", "0.005")
    assert (totals["rejected"]["conversions"], totals["pending"]["conversions"]) == ("1", "0")
    assert exported.rows == len(rows) == 3 + 5
    head = s3(aws).head_object(Bucket=exports.bucket(), Key=exported.key)
    assert head["ContentType"] == "text/csv; charset=utf-8"
    assert head["ContentDisposition"] == f'attachment; filename="shop-2026-05-{agents[0].agent_id}.csv"'


def test_the_all_partners_report(aws, month):
    program, agents = month
    exported = exports.export_all_partners(program, "2026-05")
    assert exported.key == "shop/2026-05/all-partners.csv"
    rows, _ = read_csv(aws, exported.key)

    partners = {row["agent_id"]: row for row in rows if row["line_type"] == "partner"}
    assert set(partners) == {agents[0].agent_id, agents[1].agent_id}  # the third had no activity
    first, second = partners[agents[0].agent_id], partners[agents[1].agent_id]
    assert first["partner_name"] == NAMES[0] and second["partner_name"] == NAMES[1]  # non-Latin round-trips
    assert (first["clicks"], first["unique_clicks"], first["bot_clicks"]) == ("1", "1", "1")
    assert (first["conversions"], first["conversions_rejected"], first["conversions_reversed"]) == ("1", "1", "1")
    assert (first["sales"], first["commission_approved"], first["commission_reversed"]) == ("249.90", "24.99", "0.005")
    assert (second["sales"], second["commission_pending"]) == ("33.33", "3.333")
    [unattributed] = [row for row in rows if row["line_type"] == "unattributed"]
    [total] = [row for row in rows if row["line_type"] == "total"]
    assert (unattributed["sales"], unattributed["conversions"], unattributed["clicks"]) == ("75.50", "1", "0")
    assert Decimal(total["sales"]) == Decimal("249.90") + Decimal("33.33") + Decimal("75.50")
    assert total["clicks"] == "2" and total["currency"] == "EUR"


def test_a_partner_requests_its_statement_and_gets_a_working_link(aws, month):
    _, agents = month
    partner = Requester(is_admin=False, agent_id=agents[1].agent_id, program_id="shop")
    export = exports.request_export(partner, program_id="shop", month="2026-05", agent_id=agents[1].agent_id, now=NOW)

    assert export.key == f"shop/2026-05/{agents[1].agent_id}.csv"
    assert export.expires_at == NOW + timedelta(hours=1)
    query = parse_qs(urlsplit(export.url).query)
    assert query["X-Amz-Expires"] == ["3600"] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert urlsplit(export.url).netloc == f"{exports.bucket()}.s3.eu-west-1.amazonaws.com"
    response = requests.get(export.url, timeout=10)  # served by moto's S3 through the URL alone
    assert response.status_code == 200
    assert response.content == read_csv(aws, export.key)[1]
    assert NAMES[1] in response.content.decode("utf-8-sig")
    assert export.as_dict()["expires_at"] == "2026-06-15T13:00:00+00:00"


@pytest.mark.parametrize(
    ("requester", "agent", "error"),
    [
        (Requester(is_admin=False, agent_id="me", program_id="shop"), 0, ExportForbidden),  # another partner
        (Requester(is_admin=False, agent_id="me", program_id="shop"), None, ExportForbidden),  # all partners
        (ADMIN, "nosuchagent", ExportNotFound),
    ],
)
def test_exports_nobody_may_see_are_refused_and_write_nothing(aws, month, requester, agent, error):
    _, agents = month
    agent_id = agents[agent].agent_id if isinstance(agent, int) else agent
    with pytest.raises(error):
        exports.request_export(requester, program_id="shop", month="2026-05", agent_id=agent_id, now=NOW)
    assert "Contents" not in s3(aws).list_objects_v2(Bucket=exports.bucket())


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"month": "2026-07"}, ExportRejected),  # not started yet
        ({"month": "05-2026"}, ExportRejected),
        ({"program_id": "../x"}, ExportRejected),
        ({"expires_in": 30}, ExportRejected),
        ({"program_id": "nosuchprogram"}, ExportNotFound),
    ],
)
def test_bad_export_requests_are_rejected(aws, month, changes, error):
    request = {"program_id": "shop", "month": "2026-05", "now": NOW, **changes}
    with pytest.raises(error):
        exports.request_export(ADMIN, **request)


def test_an_admin_exports_the_current_month_so_far(aws, month):
    export = exports.request_export(ADMIN, program_id="shop", month="2026-06", now=NOW, expires_in=600)
    rows, _ = read_csv(aws, export.key)
    assert [row["line_type"] for row in rows] == ["partner", "unattributed", "total"]
    assert export.expires_at == NOW + timedelta(minutes=10)


def test_big_exports_stream_in_parts_with_flat_memory(aws):
    line = ("x" * 1023 + "\n").encode()
    with MultipartWriter(exports.bucket(), "shop/big.csv", filename="big.csv", part_size=exports.MIN_PART_SIZE) as out:
        for _ in range(12 * 1024):  # 12 MiB
            out.write(line)
    assert out.peak_buffered < exports.MIN_PART_SIZE + len(line)
    head = s3(aws).head_object(Bucket=exports.bucket(), Key="shop/big.csv", PartNumber=1)
    assert head["PartsCount"] == 3 and head["ContentLength"] == exports.MIN_PART_SIZE
    assert s3(aws).head_object(Bucket=exports.bucket(), Key="shop/big.csv")["ContentLength"] == 12 * 1024 * 1024


def test_a_failure_mid_export_aborts_the_upload_and_keeps_the_previous_file(aws):
    key = "shop/2026-05/all-partners.csv"
    s3(aws).put_object(Bucket=exports.bucket(), Key=key, Body=b"the previous export")
    line = ("y" * 1023 + "\n").encode()
    writer = MultipartWriter(exports.bucket(), key, filename="x.csv", part_size=exports.MIN_PART_SIZE)
    with FailCalls("s3", "UploadPart", calls={2}), pytest.raises(Exception, match="injected"), writer as out:  # noqa: PT012
        for _ in range(11 * 1024):
            out.write(line)
    assert s3(aws).list_multipart_uploads(Bucket=exports.bucket()).get("Uploads", []) == []
    assert s3(aws).get_object(Bucket=exports.bucket(), Key=key)["Body"].read() == b"the previous export"


def test_the_monthly_schedule_exports_every_statement(runtime, aws, month):
    _, agents = month
    spec = aws.functions["ExportsFunction"]
    event = scheduled_event(aws, spec, spec.schedules[0])
    event["time"] = "2026-06-01T02:00:00Z"
    assert spec.schedules[0]["expression"] == "cron(0 2 1 * ? *)"

    result = runtime.invoke("ExportsFunction", event)
    assert result["month"] == "2026-05"
    [program_run] = result["programs"]
    assert program_run["all_partners"] == "shop/2026-05/all-partners.csv"
    assert program_run["statements_queued"] == 3  # two with activity, and the active one without
    assert requests.get(program_run["url"], timeout=10).status_code == 200

    QueuePump(aws, runtime).drain()
    keys = {item["Key"] for item in s3(aws).list_objects_v2(Bucket=exports.bucket())["Contents"]}
    assert keys == {"shop/2026-05/all-partners.csv"} | {f"shop/2026-05/{agent.agent_id}.csv" for agent in agents}
    quiet, _ = read_csv(aws, f"shop/2026-05/{agents[2].agent_id}.csv")
    assert [row["line_type"] for row in quiet] == ["total"] * 5
    assert {row["partner_name"] for row in quiet} == {"'" + NAMES[2]}  # the formula is defused


def test_a_failed_monthly_run_raises_for_the_retry_and_the_rerun_replaces_the_files(runtime, aws, month):
    spec = aws.functions["ExportsFunction"]
    event = {**scheduled_event(aws, spec, None), "time": "2026-06-01T02:00:00Z"}
    with FailCalls("s3", "CompleteMultipartUpload"), pytest.raises(exports.ExportFailed):
        runtime.invoke("ExportsFunction", event)
    assert "Contents" not in s3(aws).list_objects_v2(Bucket=exports.bucket())
    assert s3(aws).list_multipart_uploads(Bucket=exports.bucket()).get("Uploads", []) == []

    first = runtime.invoke("ExportsFunction", event)  # Lambda's retry
    _, before = read_csv(aws, first["programs"][0]["all_partners"])
    second = runtime.invoke("ExportsFunction", event)  # a manual rerun: same key, same content
    assert first["programs"][0]["all_partners"] == second["programs"][0]["all_partners"]
    listed = s3(aws).list_objects_v2(Bucket=exports.bucket())["Contents"]
    assert [item["Key"] for item in listed] == ["shop/2026-05/all-partners.csv"]
    assert read_csv(aws, "shop/2026-05/all-partners.csv")[1] == before


def test_a_statement_job_that_fails_is_reported_for_redelivery(runtime, aws, month):
    event = {"Records": [{**_sqs_record('{"program_id": "shop", "agent_id": "nobody", "month": "2026-05"}')}]}
    assert runtime.invoke("StatementsFunction", event) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def _sqs_record(body: str) -> dict:
    return {
        "messageId": "m-1",
        "receiptHandle": "r-1",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:waymark-test-StatementsQueue",
        "awsRegion": "eu-west-1",
    }
