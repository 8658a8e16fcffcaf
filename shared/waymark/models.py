"""PynamoDB models: the one schema of every stored item.

Importing this module reads the environment, once, as each model's Meta is built
(template.yaml sets the table names; the local stack and tests set the endpoint), so moto's
server or its in-process mock swap in with no code change:
  CONFIG_TABLE, AGENTS_TABLE, LINKS_TABLE, SESSIONS_TABLE, CONVERSIONS_TABLE, REMARKETING_TABLE,
  POSTBACK_LOG_TABLE, PAYOUTS_TABLE, PARTNER_POSTBACKS_TABLE
      the table names (absent: the variable's name in lower case)
  AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL   the DynamoDB endpoint (absent: AWS's own)
  AWS_REGION, else AWS_DEFAULT_REGION                the region (absent: eu-west-1)
Changing them later does not move the models (only `connection()` reads them again, on its
first call). Key schemas and indexes must match template.yaml: a unit test compares them.
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
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection
from pynamodb.constants import NUMBER
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from waymark.conversions.vocabulary import AdvertiserStatus, Channel, CouponStatus
from waymark.core import aws, ids
from waymark.core.table_keys import program_key
from waymark.partners.vocabulary import LinkStatus, PartnerStatus, PartnerType
from waymark.remarketing.vocabulary import SendStatus


def table_meta(env_name: str) -> type:
    class Meta:
        table_name = os.environ.get(env_name, env_name.lower())
        region = aws.region()
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

    "relative" pays `value` % of the rate the rule overrides (waymark.conversions.commissions has the precedence).
    """

    kind = UnicodeAttribute()  # "percent" | "fixed" | "relative"
    value = DecimalAttribute()
    channel = UnicodeAttribute(null=True)  # a Channel; None: every channel
    currency = UnicodeAttribute(null=True)  # fixed rules: the sum's currency (default: the program's)
    valid_from = UnicodeAttribute(null=True)  # ISO date, inclusive
    valid_until = UnicodeAttribute(null=True)  # ISO date, inclusive
    note = UnicodeAttribute(null=True)


# ---------------------------------------------------------------------------- config

PROGRAMS_LISTING = "PROGRAMS"


def advertisers_listing(program_id: str) -> str:
    return f"ADVERTISERS#{program_id}"


class ProgramListingIndex(GlobalSecondaryIndex):
    """listing-index: every program under one key, so the console lists them without a Scan."""

    class Meta:
        index_name = "listing-index"
        projection = AllProjection()

    listed_in = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class AdvertiserListingIndex(GlobalSecondaryIndex):
    """listing-index again: a program's advertisers under "ADVERTISERS#<program_id>"."""

    class Meta:
        index_name = "listing-index"
        projection = AllProjection()

    listed_in = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


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
    # Advertisers whose postback token was sent to the public pixel: leaked, to be rotated.
    token_exposed_by = UnicodeSetAttribute(null=True)
    terms_url = UnicodeAttribute(null=True)  # the partner program's terms, linked from signup
    listed_in = UnicodeAttribute(default=PROGRAMS_LISTING)

    by_listing = ProgramListingIndex()

    @staticmethod
    def key(program_id: str) -> tuple[str, str]:
        return program_key(program_id)


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
    status = UnicodeAttribute(default=AdvertiserStatus.ACTIVE)  # an AdvertiserStatus
    # After a rotation the previous credentials keep working until previous_valid_until (epoch seconds).
    previous_token_sha256 = UnicodeAttribute(null=True)
    previous_hmac_secret = UnicodeAttribute(null=True)
    previous_valid_until = NumberAttribute(null=True)
    # Signs only the console's test conversions (waymark.conversions.advertiser_secrets), encrypted
    # under its own purpose; absent on advertisers made before it, until their first test.
    test_hmac_secret = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    listed_in = UnicodeAttribute(null=True)  # advertisers_listing(program_id)

    by_listing = AdvertiserListingIndex()

    @staticmethod
    def key(advertiser_id: str) -> tuple[str, str]:
        return f"ADVERTISER#{advertiser_id}", "ADVERTISER"


