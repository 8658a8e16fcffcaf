"""The stats consumer: one Lambda batch of one stream shard into StatsTable counters, exactly once.

A batch is added up in memory and written as one ADD per counter item (docs/architecture.md
"The stream consumer"). Exactly once: a checkpoint item per shard holds the sequence number of
the last record applied (compared as integers); it is compared and advanced in the same
TransactWriteItems as the counters of the records it covers. A batch whose counters do not fit
one transaction (100 items) is written as journal parts first; the checkpoint then advances
alone, and each part is added in a transaction that deletes it. Whichever delivery of the shard
comes next applies the parts a stopped one left, so nothing is added twice or lost, and a
delivery that failed before its checkpoint moved is retried from its first new record.

Unique clicks: a click is unique when it is not a bot's and its session is not marked
`repeat` (the click path decided that from the browser's cookie, waymark.click.seen). The
consumer reads nothing and writes nothing per visitor, so each record's verdict is its own and
a retry reaches the same one.
"""

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer
from botocore.exceptions import ClientError

from waymark.click import useragents
from waymark.core import aws
from waymark.reporting import counters

logger = Logger(child=True)

MAX_TRANSACTION_ITEMS = 100
MAX_BATCH_WRITE_ITEMS = 25
SEQUENCE_DIGITS = 40  # DynamoDB stream sequence numbers have 21 to 40 digits
JOURNAL_TTL_SECONDS = 2 * 24 * 3600  # TTL only tidies up: a part is deleted when applied
CONFLICT_RETRIES = 4  # another shard's transaction on the same counter (the program x month one)
# Independent calls side by side: journal writes and journal parts. Below botocore's pool of 10
# connections, so no call waits for a connection.
PARALLEL_CALLS = 8


@dataclass
class BatchResult:
    counted: int = 0  # records whose counters this delivery wrote
    skipped: int = 0  # at or before the shard's checkpoint: counted by an earlier delivery
    clicks: int = 0
    bot_clicks: int = 0
    unique_clicks: int = 0
    failed_at: str | None = None  # the sequence number Lambda must retry from
    calls: dict = field(default_factory=dict)  # DynamoDB calls made, by operation


@dataclass
class _Plan:
    first: str  # sequence number of its first record, as the stream wrote it
    last: int  # of its last record
    records: int = 0
    deltas: dict = field(default_factory=dict)  # CounterKey -> Delta
    failed_at: str | None = None  # a record that could not be counted, and the rest after it
    clicks: int = 0
    bot_clicks: int = 0
    unique_clicks: int = 0


def _stats_table() -> str:
    return os.environ["STATS_TABLE"]


def _client():
    return aws.client("dynamodb", background=True)


def table_of(event_source_arn: str) -> str:
    """The table name in a stream ARN (arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>)."""
    return event_source_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]


def stream_label(event_source_arn: str) -> str:
    return event_source_arn.rsplit("/stream/", 1)[-1]


def padded(sequence: int) -> str:
    """A sequence number as a fixed-width string: DynamoDB numbers keep 38 digits, these may have 40."""
    return str(sequence).zfill(SEQUENCE_DIGITS)


def load_rules() -> None:
    """Load the user-agent parser's rules now (about 0.25 s of CPU, once per process).

    The handler calls it at import, in Lambda's init phase, so the first batch of a new instance
    does not spend a quarter of its second on it.
    """
    useragents.classify("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0.0.0 Safari/537.36")


# ------------------------------------------------------------------------------------------ a batch


def count_batch(event: dict) -> BatchResult:
    """Count one Lambda batch (the handler's one call). Its records all come from one shard, in order."""
    records = sorted(event.get("Records") or [], key=lambda r: int(r["dynamodb"]["SequenceNumber"]))
    result = BatchResult()
    if not records:
        return result
    shard_id = event.get("shardId")
    if not shard_id:
        # The checkpoint is per shard and only a tumbling window makes Lambda name the shard.
        raise ValueError("the batch names no shardId: its event source mapping needs TumblingWindowInSeconds")
    source = records[0]["eventSourceARN"]
    table = table_of(source)
    shard = f"{table}#{stream_label(source)}#{shard_id}"
    checkpoint_key = {"pk": {"S": f"CHECKPOINT#{table}"}, "sk": {"S": f"{stream_label(source)}#{shard_id}"}}
    calls = _Calls(result.calls)

    first = records[0]["dynamodb"]["SequenceNumber"]
    try:
        done = _read_checkpoint(checkpoint_key, calls)
        _finish_journal(shard, done, calls)  # what an earlier delivery checkpointed but did not add yet
        fresh = [r for r in records if int(r["dynamodb"]["SequenceNumber"]) > done]
        result.skipped = len(records) - len(fresh)
        plan = _plan(table, done, fresh)
        if not plan.records:
            result.failed_at = plan.failed_at
            return result
        first = plan.first
        _commit(plan, shard, checkpoint_key, padded(done) if done >= 0 else None, calls)
    except ClientError as error:
        # Nothing is lost: before the checkpoint moved the retry plans afresh, after it the journal is finished.
        logger.warning(
            "batch not counted; Lambda retries from its first new record", extra={"first": first, "error": str(error)}
        )
        result.failed_at = first
        return result
    result.counted = plan.records
    result.clicks, result.bot_clicks, result.unique_clicks = plan.clicks, plan.bot_clicks, plan.unique_clicks
    result.failed_at = plan.failed_at
    return result


