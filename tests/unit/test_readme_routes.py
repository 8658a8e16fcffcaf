"""The README's route table lists exactly the routes template.yaml declares, each with its function."""

import re

from devstack.template import ROOT, Stack


def _readme_routes() -> dict[str, str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z]+ /[^`]*)` \| (\w+) \|", section, re.MULTILINE)
    return dict(rows)


def test_the_readme_route_table_is_the_templates():
    declared = {route.route_key: route.function.removesuffix("Function") for route in Stack().routes()}
    assert _readme_routes() == declared
