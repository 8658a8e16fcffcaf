from types import SimpleNamespace

import pytest

from tests.helpers.programs import make_advertiser, make_agent, make_link, make_program


@pytest.fixture
def shop(aws):
    """A program with an active partner and one link to a tour page."""
    program = make_program()
    agent = make_agent(program, email="partner@example.com")
    link = make_link(agent, program, destination="https://www.example.com/tours/1")
    return SimpleNamespace(program=program, agent=agent, link=link)


@pytest.fixture
def merchant(shop):
    """The shop plus the advertiser (the shop's booking system) that reports its sales, and its token."""
    advertiser, token = make_advertiser(shop.program)
    return SimpleNamespace(**vars(shop), advertiser=advertiser, token=token)


@pytest.fixture
def inject_failure():
    """Make one AWS operation fail on the clients Waymark's request paths use, like a real outage would.

    `inject(...)` returns a function that ends the outage.
    """
    from waymark.core import aws

    registered = []

    def inject(
        service: str,
        operation: str,
        code: str = "ProvisionedThroughputExceededException",
        exception: Exception | None = None,
    ):
        def fail(**kwargs):
            if exception is not None:
                raise exception
            response = SimpleNamespace(status_code=400, headers={})
            return response, {
                "Error": {"Code": code, "Message": f"injected {code}"},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }

        events = aws.client(service).meta.events
        name = f"before-call.{aws.client(service).meta.service_model.endpoint_prefix}.{operation}"
        events.register(name, fail)
        registered.append((events, name, fail))
        return lambda: events.unregister(name, fail)  # heal: the outage is over

    yield inject
    for events, name, handler in registered:
        events.unregister(name, handler)


@pytest.fixture
def streams(runtime):
    """The template's DynamoDB stream mappings (BatchSize, filters, retries, OnFailure) feeding their
    functions; `streams.drain()` delivers everything pending, as Lambda's pollers would."""
    from devstack.pumps import StreamPump

    return StreamPump(runtime.stack, runtime)
