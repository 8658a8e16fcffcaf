"""The portal's world: a program with every kind of caller the portal meets (partners A and B, a
pending and a suspended one, the operator), browsers and API clients acting as them, the stored
state to prove a refused request changed nothing, figures for the report pages, and the web
functions' own route lists."""

import copy
import json
import os
import re
import sys
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from types import SimpleNamespace
from unittest import mock

import boto3

from tests.helpers.programs import make_agent, make_link, make_program
from tests.helpers.stack import RUNTIME, STACK, embedded_aws, reset_process_state
from tests.helpers.web import WebClient


def build_world(stack, runtime) -> SimpleNamespace:
    program = make_program("demo", name="Demo Tours")
    a = make_agent(program, name="Alpha Blog", email="a@example.com", partner_type="affiliate")
    b = make_agent(program, name="Bravo Hotel", email="b@example.com", partner_type="concierge")
    pending = make_agent(program, name="Pending Partner", email="pending@example.com", status="pending")
    suspended = make_agent(program, name="Suspended Partner", email="suspended@example.com", status="suspended")
    a_link = make_link(a, program, destination="https://www.example.com/tours/a", name="A's tour")
    b_link = make_link(b, program, destination="https://www.example.com/tours/b", name="B's tour")
    return SimpleNamespace(
        stack=stack,
        runtime=runtime,
        program=program,
        a=a,
        b=b,
        pending=pending,
        suspended=suspended,
        a_link=a_link,
        b_link=b_link,
    )


def client(world, token: str | None = None, *, cookie: bool = True) -> WebClient:
    """A browser with the login's session cookie (cookie=True) or an API client with a Bearer token."""
    web_client = WebClient(world.stack, world.runtime)
    if token and cookie:
        web_client.cookies["__Host-wm_session"] = token
    elif token:
        web_client.bearer = token
    return web_client


@cache
def aws_client(service: str):
    """A test's own boto3 client, made once (making one costs more than most requests)."""
    return boto3.client(service)


def _tables() -> list[str]:
    from waymark.models import Agent, Conversion, Link, PartnerPostbackSettings, PayoutRun, Program

    models = (Agent, Link, Program, Conversion, PayoutRun, PartnerPostbackSettings)
    return [model.Meta.table_name for model in models]


class StoredState(dict):
    """Each table's items as JSON lines (compared), and, when kept, moto's own copy of them (to put back)."""

    snapshot: dict[str, dict] | None = None


def _moto_table(name: str):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[DEFAULT_ACCOUNT_ID][os.environ["AWS_REGION"]].get_table(name)


def stored_state(*, keep: bool = False) -> StoredState:
    """Every partner, link, config item, conversion, payouts item and partner postback as stored.

    Compared before and after a request, to prove it changed nothing. Read from the embedded
    DynamoDB's own storage rather than by Scan: a scan's answer costs moto tenfold more to
    serialize than to find, and the matrix and the fuzzers compare state around each request.
    `keep`: also keep moto's items, for restore_state.
    """
    state = StoredState()
    if keep:
        state.snapshot = {}
    for table in _tables():
        stored = _moto_table(table)
        state[table] = sorted(json.dumps(item.to_json()["Attributes"], sort_keys=True) for item in stored.all_items())
        if keep:
            state.snapshot[table] = copy.deepcopy(stored.items)
    return state


def restore_state(saved: StoredState) -> None:
    """Put the tables back as `saved` had them (cheaper than a new embedded AWS).

    moto's items are put back whole, so no stream record or index sees the restore: it is the
    test's reset, not an event of the code under test.
    """
    for table in _tables():
        _moto_table(table).items = copy.deepcopy(saved.snapshot[table])
    reset_process_state()


# ----------------------------------------------------------------------------- figures for the report pages

NOW = datetime(2026, 5, 25, 12, 0, tzinfo=UTC)  # "now" for report pages: May 2026 is this month
MONTH = "2026-05"


