"""The environment a function gets from template.yaml, with local placeholders for AWS."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGION = "eu-west-1"


def function_environment(logical_id: str, refs: dict[str, str] | None = None) -> dict[str, str]:
    """`refs`: physical ids by logical id (a running local stack's); placeholders otherwise."""
    from devstack.template import Stack

    stack = Stack(name="waymark-bench", region=REGION)
    for resource_id in stack.resources:
        stack.physical[resource_id] = {"Ref": stack.local_name(resource_id), "Arn": f"arn:bench:{resource_id}"}
    stack.physical["ReplayQueue"]["Ref"] = f"https://sqs.{REGION}.amazonaws.com/123456789012/waymark-bench-ReplayQueue"
    for resource_id, ref in (refs or {}).items():
        if resource_id in stack.physical and ref:
            stack.physical[resource_id]["Ref"] = ref
    env = {k: v for k, v in stack.environment(stack.functions[logical_id]).items() if "{{resolve:" not in v}
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        POWERTOOLS_TRACE_DISABLED="true",
    )
    return env


def apply(env: dict[str, str], code_dir: Path) -> None:
    os.environ.update(env)
    for path in (str(ROOT / "shared"), str(code_dir)):
        if path not in sys.path:
            sys.path.insert(0, path)
