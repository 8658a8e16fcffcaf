"""The local stack the end-to-end tests start checks its functions' AWS calls against their deployed
roles (tests/helpers/checked_stack.py): a call the role refuses is refused there, and reported."""

import json
import signal

import pytest

from tests.helpers.checked_stack import PLANT_VARIABLE
from tests.helpers.local_stack import fetch, new_refusals, start_local_stack, wait_ready

pytestmark = pytest.mark.e2e


def test_a_call_the_role_refuses_is_refused_in_the_local_stack_and_reported(tmp_path):
    # The signup page reads its program; a Deny planted on SignupFunction's role refuses that read.
    deny = {"Effect": "Deny", "Action": "dynamodb:GetItem", "Resource": "*"}
    ready = tmp_path / "planted.json"
    stack = start_local_stack(ready, "--no-seed", env={PLANT_VARIABLE: json.dumps({"SignupFunction": [deny]})})
    try:
        info = wait_ready(stack, ready)
        response, body = fetch(f"{info['gateway_url']}/signup")
        refused = new_refusals()  # read here, so the suite's own check does not fail this test
    finally:
        stack.send_signal(signal.SIGINT)
        stack.wait(timeout=20)

    # As in AWS: the refused read is an AccessDeniedException, which the page answers as an outage.
    assert response.status == 503 and b"Please try again" in body
    assert refused, "the planted Deny refused nothing: the local stack's calls are not checked"
    config = info["resources"]["ConfigTable"]
    assert refused[0].startswith("SignupFunction may not dynamodb:GetItem on arn:aws:dynamodb:eu-west-1:")
    assert f"table/{config}" in refused[0]
    assert "explicitly denied by a statement the test planted" in refused[0]