@contextmanager
def frozen_now(moment: datetime = NOW):
    """The pages' clock (waymark.core.times.utcnow) stopped at `moment`: "this month" and "the last 30 days" known."""
    with mock.patch("waymark.core.times.utcnow", return_value=moment):
        yield moment


def add_activity(world) -> SimpleNamespace:
    """Clicks and sales of A and B in May 2026 (and a sale nobody earned), counted by the real stream consumer."""
    from devstack.pumps import StreamPump
    from tests.helpers.reporting import T0, stored_click, stored_sale

    program, a, b = world.program.program_id, world.a.agent_id, world.b.agent_id
    stored_click(program, a, world.a_link.code, sub1="spring", visitor="visitor-a1")
    stored_click(program, a, world.a_link.code, at=T0 + timedelta(days=1), visitor="visitor-a2", source="newsletter")
    stored_click(program, b, world.b_link.code, sub1="bravo-desk", visitor="visitor-b1")
    a_sale = stored_sale(
        program, a, "o-a1", amount="200.00", commission="20.00", link_code=world.a_link.code, sub1="spring"
    )
    b_sale = stored_sale(
        program, b, "o-b1", amount="80.00", commission="8.00", channel="concierge", link_code=world.b_link.code
    )
    stored_sale(
        program,
        None,
        "o-x1",
        amount="50.00",
        commission="0",
        channel="phone",
        status="rejected",
        reason="no_attribution",
    )
    StreamPump(world.stack, world.runtime).drain()
    world.a_sale, world.b_sale = a_sale.conversion_id, b_sale.conversion_id
    # A and B joined long before May 2026 (the pages show a partner's months from the one it joined).
    for agent in (world.a, world.b):
        agent.refresh()
        agent.created_at = "2025-01-15T09:00:00.000+00:00"
        agent.status_created = f"{agent.status}#{agent.created_at}"
        agent.save()
    return world


def figure(body: str, name: str) -> str:
    """The text of one figure card (data-figure="name") on a page."""
    found = re.search(rf'data-figure="{name}">([^<]*)<', body)
    assert found, f"no figure {name}"
    return found.group(1)


@contextmanager
def world_with_figures():
    """A fresh embedded AWS holding the world and its figures, the pages' clock at NOW: for module-scoped
    fixtures that let many read-only cases share one world (building one costs about a second)."""
    with embedded_aws() as stack:
        world = add_activity(build_world(stack, RUNTIME))
        with frozen_now():
            yield world


# ----------------------------------------------------------------------------- the web functions' routes

# HTTP functions that deliberately do not use the web kit (public, no login).
# Public endpoints for visitors, advertisers' systems and email recipients, authenticated by
# their own means (tokens, signatures, signed links) and tested with them, not by login.
NOT_WEB_KIT = {"ClickFunction", "PostbackFunction", "OffersFunction", "RemarketingLinkFunction"}


def web_apps() -> dict:
    """logical id -> the web kit resolver of every HTTP function that uses the web kit."""
    from waymark import web

    apps = {}
    for logical_id, spec in STACK.functions.items():
        if not spec.routes or logical_id in NOT_WEB_KIT:
            continue
        module = sys.modules[RUNTIME.handler(logical_id).__module__]
        app = getattr(module, "app", None)
        assert isinstance(app, web.WebResolver), f"{logical_id} serves HTTP without the web kit"
        apps[logical_id] = app
    return apps


def resolver_routes() -> dict[str, str]:
    """'METHOD /path/<param>' -> function, from Powertools' route registry of each web function."""
    found = {}
    for logical_id, app in web_apps().items():
        for route in app._static_routes + app._dynamic_routes:
            found[f"{route.method} {route.path}"] = logical_id
    return found


def moto_email_code(email: str) -> str:
    """The newest email verification code for a login (devstack.moto_fixes keeps it; moto sends no email)."""
    from moto.cognitoidp.models import cognitoidp_backends

    for backend in cognitoidp_backends["123456789012"].values():
        for pool in backend.user_pools.values():
            user = pool._get_user(email)
            if user is not None and getattr(user, "email_code", None):
                return user.email_code
    raise AssertionError(f"no email verification code for {email}")
