"""`python -m devstack` with the IAM check on: every AWS call the local stack's functions make is
judged against the function's role as SAM deploys it (tests/helpers/iam.py), refused as AWS would
refuse it, and each refusal appended as one line to a file the tests read.

    python -m tests.helpers.checked_stack --iam-refusals FILE serve --no-seed ...

is `python -m devstack serve --no-seed ...` (what `make dev DEMO=0` runs) with the check
registered before any AWS client exists. The end-to-end tests start every local stack this way
(tests/helpers/local_stack.py) and fail a test during which a line was added.

`WAYMARK_IAM_PLANT` (JSON: function logical id -> statements added to its role) lets a test plant
a refusal and see that it is reported; nothing else sets it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import botocore.handlers

from devstack import local
from devstack.__main__ import main
from devstack.template import Stack
from tests.helpers.iam import IamCheck, Roles, Statement

PLANT_VARIABLE = "WAYMARK_IAM_PLANT"


class PlantedRoles(Roles):
    """The deployed roles, with the statements a test planted added to them."""

    def __init__(self, stack: Stack, planted: dict[str, list[dict]]) -> None:
        super().__init__(stack)
        self.planted = planted

    def _compile(self, function: str) -> list[Statement]:
        extra = [Statement.compile(s, "a statement the test planted") for s in self.planted.get(function, [])]
        return super()._compile(function) + extra


class RefusalFile:
    """Appends each refusal as a line, at once: a test reads it while the stack runs, and a crash keeps it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.write_text("")

    def __call__(self, message: str) -> None:
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(message) + "\n")


class CheckOnDeploy:
    """The botocore hook, registered before the stack exists; it judges calls once a stack is deployed."""

    def __init__(self, refusals: RefusalFile, planted: dict[str, list[dict]]) -> None:
        self.refusals = refusals
        self.planted = planted
        self.check: IamCheck | None = None

    def deployed(self, stack: Stack) -> None:
        check = IamCheck(stack, on_refusal=self.refusals)
        # Translated now, so a missing aws-sam-translator stops the stack as it starts (the ready
        # file never appears, and the log says why) rather than failing each call with a 503.
        check._roles = PlantedRoles(stack, self.planted) if self.planted else Roles(stack)
        self.check = check

    def __call__(self, params, model, **kwargs) -> None:
        if self.check is not None:
            self.check(params, model, **kwargs)


def run(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "--iam-refusals":
        print("usage: python -m tests.helpers.checked_stack --iam-refusals FILE serve ...", file=sys.stderr)
        return 2
    hook = CheckOnDeploy(RefusalFile(Path(argv[1])), json.loads(os.environ.get(PLANT_VARIABLE) or "{}"))
    botocore.handlers.BUILTIN_HANDLERS.insert(0, ("before-parameter-build", hook))
    local.ON_DEPLOY.append(hook.deployed)
    return main(argv[2:])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