# What the consumer reads of a session: only these attributes are deserialized (a stored session
# carries more, none of which a counter depends on).
SESSION_FIELDS = (
    "click_id",
    "program_id",
    "agent_id",
    "link_code",
    "user_agent",
    "created_at",
    "repeat",
    "test",
    "inside_sales_by",
    *counters.SUB_ID_BREAKDOWN,
)
_deserializer = TypeDeserializer()


def _image(raw: dict | None, fields: tuple[str, ...] | None = None) -> dict | None:
    """A stream image as Python values (Powertools' deserializer, without a wrapper per record)."""
    if not raw:
        return None
    if fields is None:
        return {name: _deserializer.deserialize(value) for name, value in raw.items()}
    return {name: _deserializer.deserialize(raw[name]) for name in fields if name in raw}


def _plan(table: str, done: int, records: list[dict]) -> _Plan:
    """The batch added up in memory: its counters' deltas.

    A record that cannot be read (an unknown status, say) ends the plan: the records before it are
    counted and the batch is reported failed from it. Clicks that move the same counters by the
    same amounts (same partner, link, day, sub-IDs and kind) are counted up first and turned into
    deltas once per kind, not once per click.
    """
    # Until an upgrade's clean-up removes the old table's stream mapping, its last clicks arrive from there.
    sessions = table in (os.environ["SESSIONS_TABLE"], os.environ.get("PREVIOUS_SESSIONS_TABLE") or None)
    if not sessions and table != os.environ["CONVERSIONS_TABLE"]:
        raise ValueError(f"records from {table!r} are not counted here")
    plan = _Plan(first=records[0]["dynamodb"]["SequenceNumber"] if records else "", last=done)
    parsed: list[tuple[str, str | None, dict | None, dict | None]] = []
    for raw in records:
        stream = raw["dynamodb"]
        try:
            if sessions:
                old, new = None, _image(stream.get("NewImage"), SESSION_FIELDS)
            else:
                old, new = _image(stream.get("OldImage")), _image(stream.get("NewImage"))
            parsed.append((stream["SequenceNumber"], raw.get("eventName"), old, new))
        except Exception:
            logger.exception("unreadable stream record", extra={"sequence": stream["SequenceNumber"]})
            plan.failed_at = stream["SequenceNumber"]
            break

    kinds: dict[tuple, list] = {}  # what a click moves -> [a session that moves it, how many do]
    for sequence, name, old, new in parsed:
        try:
            if sessions:
                kind = _click(name, new, kinds)
            else:
                old_deltas, new_deltas = counters.conversion_deltas(old), counters.conversion_deltas(new)
                _add(plan, counters.change(old_deltas, new_deltas))
                kind = None
        except Exception:
            logger.exception("record not counted", extra={"sequence": sequence})
            plan.failed_at = sequence
            break
        plan.last = int(sequence)
        plan.records += 1
        if kind == "bot":
            plan.bot_clicks += 1
        elif kind:
            plan.clicks += 1
            plan.unique_clicks += kind == "unique"
    for (*_, bot, unique), (session, times) in kinds.items():
        deltas = counters.click_deltas(session, bot=bot, unique=unique)
        _add(plan, {key: {name: amount * times for name, amount in delta.items()} for key, delta in deltas.items()})
    return plan


def _add(plan: "_Plan", deltas: counters.Deltas) -> None:
    for key, delta in deltas.items():
        total = plan.deltas.setdefault(key, {})
        for name, amount in delta.items():
            total[name] = total.get(name, 0) + amount
            if total[name] == 0:
                del total[name]


# ------------------------------------------------------------------------------------------ clicks


