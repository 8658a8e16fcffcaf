"""Outages on Waymark's shared AWS clients, as the code meets a real one: the chosen calls of one
operation answer with an error (or raise) instead of reaching the service."""

from types import SimpleNamespace


class FailCalls:
    """Makes chosen calls of one operation fail on one of Waymark's shared clients: the background
    jobs' (patient retries) unless `background=False`, the request paths' (fail fast).

    `calls` are the 1-based numbers of the calls to fail (counted from installation); None fails all.
    A failing call answers error `code`, or raises `exception` when one is given.
    """

    def __init__(
        self,
        service: str,
        operation: str,
        calls=None,
        code: str = "ProvisionedThroughputExceededException",
        *,
        exception: Exception | None = None,
        background: bool = True,
    ):
        from waymark.core import aws

        # The request paths call aws.client(service): the cached client under that very key.
        self.client = aws.client(service, background=True) if background else aws.client(service)
        self.event = f"before-call.{self.client.meta.service_model.endpoint_prefix}.{operation}"
        self.calls, self.code, self.exception, self.seen, self.failed = calls, code, exception, 0, 0

    def __call__(self, **kwargs):
        self.seen += 1
        if self.calls is None or self.seen in self.calls:
            self.failed += 1
            if self.exception is not None:
                raise self.exception
            return SimpleNamespace(status_code=400, headers={}), {
                "Error": {"Code": self.code, "Message": f"injected {self.code}"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        return None

    def __enter__(self) -> "FailCalls":
        self.client.meta.events.register(self.event, self)
        return self

    def __exit__(self, *exc) -> None:
        self.client.meta.events.unregister(self.event, self)
