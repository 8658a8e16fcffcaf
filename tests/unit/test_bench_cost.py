"""bench/cost.py's arithmetic: item sizes and request units as DynamoDB bills them, and prices."""

import json

from bench import cost, table

PRICES = json.loads(cost.PRICES.read_text())
SESSION = {
    "click_id": {"S": "0Qz8-abcdefghijklmnopqr"},
    "agent_id": {"S": "cpzkdey4"},
    "expires_at": {"N": "1827000000"},
    "sub_defaults": {"M": {"sub1": {"S": "news"}}},
    "allowed_domains": {"L": [{"S": "www.example.com"}, {"S": "*.example.com"}]},
    "bot": {"BOOL": False},
}


def test_item_sizes_are_names_plus_values_as_dynamodb_documents_them():
    assert cost.item_size({"ab": {"S": "xyz"}}) == 5
    assert cost.item_size({"n": {"N": "12345"}}) == 1 + 4  # a byte per two significant digits, plus one
    assert cost.item_size({"n": {"N": "-120.500"}}) == 1 + 3  # leading and trailing zeros trimmed: 1205
    # names + values; "1827" (trailing zeros trimmed) is 3 bytes; a list or map 3 bytes plus 1 per element
    sizes = [8 + 23, 8 + 8, 10 + 3, 12 + 3 + 1 + 4 + 4, 15 + 3 + 16 + 14, 3 + 1]
    assert cost.item_size(SESSION) == sum(sizes)


def test_write_units_are_per_started_kilobyte_and_reads_per_started_4kb():
    assert [cost.write_units(n) for n in (0, 1, 1024, 1025, 3000)] == [1, 1, 1, 2, 3]
    assert cost.read_units(100, consistent=False) == 0.5
    assert cost.read_units(4097, consistent=True) == 2


def test_a_transaction_bills_each_item_twice_and_an_update_the_larger_of_before_and_after():
    body = {
        "TransactItems": [
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "a" * 1500}}}},
            {"Update": {"TableName": "t", "Key": {"pk": {"S": "b"}}}},
        ]
    }
    wru, rru = cost._units("TransactWriteItems", body, {}, before=[0, 100], after=[1502, 2100], failed=False)
    assert (wru, rru) == (2 * 2 + 2 * 3, 0)
    # cancelled: nothing written, each item still billed at what it holds (at least one unit)
    assert cost._units("TransactWriteItems", body, {"Error": {}}, [0, 100], [0, 100], failed=True) == (4, 0)


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
