"""`export.peak_mb_delta`: peak memory growth of a 200k-row partner statement export over a 2k-row one.

Each export runs `waymark.reporting.exports.export_statement` in a fresh interpreter after a small
warm-up export (imports, clients and endpoint resolution are not the export's growth). Its
growth is how far the process's peak resident memory (`ru_maxrss`: everything, C buffers
included) rose above the peak before it; the figure is growth(200k) - growth(2k) in MB.
(tracemalloc would see Python allocations only and makes the 200k export three times slower.)

Where the rows come from and where the file goes:
* S3 is moto, in its own process (`ThreadedMotoServer`): the parts really are uploaded over
  HTTP, and the object's size is checked after each export. Moto in the measured process
  would keep the uploaded file in the very heap being measured.
* The conversions are served at the wire by `PageServer` below: the statement's Query on the
  conversions' agent-index is answered in DynamoDB's JSON protocol, 500 items a page with a
  LastEvaluatedKey, and botocore and PynamoDB parse it as they would DynamoDB's answer.
  moto 5.2 takes ~10 ms per returned item on an index Query (its response serialiser and a
  sort of the whole table per page), which puts 200k rows at hours.
"""

import json
import os
import resource
import subprocess
import sys
import time

from bench.embedded import CREDENTIALS, ROOT, run_child
from bench.measure import figure

MONTH = "2026-05"
SIZES = {"small": 2_000, "large": 200_000}
AGENT = "ag7x2k9q"

_MOTO_SERVER = r"""
import json, sys
import logging
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(json.dumps(server.get_host_and_port()), flush=True)
sys.stdin.read()  # until the parent closes our stdin
server.stop()
"""


class PageServer:
    """Answers the statement's DynamoDB Query with `rows` generated conversions (a botocore before-send hook)."""

    PAGE = 500

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.queries = 0
        item = {
            "conversion_id": {"S": "bulk:@ID@"},
            "advertiser_id": {"S": "bulk"},
            "order_id": {"S": "@ID@"},
            "program_id": {"S": "shop"},
            "agent_id": {"S": AGENT},
            "link_code": {"S": "k7m2p9qx4t"},
            "sub1": {"S": "newsletter"},
            "channel": {"S": "web"},
            "amount": {"N": "123.45"},
            "currency": {"S": "EUR"},
            "commission": {"N": "12.35"},
            "commission_rule": {"S": "program, all sales: 10 %"},
            "status": {"S": "approved"},
            "attributed_by": {"S": "click"},
            "created_at": {"S": f"{MONTH}-@DAY@T10:00:00.000+00:00"},
            "updated_at": {"S": f"{MONTH}-@DAY@T10:00:00.000+00:00"},
        }
        self.template = json.dumps(item)

    def _item(self, index: int) -> str:
        return self.template.replace("@ID@", f"{AGENT}-{index:07d}").replace("@DAY@", f"{1 + index % 28:02d}")

    def __call__(self, request, **kwargs):
        target = request.headers.get("X-Amz-Target", b"")
        target = target.decode() if isinstance(target, bytes) else target
        if not target.endswith(".Query"):
            raise RuntimeError(f"the export bench serves only Query, not {target}")
        self.queries += 1
        body = json.loads(request.body)
        start = 0
        if "ExclusiveStartKey" in body:
            start = int(body["ExclusiveStartKey"]["conversion_id"]["S"].rsplit("-", 1)[1]) + 1
        end = min(self.rows, start + min(int(body.get("Limit", self.PAGE)), self.PAGE))
        page = ",".join(self._item(i) for i in range(start, end))
        last = ""
        if end < self.rows:
            key = {
                "conversion_id": {"S": f"bulk:{AGENT}-{end - 1:07d}"},
                "agent_id": {"S": AGENT},
                "created_at": {"S": f"{MONTH}-{1 + (end - 1) % 28:02d}T10:00:00.000+00:00"},
            }
            last = f',"LastEvaluatedKey":{json.dumps(key)}'
        raw = f'{{"Count":{end - start},"ScannedCount":{end - start},"Items":[{page}]{last}}}'.encode()
        from botocore.awsrequest import AWSResponse

        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.0"}, _Raw(raw))


class _Raw:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **kwargs):
        yield self.data


def _environment(endpoint: str) -> dict[str, str]:
    from bench.environment import function_environment

    return {**function_environment("StatementsFunction"), **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}


def measure(rows: int, endpoint: str) -> dict:
    """In a fresh interpreter: one warm-up export, then the measured one."""
    import botocore.handlers

    os.environ.update(_environment(endpoint))
    sys.path.insert(0, str(ROOT / "shared"))
    pages = PageServer(10)
    botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-send.dynamodb", pages))

    from waymark.core import aws
    from waymark.models import Agent, Program
    from waymark.reporting import exports

    program = Program(*Program.key("shop"), program_id="shop", name="Shop", currency="EUR")
    agent = Agent(AGENT, program_id="shop", name="Partner, Inc.", email="p@example.com", created_at="2026-01-01")
    exports.export_statement(program, agent, MONTH)  # warm-up: imports, clients, endpoints

    pages.rows, pages.queries = rows, 0
    peak_before = _peak_rss_mb()
    started = time.perf_counter()
    exported = exports.export_statement(program, agent, MONTH)
    seconds = time.perf_counter() - started
    growth = _peak_rss_mb() - peak_before
    stored = aws.client("s3").head_object(Bucket=exports.bucket(), Key=exported.key)["ContentLength"]
    if exported.rows != rows + 4 or stored != exported.size:
        raise RuntimeError(f"export wrote {exported.rows} lines, {exported.size} bytes; S3 holds {stored}")
    return {
        "rows": rows,
        "lines": exported.rows,
        "bytes": exported.size,
        "queries": pages.queries,
        "peak_growth_mb": growth,
        "peak_mb": _peak_rss_mb(),
        "seconds": seconds,
    }


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def run() -> dict[str, dict]:
    server = subprocess.Popen(
        [sys.executable, "-c", _MOTO_SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        host, port = json.loads(server.stdout.readline())
        endpoint = f"http://{host}:{port}"
        import boto3

        bucket = _environment(endpoint)["EXPORTS_BUCKET"]
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=CREDENTIALS["AWS_REGION"],
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": CREDENTIALS["AWS_REGION"]})
        results = {scale: run_child("bench.export", str(rows), endpoint) for scale, rows in SIZES.items()}
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    delta = results["large"]["peak_growth_mb"] - results["small"]["peak_growth_mb"]
    return {
        "export.peak_mb_delta": figure(
            delta,
            50,
            unit="MB",
            peak_growth_mb={k: round(v["peak_growth_mb"], 1) for k, v in results.items()},
            peak_rss_mb={k: round(v["peak_mb"], 1) for k, v in results.items()},
            s3_parts={k: -(-v["bytes"] // (8 * 1024 * 1024)) for k, v in results.items()},
            rows={k: v["rows"] for k, v in results.items()},
            csv_mb={k: round(v["bytes"] / 1e6, 1) for k, v in results.items()},
            seconds={k: round(v["seconds"], 1) for k, v in results.items()},
        )
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2])))
