"""Property: whatever clicks and conversions happen, however the stream delivers them (retried after
failures, batches delivered again), the counters equal a recount from scratch of what is stored.

The recount below is written independently of waymark.reporting.counters, from the documented key layout
(docs/architecture.md "Counters") and the documented unique-click rule: a person's click is unique unless
the click function marked its session a repeat (from the browser's cookie, tested in
tests/unit/test_repeat_clicks.py). Here any click may carry the mark, so the consumer's handling of it
meets every kind of delivery.
"""

import itertools
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.helpers.faults import FailCalls
from tests.helpers.reporting import (
    DESKTOP,
    HUMAN,
    SLACK,
    T0,
    Recording,
    counter_items,
    stored_click,
    stored_sale,
)

AGENTS = 2
LINKS = 2
USER_AGENTS = (HUMAN, DESKTOP, SLACK, None)
BOT_AGENTS = {SLACK, None}
STATUSES = ("pending", "approved", "rejected", "reversed")
CHANNELS = ("web", "phone", "concierge")
_examples = itertools.count()


clicks = st.tuples(
    st.just("click"),
    st.integers(0, AGENTS - 1),
    st.integers(0, LINKS - 1),
    st.integers(0, 1),  # visitor
    st.sampled_from((HUMAN, HUMAN, HUMAN, *USER_AGENTS)),  # mostly a person: only a person's click can be unique
    st.sampled_from([None, "news", "ads"]),  # sub1
    st.sampled_from([0, 1, 10, 25, 35, 55, 59, 60, 61, 200]),  # minutes since the previous click
    st.booleans(),  # marked a repeat by the click function
)
sales = st.tuples(
    st.just("sale"),
    st.integers(0, AGENTS),  # AGENTS means unattributed
    st.integers(0, LINKS),  # LINKS means no link
    st.sampled_from(CHANNELS),
    st.integers(0, 100_000),  # amount in cents
    st.integers(0, 10_000),  # commission in cents
    st.sampled_from(("pending", "pending", "approved", "rejected")),
    st.integers(0, 40 * 24),  # hours after the start (the sales span two months)
    st.sampled_from([None, "news"]),
)
changes = st.tuples(st.just("status"), st.integers(0, 50), st.sampled_from(STATUSES))
amendments = st.tuples(st.just("amend"), st.integers(0, 50), st.integers(0, 10_000))
drains = st.tuples(st.just("drain"))
redeliveries = st.tuples(st.just("redeliver"), st.integers(1, 4))
failures = st.tuples(st.just("fail"), st.sampled_from(["TransactWriteItems", "UpdateItem"]), st.integers(1, 6))
operations = st.lists(
    st.one_of(clicks, clicks, clicks, sales, changes, amendments, drains, redeliveries, failures),
    min_size=1,
    max_size=30,
)