class ChangeRecord(Model):
    """One change an operator made: who, when, what, and the changed fields before and after (never secrets)."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>"
    sk = UnicodeAttribute(range_key=True)  # "CHANGE#<at>#<change_id>": a Query reads them in time order
    program_id = UnicodeAttribute()
    change_id = UnicodeAttribute()
    at = UnicodeAttribute()
    by = UnicodeAttribute()
    subject = UnicodeAttribute()  # "program", "advertiser:<id>", "operator:<email>"
    action = UnicodeAttribute()  # create | update | rotate | disable | invite | remove
    before = UnicodeAttribute(null=True)  # JSON object of the changed fields as they were
    after = UnicodeAttribute(null=True)  # JSON object of the changed fields as they are now

    @staticmethod
    def key(program_id: str, at: str, change_id: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"CHANGE#{at}#{change_id}"


class OperatorProfile(Model):
    """An operator's own settings (its login is Cognito's): the time zone its pages show times in."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "OPERATOR#<Cognito sub>"
    sk = UnicodeAttribute(range_key=True, default="PROFILE")
    email = UnicodeAttribute()
    time_zone = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(sub: str) -> tuple[str, str]:
        return f"OPERATOR#{sub}", "PROFILE"


class Coupon(Model):
    """A coupon code that credits a partner's sales. In its program's partition under the normalized code,
    so a code is unique per program by a conditional write, and the postback finds it with one GetItem."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>"
    sk = UnicodeAttribute(range_key=True)  # "COUPON#<CODE>"
    program_id = UnicodeAttribute()
    code = UnicodeAttribute()  # upper case (waymark.conversions.coupons.normalize)
    agent_id = UnicodeAttribute()
    status = UnicodeAttribute(default=CouponStatus.ACTIVE)  # a CouponStatus
    expires_on = UnicodeAttribute(null=True)  # ISO date, its last day (UTC); None: never
    note = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(program_id: str, code: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"COUPON#{code}"


RATES_PARTITION = "RATES"


class ExchangeRates(Model):
    """One day's exchange rates from one source: 1 `base` = rates[currency]. One partition, so the postback
    reads the last days' rates with one Query (waymark.conversions.exchange)."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True, default=RATES_PARTITION)
    sk = UnicodeAttribute(range_key=True)  # "DAY#<YYYY-MM-DD>#<source>": newest first, operator before ecb
    day = UnicodeAttribute()  # ISO date the rates are for
    source = UnicodeAttribute()  # ecb (the daily import) | operator (the console's rate table)
    base = UnicodeAttribute(default="EUR")
    rates = MapAttribute(default=dict)  # currency -> rate as a decimal string
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)  # the operator; None for the import

    @staticmethod
    def key(day: str, source: str) -> tuple[str, str]:
        return RATES_PARTITION, f"DAY#{day}#{source}"


# ---------------------------------------------------------------------------- partners


class ProgramStatusIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = "program-status-index"
        projection = AllProjection()

    program_id = UnicodeAttribute(hash_key=True)
    status_created = UnicodeAttribute(range_key=True)


class ProgramEmailIndex(GlobalSecondaryIndex):
    """Sparse (partners without an email are absent): is this address already a partner of the program?"""

    class Meta:
        index_name = "program-email-index"
        projection = KeysOnlyProjection()

    program_id = UnicodeAttribute(hash_key=True)
    email = UnicodeAttribute(range_key=True)


