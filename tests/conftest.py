"""Shared test set-up.

Order matters here. Credentials and region are fixed and moto is imported before anything
can create an AWS client, so every client (boto3, botocore, PynamoDB, Powertools) carries
moto's hook and no test can reach real AWS. The resources are then created from
template.yaml, the way the local stack creates them, so tests cannot drift from it.

The fixtures here serve every suite: the embedded AWS and its functions, and the worlds (a shop,
its merchant) and outage switches the integration and robustness suites share.
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
        # The embedded user pool checks TOTP codes (against its one fixed key) instead of taking any.
        "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
    }
)
for _name in ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(_name, None)

import gzip  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import botocore.handlers  # noqa: E402
import moto  # noqa: E402, F401  - registers moto's botocore hook before any client exists
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from devstack import moto_fixes  # noqa: E402
from devstack.provision import provision  # noqa: E402
from devstack.runtime import FunctionRuntime, LambdaContext  # noqa: E402
from tests.helpers.faults import FailCalls  # noqa: E402
from tests.helpers.iam import IamCheck  # noqa: E402
from tests.helpers.programs import make_advertiser, make_agent, make_link, make_program  # noqa: E402
from tests.helpers.stack import (  # noqa: E402
    MOTO_COGNITO_KEYS,
    RECORDER,
    RUNTIME,
    STACK,
    RequestRecorder,
    embedded_aws,
)

# In-process moto has no HTTP endpoint for the pool's JWKS; point token verification at the
# public key set moto signs its tokens with (the same document its server serves).
_jwks = Path(tempfile.mkdtemp(prefix="waymark-jwks-")) / "jwks.json"
_jwks.write_bytes(gzip.decompress((MOTO_COGNITO_KEYS / "jwks-public.json.gz").read_bytes()))
os.environ["COGNITO_JWKS_URL"] = _jwks.as_uri()
botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-send", RECORDER))
# Every call a function makes is checked against its role as deployed (docs/development.md).
IAM_CHECK = IamCheck(STACK)
botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-parameter-build", IAM_CHECK))

moto_fixes.apply()  # atomic writes and all-or-nothing transactions, as DynamoDB has them

# One provisioning before any Waymark module is imported: table names (stable across tests)
# land in the environment, where the PynamoDB models read them at import.
with mock_aws():
    provision(STACK)
    RUNTIME.prepare()


# Unit tests are pure: no Secrets Manager. Their key reads are answered with these keyrings;
# every other suite reads the secrets provisioned from template.yaml in moto.
PURE_TEST_KEYRINGS = {
    name: json.dumps({"current": "k1", "k1": f"pure-test-{name.lower()}-key"})
    for name in ("VISITOR_HASH_SECRET", "REMARKETING_HASH_SECRET", "EMAIL_LINK_KEYS_SECRET", "WEB_KEYS_SECRET")
}
UNIT_TESTS = Path(__file__).resolve().parent / "unit"


@pytest.fixture(autouse=True)
def keys_without_aws(request, monkeypatch):
    from waymark.core import signing_keys

    if UNIT_TESTS in Path(request.node.path).resolve().parents:
        monkeypatch.setattr(signing_keys, "_secret_text", PURE_TEST_KEYRINGS.__getitem__)
        signing_keys.forget()
        yield
        signing_keys.forget()
    else:
        yield


@pytest.fixture
def aws():
    """A fresh embedded AWS with every template resource, for one test."""
    with embedded_aws() as stack:
        yield stack


@pytest.fixture
def runtime(aws) -> FunctionRuntime:
    """The template's functions, invoked as Lambda would (environment, context, handler)."""
    return RUNTIME


@pytest.fixture
def aws_requests(aws) -> RequestRecorder:
    """Records every AWS request made while the test runs (after set-up)."""
    with RECORDER.listening() as recorder:
        yield recorder


@pytest.fixture(autouse=True)
def iam_check() -> IamCheck:
    """Fail the test if a function made a call its deployed role refuses, even one the code absorbed."""
    IAM_CHECK.refusals.clear()
    yield IAM_CHECK
    if IAM_CHECK.refusals:
        pytest.fail("AWS would refuse:\n" + "\n".join(dict.fromkeys(IAM_CHECK.refusals)), pytrace=False)


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


@pytest.fixture
def shop(aws):
    """A program with an active partner and one link to a tour page."""
    program = make_program()
    agent = make_agent(program, email="partner@example.com")
    link = make_link(agent, program, destination="https://www.example.com/tours/1")
    return SimpleNamespace(program=program, agent=agent, link=link)


@pytest.fixture
def merchant(shop):
    """The shop plus the advertiser (the shop's booking system) that reports its sales, its token and HMAC secret."""
    advertiser, token, hmac_secret = make_advertiser(shop.program)
    return SimpleNamespace(**vars(shop), advertiser=advertiser, token=token, hmac_secret=hmac_secret)


@pytest.fixture
def inject_failure():
    """Make one AWS operation fail on the clients Waymark's request paths use, like a real outage would.

    `inject(...)` returns a function that ends the outage.
    """
    outages = []

    def inject(
        service: str,
        operation: str,
        code: str = "ProvisionedThroughputExceededException",
        exception: Exception | None = None,
    ):
        outage = FailCalls(service, operation, code=code, exception=exception, background=False).__enter__()
        outages.append(outage)
        return outage.__exit__  # heal: the outage is over

    yield inject
    for outage in outages:
        outage.__exit__()


@pytest.fixture
def streams(runtime):
    """The template's DynamoDB stream mappings (BatchSize, filters, retries, OnFailure) feeding their
    functions; `streams.drain()` delivers everything pending, as Lambda's pollers would."""
    from devstack.pumps import StreamPump

    return StreamPump(runtime.stack, runtime)
