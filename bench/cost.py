"""`cost.usd_per_million_clicks` and `cost.usd_per_1k_conversions`: what AWS bills for them, from
counts measured end to end in moto and the list prices of bench/prices.json.

Clicks go through the click function and postbacks through the postback function, then the
streams are drained through the stats consumer (devstack.pumps, batches of the template's
BatchSize), so when the consumer changes, the figure follows. A botocore hook on every client
counts each AWS call the functions make, and for DynamoDB the request units as DynamoDB bills
them (bench/billing.py: the table's item and each global secondary index it is or was in; the
items before and after a write are read from moto's backend, which is no AWS call). Each
invocation is billed at its function's template MemorySize for its own time (wall time less the
time inside moto) plus `aws_call_ms` per AWS call it waited for, per started millisecond. What
functions print (metric and log lines) is priced as log ingestion. The budget is 1.3x the
floor: one HTTP API request, one invocation waiting for one call, one write unit.
"""

import io
import json
import math
import sys
import time
from collections import Counter, defaultdict
from contextlib import redirect_stdout
from pathlib import Path

from bench import billing, world
from bench.embedded import moto_stack, run_child
from bench.local_load import CookieJar
from bench.measure import figure
from devstack.history import BROWSER_AGENTS, PREVIEW_AGENT

ROOT = Path(__file__).resolve().parent.parent
PRICES = ROOT / "bench" / "prices.json"
CLICKS, VISITORS, CONVERSIONS = 300, 60, 100
# Operations with a price of their own; others are listed as unpriced in the figure.
_PRICED = {"dynamodb", "sqs", "events", "sesv2", "ses", "secretsmanager"}
_FREE = {("dynamodbstreams", "GetRecords"), ("dynamodbstreams", "GetShardIterator")}


class Meter:
    """botocore hooks counting, per function, the AWS calls made, their time and DynamoDB's request units."""

    def __init__(self) -> None:
        self.calls: dict[str, Counter] = defaultdict(Counter)
        self.wru: Counter[str] = Counter()
        self.rru: Counter[str] = Counter()
        self.index_wru: Counter[str] = Counter()
        self.aws_seconds: Counter[str] = Counter()
        self.tables: dict[str, billing.Table] = {}  # set once the stack is provisioned

    def install(self) -> None:
        import botocore.handlers

        botocore.handlers.BUILTIN_HANDLERS.extend([("before-call", self.before), ("after-call", self.after)])

    def reset(self) -> None:
        for counter in (self.calls, self.wru, self.rru, self.index_wru, self.aws_seconds):
            counter.clear()

    def before(self, model, params, context, **kwargs) -> None:
        from devstack.runtime import running_function

        started = time.perf_counter()  # the hook's own work counts as time in AWS, not the function's
        function = running_function() or "outside a function"
        service = model.service_model.service_name
        body = json.loads(params.get("body") or "{}") if service == "dynamodb" else {}
        before = self._stored(model.name, body) if service == "dynamodb" and self.tables else None
        context["bench_cost"] = (function, service, body, before, started)

    def _stored(self, operation: str, body: dict) -> list[dict | None]:
        """Each item the write touches as moto holds it now: read from its backend, which is no AWS call."""
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.dynamodb.models import dynamodb_backends
        from moto.dynamodb.models.dynamo_type import DynamoType

        from waymark.core import aws

        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][aws.region()]
        out = []
        for _, name, key_or_item in _writes(operation, body):
            key = [DynamoType(value) for value in self.tables[name].key(key_or_item).values()]
            stored = backend.get_table(name).get_item(key[0], key[1] if len(key) > 1 else None)
            out.append(stored.to_json()["Attributes"] if stored else None)
        return out

    def after(self, http_response, parsed, model, context, **kwargs) -> None:
        function, service, body, before, started = context.pop("bench_cost", (None,) * 5)
        if function is None:
            return
        self.calls[function][f"{service}:{model.name}"] += 1
        if before is not None:
            wru, rru, on_indexes = _units(model.name, body, parsed, before, self._stored(model.name, body), self.tables)
            self.wru[function] += wru
            self.rru[function] += rru
            self.index_wru[function] += on_indexes
        self.aws_seconds[function] += time.perf_counter() - started


