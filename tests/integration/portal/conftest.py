"""The portal's world and clients that act as each kind of caller in it."""

import pytest

from tests.helpers.operators import operator_token
from tests.helpers.portal import add_activity, build_world, client, frozen_now
from tests.helpers.tokens import partner_token
from tests.helpers.web import WebClient


@pytest.fixture
def world(aws, runtime):
    """Program `demo` (the default) with partners A (affiliate), B (concierge), a pending and a suspended one."""
    return build_world(aws, runtime)


@pytest.fixture
def as_a(world) -> WebClient:
    return client(world, partner_token(world.a))


@pytest.fixture
def as_b(world) -> WebClient:
    return client(world, partner_token(world.b))


@pytest.fixture
def as_admin(world) -> WebClient:
    return client(world, operator_token())


@pytest.fixture
def api_a(world) -> WebClient:
    return client(world, partner_token(world.a), cookie=False)


@pytest.fixture
def api_b(world) -> WebClient:
    return client(world, partner_token(world.b), cookie=False)


@pytest.fixture
def api_admin(world) -> WebClient:
    return client(world, operator_token(), cookie=False)


@pytest.fixture
def activity(world):
    """The world with figures, and the pages' clock at NOW."""
    with frozen_now():
        yield add_activity(world)
