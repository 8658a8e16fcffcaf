"""EventsPublisherFunction: stream records of conversions and partners become events on WaymarkEventBus (moto)."""

import json

import boto3
import pytest

from tests.helpers.programs import make_agent
from tests.helpers.reporting import set_status, stored_sale
from waymark.models import Agent


@pytest.fixture
def merchant_queue(runtime):
    """What a merchant does with docs/integrating.md's rule to SQS: every Waymark event into its queue."""
    stack = runtime.stack
    bus = stack.physical["WaymarkEventBus"]["Ref"]
    sqs = boto3.client("sqs", region_name=stack.region)
    events = boto3.client("events", region_name=stack.region)
    url = sqs.create_queue(QueueName="merchant-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all-waymark-events", EventBusName=bus, EventPattern=json.dumps({"source": ["waymark"]}))
    events.put_targets(Rule="all-waymark-events", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])

    def received() -> list[dict]:
        out = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                out.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return out

    return received


def test_conversions_and_their_decisions_reach_the_bus(runtime, streams, merchant_queue):
    sale = stored_sale("shop", "ag1", "o1", amount="249.90", commission="24.99")
    streams.drain()
    set_status(sale, "approved")
    streams.drain()

    got = merchant_queue()
    assert [(e["source"], e["detail-type"]) for e in got] == [
        ("waymark", "conversion.recorded"),
        ("waymark", "conversion.approved"),
    ]
    approved = got[1]["detail"]
    assert approved["conversion_id"] == "shop-booking:o1"
    assert (approved["agent_id"], approved["status"], approved["previous_status"]) == ("ag1", "approved", "pending")
    assert (approved["amount"], approved["commission"], approved["currency"]) == ("249.90", "24.99", "EUR")


def test_a_payout_line_paid_reaches_the_bus_once_without_its_account(runtime, streams, merchant_queue):
    from tests.helpers.payouts import AFTER_HOLD, approved_sale, partner_with_details, payouts_program
    from waymark.payouts import store

    program = payouts_program()
    alpha = partner_with_details(program, "Alpha")
    approved_sale(program, alpha, "a1", "30.00")
    run = store.start_run(program, AFTER_HOLD.date(), by="op@example.com", now=AFTER_HOLD)
    streams.drain()
    store.mark_paid(program.program_id, run.run_id, by="op@example.com", now=AFTER_HOLD)
    streams.drain()

    paid = [e for e in merchant_queue() if e["detail-type"] == "payout.paid"]
    assert len(paid) == 1
    detail = paid[0]["detail"]
    assert (detail["payout_id"], detail["agent_id"], detail["amount"], detail["currency"]) == (
        run.run_id,
        alpha.agent_id,
        "30.00",
        "EUR",
    )
    line = store.lines_of(run.run_id)[0]
    assert line.account not in json.dumps(paid[0])


def test_a_partner_approved_by_an_operator_reaches_the_bus_without_its_email(shop, streams, merchant_queue):
    applicant = make_agent(shop.program, status="pending", email="applicant@example.com")
    streams.drain()
    Agent.get(applicant.agent_id).update(actions=[Agent.status.set("active")])
    streams.drain()

    got = [e for e in merchant_queue() if e["detail"]["agent_id"] == applicant.agent_id]
    assert [e["detail-type"] for e in got] == ["partner.signed_up", "partner.approved"]
    assert "applicant@example.com" not in json.dumps(got)


def pending_records(runtime, table: str) -> dict:
    """The table's stream records as Lambda would hand them over, without delivering them."""
    from devstack.pumps import StreamPump, _lambda_record

    reader = StreamPump(runtime.stack, runtime).client
    stream_arn = runtime.stack.physical[table]["StreamArn"]
    shard = reader.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = reader.get_shard_iterator(StreamArn=stream_arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = reader.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return {"Records": [_lambda_record(r, stream_arn, runtime.stack.region) for r in records]}


class RefuseFirstEntry:
    """EventBridge taking a PutEvents call but refusing its first entry (FailedEntryCount), as it does
    when throttled; the other entries pass through to moto in a second, real call."""

    def __init__(self):
        from waymark.core import aws

        self.client = aws.client("events", background=True)
        self.done = False

    def __call__(self, params, **kwargs):
        if self.done:
            return None
        self.done = True
        entries = json.loads(params["body"])["Entries"]
        self.client.meta.events.unregister("before-call.events.PutEvents", self)
        rest = self.client.put_events(Entries=entries[1:])["Entries"] if entries[1:] else []
        failed = {"ErrorCode": "ThrottlingException", "ErrorMessage": "injected"}
        from types import SimpleNamespace

        return SimpleNamespace(status_code=200, headers={}), {"FailedEntryCount": 1, "Entries": [failed, *rest]}


def test_refused_events_are_reported_so_lambda_tries_their_records_again(runtime, merchant_queue):
    first = stored_sale("shop", "ag1", "o2", amount="10", commission="1")
    stored_sale("shop", "ag1", "o3", amount="20", commission="2")
    event = pending_records(runtime, "ConversionsTable")
    refuse = RefuseFirstEntry()
    refuse.client.meta.events.register("before-call.events.PutEvents", refuse)

    answer = runtime.invoke("EventsPublisherFunction", event)
    [first_record, _] = event["Records"]
    assert answer == {"batchItemFailures": [{"itemIdentifier": first_record["dynamodb"]["SequenceNumber"]}]}
    assert [e["detail"]["conversion_id"] for e in merchant_queue()] == ["shop-booking:o3"]

    assert runtime.invoke("EventsPublisherFunction", {"Records": event["Records"][:1]}) == {"batchItemFailures": []}
    assert [e["detail"]["conversion_id"] for e in merchant_queue()] == [first.conversion_id]


def test_a_batch_goes_out_ten_entries_a_call(runtime, aws_requests, merchant_queue):
    for n in range(12):
        stored_sale("shop", "ag1", f"b{n}", status="approved")  # recorded + approved: 24 events
    event = pending_records(runtime, "ConversionsTable")
    assert runtime.invoke("EventsPublisherFunction", event) == {"batchItemFailures": []}
    assert len(aws_requests.of("PutEvents")) == 3  # 10 + 10 + 4
    assert len(merchant_queue()) == 24
