"""A program's remarketing configuration, read with one Query and cached in the warm container.

Profiles, templates and channel settings share the program's ConfigTable partition
(`PROGRAM#<id>`, sort keys `REMARKETING#...`), so the offers API, the planner and the daily
job load all of it with one paginated Query and no scan. Changes reach warm containers
within LOOKUP_TTL_SECONDS, as the link and program lookups do (docs/operators.md "Limits").
"""

from dataclasses import dataclass, field

from waymark.catalog import LOOKUP_TTL_SECONDS
from waymark.conversions.vocabulary import Channel
from waymark.core import aws
from waymark.core.cache import TTLCache
from waymark.models import ChannelEmailSettings, EmailTemplate, Program, RemarketingProfile

PREFIX = "REMARKETING#"
_KINDS = {
    "REMARKETING#PROFILE#": RemarketingProfile,
    "REMARKETING#TEMPLATE#": EmailTemplate,
    "REMARKETING#CHANNEL#": ChannelEmailSettings,
}
FALLBACK_CHANNEL = Channel.WEB


@dataclass(frozen=True)
class RemarketingConfig:
    profiles: tuple[RemarketingProfile, ...] = ()
    templates: dict[str, EmailTemplate] = field(default_factory=dict)
    channels: dict[str, ChannelEmailSettings] = field(default_factory=dict)

    def profile(self, profile_id: str) -> RemarketingProfile | None:
        return next((p for p in self.profiles if p.profile_id == profile_id), None)

    def channel_settings(self, channel: str) -> ChannelEmailSettings | None:
        """The booking's channel's settings, else the web channel's (the program-wide default)."""
        return self.channels.get(channel) or self.channels.get(FALLBACK_CHANNEL)


_configs: TTLCache[RemarketingConfig] = TTLCache(LOOKUP_TTL_SECONDS, max_entries=1000)


def load(program_id: str, *, consistent: bool = False, background: bool = False) -> RemarketingConfig:
    """Every remarketing item of the program (one Query, paginated), uncached."""
    client = aws.client("dynamodb", background=background)
    pk = Program.key(program_id)[0]
    request = {
        "TableName": RemarketingProfile.Meta.table_name,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
        "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": PREFIX}},
        "ConsistentRead": consistent,
    }
    profiles, templates, channels = [], {}, {}
    while True:
        page = client.query(**request)
        for item in page.get("Items", []):
            sk = item["sk"]["S"]
            for prefix, model in _KINDS.items():
                if sk.startswith(prefix):
                    decoded = model.from_raw_data(item)
                    if isinstance(decoded, RemarketingProfile):
                        profiles.append(decoded)
                    elif isinstance(decoded, EmailTemplate):
                        templates[decoded.template_id] = decoded
                    else:
                        channels[decoded.channel] = decoded
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return RemarketingConfig(tuple(profiles), templates, channels)


def config(program_id: str, *, background: bool = False) -> RemarketingConfig:
    return _configs.get_or_load(program_id, lambda: load(program_id, background=background))


def forget(program_id: str) -> None:
    _configs.forget(program_id)
