"""Low-level AWS clients, created once per container, the region they use, and BatchGetItem with its retries.

botocore directly rather than boto3: the click path saves boto3's import, and every client
honours AWS_ENDPOINT_URL, which is how the local stack and the tests point at moto.
"""

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config

# Request paths give AWS a short leash: a slow call must not hold a visitor past the
# Lambda timeout, and the failure path (the replay queue) is the retry. Client-side parameter
# validation is a third of a write's CPU cost; requests here are built from typed models and
# DynamoDB validates them anyway.
_REQUEST_PATH = Config(
    connect_timeout=0.5,
    read_timeout=1.0,
    retries={"mode": "standard", "total_max_attempts": 1},
    tcp_keepalive=True,
    parameter_validation=False,
)
_BACKGROUND = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "total_max_attempts": 5})


def region() -> str:
    """Lambda sets AWS_REGION; scripts and tools often set only AWS_DEFAULT_REGION."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def client(service: str, *, background: bool = False):
    """A shared client; `background=True` for jobs that should retry patiently instead of failing fast."""
    return _session().create_client(service, region_name=region(), config=_BACKGROUND if background else _REQUEST_PATH)


_OWN_RETRIES = Config(connect_timeout=2, read_timeout=10, retries={"mode": "standard", "total_max_attempts": 1})


@cache
def client_without_retries(service: str):
    """For callers that pace and back off themselves (the remarketing sender and SES's rate limit)."""
    return _session().create_client(service, region_name=region(), config=_OWN_RETRIES)


@cache
def s3_presigner():
    """An S3 client for presigned URLs: SigV4 (required for expiring URLs) on the regional endpoint.

    With AWS_ENDPOINT_URL set (the local stack) the URLs point there, path-style, so they open locally.
    """
    custom = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(signature_version="s3v4", s3={} if custom else {"addressing_style": "virtual"})
    endpoint = None if custom else f"https://s3.{region()}.amazonaws.com"
    return _session().create_client("s3", region_name=region(), endpoint_url=endpoint, config=config)


def batch_get_items(
    client, table: str, keys: list[dict], *, pause: Callable[[], None] | None = None, **options: Any
) -> list[dict]:
    """Items by key, a hundred keys per BatchGetItem, asking again for what DynamoDB leaves unprocessed.

    `options` go with the keys (ProjectionExpression, ConsistentRead, ...); `pause`, if given, runs after
    each answer that left keys unprocessed (a back-off).
    """
    found: list[dict] = []
    for start in range(0, len(keys), 100):
        pending: dict = {table: {"Keys": keys[start : start + 100], **options}}
        for _ in range(10):
            response = client.batch_get_item(RequestItems=pending)
            found += response.get("Responses", {}).get(table, [])
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
            if pause is not None:
                pause()
        else:
            raise RuntimeError("DynamoDB kept keys unprocessed; try again")
    return found
