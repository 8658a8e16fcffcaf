"""schemathesis against the JSON API's generated OpenAPI description (`GET /api/openapi.json`), in process.

Every operation the document describes gets schema-valid and schema-violating requests
(positive and negative generation) with a caller's Bearer token, sent in-process: a `requests`
adapter turns each request into the payload 2.0 event the gateway would build and runs the API
function's `lambda_handler`. Checked: never a 5xx (schemathesis's `not_a_server_error`), and a
refused request changes no partner, link or program (a refused conditional write may be
attempted; it must change nothing). The tests in tests/robustness/test_schemathesis_*.py each
take a share of the operations, so the suite's workers share the work.
"""

from collections.abc import Callable
from urllib.parse import urlsplit

import requests
from hypothesis import HealthCheck, given, settings
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from devstack.gateway import Gateway
from tests.helpers.events import http_event
from tests.helpers.portal import build_world, stored_state

BASE = "http://waymark.test"
EXAMPLES = 6  # per operation, caller and mode: 60-odd operations, so the suite keeps its minutes
# A caller the operation must refuse is turned away before its input matters (the role check comes
# first), so a couple of requests per mode show it; each must be a 4xx, never data.
REFUSED_EXAMPLES = 2


class LambdaAdapter(BaseAdapter):
    """`requests` -> a payload 2.0 event routed by template.yaml -> the function's lambda_handler."""

    def __init__(self, runtime) -> None:
        super().__init__()
        self.runtime = runtime

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        body = request.body or b""
        response = requests.Response()
        response.request, response.url = request, request.url
        try:
            function, event = http_event(
                self.runtime.stack,
                request.method,
                parts.path,
                query=parts.query,
                headers=dict(request.headers),
                body=body.encode() if isinstance(body, str) else body,
            )
        except LookupError:  # no route: API Gateway's own 404
            response.status_code, response._content = 404, b'{"message":"Not Found"}'
            response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
            return response
        status, headers, payload = Gateway.response(self.runtime.invoke(function, event))
        response.status_code, response._content = status, payload
        response.headers = CaseInsensitiveDict(headers)
        response.reason = requests.status_codes._codes.get(status, ("",))[0]
        return response

    def close(self) -> None:
        pass


# The console's set-up: programs, advertisers, operators, the change record, customers' erasure.
SET_UP = (
    "/api/admin/programs",
    "/api/admin/advertisers",
    "/api/admin/operators",
    "/api/admin/changes",
    "/api/admin/customers",
    "/api/admin/mail",  # partner emails' wording, the send log, suppressions
)


def open_api(aws, runtime):
    """The world the requests act on, a session routed into the functions, and the parsed document."""
    import schemathesis

    world = build_world(aws, runtime)
    session = requests.Session()
    session.mount(BASE, LambdaAdapter(runtime))
    document = session.get(f"{BASE}/api/openapi.json").json()
    return world, session, schemathesis.openapi.from_dict(document)


def fuzz(api, token: str, include: Callable[[str], bool], *, refused: bool = False) -> int:
    """Send each included operation (by path) its examples in both modes as `token`'s caller; returns how many.

    `refused`: the caller has no right to these operations, so every answer must be a 4xx.
    """
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error

    _, session, schema = api
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [operation for operation in operations if include(operation.path)]
    sent = 0
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=REFUSED_EXAMPLES if refused else EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                nonlocal sent
                before = stored_state() if case.method != "GET" else None
                response = case.call(base_url=BASE, session=session, headers=headers)
                sent += 1
                case.validate_response(response, checks=[not_a_server_error])
                if refused:
                    assert 400 <= response.status_code < 500, (case.method, case.path, response.status_code)
                if before is not None and response.status_code >= 400:  # refused: partners, links, config unchanged
                    assert stored_state() == before, (case.method, case.path, response.status_code)

            check()
    assert sent >= len(operations) * 2  # every operation was exercised in both modes
    return len(operations)
