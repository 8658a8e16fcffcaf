"""Runs the template's Lambda handlers in this process, as the Lambda runtime would.

Each function is imported from its CodeUri folder with the environment template.yaml gives
it, gets a Lambda context with its own timeout, and handles one event at a time.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib.util
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from devstack.template import FunctionSpec, Stack


@dataclass
class LambdaContext:
    """The attributes and method of the Lambda context object that handlers and Powertools read."""

    function_name: str = "waymark-test"
    memory_limit_in_mb: int = 512
    timeout_seconds: int = 10
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:waymark-test"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/waymark-test"
    log_stream_name: str = "local"
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.started + self.timeout_seconds - time.monotonic()) * 1000))


# The function whose invocation is running in this thread, for checks that attribute AWS calls to it.
_RUNNING: contextvars.ContextVar[str | None] = contextvars.ContextVar("waymark_running_function", default=None)


def running_function() -> str | None:
    """The logical id of the function handling an event in this thread, if any."""
    return _RUNNING.get()


@contextlib.contextmanager
def running_as(logical_id: str) -> Iterator[None]:
    """Mark the calls made inside the block as `logical_id`'s: the function's own code, run by the
    local stack outside an invocation (the bootstrap a deployment runs as a custom resource)."""
    token = _RUNNING.set(logical_id)
    try:
        yield
    finally:
        _RUNNING.reset(token)


# Keys every function may read at import time with its own value (Powertools' service name).
_PER_FUNCTION_KEYS = ("POWERTOOLS_SERVICE_NAME",)


class FunctionRuntime:
    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._handlers: dict[str, Callable] = {}
        # One event at a time in this process. Lambda gives each event its own process, and
        # Powertools' resolvers keep the current event in a class attribute shared by every
        # resolver in a process, so two functions running at once on threads could swap events.
        self._invoke_lock = threading.Lock()
        self._import_lock = threading.Lock()
        self.environments: dict[str, dict[str, str]] = {}

    def prepare(self) -> None:
        """Apply every function's environment to this process and put layer code on sys.path.

        Call after provisioning, so table names and the secret resolve to the local ones.
        """
        merged: dict[str, str] = {}
        for logical_id, spec in self.stack.functions.items():
            env = self.stack.environment(spec)
            self.environments[logical_id] = env
            for key, value in env.items():
                if key in merged and merged[key] != value and key not in _PER_FUNCTION_KEYS:
                    raise ValueError(
                        f"{logical_id} sets {key}={value!r}, another function {merged[key]!r}: "
                        "the local stack shares one process, so only Powertools names may differ"
                    )
                merged.setdefault(key, value)
        os.environ.update(merged)
        for folder in self.stack.layer_source_dirs():
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))

    def handler(self, logical_id: str) -> Callable:
        if logical_id not in self._handlers:
            with self._import_lock:
                if logical_id not in self._handlers:
                    self._handlers[logical_id] = self._import(self.stack.functions[logical_id])
        return self._handlers[logical_id]

    def _import(self, spec: FunctionSpec) -> Callable:
        module_path, _, attribute = spec.handler.rpartition(".")
        source = spec.code_dir / (module_path.replace(".", "/") + ".py")
        env = self.environments.get(spec.logical_id) or self.stack.environment(spec)
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        sys.path.insert(0, str(spec.code_dir))
        try:
            module = _load_module(f"waymark_function_{spec.logical_id}", source)
        finally:
            sys.path.remove(str(spec.code_dir))
            for key in _PER_FUNCTION_KEYS:
                if saved.get(key) is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = saved[key]  # type: ignore[assignment]
        return _attributed(spec.logical_id, getattr(module, attribute))

    def context(self, logical_id: str) -> LambdaContext:
        spec = self.stack.functions[logical_id]
        name = self.stack.local_name(logical_id)
        return LambdaContext(
            function_name=name,
            memory_limit_in_mb=spec.memory,
            timeout_seconds=spec.timeout,
            invoked_function_arn=f"arn:aws:lambda:{self.stack.region}:{self.stack.account}:function:{name}",
            log_group_name=f"/aws/lambda/{name}",
        )

    def invoke(self, logical_id: str, event: dict, *, beside_running: bool = False) -> Any:
        """Handle one event; `beside_running` for a request that a running invocation is waiting on
        (the console's test conversion calls this API's /postback): waiting for the lock would
        deadlock, so it runs now, while the caller is blocked in its HTTP request."""
        handler = self.handler(logical_id)
        if beside_running and self._invoke_lock.locked():
            return self._beside(handler, logical_id, event)
        with self._invoke_lock:
            return handler(event, self.context(logical_id))

    def _beside(self, handler: Callable, logical_id: str, event: dict) -> Any:
        # Powertools keeps the current event and context on BaseRouter's class: give the waiting
        # caller its own back, as its own Lambda environment would have kept them.
        from aws_lambda_powertools.event_handler.api_gateway import BaseRouter

        names = ("current_event", "lambda_context")
        saved = {name: BaseRouter.__dict__[name] for name in names if name in BaseRouter.__dict__}
        try:
            return handler(event, self.context(logical_id))
        finally:
            for name, value in saved.items():
                setattr(BaseRouter, name, value)


def _attributed(logical_id: str, handler: Callable) -> Callable:
    """The handler, marking the calls it makes as `logical_id`'s (also when tests call it directly)."""

    @functools.wraps(handler)
    def run(event, context):
        with running_as(logical_id):
            return handler(event, context)

    return run


def _load_module(name: str, source) -> ModuleType:
    module_spec = importlib.util.spec_from_file_location(name, source)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load a handler from {source}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module
