"""The click path's budgets: cold init ratio, warm handler time, AWS calls per click, and the
handler's cost over a bare handler that only stores the session and redirects."""

import copy
import json
import os
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

from bench import environment
from bench.measure import figure, in_fresh_process, median, percentile, warm_loop
from bench.stubs import StubbedAws
from devstack.runtime import LambdaContext

ROOT = environment.ROOT
CLICK_DIR = ROOT / "functions" / "click"
EVENT = ROOT / "events" / "click" / "link.json"
LINK_CODE = "k7m2p9qx4t"

# Both children time from their first line, so interpreter start-up is excluded from both.
BASELINE = r"""
import time
started = time.perf_counter()
import boto3
boto3.client("dynamodb", region_name="eu-west-1")
import json
print(json.dumps({"ms": (time.perf_counter() - started) * 1000}))
"""

COLD_CLICK = r"""
import time
started = time.perf_counter()
import json, sys
code_dir, shared_dir, event_file, items_file = sys.argv[1:5]
sys.path[:0] = [code_dir, shared_dir]
import app
from waymark.core import aws
from bench.stubs import StubbedAws
stub = StubbedAws(json.load(open(items_file)))
stub.install(aws._session())
class Context:
    function_name = "click"; memory_limit_in_mb = 1024; aws_request_id = "cold"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:click"
    def get_remaining_time_in_millis(self): return 3000
result = app.lambda_handler(json.load(open(event_file)), Context())
elapsed = (time.perf_counter() - started) * 1000
heavy = sorted(m for m in ("jinja2", "pydantic", "aws_xray_sdk", "boto3", "waymark.reporting") if m in sys.modules)
print(json.dumps({"ms": elapsed, "status": result["statusCode"], "calls": dict(stub.calls), "heavy_modules": heavy}))
"""


def sample_items() -> dict[str, dict]:
    """The link, partner and program a cold click looks up, as DynamoDB would return them."""
    from waymark.models import Agent, Link, Program

    program = Program(
        *Program.key("shop"),
        program_id="shop",
        name="Shop",
        default_landing_url="https://www.example.com/",
        allowed_domains=["www.example.com", "*.example.com"],
    )
    agent = Agent(
        "cpzkdey4", program_id="shop", name="Partner", email="p@example.com", created_at="2026-01-01T00:00:00.000+00:00"
    )
    agent.set_status("active")
    link = Link(
        LINK_CODE,
        agent_id="cpzkdey4",
        program_id="shop",
        created_at="2026-01-01T00:00:00.000+00:00",
        destination="https://www.example.com/tours/1",
    )
    return {
        Program.Meta.table_name: [program.serialize()],
        Agent.Meta.table_name: [agent.serialize()],
        Link.Meta.table_name: [link.serialize()],
    }


def cold_init_ratio(env: dict[str, str], rounds: int = 15) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(sample_items(), handle)
    child_env = {**env, "PYTHONPATH": str(ROOT)}
    baseline, click, last = [], [], {}
    for _ in range(rounds):  # interleaved, so machine noise hits both alike
        baseline.append(in_fresh_process(BASELINE, env=child_env)["ms"])
        last = in_fresh_process(
            COLD_CLICK, str(CLICK_DIR), str(ROOT / "shared"), str(EVENT), handle.name, env=child_env
        )
        click.append(last["ms"])
    os.unlink(handle.name)
    if last["status"] != 302:
        raise RuntimeError(f"cold click did not redirect: {last}")
    ratio = median(click) / median(baseline)
    return figure(
        ratio,
        1.15,
        unit="ratio",
        click_cold_ms=round(median(click), 1),
        boto3_client_ms=round(median(baseline), 1),
        first_click_calls=last["calls"],
        heavy_modules_loaded=last["heavy_modules"],
    )


def returning_browser() -> str:
    """The unique-click cookie of a browser back from three other links this hour: each click reads it
    and, being unique on LINK_CODE, writes it anew (the most the cookie costs a click)."""
    import time

    from waymark.click import seen

    now, value = int(time.time()), ""
    for n, code in enumerate(("a1b2c3d4e5", "f6g7h8i9j0", "k1l2m3n4o5")):
        value = seen.updated(seen.parse(value, now), code, now - 900 + n * 60)
    return f"{seen.SEEN_COOKIE}={value}"


def bare_handler(item: dict, table: str):
    """The least a click can cost: the same session item under a fresh click id, one PutItem, a 302.

    Same botocore client (Waymark's, so the same configuration) and the same stub as the click.
    """
    from waymark.core import aws, ids

    client = aws.client("dynamodb")
    location = item["destination"]["S"]

    def handler(event: dict, context) -> dict:
        click_id = ids.new_click_id()
        client.put_item(
            TableName=table, Item={**item, "ref_code": {"S": ids.ref_code(click_id)}, "click_id": {"S": click_id}}
        )
        return {"statusCode": 302, "headers": {"Location": location}, "body": ""}

    return handler


def overhead_ratio(click, bare, rounds: int = 20, runs: int = 500) -> dict:
    """Median click time over median bare time, in interleaved blocks so machine noise hits both alike."""
    click_samples, bare_samples = [], []
    for _ in range(rounds):
        click_samples += warm_loop(click, warmup=50, runs=runs)
        bare_samples += warm_loop(bare, warmup=50, runs=runs)
    click_ms, bare_ms = median(click_samples), median(bare_samples)
    return figure(
        click_ms / bare_ms,
        2.0,
        unit="ratio",
        click_ms=round(click_ms, 4),
        bare_ms=round(bare_ms, 4),
        runs=rounds * runs,
    )


def warm(env: dict[str, str], runs: int = 5000) -> dict[str, dict]:
    import importlib.util

    environment.apply(env, CLICK_DIR)
    spec = importlib.util.spec_from_file_location("bench_click_app", CLICK_DIR / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    stub = StubbedAws(sample_items())
    stub.install_for_waymark()
    event = json.loads(EVENT.read_text())
    event["cookies"] = [returning_browser()]

    context = LambdaContext(function_name="click", memory_limit_in_mb=1024, timeout_seconds=3)

    def one_click():
        response = module.lambda_handler(copy.copy(event), context)
        assert response["statusCode"] == 302

    with open(os.devnull, "w") as sink, redirect_stdout(sink):  # EMF metrics are printed, as in Lambda
        module.lambda_handler(event, context)  # the cold lookups happen here
        stub.reset()
        samples = warm_loop(one_click, warmup=500, runs=runs)
        calls = sum(stub.calls.values()) / (runs + 500)
        operations = dict(stub.calls)
        bare = bare_handler(stub.last_request("PutItem")["Item"], env["SESSIONS_TABLE"])
        ratio = overhead_ratio(one_click, lambda: bare(copy.copy(event), context))
    return {
        "click.warm_ms_p50": figure(median(samples), 0.5, unit="ms", runs=runs),
        "click.warm_ms_p99": figure(
            percentile(samples, 99), 5.0, unit="ms", runs=runs, note="budget set here: the issue only bounds the median"
        ),
        "click.dynamodb_calls": figure(calls, 1, unit="calls per warm click", operations=operations),
        "click.overhead_ratio": ratio,
    }


def run() -> dict[str, dict]:
    env = environment.function_environment("ClickFunction")
    environment.apply(env, CLICK_DIR)
    figures = {"click.cold_init_ratio": cold_init_ratio(env)}
    figures.update(warm(env))
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(json.dumps(run(), indent=2))
