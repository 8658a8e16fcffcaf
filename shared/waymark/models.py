"""PynamoDB models: the one schema of every stored item.

Table names and the endpoint come from the environment (template.yaml sets the names; the
local stack and tests set AWS_ENDPOINT_URL), so moto's server or its in-process mock swap
in with no code change. Key schemas and indexes must match template.yaml: a unit test
compares them.
"""

import os
from decimal import Decimal
from functools import cache
from typing import Any

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.constants import NUMBER
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


def table_meta(env_name: str) -> type:
    class Meta:
        table_name = os.environ.get(env_name, env_name.lower())
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
        host = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL") or None
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = 3

    return Meta


@cache
def connection() -> Connection:
    """The connection PynamoDB transactions (TransactWrite/TransactGet) run on."""
    meta = table_meta("CONFIG_TABLE")
    return Connection(region=meta.region, host=meta.host)


class DecimalAttribute(Attribute[Decimal]):
    """An exact DynamoDB number read back as Decimal (PynamoDB's NumberAttribute goes through float)."""

    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


class CommissionRule(MapAttribute):
    """Percentage of the amount or a fixed sum per conversion, optionally per channel and dated.

    "relative" pays `value` % of the rate the rule overrides (waymark.commissions has the precedence).
    """

    kind = UnicodeAttribute()  # "percent" | "fixed" | "relative"
    value = DecimalAttribute()
    channel = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)  # fixed rules: the sum's currency (default: the program's)
    valid_from = UnicodeAttribute(null=True)  # ISO date, inclusive
    valid_until = UnicodeAttribute(null=True)  # ISO date, inclusive
    note = UnicodeAttribute(null=True)


# ---------------------------------------------------------------------------- config


class Program(Model):
    """A merchant's partner program: where links may point and how partners are paid."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="PROGRAM")
    program_id = UnicodeAttribute()
    name = UnicodeAttribute()
    currency = UnicodeAttribute(default="EUR")
    default_landing_url = UnicodeAttribute()
    allowed_domains = ListAttribute(of=UnicodeAttribute, default=list)
    allow_http = BooleanAttribute(default=False)  # only for local demos
    click_param = UnicodeAttribute(default="click_id")
    passthrough = BooleanAttribute(default=True)
    attribution_window_days = NumberAttribute(default=365)
    auto_approve = BooleanAttribute(default=False)
    languages = ListAttribute(of=UnicodeAttribute, default=lambda: ["en"])
    default_language = UnicodeAttribute(default="en")
    order_page_url = UnicodeAttribute(null=True)  # concierges' sales links open this page
    commission_rules = ListAttribute(of=CommissionRule, default=list)
    settings = MapAttribute(default=dict)  # feature settings owned by other modules (remarketing, ...)

    @staticmethod
    def key(program_id: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", "PROGRAM"


class Advertiser(Model):
    """Who may report conversions for a program, and how they prove it."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="ADVERTISER")
    advertiser_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    name = UnicodeAttribute()
    token_sha256 = UnicodeAttribute()
    hmac_secret = UnicodeAttribute()
    allowed_cidrs = ListAttribute(of=UnicodeAttribute, default=list)
    status = UnicodeAttribute(default="active")

    @staticmethod
    def key(advertiser_id: str) -> tuple[str, str]:
        return f"ADVERTISER#{advertiser_id}", "ADVERTISER"


# ---------------------------------------------------------------------------- partners


class ProgramStatusIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "program-status-index"
        projection = AllProjection()

    program_id = UnicodeAttribute(hash_key=True)
    status_created = UnicodeAttribute(range_key=True)


class Agent(Model):
    """A partner: affiliate, marketplace partner or concierge. `agent_id` is also its public code."""

    Meta = table_meta("AGENTS_TABLE")
    agent_id = UnicodeAttribute(hash_key=True)
    program_id = UnicodeAttribute()
    status_created = UnicodeAttribute()  # "<status>#<created_at>", the admin queue's sort key
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    website = UnicodeAttribute(null=True)
    partner_type = UnicodeAttribute(default="affiliate")  # affiliate | marketplace_partner | concierge
    status = UnicodeAttribute(default="pending")  # pending | active | suspended
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    cognito_sub = UnicodeAttribute(null=True)
    attribution_window_days = NumberAttribute(null=True)
    commission_rules = ListAttribute(of=CommissionRule, default=list)

    by_program_status = ProgramStatusIndex()

    def set_status(self, status: str) -> None:
        self.status = status
        self.status_created = f"{status}#{self.created_at}"


class AgentIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "agent-index"
        projection = AllProjection()

    agent_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Link(Model):
    """A tracking link `/c/{code}`. Every partner also has a default link whose code is its agent id."""

    Meta = table_meta("LINKS_TABLE")
    code = UnicodeAttribute(hash_key=True)
    agent_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    destination = UnicodeAttribute(null=True)  # None: the program's default landing page
    sub_defaults = MapAttribute(default=dict)  # sub1..sub5 / source used when the click has none
    status = UnicodeAttribute(default="active")  # active | paused
    is_default = BooleanAttribute(default=False)

    by_agent = AgentIndex()


# ---------------------------------------------------------------------------- tracking


class RefIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "ref-index"
        projection = AllProjection()

    ref_code = UnicodeAttribute(hash_key=True)
    click_id = UnicodeAttribute(range_key=True)


class Session(Model):
    """One tracked click. No IP address: `ip_hash` is a keyed hash (see waymark.keys)."""

    Meta = table_meta("SESSIONS_TABLE")
    click_id = UnicodeAttribute(hash_key=True)
    ref_code = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    link_code = UnicodeAttribute()
    program_id = UnicodeAttribute()
    destination = UnicodeAttribute()
    sub1 = UnicodeAttribute(null=True)
    sub2 = UnicodeAttribute(null=True)
    sub3 = UnicodeAttribute(null=True)
    sub4 = UnicodeAttribute(null=True)
    sub5 = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    referrer_host = UnicodeAttribute(null=True)
    country = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    ip_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()  # ISO 8601 UTC, milliseconds
    expires_at = NumberAttribute()  # epoch seconds: end of the attribution window
    ttl = NumberAttribute()  # epoch seconds: DynamoDB deletes the item some time after expiry
    # Filled in off the click path by the stats consumer:
    bot = BooleanAttribute(null=True)
    device = UnicodeAttribute(null=True)
    os_name = UnicodeAttribute(null=True)
    browser = UnicodeAttribute(null=True)

    by_ref = RefIndex()


SUB_ID_FIELDS = ("sub1", "sub2", "sub3", "sub4", "sub5", "source")


# ---------------------------------------------------------------------------- conversions


class StatusChange(MapAttribute):
    at = UnicodeAttribute()
    by = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)


class CartLine(MapAttribute):
    product = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    quantity = NumberAttribute(default=1)
    price = DecimalAttribute(null=True)


class ProgramIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "program-index"
        projection = AllProjection()

    program_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ConversionAgentIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "agent-index"
        projection = AllProjection()

    agent_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class Conversion(Model):
    """A sale reported by an advertiser. `conversion_id` is "<advertiser>:<order id>", so a repeat is a no-op."""

    Meta = table_meta("CONVERSIONS_TABLE")
    conversion_id = UnicodeAttribute(hash_key=True)
    advertiser_id = UnicodeAttribute()
    order_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True)  # None: no partner earned it
    click_id = UnicodeAttribute(null=True)
    link_code = UnicodeAttribute(null=True)
    sub1 = UnicodeAttribute(null=True)
    sub2 = UnicodeAttribute(null=True)
    sub3 = UnicodeAttribute(null=True)
    sub4 = UnicodeAttribute(null=True)
    sub5 = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(default="web")
    attributed_by = UnicodeAttribute(null=True)  # click | ref | agent: what named the partner
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    commission = DecimalAttribute()
    commission_rule = UnicodeAttribute(null=True)  # which rule priced it, for partners and audits
    status = UnicodeAttribute()  # pending | approved | rejected | reversed
    reason = UnicodeAttribute(null=True)  # waymark.conversions.Reason value when rejected
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    items = ListAttribute(of=CartLine, default=list)
    booking_ref = UnicodeAttribute(null=True)
    history = ListAttribute(of=StatusChange, default=list)

    by_agent = ConversionAgentIndex()
    by_program = ProgramIndex()

    @staticmethod
    def make_id(advertiser_id: str, order_id: str) -> str:
        return f"{advertiser_id}:{order_id}"


# ---------------------------------------------------------------------------- remarketing


class Customer(Model):
    """The customer of one booking, kept only for remarketing and deleted by TTL after the last send.

    Written by the postback in the same transaction as its conversion, and only when the
    customer gave an email and the program sends remarketing emails.
    """

    Meta = table_meta("REMARKETING_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "CUSTOMER#<conversion_id>"
    sk = UnicodeAttribute(range_key=True, default="CUSTOMER")
    conversion_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    email = UnicodeAttribute()
    lang = UnicodeAttribute(null=True)
    booking_ref = UnicodeAttribute(null=True)
    service_date = UnicodeAttribute(null=True)  # ISO date
    booked_at = UnicodeAttribute()  # ISO timestamp
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    items = ListAttribute(of=CartLine, default=list)
    ttl = NumberAttribute()

    @staticmethod
    def key(conversion_id: str) -> tuple[str, str]:
        return f"CUSTOMER#{conversion_id}", "CUSTOMER"


CONVERSION_STATUSES = ("pending", "approved", "rejected", "reversed")
CHANNELS = ("web", "chat", "phone", "concierge", "inside_sales", "remarketing")


def as_dict(value: Any) -> dict[str, Any]:
    """A raw MapAttribute's value as a dict (PynamoDB gives a dict or a MapAttribute)."""
    if value is None:
        return {}
    return value.as_dict() if isinstance(value, MapAttribute) else dict(value)


def plain(model: Model) -> dict[str, Any]:
    """A model's attributes as plain Python values (Decimals stay Decimals)."""
    out: dict[str, Any] = {}
    for name in model.get_attributes():
        value = getattr(model, name)
        if isinstance(value, MapAttribute):
            value = value.as_dict()
        elif isinstance(value, list):
            value = [v.as_dict() if isinstance(v, MapAttribute) else v for v in value]
        out[name] = value
    return out