class Agent(Model):
    """A partner: affiliate, marketplace partner or concierge. `agent_id` is also its public code."""

    Meta = table_meta("AGENTS_TABLE")
    agent_id = UnicodeAttribute(hash_key=True)
    program_id = UnicodeAttribute()
    # "<status>#<created_at>", the admin queue's sort key. Absent while the partner is unverified, so
    # the sparse index, which every operator list and count reads, leaves an unconfirmed signup out.
    status_created = UnicodeAttribute(null=True)
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)  # None: an agent created by hand without one, or erased
    website = UnicodeAttribute(null=True)
    partner_type = UnicodeAttribute(default=PartnerType.AFFILIATE)  # a PartnerType
    status = UnicodeAttribute(default=PartnerStatus.PENDING)  # a PartnerStatus
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    cognito_sub = UnicodeAttribute(null=True)
    # Visitor IP hashes the partner itself was seen with (its signup), for the self-referral rule.
    ip_hashes = UnicodeSetAttribute(null=True)
    attribution_window_days = NumberAttribute(null=True)
    commission_rules = ListAttribute(of=CommissionRule, default=list)
    # Self-signup: when the partner accepted the program's terms and which page they were then,
    # and when it confirmed its email address.
    terms_accepted_at = UnicodeAttribute(null=True)
    terms_url = UnicodeAttribute(null=True)
    email_verified_at = UnicodeAttribute(null=True)

    erased_at = UnicodeAttribute(null=True)  # its personal data was erased (waymark.partners.personal_data)
    lang = UnicodeAttribute(null=True)  # the language of its emails; None: the program's default
    time_zone = UnicodeAttribute(null=True)  # the zone its pages show times in; None: its browser's
    # Optional emails it turned off (waymark.partners.emails.TOPICS): "digest", "conversions".
    email_opt_outs = UnicodeSetAttribute(null=True)

    by_program_status = ProgramStatusIndex()
    by_program_email = ProgramEmailIndex()

    def set_status(self, status: str) -> None:
        self.status = status
        self.status_created = None if status == PartnerStatus.UNVERIFIED else f"{status}#{self.created_at}"


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
    status = UnicodeAttribute(default=LinkStatus.ACTIVE)  # a LinkStatus
    is_default = BooleanAttribute(default=False)

    by_agent = AgentIndex()


# ---------------------------------------------------------------------------- tracking


class Session(Model):
    """One tracked click. No IP address: `ip_hash` is a keyed hash (see waymark.core.signing_keys)."""

    Meta = table_meta("SESSIONS_TABLE")
    # Under the click id's own reference code: a click id is one GetItem, a code one Query, and no
    # index is written per click. Click ids sort by time, so a code's newest session comes first.
    ref_code = UnicodeAttribute(hash_key=True)
    click_id = UnicodeAttribute(range_key=True)
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
    # Bot, device, OS and browser are not stored: waymark.click.useragents.classify(user_agent) derives
    # them wherever they are needed (the same verdict every time), so no click costs a second write.
    # The operator who opened the order page from the inside-sales directory: not the partner's
    # traffic (the stats consumer counts no click), yet its sale is the partner's, as an inside sale.
    inside_sales_by = UnicodeAttribute(null=True)
    # A test click from the console's integration page: its conversion earns nothing and counts nowhere.
    test = BooleanAttribute(null=True)
    # The browser's __Secure-wm_seen cookie showed a unique click on this link in the hour before
    # (waymark.click.seen): a click, not a unique click. Only ever true, so unique sessions stay small.
    repeat = BooleanAttribute(null=True)

    @staticmethod
    def key(click_id: str) -> tuple[str, str]:
        return ids.ref_code(click_id), click_id


# ---------------------------------------------------------------------------- conversions


class StatusChange(MapAttribute):
    at = UnicodeAttribute()
    by = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    from_agent = UnicodeAttribute(null=True)  # a reassignment: the partner credited before ("" for none)
    to_agent = UnicodeAttribute(null=True)


