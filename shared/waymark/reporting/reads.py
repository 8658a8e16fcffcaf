"""Reports: the read API over the pre-aggregated counters in StatsTable (keys: waymark.reporting.counters).

Every function here reads counters with GetItem, BatchGetItem or Query: never a Scan, and
never the underlying sessions or conversions. A report's cost depends on how many counters it
shows (days in the range, links, channels, partners), not on how many clicks or sales they
sum up. Money is Decimal throughout.

Callers (the partner portal, the JSON API, the exports) authorise first: these functions
trust the program and agent ids they are given. A partner may only ever be passed its own
agent id.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from waymark import wording
from waymark.core import aws, times
from waymark.reporting import counters
from waymark.reporting.counters import MONEY_FIELDS

MAX_DAYS = 400  # a daily series covers at most this many days (a year and a bit)
MAX_MONTHS = 36
DEFAULT_SUB_ID_LIMIT = 200
_ZERO = Decimal(0)


class BadPeriod(ValueError):
    """A month or date range the reports cannot serve; the message is safe to show."""


# ------------------------------------------------------------------------------------------ shapes


@dataclass(frozen=True)
class Counters:
    """One counter: clicks and conversions, with count, sales and commission per conversion status.

    `conversions`, `sales` and `commission` count the live conversions (pending + approved);
    held ones (a fraud rule flagged them, an operator decides) are apart, in the `_held` fields;
    reversed ones were approved and later undone, rejected ones never counted.
    """

    clicks: int = 0
    unique_clicks: int = 0
    bot_clicks: int = 0
    conversions_pending: int = 0
    conversions_held: int = 0
    conversions_approved: int = 0
    conversions_rejected: int = 0
    conversions_reversed: int = 0
    sales_pending: Decimal = _ZERO
    sales_held: Decimal = _ZERO
    sales_approved: Decimal = _ZERO
    sales_rejected: Decimal = _ZERO
    sales_reversed: Decimal = _ZERO
    commission_pending: Decimal = _ZERO
    commission_held: Decimal = _ZERO
    commission_approved: Decimal = _ZERO
    commission_rejected: Decimal = _ZERO
    commission_reversed: Decimal = _ZERO

    @property
    def conversions(self) -> int:
        return self.conversions_pending + self.conversions_approved

    @property
    def sales(self) -> Decimal:
        return self.sales_pending + self.sales_approved

    @property
    def commission(self) -> Decimal:
        return self.commission_pending + self.commission_approved

    @property
    def rejected(self) -> int:
        return self.conversions_rejected

    @classmethod
    def from_item(cls, item: dict[str, Any] | None) -> "Counters":
        """From a low-level DynamoDB item (`{"clicks": {"N": "3"}, ...}`); missing numbers are zero."""
        if not item:
            return cls()
        values: dict[str, Any] = {}
        for name in counters.COUNTER_FIELDS:
            raw = item.get(name, {}).get("N")
            if raw is not None:
                values[name] = Decimal(raw) if name in MONEY_FIELDS else int(raw)
        return cls(**values)

    def __add__(self, other: "Counters") -> "Counters":
        return Counters(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: "Counters") -> "Counters":
        return Counters(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int | str]:
        """JSON-ready: counts as ints, money as exact decimal strings, the derived totals included."""
        out: dict[str, int | str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = money(value) if f.name in MONEY_FIELDS else value
        out.update(conversions=self.conversions, sales=money(self.sales), commission=money(self.commission))
        out["rejected"] = self.rejected
        return out


ZERO = Counters()


@dataclass(frozen=True)
class DayCounters:
    day: date
    counters: Counters


@dataclass(frozen=True)
class MonthCounters:
    month: str  # YYYY-MM
    counters: Counters


@dataclass(frozen=True)
class ChannelCounters:
    channel: str
    counters: Counters


@dataclass(frozen=True)
class LinkCounters:
    link_code: str
    counters: Counters


@dataclass(frozen=True)
class SubIdCounters:
    field: str  # one of waymark.reporting.counters.SUB_ID_BREAKDOWN
    value: str
    counters: Counters


@dataclass(frozen=True)
class PartnerCounters:
    agent_id: str
    name: str | None
    counters: Counters


@dataclass(frozen=True)
class PartnerMonth:
    """A partner's monthly commission report with its breakdowns."""

    program_id: str
    agent_id: str
    month: str
    totals: Counters
    by_channel: list[ChannelCounters]
    by_link: list[LinkCounters]
    by_sub_id: list[SubIdCounters]  # sorted by field, then value; at most `max_sub_ids`
    sub_ids_truncated: bool = False  # more sub-IDs exist: page through them with partner_sub_ids()


