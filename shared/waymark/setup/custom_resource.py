"""CloudFormation's custom-resource protocol, for functions that run during `sam deploy`.

CloudFormation invokes the function with Create, Update or Delete and then waits for an
answer PUT to the event's pre-signed ResponseURL (docs: "Custom resource response
objects"). No answer leaves the stack waiting until the resource's ServiceTimeout, so
`answer` always sends one: SUCCESS with the work's data, or FAILED with a reason.
"""

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger

logger = Logger(child=True)

MAX_REASON_LENGTH = 1000  # the whole answer must stay under CloudFormation's 4 KB
SEND_ATTEMPTS = 3
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Refused(ValueError):
    """The properties cannot be used; the message is the stack event's reason."""


def answer(
    event: dict,
    context: Any,
    ensure: Callable[[dict], dict[str, str]],
    *,
    refusals: tuple[type[Exception], ...] = (Refused,),
) -> dict:
    """Run `ensure(properties)` for Create and Update; do nothing for Delete; answer CloudFormation either way.

    Delete does nothing on purpose: the data a deployment made (programs, logins) outlives its
    stack, like the retained tables and user pool. An exception in `refusals` fails the resource
    with its message; any other failure with a pointer to the log.
    """
    request_type = event.get("RequestType")
    # A stable id: a changed one would make CloudFormation "replace" the resource and send a Delete.
    physical_id = event.get("PhysicalResourceId") or f"{event.get('LogicalResourceId', 'Custom')}-{_stack_name(event)}"
    status, reason, data = "SUCCESS", "", {}
    try:
        if request_type in ("Create", "Update"):
            data = ensure(event.get("ResourceProperties") or {})
            reason = ", ".join(f"{key}: {value}" for key, value in data.items())
        elif request_type == "Delete":
            reason = "kept: the data outlives the stack"
        else:
            status, reason = "FAILED", f"unknown RequestType {request_type!r}"
    except refusals as error:
        status, reason = "FAILED", str(error)
    except Exception:
        logger.exception("custom resource failed", extra={"request_type": request_type})
        stream = getattr(context, "log_stream_name", "")
        status, reason = "FAILED", f"the function failed; see its CloudWatch log stream {stream}"
    body = {
        "Status": status,
        "Reason": reason[:MAX_REASON_LENGTH],
        "PhysicalResourceId": physical_id,
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "Data": data,
    }
    send(event.get("ResponseURL", ""), body)
    return body


def send(url: str, body: dict) -> bool:
    """PUT the answer to the pre-signed URL, retrying a little; True once S3 took it."""
    parts = urlsplit(url)
    # CloudFormation's URL is https (S3). Plain http only to a receiver on this machine, and only
    # outside Lambda (tests, the local stack): in Lambda, loopback is the runtime's own API.
    local = parts.scheme == "http" and parts.hostname in _LOOPBACK and "AWS_LAMBDA_RUNTIME_API" not in os.environ
    if parts.scheme != "https" and not local:
        logger.error("no usable ResponseURL; CloudFormation gets no answer", extra={"scheme": parts.scheme})
        return False
    payload = json.dumps(body).encode()
    # The URL is signed for an empty content type: urllib would otherwise add a form one.
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=payload, method="PUT", headers={"Content-Type": "", "Content-Length": str(len(payload))}
    )
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - scheme checked above  # nosec B310
                response.read()
            return True
        except (urllib.error.URLError, OSError) as error:
            logger.warning("could not send the answer", extra={"attempt": attempt, "error": str(error)})
            if attempt < SEND_ATTEMPTS:
                time.sleep(attempt)
    logger.error("CloudFormation got no answer; the stack waits until the resource's ServiceTimeout")
    return False


def _stack_name(event: dict) -> str:
    # arn:aws:cloudformation:region:account:stack/<name>/<uuid>
    parts = str(event.get("StackId", "")).split("/")
    return parts[1] if len(parts) > 2 else "stack"