def _writes(operation: str, body: dict) -> list[tuple[str, str, dict]]:
    """(kind, table, key or item) of each item a write request touches."""
    if operation == "PutItem":
        return [("Put", body["TableName"], body["Item"])]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(operation[:-4], body["TableName"], body["Key"])]
    if operation == "TransactWriteItems":
        out = []
        for action in body["TransactItems"]:
            (kind, spec), *_ = action.items()
            out.append((kind, spec["TableName"], spec.get("Item") or spec["Key"]))
        return out
    if operation == "BatchWriteItem":
        return [
            ("Put", table, request["PutRequest"]["Item"])
            if "PutRequest" in request
            else ("Delete", table, request["DeleteRequest"]["Key"])
            for table, requests in body["RequestItems"].items()
            for request in requests
        ]
    return []


def _units(operation: str, body: dict, parsed: dict, before: list, after: list, tables: dict[str, billing.Table]):
    """(write units, read units, those of the write units spent on indexes) of one call.

    `before` and `after` are the written items as stored around the call.
    """
    writes = _writes(operation, body)
    if writes:
        transactional = operation == "TransactWriteItems"
        wru = indexes = 0
        for (_, table, _), old, new in zip(writes, before, after, strict=True):
            on_table, on_indexes = tables[table].write_units(old, new, transactional=transactional)
            wru, indexes = wru + on_table + on_indexes, indexes + on_indexes
        return wru, 0.0, indexes
    consistent = bool(body.get("ConsistentRead"))
    size = billing.item_size
    if operation == "GetItem":
        return 0, billing.read_units(size(parsed.get("Item")), consistent), 0
    if operation in ("Query", "Scan"):
        return 0, billing.read_units(sum(size(i) for i in parsed.get("Items", [])), consistent), 0
    if operation == "BatchGetItem":
        found = [i for items in parsed.get("Responses", {}).values() for i in items]
        return 0, sum(billing.read_units(size(i), consistent) for i in found), 0
    if operation == "TransactGetItems":
        return 0, sum(2 * billing.read_units(size(r.get("Item")), True) for r in parsed.get("Responses", [])), 0
    return 0, 0.0, 0


class Invocations:
    """Wraps FunctionRuntime.invoke: invocations, wall time and printed bytes per function."""

    def __init__(self, runtime) -> None:
        self.count: Counter[str] = Counter()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.calls_each: dict[str, list[int]] = defaultdict(list)
        self.printed = 0
        self._invoke = runtime.invoke
        runtime.invoke = self

    def __call__(self, logical_id: str, event: dict, **options):
        sink = io.StringIO()
        started = time.perf_counter()
        with redirect_stdout(sink):
            result = self._invoke(logical_id, event, **options)
        self.count[logical_id] += 1
        self.seconds[logical_id].append(time.perf_counter() - started)
        self.printed += len(sink.getvalue().encode())
        return result

    def reset(self) -> None:
        self.count.clear()
        self.seconds.clear()
        self.printed = 0


def _world():
    from waymark.conversions.advertisers import create_advertiser
    from waymark.partners.links import create_link
    from waymark.partners.management import create_agent

    program = world.shop_program()
    agent = create_agent(program, name="Partner", email="partner@example.com", status="active")
    link = create_link(agent, program, destination="https://www.example.com/tours/1")
    _, token, _ = create_advertiser(program, "shop-backend", "Shop booking system")
    return link.code, token


# Four browsers and a link preview (a bot click): the demo history's own agents.
_AGENTS = (*BROWSER_AGENTS, PREVIEW_AGENT)