class CartLine(MapAttribute):
    product = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    quantity = NumberAttribute(default=1)
    price = DecimalAttribute(null=True)
    destination = UnicodeAttribute(null=True)  # where the booked service takes place (remarketing rules)


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
    channel = UnicodeAttribute(default=Channel.WEB)  # a Channel
    attributed_by = UnicodeAttribute(null=True)  # click | ref | agent | operator: what named the partner
    # postback | pixel | console (an operator recorded it): a pending pixel sale gives way to a postback
    reported_by = UnicodeAttribute(null=True)
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    commission = DecimalAttribute()
    commission_rule = UnicodeAttribute(null=True)  # which rule priced it, for partners and audits
    status = UnicodeAttribute()  # a ConversionStatus (waymark.conversions.vocabulary)
    reason = UnicodeAttribute(null=True)  # waymark.conversions.attribution.Reason value when rejected or held
    hold_evidence = UnicodeAttribute(null=True)  # what the fraud rule saw that held (or capped) it
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    items = ListAttribute(of=CartLine, default=list)
    booking_ref = UnicodeAttribute(null=True)
    history = ListAttribute(of=StatusChange, default=list)
    test = BooleanAttribute(null=True)  # the sale of a test click (Session.test): kept out of every counter
    coupon = UnicodeAttribute(null=True)  # the coupon code the sale brought (normalized), credited or not
    # A sale reported in another currency: as reported, and the rate (program currency per unit of it)
    # that made `amount`; the rate's day and where it came from (ecb | operator).
    original_amount = DecimalAttribute(null=True)
    original_currency = UnicodeAttribute(null=True)
    exchange_rate = DecimalAttribute(null=True)
    rate_date = UnicodeAttribute(null=True)
    rate_source = UnicodeAttribute(null=True)

    by_agent = ConversionAgentIndex()
    by_program = ProgramIndex()

    @staticmethod
    def make_id(advertiser_id: str, order_id: str) -> str:
        return f"{advertiser_id}:{order_id}"


class PostbackLogEntry(Model):
    """How Waymark answered one postback or pixel hit of an advertiser, for the integration page (every
    answer but a new sale's: waymark.conversions.postback_log.logged).

    No personal data: no email, address, cart or customer; the order id and the answer's reason
    only. Expires by TTL (waymark.conversions.postback_log.RETENTION_DAYS).
    """

    Meta = table_meta("POSTBACK_LOG_TABLE")
    advertiser_id = UnicodeAttribute(hash_key=True)
    logged_at = UnicodeAttribute(range_key=True)  # "<ISO time>#<random>": newest last, never two alike
    kind = UnicodeAttribute()  # postback | pixel | test
    method = UnicodeAttribute()
    signed = BooleanAttribute(default=False)  # a signature, not the token
    authenticated = BooleanAttribute(default=False)  # false: the request only named this advertiser
    status = NumberAttribute()  # the HTTP status answered (the pixel's: what it would have been)
    outcome = UnicodeAttribute()  # Recorded, Repeated, Conflict, Queued, Invalid, Unauthorized, Forbidden, ...
    message = UnicodeAttribute(null=True)  # the error message answered
    fields = ListAttribute(of=UnicodeAttribute, default=list)  # "<field>: <problem>" of a 400
    order_id = UnicodeAttribute(null=True)
    conversion_status = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # the conversion's Reason, when it earns nothing
    ttl = NumberAttribute()


# ---------------------------------------------------------------------------- partner postbacks