def test_counters_equal_a_recount_from_scratch(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)

    @settings(
        max_examples=20,
        deadline=None,
        # No shrinking: a failure is reported at once (with its example) rather than after minutes.
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(operations)
    def run(ops):
        token = f"x{next(_examples):05d}y"  # in every key of this example, and of no other
        program = f"p{token}"
        agents = [f"a{token}{n}" for n in range(AGENTS)] + [None]
        links = [f"l{token}{n}" for n in range(LINKS)] + [None]
        clock = T0.replace(hour=20)
        stored_sales = []
        for op in ops:
            kind = op[0]
            if kind == "click":
                _, agent, link, visitor, user_agent, sub1, minutes, repeat = op
                clock += timedelta(minutes=minutes)
                extra = {"sub1": sub1} if sub1 else {}
                stored_click(
                    program, agents[agent], links[link], at=clock, visitor=f"v{visitor}", user_agent=user_agent,
                    repeat=repeat, **extra,
                )  # fmt: skip
            elif kind == "sale":
                _, agent, link, channel, amount, commission, status, hours, sub1 = op
                extra = {"sub1": sub1} if sub1 else {}
                stored_sales.append(
                    stored_sale(
                        program,
                        agents[agent],
                        f"{token}-{len(stored_sales)}",
                        amount=str(Decimal(amount) / 100),
                        commission=str(Decimal(commission) / 100),
                        status=status,
                        channel=channel,
                        link_code=links[link],
                        at=T0 + timedelta(hours=hours),
                        **extra,
                    )
                )
            elif kind == "status" and stored_sales:
                conversion = stored_sales[op[1] % len(stored_sales)]
                conversion.update(actions=[type(conversion).status.set(op[2])])
            elif kind == "amend" and stored_sales:
                conversion = stored_sales[op[1] % len(stored_sales)]
                conversion.update(actions=[type(conversion).commission.set(Decimal(op[2]) / 100)])
            elif kind == "drain":
                streams.drain()
            elif kind == "redeliver":
                for event in list(recording.events)[-op[1] :]:
                    runtime.invoke("StatsFunction", event)
            elif kind == "fail":
                with FailCalls("dynamodb", op[1], calls={op[2]}):
                    streams.drain()
        streams.drain()

        counted = {key: values for key, values in counter_items().items() if token in key[0] + key[1]}
        assert counted == recount(program)

    run()


def recount(program: str) -> dict[tuple[str, str], dict]:
    """The counters of one program from its stored sessions and conversions (tests only: Scans)."""
    from waymark.models import Conversion, Session

    sessions = list(Session.scan(Session.program_id == program))
    conversions = list(Conversion.scan(Conversion.program_id == program))
    out: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))

    def add(keys, values):
        for key in keys:
            for name, value in values.items():
                out[key][name] += value

    def partner_keys(agent, link, day, month, sub1):
        keys = [
            (f"MONTH#{month}", f"PROGRAM#{program}"),
            (f"PROGRAM#{program}#MONTH#{month}", f"AGENT#{agent}"),
            (f"AGENT#{agent}#DAY", day),
        ]
        if link:
            keys += [
                (f"AGENT#{agent}#MONTH#{month}", f"LINK#{link}"),
                (f"LINK#{link}#DAY", day),
                (f"AGENT#{agent}#LINKS", link),
            ]
        if sub1:
            keys.append((f"AGENT#{agent}#MONTH#{month}#SUB", f"sub1#{sub1}"))
        return keys

    for session in sessions:
        keys = partner_keys(
            session.agent_id, session.link_code, session.created_at[:10], session.created_at[:7], session.sub1
        )
        if session.user_agent in BOT_AGENTS:
            add(keys, {"bot_clicks": 1})
            continue
        add(keys, {"clicks": 1, "unique_clicks": int(not session.repeat)})

    for conversion in conversions:
        day, month, status = conversion.created_at[:10], conversion.created_at[:7], conversion.status
        values = {
            f"conversions_{status}": 1,
            f"sales_{status}": conversion.amount,
            f"commission_{status}": conversion.commission,
        }
        keys = [(f"PROGRAM#{program}#MONTH#{month}", f"CHANNEL#{conversion.channel}")]
        if conversion.agent_id:
            keys += partner_keys(conversion.agent_id, conversion.link_code, day, month, conversion.sub1)
            keys.append((f"AGENT#{conversion.agent_id}#MONTH#{month}", f"CHANNEL#{conversion.channel}"))
        else:
            keys.append((f"MONTH#{month}", f"PROGRAM#{program}"))
        add(keys, values)

    cleaned = {key: {name: value for name, value in values.items() if value != 0} for key, values in out.items()}
    return {key: values for key, values in cleaned.items() if values}


# ------------------------------------------------------------------------------------------ several shards

SHARDS = 3
sharded_clicks = st.tuples(
    st.just("click"),
    st.integers(0, AGENTS - 1),
    st.integers(0, LINKS - 1),
    st.integers(0, 5),  # visitor; a visitor's clicks share a shard (see below)
    st.sampled_from((HUMAN, HUMAN, HUMAN, *USER_AGENTS)),
    st.sampled_from([None, "news"]),
    st.sampled_from([0, 1, 30, 59, 60, 61, 90]),
    st.booleans(),  # marked a repeat
)
sharded_sales = st.tuples(
    st.just("sale"),
    st.integers(0, AGENTS),
    st.sampled_from(CHANNELS),
    st.integers(0, 100_000),
    st.sampled_from(("pending", "approved")),
)
sharded_ops = st.lists(st.one_of(sharded_clicks, sharded_clicks, sharded_sales, changes), min_size=1, max_size=40)
# What Lambda may do with one delivery: nothing unusual, report a chunk failed (an outage on one call),
# crash half-way (Lambda bisects the batch), or deliver the same batch again after it succeeded.
deliveries = st.tuples(
    st.integers(1, 25),  # batch size
    st.sampled_from(("ok", "ok", "fail_transaction", "fail_journal", "fail_checkpoint", "crash", "redeliver")),
    st.integers(1, 3),  # which call fails
)


def stream_record(table: str, sequence: int, name: str, old: dict | None, new: dict | None) -> dict:
    images = {"NewImage": new} if new else {}
    images |= {"OldImage": old} if old else {}
    return {
        "eventID": f"e{sequence}",
        "eventName": name,
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "eventSourceARN": f"arn:aws:dynamodb:eu-west-1:123456789012:table/{table}/stream/2026-01-01T00:00:00.000",
        "dynamodb": {"SequenceNumber": str(sequence), "StreamViewType": "NEW_AND_OLD_IMAGES", **images},
    }