@dataclass(frozen=True)
class ProgramMonth:
    """The all-partners monthly report of a program (admins only)."""

    program_id: str
    month: str
    totals: Counters  # the whole program, unattributed conversions included
    by_channel: list[ChannelCounters]
    partners: list[PartnerCounters] = field(default_factory=list)  # sorted by agent id

    @property
    def unattributed(self) -> Counters:
        """Conversions no partner earned (totals minus the partners' sum)."""
        partners = sum((row.counters for row in self.partners), ZERO)
        return self.totals - partners


# ------------------------------------------------------------------------------------------ periods


def check_month(month: str) -> str:
    if not isinstance(month, str) or not times.MONTH.fullmatch(month):
        raise BadPeriod(wording.PERIOD_MONTH())
    return month


def month_start(month: str) -> date:
    year, number = check_month(month).split("-")
    return date(int(year), int(number), 1)


def add_months(month: str, count: int) -> str:
    start = month_start(month)
    index = start.year * 12 + start.month - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_until(until: str, count: int) -> list[str]:
    """The `count` months ending with `until`, oldest first."""
    if not 1 <= count <= MAX_MONTHS:
        raise BadPeriod(wording.PERIOD_MONTHS(maximum=MAX_MONTHS))
    return [add_months(until, offset) for offset in range(1 - count, 1)]


def _days(start: date, end: date) -> list[date]:
    if end < start:
        raise BadPeriod(wording.PERIOD_REVERSED())
    if (end - start).days >= MAX_DAYS:
        raise BadPeriod(wording.PERIOD_DAYS(maximum=MAX_DAYS))
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def money(value: Decimal) -> str:
    """Exact decimal text, cents shown for whole amounts (12 -> "12.00", 0.125 stays "0.125")."""
    value = Decimal(value)
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        value = value.normalize()  # 24.990 (after adding and taking away 0.005) is 24.99
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        value = value.quantize(Decimal("0.01"))
    return format(value, "f")


# ------------------------------------------------------------------------------------------ reads


def _table() -> str:
    return os.environ["STATS_TABLE"]


def _client(background: bool = False):
    return aws.client("dynamodb", background=background)


def _key(pk: str, sk: str) -> dict:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _get(key: counters.CounterKey) -> Counters:
    item = _client().get_item(TableName=_table(), Key=_key(key.pk, key.sk)).get("Item")
    return Counters.from_item(item)


def _query_request(pk: str, prefix: str | None = None, between: tuple[str, str] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "TableName": _table(),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
    }
    if prefix is not None:
        request["KeyConditionExpression"] += " AND begins_with(sk, :prefix)"
        request["ExpressionAttributeValues"][":prefix"] = {"S": prefix}
    if between is not None:
        request["KeyConditionExpression"] += " AND sk BETWEEN :low AND :high"
        request["ExpressionAttributeValues"].update({":low": {"S": between[0]}, ":high": {"S": between[1]}})
    return request


