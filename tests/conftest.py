"""Shared test set-up.

Order matters here. Credentials and region are fixed and moto is imported before anything
can create an AWS client, so every client (boto3, botocore, PynamoDB, Powertools) carries
moto's hook and no test can reach real AWS. The resources are then created from
template.yaml, the way the local stack creates them, so tests cannot drift from it.
"""

import os

os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Waymark",
    }
)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_name, None)

import gzip  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import botocore.handlers  # noqa: E402
import moto  # noqa: E402  - registers moto's botocore hook before any client exists
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from devstack import moto_fixes  # noqa: E402
from devstack.provision import provision  # noqa: E402
from devstack.runtime import FunctionRuntime, LambdaContext  # noqa: E402
from devstack.template import Stack  # noqa: E402


class RequestRecorder:
    """A botocore `before-send` hook on every client in this process: which AWS calls were made.

    Registered ahead of moto's own hook (which answers the request and ends the chain).
    """

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.recording = False

    def __call__(self, request, **kwargs) -> None:
        if self.recording:
            target = request.headers.get("X-Amz-Target")
            target = target.decode() if isinstance(target, bytes) else target
            self.calls.append(target.split(".")[-1] if target else f"{request.method} {request.url}")

    def of(self, *operations: str) -> list[str]:
        return [call for call in self.calls if call in operations]


RECORDER = RequestRecorder()

# In-process moto has no HTTP endpoint for the pool's JWKS; point token verification at the
# public key set moto signs its tokens with (the same document its server serves).
MOTO_COGNITO_KEYS = Path(moto.__file__).parent / "cognitoidp" / "resources"
_jwks = Path(tempfile.mkdtemp(prefix="waymark-jwks-")) / "jwks.json"
_jwks.write_bytes(gzip.decompress((MOTO_COGNITO_KEYS / "jwks-public.json.gz").read_bytes()))
os.environ["COGNITO_JWKS_URL"] = _jwks.as_uri()
botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-send", RECORDER))

moto_fixes.apply()  # atomic writes and all-or-nothing transactions, as DynamoDB has them

STACK = Stack(name="waymark-test")
RUNTIME = FunctionRuntime(STACK)

# One provisioning before any Waymark module is imported: table names (stable across tests)
# land in the environment, where the PynamoDB models read them at import.
with mock_aws():
    provision(STACK)
    RUNTIME.prepare()


def reset_process_state() -> None:
    """Forget what warm containers remember between invocations (caches, derived keys)."""
    from waymark.core import cache
    from waymark.core import signing_keys as keys

    cache.clear_all()
    keys.forget()


# Pure tests (no `aws` fixture) have no Secrets Manager: their key reads are answered with these
# keyrings instead. Tests with moto read the secrets provisioned from template.yaml.
PURE_TEST_KEYRINGS = {
    name: json.dumps({"current": "k1", "k1": f"pure-test-{name.lower()}-key"})
    for name in ("VISITOR_HASH_SECRET", "REMARKETING_HASH_SECRET", "EMAIL_LINK_KEYS_SECRET", "WEB_KEYS_SECRET")
}


@pytest.fixture(autouse=True)
def keys_without_aws(request, monkeypatch):
    from waymark.core import signing_keys as keys

    keys.forget()
    if "aws" not in request.fixturenames:
        monkeypatch.setattr(keys, "_secret_text", PURE_TEST_KEYRINGS.__getitem__)
    yield
    keys.forget()


@pytest.fixture
def aws():
    """A fresh embedded AWS with every template resource, for one test."""
    with mock_aws():
        provision(STACK)
        RUNTIME.prepare()
        reset_process_state()
        yield STACK


@pytest.fixture
def runtime(aws) -> FunctionRuntime:
    """The template's functions, invoked as Lambda would (environment, context, handler)."""
    return RUNTIME


@pytest.fixture
def aws_requests(aws) -> RequestRecorder:
    """Records every AWS request made while the test runs (after set-up)."""
    RECORDER.calls.clear()
    RECORDER.recording = True
    yield RECORDER
    RECORDER.recording = False


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


@pytest.fixture(autouse=True)
def reset_metric_set():
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics.provider import cold_start

    metrics = Metrics()
    metrics.clear_metrics()
    metrics.clear_default_dimensions()
    cold_start.is_cold_start = True
