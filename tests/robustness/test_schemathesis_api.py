"""schemathesis as an operator on the console's set-up operations (programs, advertisers, operators, changes,
erasure, mail).

How the requests are made and checked: tests/helpers/api_fuzzing.py.
"""

import pytest

from tests.helpers.api_fuzzing import SET_UP, fuzz, open_api
from tests.helpers.operators import operator_token


@pytest.fixture
def api(aws, runtime):
    return open_api(aws, runtime)


def test_no_set_up_operation_answers_an_operator_a_server_error(api):
    assert fuzz(api, operator_token(), lambda path: path.startswith(SET_UP)) >= 8
