"""The deployable artefact: template checks, `sam build`, and every built function run in isolation.

Each built function is imported in a fresh interpreter whose sys.path holds only its own
folder, its built layers and the SDK the Lambda runtime provides (boto3/botocore), then
invoked once with its sample events from events/ against moto's server.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from devstack.template import ROOT, Stack, load
from tests.helpers.iam import CALL_RECORDER, IamCheck

pytestmark = pytest.mark.packaging

SAM_BIN = ROOT / ".venv-sam" / "bin"
# What the Lambda Python runtime already has; our layers must not ship them.
RUNTIME_SDK = ["boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six.py"]
PACKAGE_BUDGET_MB = 10


def _sam_env() -> dict[str, str]:
    # sam build looks for python3.12 on PATH; PIP_NO_DEPS keeps the SDK out of the layers
    # (docs/architecture.md "Layers").
    base_python = Path(getattr(sys, "_base_executable", sys.executable)).resolve().parent
    return {
        **os.environ,
        "PATH": f"{base_python}:{os.environ['PATH']}",
        "PIP_NO_DEPS": "1",
        "SAM_CLI_TELEMETRY": "0",
    }


def _run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False, **kwargs)


def test_cfn_lint_passes():
    result = _run(str(SAM_BIN / "cfn-lint"), "template.yaml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes():
    result = _run(str(SAM_BIN / "sam"), "validate", "--lint", "--region", "eu-west-1", env=_sam_env())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    build_dir = tmp_path_factory.mktemp("sam") / "build"
    result = _run(
        str(SAM_BIN / "sam"),
        "build",
        "--parallel",  # the functions' folders are copied side by side, as the layers are built
        "--parameter-overrides",
        "Architecture=x86_64",
        "--build-dir",
        str(build_dir),
        env=_sam_env(),
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return build_dir


def _layers(build: Path, function: dict) -> list[Path]:
    return [build / layer["Ref"] / "python" for layer in function["Properties"].get("Layers", [])]


def _built_functions(build: Path) -> dict[str, dict]:
    template = load(build / "template.yaml")
    functions = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            globals_layers = template.get("Globals", {}).get("Function", {}).get("Layers", [])
            resource["Properties"]["Layers"] = globals_layers + resource["Properties"].get("Layers", [])
            functions[logical_id] = resource
    return functions


def test_layers_leave_the_runtime_sdk_out(build):
    for layer in ("CoreLayer", "AppLayer"):
        shipped = {path.name for path in (build / layer / "python").iterdir()}
        assert not shipped & {"boto3", "botocore", "s3transfer"}, layer


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def test_click_package_stays_small(build):
    function = _built_functions(build)["ClickFunction"]
    size = _size_mb(build / "ClickFunction") + sum(_size_mb(layer) for layer in _layers(build, function))
    assert size <= PACKAGE_BUDGET_MB, f"click function and layers: {size:.1f} MB"


RUNNER = (
    CALL_RECORDER
    + r"""
import json, sys, time, uuid
handler_module, event_file = sys.argv[1], sys.argv[2]
module = __import__(handler_module)
class Context:
    function_name = "packaging-test"; function_version = "$LATEST"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:packaging-test"
    aws_request_id = str(uuid.uuid4()); log_group_name = "/aws/lambda/packaging-test"; log_stream_name = "x"
    def get_remaining_time_in_millis(self): return 10000
result = module.lambda_handler(json.load(open(event_file)), Context())
origins = {name: getattr(sys.modules.get(name), "__file__", None)
           for name in ("waymark", "aws_lambda_powertools", "pynamodb", "pydantic", "jinja2", "botocore")}
