"""Powertools' per-invocation work for the click function, at a fraction of its cost.

A warm click costs about 0.2 ms beyond its one PutItem; Powertools' `log_metrics` and
`inject_lambda_context` took a third of that (metric-name validation and a JSON encoding per
invocation, a JMESPath query for the correlation id). These write the same CloudWatch embedded
metric lines and set the same log keys: tests/unit/test_hot_path.py holds them to Powertools'.
"""

import json
import os
import time
from collections.abc import Callable
from functools import wraps

# Every line a function prints that matches this shape becomes CloudWatch metrics, as Powertools' do.
_NAMESPACE_ENV, _SERVICE_ENV = "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_SERVICE_NAME"


class CountMetrics:
    """Count metrics (unit Count, value 1 each), one embedded-metric line per invocation, dimension `service`.

    Only the timestamp changes between lines with the same names, so each set of names is encoded once.
    """

    def __init__(self) -> None:
        self._names: list[str] = []
        self._lines: dict[tuple[str, ...], tuple[str, str]] = {}
        self._cold = True

    def count(self, name: str) -> None:
        self._names.append(name)

    def flush(self) -> None:
        if not self._names:
            return
        names, self._names = tuple(self._names), []
        parts = self._lines.get(names)
        if parts is None:
            parts = self._lines[names] = _line_parts(names, {"service": _service()})
        print(f"{parts[0]}{int(time.time() * 1000)}{parts[1]}")

    def log_metrics(self, handler: Callable) -> Callable:
        """Like Powertools' `log_metrics(capture_cold_start_metric=True)`: a ColdStart line first, then the counts."""

        @wraps(handler)
        def decorated(event, context):
            if self._cold:
                self._cold = False
                prefix, suffix = _line_parts(
                    ("ColdStart",), {"function_name": context.function_name, "service": _service()}
                )
                print(f"{prefix}{int(time.time() * 1000)}{suffix}")
            try:
                return handler(event, context)
            finally:
                self.flush()

        return decorated


def _service() -> str:
    return os.environ.get(_SERVICE_ENV, "service_undefined")


def _line_parts(names: tuple[str, ...], dimensions: dict[str, str]) -> tuple[str, str]:
    """The embedded-metric line, split where its timestamp goes."""
    marker = -1
    line = json.dumps(
        {
            "_aws": {
                "Timestamp": marker,
                "CloudWatchMetrics": [
                    {
                        "Namespace": os.environ.get(_NAMESPACE_ENV),
                        "Dimensions": [list(dimensions)],
                        "Metrics": [{"Name": name, "Unit": "Count"} for name in dict.fromkeys(names)],
                    }
                ],
            },
            **dimensions,
            **{name: [1.0] * names.count(name) for name in names},
        },
        separators=(",", ":"),
    )
    prefix, _, suffix = line.partition(str(marker))
    return prefix, suffix


def inject_context(logger) -> Callable:
    """Like Powertools' `inject_lambda_context(correlation_id_path=API_GATEWAY_HTTP)`: the Lambda
    context's keys, cold_start and the request id as correlation_id on every line logged."""

    def decorator(handler: Callable) -> Callable:
        first = [True]

        @wraps(handler)
        def decorated(event, context):
            cold, first[0] = first[0], False
            logger.append_keys(
                cold_start=cold,
                function_name=context.function_name,
                function_memory_size=context.memory_limit_in_mb,
                function_arn=context.invoked_function_arn,
                function_request_id=context.aws_request_id,
                correlation_id=(event.get("requestContext") or {}).get("requestId"),
            )
            return handler(event, context)

        return decorated

    return decorator