class PartnerPostbackSettings(Model):
    """A partner's own postback: its URL template, the events it wants, its signing secret (encrypted)."""

    Meta = table_meta("PARTNER_POSTBACKS_TABLE")
    agent_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True, default="SETTINGS")
    program_id = UnicodeAttribute()
    url_template = UnicodeAttribute()
    events = ListAttribute(of=UnicodeAttribute, default=list)  # waymark.events.vocabulary.EventType values
    signing_secret = UnicodeAttribute()  # "kms:<ciphertext>" (waymark.partner_postbacks.secrets)
    secret_created_at = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class PartnerPostbackDelivery(Model):
    """One try at a partner postback: what happened, never the URL's values (they are the partner's data)."""

    Meta = table_meta("PARTNER_POSTBACKS_TABLE")
    agent_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)  # "DELIVERY#<ISO time>#<random>": a Query reads them newest first
    at = UnicodeAttribute()
    event = UnicodeAttribute()  # the detail type, or "test"
    order_ref = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute()  # delivered | retrying | failed | refused
    status_code = NumberAttribute(null=True)  # the partner's HTTP answer; None when none came
    latency_ms = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)
    attempt = NumberAttribute(default=1)
    ttl = NumberAttribute()


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
    # The keyed email hash, set by the planner (the postback has no hashing key): email-index finds it.
    email_hash = UnicodeAttribute(null=True)

    @staticmethod
    def key(conversion_id: str) -> tuple[str, str]:
        return f"CUSTOMER#{conversion_id}", "CUSTOMER"


class CartRules(MapAttribute):
    """Which bookings a cross-sell profile applies to. Empty lists mean "any"; all given rules must hold."""

    products = ListAttribute(of=UnicodeAttribute, default=list)  # any cart line's product code ...
    categories = ListAttribute(of=UnicodeAttribute, default=list)  # ... or category (either list matching is enough)
    destinations = ListAttribute(of=UnicodeAttribute, default=list)
    languages = ListAttribute(of=UnicodeAttribute, default=list)
    channels = ListAttribute(of=UnicodeAttribute, default=list)
    min_amount = DecimalAttribute(null=True)  # in the program's currency


class OfferedProduct(MapAttribute):
    code = UnicodeAttribute()
    names = MapAttribute(default=dict)  # language -> name, one for every program language
    price = DecimalAttribute()  # in the program's currency
    image_url = UnicodeAttribute(null=True)
    link = UnicodeAttribute(null=True)  # the product's page on the merchant's site (checked domain)


class SendStep(MapAttribute):
    anchor = UnicodeAttribute()  # "booking" | "service"
    days = NumberAttribute()  # relative to the anchor date: +1 the day after booking, -7 a week before the service
    template_id = UnicodeAttribute()


