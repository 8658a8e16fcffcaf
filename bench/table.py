"""The figures table of docs/development.md, made from bench/results.json (so the two cannot disagree).

python -m bench.table            print the table
python -m bench.table --write    put it into docs/development.md between its bench-table markers

The price table the cost figures use (bench/prices.json) goes between its own markers the same way.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DEVELOPMENT = ROOT / "docs" / "development.md"
PRICES = ROOT / "bench" / "prices.json"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
_BETWEEN = re.compile(re.escape(START) + r"(.*?)" + re.escape(END), re.DOTALL)
PRICES_START, PRICES_END = "<!-- price-table:start -->", "<!-- price-table:end -->"
_PRICES_BETWEEN = re.compile(re.escape(PRICES_START) + r"(.*?)" + re.escape(PRICES_END), re.DOTALL)
_PRICE_NAMES = {
    "lambda_request": ("Lambda", "request"),
    "lambda_gb_second": ("Lambda", "GB-second"),
    "http_api_request": ("API Gateway", "HTTP API request"),
    "dynamodb_write_request_unit": ("DynamoDB", "write request unit (on-demand)"),
    "dynamodb_read_request_unit": ("DynamoDB", "read request unit (on-demand)"),
    "dynamodb_stream_read_by_lambda": ("DynamoDB", "stream read by a Lambda trigger"),
    "sqs_request": ("SQS", "request (standard queue)"),
    "eventbridge_event": ("EventBridge", "custom event"),
    "ses_email": ("SES", "email"),
    "secretsmanager_api_call": ("Secrets Manager", "API call"),
    "logs_ingested_gb": ("CloudWatch Logs", "GB ingested"),
}
_SOURCE_OF = {"Lambda": "lambda", "API Gateway": "apigateway", "DynamoDB": "dynamodb", "SQS": "sqs",
              "EventBridge": "events", "SES": "ses", "Secrets Manager": "secretsmanager",
              "CloudWatch Logs": "logs"}  # fmt: skip


def price_markdown(prices: dict) -> str:
    lines = [
        f"List prices for {prices['region']}, as of {prices['as_of']} (`bench/prices.json`):",
        "",
        "| service | unit | USD per million units |",
        "| --- | --- | --- |",
    ]
    for key, value in prices["usd"].items():
        service, unit = _PRICE_NAMES[key]
        link = f"[{service}]({prices['sources'][_SOURCE_OF[service]]})"
        if isinstance(value, dict):
            per_arch = ", ".join(f"{arch} {v * 1e6:g}" for arch, v in value.items())
            lines.append(f"| {link} | {unit} | {per_arch} |")
        else:
            lines.append(f"| {link} | {unit} | {value * 1e6:g} |")
    return "\n".join(lines)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def markdown(results: dict) -> str:
    machine = results["machine"]
    when = {suite["measured_at"] for suite in results.get("suites", {}).values()} or {results["measured_at"]}
    lines = [
        f"Measured {', '.join(sorted(when))} on {machine['cpus']} cores ({machine['machine']}, Python "
        f"{machine['python']}; load average {machine.get('load_average', ['?'])[0]} at the start).",
        "",
        "| figure | value | budget | holds |",
        "| --- | --- | --- | --- |",
    ]
    for name, figure in results["figures"].items():
        if "error" in figure:
            lines.append(f"| `{name}` | could not run: {figure['error'][:80]} | | **no** |")
            continue
        budget = figure["budget"]
        bound = "≥" if figure.get("higher_is_better") else "≤"
        budget_text = f"{bound} {_number(budget)}" if isinstance(budget, int | float) else str(budget)
        unit = figure.get("unit", "")
        holds = "yes" if figure["holds"] else "**no**"
        lines.append(f"| `{name}` | {_number(figure['value'])} {unit} | {budget_text} | {holds} |")
    return "\n".join(lines)


def documented_table(text: str, between: re.Pattern = _BETWEEN) -> str:
    found = between.search(text)
    if not found:
        raise ValueError(f"docs/development.md has no markers {between.pattern[:30]}")
    return found.group(1).strip("\n")


def documented_prices(text: str) -> str:
    return documented_table(text, _PRICES_BETWEEN)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.table")
    parser.add_argument("--write", action="store_true", help="update docs/development.md")
    args = parser.parse_args(argv)
    table = markdown(json.loads(RESULTS.read_text()))
    if not args.write:
        print(table)
        return 0
    text = DEVELOPMENT.read_text()
    documented_table(text)  # the markers must be there
    documented_prices(text)
    text = _BETWEEN.sub(lambda _: f"{START}\n{table}\n{END}", text, count=1)
    prices = price_markdown(json.loads(PRICES.read_text()))
    DEVELOPMENT.write_text(_PRICES_BETWEEN.sub(lambda _: f"{PRICES_START}\n{prices}\n{PRICES_END}", text, count=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
