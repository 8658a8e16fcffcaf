"""schemathesis as a partner on every operation: its own, and the console's, each of which must refuse
it (a 4xx, never a 5xx or data).

How the requests are made and checked: tests/helpers/api_fuzzing.py. Two tests, so the suite's
workers share the operations (each stays well inside the per-test timeout).
"""

import pytest

from tests.helpers.api_fuzzing import fuzz, open_api
from tests.helpers.tokens import partner_token

CONSOLE = "/api/admin"


@pytest.fixture
def api(aws, runtime):
    return open_api(aws, runtime)


def test_no_partner_operation_answers_a_partner_a_server_error(api):
    world = api[0]
    assert fuzz(api, partner_token(world.a), lambda path: not path.startswith(CONSOLE)) >= 10


def test_no_console_operation_answers_a_partner_a_server_error(api):
    world = api[0]
    assert fuzz(api, partner_token(world.a), lambda path: path.startswith(CONSOLE), refused=True) >= 10
