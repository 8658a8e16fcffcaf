"""Benchmarks against moto: the template's resources in an in-process mock, and suites run in their own
interpreter (so one suite's stubs, caches and table names never meet another's)."""

import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.measure import child_json

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Waymark",
}


@contextmanager
def moto_stack(name: str = "waymark-bench") -> Iterator:
    """Every template resource in moto (in this process); yields (stack, runtime)."""
    os.environ.update(CREDENTIALS)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    for path in (str(ROOT / "shared"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    from moto import mock_aws

    from devstack import moto_fixes
    from devstack.provision import provision
    from devstack.runtime import FunctionRuntime
    from devstack.template import Stack

    moto_fixes.apply()
    with mock_aws():
        stack = Stack(name=name)
        provision(stack)
        runtime = FunctionRuntime(stack)
        runtime.prepare()
        yield stack, runtime


def run_child(module: str, *args: str, timeout: int = 900) -> dict:
    """`python -m <module> <args>` in a fresh interpreter, without this one's AWS settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    return child_json([sys.executable, "-m", module, *args], env=env, timeout=timeout, answers_on_failure=True)


class ReadCounter:
    """A botocore `after-call` hook: DynamoDB read calls and the items they returned."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items = 0
        self.recording = False

    def __call__(self, http_response, parsed, model, **kwargs) -> None:
        if not self.recording or model.service_model.service_name != "dynamodb":
            return
        self.calls[model.name] += 1
        if model.name in ("Query", "Scan"):
            self.items += len(parsed.get("Items", []))
        elif model.name == "GetItem":
            self.items += 1 if parsed.get("Item") else 0
        elif model.name == "BatchGetItem":
            self.items += sum(len(found) for found in parsed.get("Responses", {}).values())

    def install(self) -> None:
        """On every botocore client made from now on (boto3, PynamoDB and Waymark's own)."""
        import botocore.handlers

        botocore.handlers.BUILTIN_HANDLERS.append(("after-call", self))

    def reset(self) -> None:
        self.calls.clear()
        self.items = 0
