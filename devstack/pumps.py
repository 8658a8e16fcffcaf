"""Event source mappings, locally: DynamoDB streams and SQS queues feeding their functions.

Like Lambda's pollers: records go to the function in batches of the template's BatchSize;
a batch that raises is retried (up to MaximumRetryAttempts, then sent to the OnFailure
destination); with ReportBatchItemFailures only the failed records are retried. Tests call
`drain()` to run everything pending to completion, deterministically.
"""

from __future__ import annotations

import json
import sys
import threading
from datetime import datetime

import boto3
from botocore.config import Config

from devstack.runtime import FunctionRuntime
from devstack.template import Stack


def _drain(poll, mappings: list[tuple[str, dict]], max_rounds: int) -> tuple[int, bool]:
    """Poll every mapping round after round until one round moves nothing: (delivered, settled)."""
    delivered = 0
    for _ in range(max_rounds):
        moved = sum(poll(logical_id, source) for logical_id, source in mappings)
        delivered += moved
        if not moved:
            return delivered, True
    return delivered, False


class StreamPump:
    def __init__(self, stack: Stack, runtime: FunctionRuntime) -> None:
        self.stack = stack
        self.runtime = runtime
        # Account-based stream endpoints (<account>.streams-ddb...) are unknown to moto's in-process mock.
        self.client = boto3.client(
            "dynamodbstreams", region_name=stack.region, config=Config(account_id_endpoint_mode="disabled")
        )
        self.sqs = boto3.client("sqs", region_name=stack.region)
        self._iterators: dict[tuple[str, str], str | None] = {}
        self._shards: dict[tuple[str, str], str] = {}
        self.mappings = [(lid, source) for lid, spec in stack.functions.items() for source in spec.streams]

    def drain(self, max_rounds: int = 1000) -> int:
        """Deliver records until every stream is quiet (consumers may write more). Returns records delivered."""
        delivered, settled = _drain(self._poll, self.mappings, max_rounds)
        if not settled:
            raise RuntimeError("streams did not settle: a consumer keeps writing to its own stream")
        return delivered

    def _poll(self, logical_id: str, source: dict) -> int:
        stream_arn = self.stack.physical[source["table"]]["StreamArn"]
        key = (logical_id, stream_arn)
        if key not in self._iterators:
            shard = self.client.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
            self._shards[key] = shard["ShardId"]
            self._iterators[key] = self.client.get_shard_iterator(
                StreamArn=stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
        iterator = self._iterators[key]
        response = self.client.get_records(ShardIterator=iterator, Limit=source["batch_size"])
        records = [_lambda_record(r, stream_arn, self.stack.region) for r in response["Records"]]
        records = [r for r in records if _matches(r, source["filters"])]
        if records:
            self._deliver(logical_id, source, records, self._shards[key])
        self._iterators[key] = response.get("NextShardIterator", iterator)
        return len(response["Records"])

    def _deliver(self, logical_id: str, source: dict, records: list[dict], shard_id: str) -> None:
        retries = source["retries"] if source["retries"] >= 0 else 10_000
        pending = records
        # With a tumbling window Lambda names the shard and the window, and wants the state back.
        window = (
            {"shardId": shard_id, "window": {"start": "", "end": ""}, "state": {}}
            if source.get("tumbling_window")
            else {}
        )
        for attempt in range(retries + 1):
            try:
                result = self.runtime.invoke(logical_id, {"Records": pending, **window})
            except Exception as error:
                print(f"[streams] {logical_id} failed (attempt {attempt + 1}): {error!r}", file=sys.stderr)
                continue
            failed = (
                {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
                if source["report_failures"] and isinstance(result, dict)
                else set()
            )
            if not failed:
                return
            # Lambda resumes from the lowest failed sequence number.
            first = min(
                int(r["dynamodb"]["SequenceNumber"]) for r in pending if r["dynamodb"]["SequenceNumber"] in failed
            )
            pending = [r for r in pending if int(r["dynamodb"]["SequenceNumber"]) >= first]
        if source["on_failure"]:
            queue_url = self.stack.resolve({"Ref": _destination_logical_id(self.stack, source["on_failure"])})
            self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"records": pending}, default=str))
        print(f"[streams] {logical_id} gave up on {len(pending)} records", file=sys.stderr)


def _destination_logical_id(stack: Stack, destination) -> str:
    if isinstance(destination, dict):
        ref = destination.get("Fn::GetAtt") or destination.get("Ref")
        return ref[0] if isinstance(ref, list) else str(ref).split(".")[0]
    raise ValueError(f"unsupported OnFailure destination {destination!r}")


def _lambda_record(record: dict, stream_arn: str, region: str) -> dict:
    out = json.loads(json.dumps(record, default=_json_default))
    out["awsRegion"] = region
    out["eventSourceARN"] = stream_arn
    created = record.get("dynamodb", {}).get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        out["dynamodb"]["ApproximateCreationDateTime"] = int(created.timestamp())
    return out


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    raise TypeError(type(value))


def _matches(record: dict, filters: list) -> bool:
    """A subset of Lambda event filtering: equality on nested keys, lists meaning "any of"."""
    if not filters:
        return True
    return any(_match_pattern(record, json.loads(f) if isinstance(f, str) else f) for f in filters)


def _match_pattern(value: object, pattern: object) -> bool:
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and _match_pattern(value[k], p) for k, p in pattern.items())
    if isinstance(pattern, list):
        return value in pattern
    return value == pattern


class QueuePump:
    def __init__(self, stack: Stack, runtime: FunctionRuntime) -> None:
        self.stack = stack
        self.runtime = runtime
        self.sqs = boto3.client("sqs", region_name=stack.region)
        self.mappings = [(lid, source) for lid, spec in stack.functions.items() for source in spec.queues]

    def drain(self, max_rounds: int = 100) -> int:
        """Deliver messages until the queues are empty, or for `max_rounds` (a job may keep continuing itself)."""
        return _drain(self._poll, self.mappings, max_rounds)[0]

    def _poll(self, logical_id: str, source: dict) -> int:
        queue = self.stack.physical[source["queue"]]
        messages = self.sqs.receive_message(
            QueueUrl=queue["QueueUrl"],
            MaxNumberOfMessages=min(10, source["batch_size"]),
            AttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [_sqs_record(m, queue["Arn"], self.stack.region) for m in messages]}
        try:
            result = self.runtime.invoke(logical_id, event)
        except Exception as error:
            print(f"[queues] {logical_id} failed: {error!r}", file=sys.stderr)
            return 0  # messages reappear after their visibility timeout, as on AWS
        failed = (
            {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
            if source["report_failures"] and isinstance(result, dict)
            else set()
        )
        for message in messages:
            if message["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=queue["QueueUrl"], ReceiptHandle=message["ReceiptHandle"])
        return len(messages) - len(failed)


def _sqs_record(message: dict, queue_arn: str, region: str) -> dict:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": message.get("MessageAttributes", {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class Poller:
    """Runs the pumps in the background for `make dev`, like Lambda's pollers."""

    def __init__(self, *pumps, interval: float = 0.2) -> None:
        self.pumps = pumps
        self.interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="pollers", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def drain(self) -> None:
        with self._lock:
            for pump in self.pumps:
                pump.drain()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.drain()
            except Exception as error:  # keep polling; the error is the consumer's to fix
                print(f"[pollers] {error!r}", file=sys.stderr)

    def stop(self) -> None:
        self._stop.set()