def test_several_shards_however_delivered_count_exactly_once(runtime, monkeypatch):
    """Batches of random sizes over several shards, split into small journal parts, failures mid-batch, crashes that
    Lambda answers by bisecting, whole batches delivered twice: the counters equal a recount.

    Each session says whether it is a repeat, so no verdict depends on the order of records within or
    across shards, and the recount takes none."""
    from waymark.models import Conversion, Session
    from waymark.reporting import consumer

    # A click moves 6 to 7 counters: most batches need the journal of parts, as big ones do in production.
    monkeypatch.setattr(consumer, "MAX_TRANSACTION_ITEMS", 12)

    @settings(
        max_examples=15,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(sharded_ops, st.data())
    def run(ops, data):
        token = f"s{next(_examples):05d}z"
        program = f"p{token}"
        agents = [f"a{token}{n}" for n in range(AGENTS)] + [None]
        links = [f"l{token}{n}" for n in range(LINKS)]
        # Sequence numbers per shard; shard 2 crosses from 21 to 22 digits, where text order would lie.
        sequences = {0: 10**20, 1: 5 * 10**20, 2: 10**21 - 3}
        shards: dict[int, dict[str, list[dict]]] = {s: {"sessions": [], "conversions": []} for s in range(SHARDS)}
        clock = T0.replace(hour=20)
        stored_sales: list = []

        def append(shard: int, kind: str, name: str, old, new) -> None:
            sequences[shard] += data.draw(st.integers(1, 3))
            table = (Session if kind == "sessions" else Conversion).Meta.table_name
            shards[shard][kind].append(stream_record(table, sequences[shard], name, old, new))

        for op in ops:
            if op[0] == "click":
                _, agent, link, visitor, user_agent, sub1, minutes, repeat = op
                clock += timedelta(minutes=minutes)
                session = stored_click(
                    program, agents[agent], links[link], at=clock, visitor=f"v{visitor}", user_agent=user_agent,
                    repeat=repeat, **({"sub1": sub1} if sub1 else {}),
                )  # fmt: skip
                append(visitor % SHARDS, "sessions", "INSERT", None, session.serialize())
            elif op[0] == "sale":
                _, agent, channel, amount, status = op
                order = f"{token}-{len(stored_sales)}"
                sale = stored_sale(program, agents[agent], order, amount=str(Decimal(amount) / 100), status=status,
                                   channel=channel)  # fmt: skip
                stored_sales.append(sale)
                append(len(stored_sales) % SHARDS, "conversions", "INSERT", None, sale.serialize())
            elif op[0] == "status" and stored_sales:
                index = op[1] % len(stored_sales)
                sale = stored_sales[index]
                old = sale.serialize()
                sale.update(actions=[type(sale).status.set(op[2])])
                append((index + 1) % SHARDS, "conversions", "MODIFY", old, sale.serialize())

        pending = {(s, kind): list(records) for s, kinds in shards.items() for kind, records in kinds.items()}
        while any(pending.values()):
            queue = data.draw(st.sampled_from(sorted(key for key, records in pending.items() if records)))
            size, fault, call = data.draw(deliveries)
            batch = pending[queue][:size]
            while True:
                event = {"Records": batch, "shardId": f"shardId-{token}-{queue[0]}", "window": {}, "state": {}}
                try:
                    if fault == "fail_transaction":
                        with FailCalls("dynamodb", "TransactWriteItems", calls={call}):
                            answer = runtime.invoke("StatsFunction", event)
                    elif fault == "fail_checkpoint":
                        with FailCalls("dynamodb", "PutItem", calls={call}):
                            answer = runtime.invoke("StatsFunction", event)
                    elif fault == "fail_journal":
                        with FailCalls("dynamodb", "BatchWriteItem", calls={call}):
                            answer = runtime.invoke("StatsFunction", event)
                    elif fault == "crash":
                        with FailCalls("dynamodb", "TransactWriteItems", calls={call}, exception=RuntimeError("crash")):
                            answer = runtime.invoke("StatsFunction", event)
                    else:
                        answer = runtime.invoke("StatsFunction", event)
                except RuntimeError:
                    fault = "ok"  # Lambda bisects the batch that crashed and delivers its first half
                    batch = batch[: max(1, len(batch) // 2)]
                    continue
                break
            failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
            if failed:
                first = int(failed[0])
                pending[queue] = [r for r in pending[queue] if int(r["dynamodb"]["SequenceNumber"]) >= first]
                continue
            if fault == "redeliver":
                assert runtime.invoke("StatsFunction", event)["batchItemFailures"] == []
            done = {r["dynamodb"]["SequenceNumber"] for r in batch}
            pending[queue] = [r for r in pending[queue] if r["dynamodb"]["SequenceNumber"] not in done]

        counted = {key: values for key, values in counter_items().items() if token in key[0] + key[1]}
        assert counted == recount(program)

    run()
