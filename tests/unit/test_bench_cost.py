"""bench/cost.py's arithmetic: prices (request units as DynamoDB bills them: tests/unit/test_bench_billing.py)."""

import json

from bench import cost, table

PRICES = json.loads(cost.PRICES.read_text())


def test_the_floor_is_one_request_one_invocation_one_write_unit():
    usd = PRICES["usd"]
    floor = cost.floor(PRICES, "arm64", 1024)
    call_ms = PRICES["assumptions"]["aws_call_ms"]
    expected = usd["http_api_request"] + usd["lambda_request"] + usd["dynamodb_write_request_unit"]
    assert abs(floor - (expected + call_ms / 1000 * usd["lambda_gb_second"]["arm64"])) < 1e-15


def test_a_phase_is_priced_from_its_counts():
    phase = {
        "functions": {
            "ClickFunction": {
                "invocations": 10, "memory_mb": 1024, "own_ms_each": 0.4, "aws_calls_each": 1.0,
                "calls": {"dynamodb:PutItem": 10, "sqs:SendMessage": 1, "kms:Decrypt": 2},
                "write_units": 10, "read_units": 0, "http_api_requests": 10,
            }
        },
        "printed_bytes": 2000,
    }  # fmt: skip
    total, detail = cost.price(phase, PRICES, "arm64")
    usd = PRICES["usd"]
    assert detail["lines"]["dynamodb writes"] == 10 * usd["dynamodb_write_request_unit"]
    assert detail["lines"]["lambda duration"] == 10 * 6 / 1000 * usd["lambda_gb_second"]["arm64"]  # ceil(0.4 + 5)
    assert detail["lines"]["sqs"] == usd["sqs_request"]
    assert detail["unpriced_calls"] == {"kms:Decrypt": 2}  # shown, never silently free
    assert abs(total - sum(detail["lines"].values())) < 1e-15


def test_the_documented_price_table_is_the_checked_in_one():
    assert table.documented_prices(table.DEVELOPMENT.read_text()) == table.price_markdown(PRICES)
    assert {"region", "as_of", "sources"} <= set(PRICES)
