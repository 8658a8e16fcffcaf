"""X-Ray traces are readable by anyone with xray:BatchGetTraces: no function may put its answers in them."""

import re
from pathlib import Path

from devstack.template import Stack

ROOT = Path(__file__).resolve().parents[2]
STACK = Stack(name="waymark-test")


def test_every_function_runs_with_response_capture_off():
    for logical_id, spec in STACK.functions.items():
        assert STACK.environment(spec).get("POWERTOOLS_TRACER_CAPTURE_RESPONSE") == "false", logical_id


def test_no_code_turns_response_capture_back_on():
    sources = [*ROOT.glob("functions/*/app.py"), *ROOT.glob("shared/waymark/**/*.py")]
    assert len(sources) > 20
    for path in sources:
        text = path.read_text()
        assert not re.search(r"capture_response\s*=\s*True", text), path