def _click_event(code: str, visitor: int, index: int) -> dict:
    event = json.loads((ROOT / "events" / "click" / "link.json").read_text())
    event["pathParameters"]["code"] = code
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/c/{code}"
    event["rawQueryString"] = "sub1=newsletter" if index % 3 == 0 else ""
    event["requestContext"]["http"]["sourceIp"] = f"203.0.113.{visitor % 250}"
    event["headers"]["user-agent"] = event["requestContext"]["http"]["userAgent"] = _AGENTS[visitor % len(_AGENTS)]
    return event


def _postback_event(token: str, click_id: str, index: int) -> dict:
    event = json.loads((ROOT / "events" / "postback" / "postback-json.json").read_text())
    sale = {"token": token, "order_id": f"B-{index}", "amount": "178.00", "currency": "EUR", "click_id": click_id}
    event["body"] = json.dumps(sale)
    return event


def _phase(meter: Meter, invocations: Invocations, stack, api_functions: set[str]) -> dict:
    """What the functions did since the last reset: per function, and what each invocation waited for."""
    functions = {}
    for logical_id, count in invocations.count.items():
        calls = sum(meter.calls[logical_id].values())
        own = max(0.0, sum(invocations.seconds[logical_id]) - meter.aws_seconds[logical_id]) * 1000 / count
        functions[logical_id] = {
            "invocations": count,
            "memory_mb": stack.functions[logical_id].memory,
            "own_ms_each": round(own, 3),
            "aws_calls_each": round(calls / count, 3),
            "calls": dict(meter.calls[logical_id]),
            "write_units": meter.wru[logical_id],
            "of_which_index_write_units": meter.index_wru[logical_id],
            "read_units": meter.rru[logical_id],
            "http_api_requests": count if logical_id in api_functions else 0,
        }
    outside = {k: v for k, v in meter.calls.get("outside a function", {}).items()}
    return {"functions": functions, "printed_bytes": invocations.printed, "outside_functions": outside}


def measure() -> dict:
    meter = Meter()
    meter.install()
    with moto_stack() as (stack, runtime):
        from urllib.parse import parse_qs, urlsplit

        from devstack.pumps import StreamPump

        meter.tables = billing.tables(stack)
        code, token = _world()
        pump = StreamPump(stack, runtime)
        invocations = Invocations(runtime)
        jars: dict[int, CookieJar] = {}  # each person's browser keeps its cookies; the link preview none

        def click(visitor: int, index: int) -> str:
            event = _click_event(code, visitor, index)
            jar = None if _AGENTS[visitor % len(_AGENTS)] == PREVIEW_AGENT else jars.setdefault(visitor, CookieJar())
            if jar is not None and (sent := jar.sent(event["rawPath"])):
                event["cookies"] = sent
            answer = runtime.invoke("ClickFunction", event)
            assert answer["statusCode"] == 302, answer
            if jar is not None:
                jar.keep(answer.get("cookies", []))
            return parse_qs(urlsplit(answer["headers"]["Location"]).query)["click_id"][0]

        # Warm every function (cold lookups, secrets) before counting.
        runtime.invoke("PostbackFunction", _postback_event(token, click(0, 0), -1))
        pump.drain()
        meter.reset()
        invocations.reset()
        click_ids = [click(index % VISITORS, index) for index in range(CLICKS)]
        pump.drain()
        clicks = _phase(meter, invocations, stack, {"ClickFunction"})
        meter.reset()
        invocations.reset()
        for index, click_id in enumerate(click_ids[:CONVERSIONS]):
            answer = runtime.invoke("PostbackFunction", _postback_event(token, click_id, index))
            assert answer["statusCode"] == 200, answer
        pump.drain()
        conversions = _phase(meter, invocations, stack, {"PostbackFunction"})
        architecture = stack.parameters.get("Architecture", "arm64")
    return {"architecture": architecture, "clicks": clicks, "conversions": conversions}


