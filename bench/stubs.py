"""Answer AWS calls in-process, as botocore's Stubber does: at `before-call`, after the request is built.

The handler's own work (parameter validation and serialisation included) is measured; the
network is not. Every call is counted, which is how the bench proves "one DynamoDB write".
"""

import json
from collections import Counter

from botocore.awsrequest import AWSResponse


class StubbedAws:
    def __init__(self, items: dict[str, dict] | None = None) -> None:
        self.items = items or {}  # table name -> item returned by GetItem
        self.calls: Counter[str] = Counter()

    def __call__(self, model, params, **kwargs):
        self.calls[model.name] += 1
        body: dict = {}
        if model.name == "GetItem":
            # `params` is the serialised request here; DynamoDB's JSON protocol carries the table in the body.
            request = json.loads(params["body"] or "{}")
            item = self.items.get(request.get("TableName"))
            body = {"Item": item} if item else {}
        elif model.name == "Query":
            body = {"Items": [], "Count": 0, "ScannedCount": 0}
        return AWSResponse("https://stub.local", 200, {}, None), {**body, "ResponseMetadata": {"HTTPStatusCode": 200}}

    def install(self, session) -> None:
        """Register on a botocore session before its clients exist (clients copy the session's hooks)."""
        session.register("before-call", self)

    def reset(self) -> None:
        self.calls.clear()
