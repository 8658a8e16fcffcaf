"""The postback's budgets: warm handler time and AWS calls for a sale with a click id (the session's
GetItem and the conversion's PutItem: a new sale writes no line in the advertiser's postback log)."""

import copy
import json
import os
from contextlib import redirect_stdout

from bench import environment
from bench.click import sample_items
from bench.measure import figure, median, percentile, warm_loop
from bench.stubs import StubbedAws
from devstack.runtime import LambdaContext

ROOT = environment.ROOT
POSTBACK_DIR = ROOT / "functions" / "postback"
EVENT = ROOT / "events" / "postback" / "postback-json.json"
TOKEN = "shop-backend.bench-token-bench-token"


def world() -> tuple[dict[str, list[dict]], str]:
    """Program, partner and link (as a click sees them), the advertiser, and one live session."""
    from datetime import UTC, datetime, timedelta

    from waymark.conversions.advertisers import token_digest
    from waymark.core import ids
    from waymark.models import Advertiser, Session

    items = sample_items()
    advertiser = Advertiser(
        *Advertiser.key("shop-backend"),
        advertiser_id="shop-backend",
        program_id="shop",
        name="Shop",
        token_sha256=token_digest(TOKEN),
        hmac_secret="s" * 32,
    )
    items[Advertiser.Meta.table_name].append(advertiser.serialize())
    now = datetime.now(UTC)
    click_id = ids.new_click_id()
    session = Session(
        *Session.key(click_id),
        agent_id="cpzkdey4",
        link_code="k7m2p9qx4t",
        program_id="shop",
        destination="https://www.example.com/tours/1",
        ip_hash="h" * 32,
        created_at=now.isoformat(timespec="milliseconds"),
        expires_at=int((now + timedelta(days=365)).timestamp()),
        ttl=int((now + timedelta(days=455)).timestamp()),
    )
    items[Session.Meta.table_name] = [session.serialize()]
    return items, click_id


def run(runs: int = 3000) -> dict[str, dict]:
    import importlib.util

    env = environment.function_environment("PostbackFunction")
    environment.apply(env, POSTBACK_DIR)
    spec = importlib.util.spec_from_file_location("bench_postback_app", POSTBACK_DIR / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    items, click_id = world()
    stub = StubbedAws(items)
    stub.install_for_waymark()
    template = json.loads(EVENT.read_text())
    counter = iter(range(10**9))

    context = LambdaContext(function_name="postback", memory_limit_in_mb=512, timeout_seconds=10)

    def one_postback():
        event = copy.copy(template)
        event["body"] = json.dumps(
            {
                "token": TOKEN,
                "order_id": f"B-{next(counter)}",
                "amount": "178.00",
                "currency": "EUR",
                "click_id": click_id,
            }
        )
        response = module.lambda_handler(event, context)
        assert response["statusCode"] == 200, response

    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        one_postback()  # the cold lookups (advertiser, program, partner) happen here
        stub.reset()
        samples = warm_loop(one_postback, warmup=300, runs=runs)
    total = runs + 300
    calls = sum(stub.calls.values()) / total
    return {
        "postback.warm_ms_p50": figure(
            median(samples), 2.0, unit="ms", runs=runs, p99_ms=round(percentile(samples, 99), 3)
        ),
        "postback.dynamodb_calls": figure(
            calls, 2, unit="calls per warm postback", operations={k: v / total for k, v in stub.calls.items()}
        ),
    }
