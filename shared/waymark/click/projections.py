"""What the click path reads of a link, a partner and a program, decoded straight from DynamoDB's
JSON. The PynamoDB models (waymark.models) are the schema; these views carry only the fields a
click needs and tests/unit/test_click_path_items.py holds them to the models."""

from waymark.partners.vocabulary import LinkStatus, PartnerStatus


def _s(item: dict, name: str, default: str | None = None) -> str | None:
    value = item.get(name)
    return value["S"] if value and "S" in value else default


def _n(item: dict, name: str) -> int | None:
    value = item.get(name)
    return int(value["N"]) if value and "N" in value else None


def _bool(item: dict, name: str, default: bool) -> bool:
    value = item.get(name)
    return value["BOOL"] if value and "BOOL" in value else default


class LinkView:
    __slots__ = ("agent_id", "code", "destination", "program_id", "status", "sub_defaults")

    def __init__(
        self, code, agent_id, program_id, destination=None, sub_defaults=None, status=LinkStatus.ACTIVE
    ) -> None:
        self.code, self.agent_id, self.program_id = code, agent_id, program_id
        self.destination, self.sub_defaults, self.status = destination, dict(sub_defaults or {}), status

    @classmethod
    def from_item(cls, item: dict) -> "LinkView":
        defaults = item.get("sub_defaults", {}).get("M", {})
        return cls(
            _s(item, "code"),
            _s(item, "agent_id"),
            _s(item, "program_id"),
            _s(item, "destination"),
            {k: v["S"] for k, v in defaults.items() if "S" in v},
            _s(item, "status", LinkStatus.ACTIVE),
        )


class AgentView:
    __slots__ = ("agent_id", "attribution_window_days", "program_id", "status")

    def __init__(self, agent_id, program_id, status=PartnerStatus.PENDING, attribution_window_days=None) -> None:
        self.agent_id, self.program_id = agent_id, program_id
        self.status, self.attribution_window_days = status, attribution_window_days

    @classmethod
    def from_item(cls, item: dict) -> "AgentView":
        return cls(
            _s(item, "agent_id"),
            _s(item, "program_id"),
            _s(item, "status", PartnerStatus.PENDING),
            _n(item, "attribution_window_days"),
        )


class ProgramView:
    __slots__ = (
        "allow_http",
        "allowed_domains",
        "attribution_window_days",
        "click_param",
        "default_landing_url",
        "default_language",
        "languages",
        "passthrough",
        "program_id",
    )  # fmt: skip

    def __init__(
        self,
        program_id,
        default_landing_url,
        allowed_domains=(),
        allow_http=False,
        click_param="click_id",
        passthrough=True,
        attribution_window_days=365,
        languages=("en",),
        default_language="en",
    ) -> None:
        self.program_id, self.default_landing_url = program_id, default_landing_url
        self.allowed_domains, self.allow_http = tuple(allowed_domains), allow_http
        self.click_param, self.passthrough = click_param, passthrough
        self.attribution_window_days = attribution_window_days
        self.languages, self.default_language = tuple(languages), default_language  # of its pages' messages

    @classmethod
    def from_item(cls, item: dict) -> "ProgramView":
        domains = item.get("allowed_domains", {}).get("L", [])
        return cls(
            _s(item, "program_id"),
            _s(item, "default_landing_url"),
            tuple(d["S"] for d in domains if "S" in d),
            _bool(item, "allow_http", False),
            _s(item, "click_param", "click_id"),
            _bool(item, "passthrough", True),
            _n(item, "attribution_window_days") or 365,
            tuple(lang["S"] for lang in item.get("languages", {}).get("L", []) if "S" in lang) or ("en",),
            _s(item, "default_language", "en"),
        )
