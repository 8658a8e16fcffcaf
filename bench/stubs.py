"""Answer AWS calls in-process, as botocore's Stubber does: at `before-call`, after the request is built.

The handler's own work (parameter validation and serialisation included) is measured; the
network is not. Every call is counted, which is how the bench proves "one DynamoDB write".
"""

import json
from collections import Counter

from botocore.awsrequest import AWSResponse

# What GetSecretValue answers for every secret: one key, as a freshly deployed keyring.
BENCH_KEYRING = '{"current": "k1", "k1": "bench-secret-bench-secret-bench-secret"}'


class StubbedAws:
    def __init__(self, items: dict[str, list[dict]] | None = None) -> None:
        self.items = items or {}  # table name -> the items GetItem can find there (matched by key)
        self.calls: Counter[str] = Counter()
        self._last: dict[str, dict] = {}  # operation -> its last serialised request (kept as is: the stub is timed too)

    def __call__(self, model, params, **kwargs):
        self.calls[model.name] += 1
        self._last[model.name] = params
        body: dict = {}
        if model.name == "GetItem":
            # `params` is the serialised request here; DynamoDB's JSON protocol carries it in the body.
            request = json.loads(params["body"] or "{}")
            key = request.get("Key", {})
            found = [
                i for i in self.items.get(request.get("TableName"), []) if all(i.get(k) == v for k, v in key.items())
            ]
            body = {"Item": found[0]} if found else {}
        elif model.name == "Query":
            body = {"Items": [], "Count": 0, "ScannedCount": 0}
        elif model.name == "GetSecretValue":
            body = {"SecretString": BENCH_KEYRING}
        return AWSResponse("https://stub.local", 200, {}, None), {**body, "ResponseMetadata": {"HTTPStatusCode": 200}}

    def last_request(self, operation: str) -> dict:
        """The last `operation` request's parameters, as sent (DynamoDB's JSON)."""
        return json.loads(self._last[operation]["body"] or "{}")

    def install(self, session) -> None:
        """Register on a botocore session before its clients exist (clients copy the session's hooks)."""
        session.register("before-call", self)

    def install_for_waymark(self) -> None:
        """Stub every client Waymark's shared code makes from now on (existing ones are dropped)."""
        from waymark.core import aws, cache

        aws.client.cache_clear()
        aws._session.cache_clear()  # a fresh session: an earlier suite's stub must not answer first
        cache.clear_all()
        self.install(aws._session())

    def reset(self) -> None:
        self.calls.clear()