print("@@RESULT@@" + json.dumps({"result": result, "origins": origins, "calls": CALLS}, default=str))
"""
)


@pytest.fixture(scope="module")
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def deployed(moto_server):
    """The template's resources on moto's server, named as the sample events expect (stack `waymark`)."""
    from devstack.provision import provision

    saved = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = moto_server
    try:
        stack = Stack(name="waymark")
        provision(stack)
        _seed_sample_link(stack)
    finally:
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL")
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved
    return stack


SAMPLE_ADVERTISER_TOKEN = "shop-backend.sample-token-for-tests-only"  # the token in events/postback/


def _seed_sample_link(stack: Stack) -> None:
    import boto3

    from waymark.conversions.advertisers import token_digest
    from waymark.models import Advertiser, Agent, Link, Program

    dynamodb = boto3.client("dynamodb", region_name=stack.region, endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    program = Program(
        *Program.key("shop"),
        program_id="shop",
        name="Shop",
        default_landing_url="https://www.example.com/",
        allowed_domains=["www.example.com"],
    )
    agent = Agent(
        "cpzkdey4",
        program_id="shop",
        name="Partner",
        email="p@example.com",
        created_at="2026-01-01T00:00:00.000+00:00",
    )
    agent.set_status("active")
    link = Link(
        "k7m2p9qx4t",
        agent_id="cpzkdey4",
        program_id="shop",
        created_at="2026-01-01T00:00:00.000+00:00",
        destination="https://www.example.com/tours/1",
    )
    advertiser = Advertiser(
        *Advertiser.key("shop-backend"),
        advertiser_id="shop-backend",
        program_id="shop",
        name="Shop booking system",
        token_sha256=token_digest(SAMPLE_ADVERTISER_TOKEN),
        hmac_secret="sample-hmac-secret",
    )
    for logical_id, model in (
        ("ConfigTable", program),
        ("ConfigTable", advertiser),
        ("AgentsTable", agent),
        ("LinksTable", link),
    ):
        dynamodb.put_item(TableName=stack.physical[logical_id]["Ref"], Item=model.serialize())


def _runtime_sdk(tmp_path: Path) -> Path:
    site = Path(sysconfig.get_paths()["purelib"])
    sdk = tmp_path / "lambda-runtime-sdk"
    sdk.mkdir()
    for name in RUNTIME_SDK:
        os.symlink(site / name, sdk / name)
    return sdk


def _invoke_built(build: Path, logical_id: str, function: dict, event_file: Path, env: dict, sdk: Path) -> dict:
    code = build / logical_id
    module = function["Properties"]["Handler"].rsplit(".", 1)[0]
    path = os.pathsep.join([str(code), *map(str, _layers(build, function)), str(sdk)])
    python = shutil.which("python3.12", path=_sam_env()["PATH"]) or sys.executable
    result = subprocess.run(
        [python, "-S", "-c", RUNNER, module, str(event_file)],
        env={**env, "PYTHONPATH": path, "PYTHONNOUSERSITE": "1"},
        cwd=code,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{logical_id} with {event_file.name}:\n{result.stderr[-3000:]}"
    return json.loads(result.stdout.split("@@RESULT@@", 1)[1])


def test_every_built_function_imports_with_only_its_layers_and_runs(build, deployed, moto_server, tmp_path):
    sdk = _runtime_sdk(tmp_path)
    functions = _built_functions(build)
    # Each call a built function made, judged against its deployed role (docs/development.md).
    iam = IamCheck(deployed)
    refused = []
    assert set(functions) == set(deployed.functions)
    runs = {}
    for logical_id, function in functions.items():
        spec = deployed.functions[logical_id]
        events = sorted((ROOT / "events" / spec.short_name).glob("*.json"))
        assert events, f"events/{spec.short_name}/ has no sample event for {logical_id}"
        env = {
            **deployed.environment(spec),
            "AWS_ENDPOINT_URL": moto_server,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": deployed.region,
            "AWS_DEFAULT_REGION": deployed.region,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "PATH": os.environ["PATH"],
        }
        runs[logical_id] = (function, events, env)

    def run_events(logical_id: str) -> list:
        # A function's own events in their order (one may rely on an earlier one); functions side by side.
        function, events, env = runs[logical_id]
        return [(event, _invoke_built(build, logical_id, function, event, env, sdk)) for event in events]

    # Each run is a new interpreter waiting on its imports and on moto's server: a few at once.
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = dict(zip(runs, pool.map(run_events, runs), strict=True))
    for logical_id, results in outcomes.items():
        spec = deployed.functions[logical_id]
        for event_file, outcome in results:
            for call in outcome["calls"]:
                refusal = iam.refusal(logical_id, call["service"], call["operation"], call["params"])
                if refusal:
                    refused.append(f"{event_file.name}: {refusal}")
            origins = outcome["origins"]
            assert origins["waymark"].startswith(str(build / "SharedLayer")), origins
            assert origins["aws_lambda_powertools"].startswith(str(build / "CoreLayer")), origins
            assert origins["botocore"].startswith(str(sdk)), origins
            result = outcome["result"]
            if spec.routes:
                assert result["statusCode"] < 500, (logical_id, event_file.name, result)
            if (spec.queues or spec.streams) and "Records" in json.loads(event_file.read_text()):
                # A function may have other triggers too (a schedule): only batches answer with failures.
                # A tumbling window's batch hands its state back too (the stats consumer's).
                assert result.get("batchItemFailures") == [], (logical_id, event_file.name, result)
                assert set(result) <= {"batchItemFailures", "state"}, (logical_id, event_file.name, result)
            if logical_id == "ClickFunction" and event_file.stem in ("link", "deep-link"):
                assert result["statusCode"] == 302 and result["cookies"], result
            if logical_id == "PostbackFunction" and event_file.stem.startswith("postback"):
                assert result["statusCode"] == 200 and json.loads(result["body"])["conversion_id"], result
    assert not refused, "AWS would refuse:\n" + "\n".join(refused)
