"""docs/architecture.md's route table lists exactly the routes template.yaml declares, each with its function."""

import re

from devstack.template import ROOT, Stack


def _documented_routes() -> dict[str, str]:
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("\n## API routes\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z]+ /[^`]*)` \| (\w+) \|", section, re.MULTILINE)
    return dict(rows)


def test_the_documented_route_table_is_the_templates():
    declared = {route.route_key: route.function.removesuffix("Function") for route in Stack().routes()}
    assert _documented_routes() == declared