class RemarketingProfile(Model):
    """A cross-sell profile: which bookings it matches, what it offers, and (for email) when it writes."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>": one Query loads a program's remarketing
    sk = UnicodeAttribute(range_key=True)  # "REMARKETING#PROFILE#<profile_id>"
    program_id = UnicodeAttribute()
    profile_id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute(default="web")  # web | email | both
    active = BooleanAttribute(default=True)
    priority = NumberAttribute(default=100)  # lower first, when several profiles match
    rules = CartRules()
    offers = ListAttribute(of=OfferedProduct, default=list)
    schedule = ListAttribute(of=SendStep, default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(program_id: str, profile_id: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"REMARKETING#PROFILE#{profile_id}"


class EmailTemplate(Model):
    """Remarketing email content, one HTML (and optional text) body for every program language."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>"
    sk = UnicodeAttribute(range_key=True)  # "REMARKETING#TEMPLATE#<template_id>"
    program_id = UnicodeAttribute()
    template_id = UnicodeAttribute()
    name = UnicodeAttribute()
    bodies = MapAttribute(default=dict)  # language -> {"html": str, "text": str | None}
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(program_id: str, template_id: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"REMARKETING#TEMPLATE#{template_id}"


class PartnerEmailTemplate(Model):
    """An operator's wording of one partner email (waymark.partners.emails.PartnerEmail), per language.
    Absent: Waymark's own wording (waymark.partners.emails.DEFAULTS)."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>"
    sk = UnicodeAttribute(range_key=True)  # "PARTNER_EMAIL#<kind>"
    program_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    subjects = MapAttribute(default=dict)  # language -> subject template
    bodies = MapAttribute(default=dict)  # language -> {"html": str, "text": str | None}
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(program_id: str, kind: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"PARTNER_EMAIL#{kind}"


class ChannelEmailSettings(Model):
    """A sales channel's email settings: subjects per language and the booking page emails link back to."""

    Meta = table_meta("CONFIG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>"
    sk = UnicodeAttribute(range_key=True)  # "REMARKETING#CHANNEL#<channel>"
    program_id = UnicodeAttribute()
    channel = UnicodeAttribute()
    subjects = MapAttribute(default=dict)  # language -> subject (a text template)
    booking_url = UnicodeAttribute(null=True)  # {booking_ref} {order_id} {product} {lang} {click_id}
    from_name = UnicodeAttribute(null=True)
    reply_to = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(program_id: str, channel: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"REMARKETING#CHANNEL#{channel}"


class DueIndex(GlobalSecondaryIndex):
    """Sparse: only sends still to do carry due_date, so the daily job reads what is due and nothing else."""

    class Meta:
        index_name = "due-index"
        projection = AllProjection()

    due_date = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class EmailHashIndex(GlobalSecondaryIndex):
    """Sparse: every item naming a customer's keyed email hash (customer, sends, suppression), for erasure."""

    class Meta:
        index_name = "email-index"
        projection = KeysOnlyProjection()

    email_hash = UnicodeAttribute(hash_key=True)
    pk = UnicodeAttribute(range_key=True)


class RemarketingSend(Model):
    """One planned email for one booking. Carries what rendering needs, so sending reads nothing else.

    Personal fields (email, booking_ref) are removed once the send is done; the item expires by TTL.
    """

    Meta = table_meta("REMARKETING_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "CUSTOMER#<conversion_id>"
    sk = UnicodeAttribute(range_key=True)  # "SEND#<send_date>#<profile_id>#<step>"
    due_date = UnicodeAttribute(null=True)  # ISO date while pending; removed when done
    due_key = UnicodeAttribute(null=True)  # "<program_id>#<conversion_id>#<profile_id>#<step>"
    send_date = UnicodeAttribute()
    status = UnicodeAttribute(default=SendStatus.PENDING)  # a SendStatus
    reason = UnicodeAttribute(null=True)
    conversion_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    profile_id = UnicodeAttribute()
    step = NumberAttribute()
    template_id = UnicodeAttribute()
    offer_id = UnicodeAttribute()  # opaque handle the email's links carry instead of the booking
    email = UnicodeAttribute(null=True)
    email_hash = UnicodeAttribute()
    lang = UnicodeAttribute(null=True)
    channel = UnicodeAttribute()
    booking_ref = UnicodeAttribute(null=True)
    service_date = UnicodeAttribute(null=True)
    booked_at = UnicodeAttribute()
    amount = DecimalAttribute()
    currency = UnicodeAttribute()
    items = ListAttribute(of=CartLine, default=list)
    attempts = NumberAttribute(default=0)
    claim_id = UnicodeAttribute(null=True)
    claimed_at = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    ttl = NumberAttribute()

    by_due = DueIndex()
    by_email_hash = EmailHashIndex()


class RemarketingOfferRef(Model):
    """What an email link's opaque offer id stands for: the booking, found without personal data in the URL."""

    Meta = table_meta("REMARKETING_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "OFFER#<offer_id>"
    sk = UnicodeAttribute(range_key=True, default="OFFER")
    offer_id = UnicodeAttribute()
    conversion_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    ttl = NumberAttribute()

    @staticmethod
    def key(offer_id: str) -> tuple[str, str]:
        return f"OFFER#{offer_id}", "OFFER"


class Suppression(Model):
    """An address that must never get remarketing email again, kept as a keyed hash only (no TTL)."""

    Meta = table_meta("REMARKETING_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "EMAIL#<email_hash>"
    sk = UnicodeAttribute(range_key=True, default="SUPPRESSED")
    email_hash = UnicodeAttribute()
    source = UnicodeAttribute()  # one-click | link | admin
    created_at = UnicodeAttribute()

    @staticmethod
    def key(email_hash: str) -> tuple[str, str]:
        return f"EMAIL#{email_hash}", "SUPPRESSED"


class DailyEmailMark(Model):
    """The one remarketing email an address gets on one day: written conditionally before SES is
    called, so a second booking, a catch-up day or a concurrent run cannot email it twice that day."""

    Meta = table_meta("REMARKETING_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "EMAIL#<email_hash>"
    sk = UnicodeAttribute(range_key=True)  # "DAY#<date>"
    claim_id = UnicodeAttribute()
    send = UnicodeAttribute()  # "<pk>|<sk>" of the send item the email went out as
    ttl = NumberAttribute()

    @staticmethod
    def key(email_hash: str, day: str) -> tuple[str, str]:
        return f"EMAIL#{email_hash}", f"DAY#{day}"


class RemarketingClick(Model):
    """A click on an offer in a remarketing email (the partner's Session, if any, is written besides)."""

    Meta = table_meta("REMARKETING_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "CUSTOMER#<conversion_id>"
    sk = UnicodeAttribute(range_key=True)  # "CLICK#<click_id>"
    click_id = UnicodeAttribute()
    conversion_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    profile_id = UnicodeAttribute()
    product = UnicodeAttribute()
    agent_id = UnicodeAttribute(null=True)  # set when a partner's session was written (credited)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


class MailLogEntry(Model):
    """One line of the send log: an email sent, or what SES or its recipient did with it later."""

    Meta = table_meta("MAIL_LOG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "DAY#<date>"
    sk = UnicodeAttribute(range_key=True)  # "<at>#<message_id>#<event>"
    at = UnicodeAttribute()
    event = UnicodeAttribute()  # a waymark.mail.log.MailEvent
    stream = UnicodeAttribute()  # remarketing | partner
    message_id = UnicodeAttribute(null=True)
    recipient = UnicodeAttribute(null=True)  # masked: "a***@example.org"
    email_hash = UnicodeAttribute(null=True)
    program_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)  # the partner email's kind, or the remarketing profile
    detail = UnicodeAttribute(null=True)  # a bounce's type, a complaint's feedback type
    ttl = NumberAttribute()


class PartnerEmailSent(Model):
    """A partner email already sent for this event (kind and subject): a repeated event sends nothing."""

    Meta = table_meta("MAIL_LOG_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "SENT#<kind>#<subject id>"
    sk = UnicodeAttribute(range_key=True, default="SENT")
    message_id = UnicodeAttribute(null=True)
    ttl = NumberAttribute()

    @staticmethod
    def key(kind: str, subject: str) -> tuple[str, str]:
        return f"SENT#{kind}#{subject}", "SENT"


# ---------------------------------------------------------------------------- payouts (waymark.payouts)


class PayoutAgentIndex(GlobalSecondaryIndex):
    """Sparse (only payout lines carry payout_id): a partner's payout lines, oldest run first."""

    class Meta:
        index_name = "agent-index"
        projection = AllProjection()

    agent_id = UnicodeAttribute(hash_key=True)
    payout_id = UnicodeAttribute(range_key=True)


class PayoutRun(Model):
    """An operator's payout run: the lines it pays, from review to paid or cancelled."""

    Meta = table_meta("PAYOUTS_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "PROGRAM#<program_id>": one Query lists a program's runs
    sk = UnicodeAttribute(range_key=True)  # "RUN#<payout_id>"; payout ids sort by creation time
    run_id = UnicodeAttribute()  # the payout_id (not named so: only lines carry payout_id, for agent-index)
    program_id = UnicodeAttribute()
    status = UnicodeAttribute()  # a RunStatus
    cutoff = UnicodeAttribute()  # ISO date: commissions payable on or before this day
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    totals = MapAttribute(default=dict)  # currency -> amount (string), of the lines not cancelled
    lines = NumberAttribute(default=0)
    skipped = ListAttribute(of=UnicodeAttribute, default=list)  # "<agent_id>: why" (no payment details, ...)
    exported_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(program_id: str, payout_id: str) -> tuple[str, str]:
        return f"PROGRAM#{program_id}", f"RUN#{payout_id}"


class PaidConversion(MapAttribute):
    conversion_id = UnicodeAttribute()
    amount = DecimalAttribute()  # negative: a clawback of a reversal after it was paid
    created_at = UnicodeAttribute(null=True)
    order_id = UnicodeAttribute(null=True)


class PayoutLine(Model):
    """What one run pays one partner in one currency, and the conversions it pays (frozen at the run)."""

    Meta = table_meta("PAYOUTS_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "RUN#<payout_id>"
    sk = UnicodeAttribute(range_key=True)  # "LINE#<agent_id>#<currency>"
    payout_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    agent_id = UnicodeAttribute()
    partner_name = UnicodeAttribute()
    currency = UnicodeAttribute()
    amount = DecimalAttribute()
    status = UnicodeAttribute()  # a LineStatus
    conversions = ListAttribute(of=PaidConversion, default=list)
    method = UnicodeAttribute()  # a PayoutMethod
    # The account paid to, as it was at the run: the pay files need it whole, every answer shows it masked.
    account = UnicodeAttribute()
    bic = UnicodeAttribute(null=True)
    account_holder = UnicodeAttribute(null=True)
    details_changed_at = UnicodeAttribute(null=True)
    flag = UnicodeAttribute(null=True)  # why the operator should look twice (payment details changed lately)
    cutoff = UnicodeAttribute()
    created_at = UnicodeAttribute()
    paid_at = UnicodeAttribute(null=True)
    paid_by = UnicodeAttribute(null=True)

    by_agent = PayoutAgentIndex()

    @staticmethod
    def key(payout_id: str, agent_id: str, currency: str) -> tuple[str, str]:
        return f"RUN#{payout_id}", f"LINE#{agent_id}#{currency}"


class ConversionPayout(Model):
    """How much of one conversion's commission was paid, and the run that holds a claim on it now.

    One item per conversion, so a claim is one conditional write: a run claims only when no other
    run holds it (`open_payout` absent) and nobody wrote since it read (`version`), which keeps two
    runs at once from paying one conversion twice.
    """

    Meta = table_meta("PAYOUTS_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "CONVERSION#<conversion_id>"
    sk = UnicodeAttribute(range_key=True, default="PAYOUT")
    conversion_id = UnicodeAttribute()
    paid = DecimalAttribute(default=lambda: Decimal(0))  # net paid: commission paid less clawbacks taken
    version = NumberAttribute(default=0)
    open_payout = UnicodeAttribute(null=True)  # the run holding the claim, until it is paid or cancelled
    open_amount = DecimalAttribute(null=True)  # what that run pays (negative: takes back)

    @staticmethod
    def key(conversion_id: str) -> tuple[str, str]:
        return f"CONVERSION#{conversion_id}", "PAYOUT"


class PaymentDetails(Model):
    """Where a partner wants its money: the method and account (answered masked, see waymark.payouts.accounts)."""

    Meta = table_meta("PAYOUTS_TABLE")
    pk = UnicodeAttribute(hash_key=True)  # "AGENT#<agent_id>"
    sk = UnicodeAttribute(range_key=True, default="PAYMENT_DETAILS")
    agent_id = UnicodeAttribute()
    program_id = UnicodeAttribute()
    method = UnicodeAttribute()  # a PayoutMethod
    account = UnicodeAttribute()  # the PayPal or Wise email, or the IBAN (no spaces)
    bic = UnicodeAttribute(null=True)
    account_holder = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(agent_id: str) -> tuple[str, str]:
        return f"AGENT#{agent_id}", "PAYMENT_DETAILS"


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
