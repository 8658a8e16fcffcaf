"""The robustness suite uses the integration suite's worlds (a shop, its merchant) and its outage switch."""

from tests.integration.conftest import inject_failure, merchant, shop, streams  # noqa: F401