def _query_pages(
    pk: str, *, prefix: str | None = None, between: tuple[str, str] | None = None, background: bool = False
) -> Iterator[list[dict]]:
    """Every page of one counter partition (or of its sort-key prefix or range), in sort-key order."""
    request = _query_request(pk, prefix, between)
    client = _client(background)
    while True:
        response = client.query(**request)
        yield response.get("Items", [])
        if "LastEvaluatedKey" not in response:
            return
        request["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def _query(pk: str, **kwargs) -> list[dict]:
    return [item for page in _query_pages(pk, **kwargs) for item in page]


def partner_month(
    program_id: str, agent_id: str, month: str, *, max_sub_ids: int = DEFAULT_SUB_ID_LIMIT
) -> PartnerMonth:
    """A partner's month: totals (raw, unique and bot clicks, conversions, sales, commission per status)
    and breakdowns by channel, by link and by sub-ID (sub1 and source). Three reads."""
    check_month(month)
    totals = _get(counters.partner_month_key(program_id, month, agent_id))
    channels, links = [], []
    for item in _query(counters.partner_breakdown_partition(agent_id, month)):
        sk = item["sk"]["S"]
        kind, _, name = sk.partition("#")
        if kind == "CHANNEL":
            channels.append(ChannelCounters(name, Counters.from_item(item)))
        elif kind == "LINK":
            links.append(LinkCounters(name, Counters.from_item(item)))
    sub_ids, cursor = partner_sub_ids(agent_id, month, limit=max_sub_ids)
    return PartnerMonth(program_id, agent_id, month, totals, channels, links, sub_ids, cursor is not None)


def partner_sub_ids(
    agent_id: str, month: str, *, limit: int = DEFAULT_SUB_ID_LIMIT, after: str | None = None
) -> tuple[list[SubIdCounters], str | None]:
    """One page of a partner month's sub-ID breakdown and the cursor of the next page (None at the end)."""
    check_month(month)
    pk = counters.partner_sub_partition(agent_id, month)
    limit = max(1, min(limit, 1000))
    # One more than asked: a next page is announced only when there is one.
    request = {**_query_request(pk), "Limit": limit + 1}
    if after is not None:
        request["ExclusiveStartKey"] = _key(pk, after)
    response = _client().query(**request)
    items = response.get("Items", [])
    if len(items) > limit:
        items, cursor = items[:limit], items[limit - 1]["sk"]["S"]
    else:
        last = response.get("LastEvaluatedKey")  # the 1 MB page limit cut the page short
        cursor = last["sk"]["S"] if last else None
    rows = [
        SubIdCounters(item["sub_field"]["S"], item["sub_value"]["S"], Counters.from_item(item))
        for item in items
        if "sub_field" in item
    ]
    return rows, cursor


def partner_days(agent_id: str, start: date, end: date) -> list[DayCounters]:
    """A partner's daily series for charts, every day from `start` to `end` included (zeros filled in)."""
    return _day_series(counters.partner_days_partition(agent_id), start, end)


def link_days(link_code: str, start: date, end: date) -> list[DayCounters]:
    """One link's daily series, every day from `start` to `end` included."""
    return _day_series(counters.link_days_partition(link_code), start, end)


def _day_series(pk: str, start: date, end: date) -> list[DayCounters]:
    days = _days(start, end)
    found = {
        item["sk"]["S"]: Counters.from_item(item)
        for item in _query(pk, between=(days[0].isoformat(), days[-1].isoformat()))
    }
    return [DayCounters(day, found.get(day.isoformat(), ZERO)) for day in days]


def partner_months(program_id: str, agent_id: str, until: str, count: int = 12) -> list[MonthCounters]:
    """A partner's monthly series: the `count` months ending with `until`, oldest first. One BatchGetItem."""
    months = months_until(until, count)
    keys = [counters.partner_month_key(program_id, month, agent_id) for month in months]
    found = _batch_get(keys)
    return [MonthCounters(month, found.get((key.pk, key.sk), ZERO)) for month, key in zip(months, keys, strict=True)]


def partners_month(program_id: str, month: str, agent_ids: list[str]) -> dict[str, Counters]:
    """Chosen partners' totals of one month (e.g. one page of a partner list): one BatchGetItem per hundred."""
    check_month(month)
    wanted = list(dict.fromkeys(agent_ids))
    keys = [counters.partner_month_key(program_id, month, agent_id) for agent_id in wanted]
    found = _batch_get(keys)
    return {agent_id: found.get((key.pk, key.sk), ZERO) for agent_id, key in zip(wanted, keys, strict=True)}


def program_months(program_id: str, until: str, count: int = 12) -> list[MonthCounters]:
    """A program's monthly totals: the `count` months ending with `until`, oldest first."""
    months = months_until(until, count)
    keys = [counters.program_month_key(program_id, month) for month in months]
    found = _batch_get(keys)
    return [MonthCounters(month, found.get((key.pk, key.sk), ZERO)) for month, key in zip(months, keys, strict=True)]


def _batch_get(keys: list[counters.CounterKey]) -> dict[tuple[str, str], Counters]:
    items = aws.batch_get_items(_client(), _table(), [_key(key.pk, key.sk) for key in keys])
    return {(item["pk"]["S"], item["sk"]["S"]): Counters.from_item(item) for item in items}


def partner_links(agent_id: str) -> list[LinkCounters]:
    """Totals per link of a partner, all time (links that were never clicked are absent). One Query."""
    return [
        LinkCounters(item["sk"]["S"], Counters.from_item(item))
        for item in _query(counters.partner_links_partition(agent_id))
    ]


def program_channels(program_id: str, month: str) -> list[ChannelCounters]:
    """A program's month by channel (conversions only: clicks are not split by channel)."""
    check_month(month)
    items = _query(counters.program_partition(program_id, month), prefix="CHANNEL#")
    return [ChannelCounters(item["sk"]["S"].removeprefix("CHANNEL#"), Counters.from_item(item)) for item in items]


def program_month(program_id: str, month: str, *, with_names: bool = True) -> ProgramMonth:
    """The all-partners report: program totals, channels and one row per partner with activity.

    One GetItem and one Query over the program's month partition (plus one BatchGetItem of names
    per hundred partners).
    """
    check_month(month)
    totals = _get(counters.program_month_key(program_id, month))
    channels: list[ChannelCounters] = []
    partners: list[PartnerCounters] = []
    for item in _query(counters.program_partition(program_id, month)):
        kind, _, name = item["sk"]["S"].partition("#")
        if kind == "CHANNEL":
            channels.append(ChannelCounters(name, Counters.from_item(item)))
        elif kind == "AGENT":
            partners.append(PartnerCounters(name, None, Counters.from_item(item)))
    if with_names:
        partners = _with_names(partners)
    return ProgramMonth(program_id, month, totals, channels, partners)


def iter_program_partners(
    program_id: str, month: str, *, names: bool = True, background: bool = False
) -> Iterator[PartnerCounters]:
    """The all-partners rows page by page, in agent-id order: for exports of any size."""
    check_month(month)
    for page in _query_pages(counters.program_partition(program_id, month), prefix="AGENT#", background=background):
        rows = [
            PartnerCounters(item["sk"]["S"].removeprefix("AGENT#"), None, Counters.from_item(item)) for item in page
        ]
        yield from (_with_names(rows, background=background) if names else rows)


def program_totals(program_id: str, month: str) -> Counters:
    return _get(counters.program_month_key(program_id, month))


def active_programs(month: str, *, background: bool = False) -> list[str]:
    """Programs with any click or conversion counted in `month` (one Query: no registry to keep)."""
    check_month(month)
    items = _query(counters.program_month_key("", month).pk, prefix="PROGRAM#", background=background)
    return [item["sk"]["S"].removeprefix("PROGRAM#") for item in items]


def _with_names(rows: list[PartnerCounters], *, background: bool = False) -> list[PartnerCounters]:
    names = agent_names([row.agent_id for row in rows], background=background)
    return [PartnerCounters(row.agent_id, names.get(row.agent_id), row.counters) for row in rows]


def agent_names(agent_ids: list[str], *, background: bool = False) -> dict[str, str]:
    """Partner names by agent id (unknown ids are absent)."""
    keys = [{"agent_id": {"S": agent_id}} for agent_id in dict.fromkeys(agent_ids)]
    items = aws.batch_get_items(
        _client(background),
        os.environ["AGENTS_TABLE"],
        keys,
        ProjectionExpression="agent_id, #name",
        ExpressionAttributeNames={"#name": "name"},
    )
    return {item["agent_id"]["S"]: item.get("name", {}).get("S", "") for item in items}
