"""The embedded AWS every test runs against: the stack from template.yaml, its functions as Lambda
runs them, a recorder of the AWS requests made, moto's Cognito keys, and what warm containers remember.

tests/conftest.py fixes the credentials and registers moto's hook before it imports this module.
"""

import copy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import moto
from moto import mock_aws
from moto.core.base_backend import BackendDict

from devstack.provision import provision
from devstack.runtime import FunctionRuntime
from devstack.template import Stack

_TABLE_NAME = re.compile(r'"TableName":\s*"([^"]+)"')


class Call(str):
    """An operation's name (it compares as one), with the DynamoDB table the request names first."""

    table: str | None = None


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
            call = Call(target.split(".")[-1] if target else f"{request.method} {request.url}")
            if target:
                body = request.body.decode("utf-8", "replace") if isinstance(request.body, bytes) else request.body
                named = _TABLE_NAME.search(body or "")
                call.table = named.group(1) if named else None
            self.calls.append(call)

    def of(self, *operations: str, but_to: str | None = None) -> list[str]:
        """The calls of these operations, without those to the table `but_to` names."""
        return [call for call in self.calls if call in operations and (but_to is None or call.table != but_to)]

    @contextmanager
    def listening(self) -> Iterator["RequestRecorder"]:
        """Record the calls made inside the block, and only those."""
        self.calls.clear()
        self.recording = True
        try:
            yield self
        finally:
            self.recording = False


RECORDER = RequestRecorder()
# The key sets moto signs the user pool's tokens with (public and private), as its server serves them.
MOTO_COGNITO_KEYS = Path(moto.__file__).parent / "cognitoidp" / "resources"
STACK = Stack(name="waymark-test")
RUNTIME = FunctionRuntime(STACK)


def reset_process_state() -> None:
    """Forget what warm containers remember between invocations (caches, derived keys)."""
    from waymark.conversions import advertiser_secrets
    from waymark.core import cache, signing_keys

    cache.clear_all()
    signing_keys.forget()
    advertiser_secrets.forget()


class ProvisionedState:
    """moto's backends as `provision(STACK)` leaves them, put back for each test.

    The first embedded AWS of a process is provisioned from the template; every later one gets a
    deep copy of what that left (a few milliseconds, against ~0.2 s for provisioning's ~90 API
    calls, and the suite builds hundreds). A copy shares nothing a test can change: each holds its
    own tables, queues, pools and secrets, and moto's reset on leaving clears only the copy.
    """

    # What copy.deepcopy cannot copy in moto's state: an SQS queue's message lock. A copy gets its own.
    _FRESH = {threading.Condition: threading.Condition, type(threading.RLock()): threading.RLock}

    def __init__(self) -> None:
        self._backends: list[BackendDict] = []
        self._state: list[dict] | None = None
        self._physical: dict = {}

    def capture(self) -> None:
        self._backends = list(BackendDict._instances)
        self._state = self._copy([dict(backends) for backends in self._backends])
        self._physical = copy.deepcopy(STACK.physical)

    def restore(self) -> bool:
        """Put the captured state into the (just reset) mock; False when nothing was captured yet."""
        if self._state is None:
            return False
        for backends, accounts in zip(self._backends, self._copy(self._state), strict=True):
            dict.update(backends, accounts)
            if backends not in BackendDict._instances:
                BackendDict._instances.append(backends)
        STACK.physical = copy.deepcopy(self._physical)
        return True

    def _copy(self, state: list[dict]) -> list[dict]:
        # The registries themselves are shared, never copied: a model pointing at one keeps pointing there.
        memo = {id(backends): backends for backends in self._backends}
        dispatch = copy._deepcopy_dispatch  # scoped to this copy, removed after it
        dispatch.update({kind: (lambda _, __, make=make: make()) for kind, make in self._FRESH.items()})
        try:
            return copy.deepcopy(state, memo)
        finally:
            for kind in self._FRESH:
                dispatch.pop(kind, None)


PROVISIONED = ProvisionedState()


@contextmanager
def embedded_aws() -> Iterator[Stack]:
    """A fresh embedded AWS with every template resource, in a process that remembers nothing."""
    with mock_aws():
        if not PROVISIONED.restore():
            provision(STACK)
            PROVISIONED.capture()
        RUNTIME.prepare()
        reset_process_state()
        yield STACK
