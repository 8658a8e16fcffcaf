"""waymark.core.hot_path writes what Powertools' metrics and logger would, for less."""

import io
import json
import logging
from contextlib import redirect_stdout

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging import logger as powertools_logger
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider import cold_start

from devstack.runtime import LambdaContext
from waymark.core import hot_path

EVENT = {"requestContext": {"requestId": "req-1", "http": {"method": "GET"}}}


def _lines(handler, *events) -> list[dict]:
    out = io.StringIO()
    with redirect_stdout(out):
        for event in events:
            handler(event, LambdaContext(function_name="click"))
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    for line in lines:
        assert isinstance(line["_aws"].pop("Timestamp"), int)
    return lines


def test_count_lines_are_powertools_lines(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "click")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Waymark")
    names = [["ClickCredited"], ["ClickCredited", "ClickKeptForReplay"], ["ClickRejected", "ClickRejected"]]

    theirs = Metrics()

    @theirs.log_metrics(capture_cold_start_metric=True)
    def powertools(event, context):
        for name in event["names"]:
            theirs.add_metric(name=name, unit=MetricUnit.Count, value=1)

    ours = hot_path.CountMetrics()

    @ours.log_metrics
    def lean(event, context):
        for name in event["names"]:
            ours.count(name)

    cold_start.is_cold_start = True
    expected = _lines(powertools, *({"names": n} for n in names))
    assert _lines(lean, *({"names": n} for n in names)) == expected
    assert expected[0]["ColdStart"] == [1.0] and len(expected) == 4


def test_nothing_counted_prints_nothing_but_the_cold_start():
    metrics = hot_path.CountMetrics()
    lines = _lines(metrics.log_metrics(lambda event, context: None), {}, {})
    assert [line.get("ColdStart") for line in lines] == [[1.0]]


def test_log_lines_carry_the_keys_powertools_would_set(monkeypatch):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "click")
    # Powertools' logger keeps its own cold-start flag, which any earlier handler in this process cleared.
    monkeypatch.setattr(powertools_logger, "is_cold_start", True)
    contexts = [LambdaContext(function_name="click"), LambdaContext(function_name="click")]

    def record(service: str, decorator) -> list[dict]:
        stream = io.StringIO()
        logger = Logger(service=service, logger_handler=logging.StreamHandler(stream))

        @decorator(logger)
        def handler(event, context):
            logger.warning("write failed")

        for context in contexts:
            handler(EVENT, context)
        return [
            {k: v for k, v in json.loads(line).items() if k not in ("timestamp", "location")}
            for line in stream.getvalue().splitlines()
        ]

    cold_start.is_cold_start = True
    expected = record(
        "theirs", lambda logger: logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    )
    got = record("ours", hot_path.inject_context)
    assert [line["cold_start"] for line in got] == [True, False]
    assert [{**line, "service": "theirs"} for line in got] == expected
    assert got[0]["correlation_id"] == "req-1"