def price(phase: dict, prices: dict, architecture: str) -> tuple[float, dict]:
    """USD for a measured phase, and the lines that make it up."""
    usd, call_ms = prices["usd"], prices["assumptions"]["aws_call_ms"]
    lines: Counter[str] = Counter()
    unpriced: Counter[str] = Counter()
    for function in phase["functions"].values():
        count = function["invocations"]
        billed_ms = math.ceil(function["own_ms_each"] + function["aws_calls_each"] * call_ms)
        lines["lambda requests"] += count * usd["lambda_request"]
        gb_seconds = count * function["memory_mb"] / 1024 * billed_ms / 1000
        lines["lambda duration"] += gb_seconds * usd["lambda_gb_second"][architecture]
        lines["http api requests"] += function["http_api_requests"] * usd["http_api_request"]
        lines["dynamodb writes"] += function["write_units"] * usd["dynamodb_write_request_unit"]
        lines["dynamodb reads"] += function["read_units"] * usd["dynamodb_read_request_unit"]
        for call, n in function["calls"].items():
            service, operation = call.split(":")
            if service == "sqs" and operation.startswith("SendMessage"):
                lines["sqs"] += n * usd["sqs_request"]
            elif service == "events" and operation == "PutEvents":
                lines["eventbridge"] += n * usd["eventbridge_event"]
            elif service in ("email", "ses", "sesv2") and operation.startswith("Send"):
                lines["ses"] += n * usd["ses_email"]
            elif service == "secretsmanager":
                lines["secrets manager"] += n * usd["secretsmanager_api_call"]
            elif service not in ("dynamodb",) and (service, operation) not in _FREE:
                unpriced[call] += n
    lines["log ingestion"] += phase["printed_bytes"] / 1e9 * usd["logs_ingested_gb"]
    return sum(lines.values()), {"lines": dict(lines), "unpriced_calls": dict(unpriced)}


def floor(prices: dict, architecture: str, memory_mb: int) -> float:
    """One HTTP API request, one invocation waiting for one AWS call, one write unit."""
    usd = prices["usd"]
    billed_ms = math.ceil(prices["assumptions"]["aws_call_ms"])
    gb_seconds = memory_mb / 1024 * billed_ms / 1000
    return (
        usd["http_api_request"]
        + usd["lambda_request"]
        + gb_seconds * usd["lambda_gb_second"][architecture]
        + usd["dynamodb_write_request_unit"]
    )


def figures(measured: dict, prices: dict) -> dict[str, dict]:
    architecture = measured["architecture"]
    out = {}
    for key, phase, count, per, name, function in (
        ("clicks", measured["clicks"], CLICKS, 1_000_000, "cost.usd_per_million_clicks", "ClickFunction"),
        ("conversions", measured["conversions"], CONVERSIONS, 1_000, "cost.usd_per_1k_conversions", "PostbackFunction"),
    ):
        total, detail = price(phase, prices, architecture)
        scale = per / count
        least = floor(prices, architecture, phase["functions"][function]["memory_mb"]) * per
        out[name] = figure(
            total * scale,
            round(1.3 * least, 4),
            unit="USD",
            floor_usd=round(least, 4),
            ratio_to_floor=round(total * scale / least, 3),
            measured_over=count,
            region=prices["region"],
            prices_as_of=prices["as_of"],
            architecture=architecture,
            lines_usd={k: round(v * scale, 4) for k, v in sorted(detail["lines"].items(), key=lambda kv: -kv[1])},
            unpriced_calls=detail["unpriced_calls"],
            per_function={
                logical_id: {
                    **f,
                    "write_units_each": round(f["write_units"] / count, 3),
                    "invocations_each": round(f["invocations"] / count, 4),
                }
                for logical_id, f in phase["functions"].items()
            },
        )
        del key
    return out


def run() -> dict[str, dict]:
    return figures(run_child("bench.cost"), json.loads(PRICES.read_text()))


if __name__ == "__main__":
    print(json.dumps(measure()))
    sys.exit(0)