def _is_click(event_name: str | None, session: dict | None) -> bool:
    # Only new sessions are clicks: TTL deletions are not, nor the console's test clicks, nor an
    # operator's visit from the inside-sales directory (the partner's sale, not its traffic).
    return event_name == "INSERT" and bool(session) and not session.get("test") and not session.get("inside_sales_by")


def _click(event_name: str | None, session: dict | None, kinds: dict) -> str | None:
    """What one session record is: a "bot", "unique" or "repeat" click, or None (no click); counted in `kinds`."""
    if not _is_click(event_name, session):
        return None
    moment = counters.utc(session["created_at"])
    # Everything counters.click_deltas reads, so that equal kinds move equal counters.
    moves = (
        moment.date(),
        session["program_id"],
        session["agent_id"],
        session.get("link_code"),
        *(session.get(field) for field in counters.SUB_ID_BREAKDOWN),
    )
    if useragents.classify(session.get("user_agent")).bot:
        _tally(kinds, (*moves, True, False), session)
        return "bot"
    if session.get("repeat"):
        _tally(kinds, (*moves, False, False), session)
        return "repeat"
    _tally(kinds, (*moves, False, True), session)
    return "unique"


def _tally(kinds: dict, kind: tuple, session: dict) -> None:
    if kind in kinds:
        kinds[kind][1] += 1
    else:
        kinds[kind] = [session, 1]


def _in_parallel(work, groups: list) -> list:
    """Independent calls side by side: a large batch's journal parts."""
    if len(groups) <= 1:
        return [work(group) for group in groups]
    with ThreadPoolExecutor(max_workers=PARALLEL_CALLS) as pool:
        return list(pool.map(work, groups))


def _batch_write(requests: list[dict], calls) -> None:
    table = _stats_table()

    def write(group: list[dict]) -> None:
        request = {table: group}
        for attempt in range(10):
            response = calls(_client().batch_write_item, RequestItems=request)
            request = response.get("UnprocessedItems") or {}
            if not request:
                return
            time.sleep(min(0.05 * 2**attempt, 1.0))
        raise ClientError({"Error": {"Code": "UnprocessedItems", "Message": "left unprocessed"}}, "BatchWriteItem")

    groups = [
        requests[start : start + MAX_BATCH_WRITE_ITEMS] for start in range(0, len(requests), MAX_BATCH_WRITE_ITEMS)
    ]
    _in_parallel(write, groups)


# ------------------------------------------------------------------------------------------ writing


def _read_checkpoint(key: dict, calls) -> int:
    item = calls(_client().get_item, TableName=_stats_table(), Key=key, ConsistentRead=True).get("Item")
    return int(item["sequence"]["S"]) if item else -1


def _checkpoint_put(checkpoint_key: dict, expected: str | None, last: int) -> dict:
    """The checkpoint advanced to `last`, on condition that it still holds `expected` (compare and advance)."""
    put = {
        "TableName": _stats_table(),
        "Item": {**checkpoint_key, "sequence": {"S": padded(last)}},
        "ConditionExpression": "attribute_not_exists(pk)" if expected is None else "#s = :expected",
    }
    if expected is not None:
        put["ExpressionAttributeNames"] = {"#s": "sequence"}
        put["ExpressionAttributeValues"] = {":expected": {"S": expected}}
    return put


def transaction_items(deltas: counters.Deltas, checkpoint_key: dict, expected: str | None, last: int) -> list[dict]:
    """A batch's TransactWriteItems when it fits one: the checkpoint, compared and advanced, and one ADD per counter."""
    table = _stats_table()
    items = [{"Put": _checkpoint_put(checkpoint_key, expected, last)}]
    items += [counter_update(table, key, delta) for key, delta in deltas.items() if delta]
    if len(items) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"a batch would need {len(items)} transaction items")
    return items


def _commit(plan: _Plan, shard: str, checkpoint_key: dict, expected: str | None, calls) -> None:
    """Write the batch's counters exactly once.

    A batch whose counters fit one transaction writes them with the checkpoint. A larger one writes
    its counters as journal parts first, then advances the checkpoint alone (from then on the parts
    are the batch's, applied by whichever delivery comes next if this one stops), then applies each
    part in a transaction that deletes it.
    """
    deltas = {key: delta for key, delta in plan.deltas.items() if delta}
    if len(deltas) + 1 <= MAX_TRANSACTION_ITEMS:
        _transact(transaction_items(deltas, checkpoint_key, expected, plan.last), calls)
        return
    keys = list(deltas)
    size = MAX_TRANSACTION_ITEMS - 1
    parts = [keys[start : start + size] for start in range(0, len(keys), size)]
    journal = [
        _journal_item(shard, plan.last, index, {key: deltas[key] for key in part}) for index, part in enumerate(parts)
    ]
    _batch_write([{"PutRequest": {"Item": item}} for item in journal], calls)
    calls(_client().put_item, **_checkpoint_put(checkpoint_key, expected, plan.last))
    # Parts hold disjoint counters and each deletes only itself: the order they land in changes nothing.
    _in_parallel(lambda item: _apply_part(item, calls), journal)


def _journal_item(shard: str, last: int, index: int, deltas: counters.Deltas) -> dict:
    entries = [
        [key.pk, key.sk, *(key.sub_id or (None, None)), {name: number(amount) for name, amount in delta.items()}]
        for key, delta in deltas.items()
    ]
    return {
        "pk": {"S": f"JOURNAL#{shard}"},
        "sk": {"S": f"{padded(last)}#{index:04d}"},
        "counters": {"S": json.dumps(entries, separators=(",", ":"), ensure_ascii=False)},
        "ttl": {"N": str(int(time.time()) + JOURNAL_TTL_SECONDS)},
    }


def _apply_part(item: dict, calls) -> None:
    """One journal part's counters, in the transaction that deletes the part: added once, whoever applies it."""
    table = _stats_table()
    deltas = {}
    for pk, sk, sub_field, sub_value, delta in json.loads(item["counters"]["S"]):
        key = counters.CounterKey(pk, sk, (sub_field, sub_value) if sub_field else None)
        deltas[key] = {name: Decimal(amount) if "." in amount else int(amount) for name, amount in delta.items()}
    delete = {
        "Delete": {
            "TableName": table,
            "Key": {"pk": item["pk"], "sk": item["sk"]},
            "ConditionExpression": "attribute_exists(pk)",
        }
    }
    try:
        _transact([delete] + [counter_update(table, key, delta) for key, delta in deltas.items()], calls)
    except ClientError as error:
        reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return  # applied already
        raise


def _finish_journal(shard: str, done: int, calls) -> None:
    """Apply the parts of a checkpointed batch that a stopped delivery left; drop those of one never checkpointed."""
    response = calls(
        _client().query,
        TableName=_stats_table(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"JOURNAL#{shard}"}},
        ConsistentRead=True,
    )
    applied, stale = [], []
    for item in response.get("Items", []):
        if int(item["sk"]["S"].split("#", 1)[0]) <= done:
            applied.append(item)
        else:  # its checkpoint never moved: the batch comes again and is planned afresh
            stale.append({"DeleteRequest": {"Key": {"pk": item["pk"], "sk": item["sk"]}}})
    _in_parallel(lambda item: _apply_part(item, calls), applied)
    _batch_write(stale, calls)


def _transact(items: list[dict], calls) -> None:
    for attempt in range(CONFLICT_RETRIES + 1):
        try:
            calls(_client().transact_write_items, TransactItems=items)
            return
        except ClientError as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if "TransactionConflict" not in reasons or attempt == CONFLICT_RETRIES:
                raise  # a checkpoint moved by another delivery, or an outage: Lambda retries the batch
            time.sleep(0.02 * 2**attempt)


def counter_update(table: str, key: counters.CounterKey, delta: counters.Delta) -> dict:
    names, values, adds = {}, {}, []
    for index, (name, amount) in enumerate(sorted(delta.items())):
        names[f"#c{index}"] = name
        values[f":c{index}"] = {"N": number(amount)}
        adds.append(f"#c{index} :c{index}")
    expression = "ADD " + ", ".join(adds)
    if key.sub_id:
        names.update({"#sf": "sub_field", "#sv": "sub_value"})
        values.update({":sf": {"S": key.sub_id[0]}, ":sv": {"S": key.sub_id[1]}})
        expression += " SET #sf = :sf, #sv = :sv"
    return {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": key.pk}, "sk": {"S": key.sk}},
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def number(value: int | Decimal) -> str:
    """A DynamoDB number string, exact, never in exponent form."""
    return str(value) if isinstance(value, int) else format(Decimal(value), "f")


class _Calls:
    """Calls DynamoDB and counts the calls by operation (the handler's log line shows them)."""

    def __init__(self, tally: dict) -> None:
        self.tally = tally
        self.lock = threading.Lock()

    def __call__(self, method, **kwargs):
        with self.lock:
            self.tally[method.__name__] = self.tally.get(method.__name__, 0) + 1
        return method(**kwargs)
