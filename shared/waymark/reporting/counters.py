"""Pre-aggregated statistics: which counters a click or a conversion moves, and by how much. Pure, no I/O.

Every counter is one StatsTable item (pk, sk) holding the numbers in COUNTER_FIELDS. Reports
read them with GetItem/Query only, so a report costs the same for a thousand clicks as for a
hundred million. The key layout (docs/architecture.md "Counters") is the contract between the stream
consumer (waymark.reporting.consumer) and the read API (waymark.reporting.reads):

    MONTH#<YYYY-MM>                        PROGRAM#<program>     program x month
    PROGRAM#<program>#MONTH#<YYYY-MM>      AGENT#<agent>         partner x month (all partners: one Query)
    PROGRAM#<program>#MONTH#<YYYY-MM>      CHANNEL#<channel>     channel x month, per program
    AGENT#<agent>#DAY                      <YYYY-MM-DD>          partner x day
    AGENT#<agent>#MONTH#<YYYY-MM>          CHANNEL#<channel>     partner month by channel
    AGENT#<agent>#MONTH#<YYYY-MM>          LINK#<code>           partner month by link
    AGENT#<agent>#MONTH#<YYYY-MM>#SUB      <field>#<value>       partner month by sub-ID (sub1, source)
    LINK#<code>#DAY                        <YYYY-MM-DD>          link x day
    AGENT#<agent>#LINKS                    <code>                link totals since the link's first click

Periods are UTC days and months of the click's or the conversion's `created_at`.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from waymark.conversions.vocabulary import Channel, ConversionStatus

CLICK_FIELDS = ("clicks", "unique_clicks", "bot_clicks")
COUNT_FIELDS = tuple(f"conversions_{status}" for status in ConversionStatus)
MONEY_FIELDS = tuple(f"{kind}_{status}" for kind in ("sales", "commission") for status in ConversionStatus)
COUNTER_FIELDS = CLICK_FIELDS + COUNT_FIELDS + MONEY_FIELDS

# Sub-ID fields the partner report breaks down by. sub1 is, by convention, the partner's campaign or
# placement and `source` its traffic source; sub2..sub5 often carry the partner's own per-click ids,
# whose unbounded variety would make the breakdown as large as the clicks themselves.
SUB_ID_BREAKDOWN = ("sub1", "source")
_MAX_SUB_KEY_BYTES = 400  # a sort key may hold 1 KB; sub-IDs may be 500 characters of any script

Number = int | Decimal
Delta = dict[str, Number]


@dataclass(frozen=True)
class CounterKey:
    pk: str
    sk: str
    sub_id: tuple[str, str] | None = None  # (field, full value) for sub-ID counters, whose sk may be shortened


type Deltas = dict[CounterKey, Delta]


# ------------------------------------------------------------------------------------------ keys


def program_month_key(program_id: str, month: str) -> CounterKey:
    return CounterKey(f"MONTH#{month}", f"PROGRAM#{program_id}")


def program_partition(program_id: str, month: str) -> str:
    return f"PROGRAM#{program_id}#MONTH#{month}"


def partner_month_key(program_id: str, month: str, agent_id: str) -> CounterKey:
    return CounterKey(program_partition(program_id, month), f"AGENT#{agent_id}")


def channel_month_key(program_id: str, month: str, channel: str) -> CounterKey:
    return CounterKey(program_partition(program_id, month), f"CHANNEL#{channel}")


def partner_days_partition(agent_id: str) -> str:
    return f"AGENT#{agent_id}#DAY"


def partner_breakdown_partition(agent_id: str, month: str) -> str:
    return f"AGENT#{agent_id}#MONTH#{month}"


def partner_sub_partition(agent_id: str, month: str) -> str:
    return f"AGENT#{agent_id}#MONTH#{month}#SUB"


def link_days_partition(link_code: str) -> str:
    return f"LINK#{link_code}#DAY"


def partner_links_partition(agent_id: str) -> str:
    return f"AGENT#{agent_id}#LINKS"


def sub_sort_key(field: str, value: str) -> str:
    """`<field>#<value>`, shortened with a digest when the value would not fit a sort key."""
    if len(value.encode()) <= _MAX_SUB_KEY_BYTES:
        return f"{field}#{value}"
    digest = hashlib.sha256(value.encode()).hexdigest()[:16]
    return f"{field}#{value[:60]}…{digest}"


def utc(created_at: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime (a timestamp without offset is taken as UTC)."""
    moment = datetime.fromisoformat(created_at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def period(created_at: str) -> tuple[str, str]:
    """(UTC day, UTC month) of an ISO 8601 timestamp."""
    moment = utc(created_at)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%Y-%m")


def _partner_keys(
    program_id: str, agent_id: str, day: str, month: str, link_code: str | None, item: dict
) -> list[CounterKey]:
    """The counters every click or attributed conversion of a partner moves (channel ones aside)."""
    keys = [
        program_month_key(program_id, month),
        partner_month_key(program_id, month, agent_id),
        CounterKey(partner_days_partition(agent_id), day),
    ]
    if link_code:
        keys += [
            CounterKey(partner_breakdown_partition(agent_id, month), f"LINK#{link_code}"),
            CounterKey(link_days_partition(link_code), day),
            CounterKey(partner_links_partition(agent_id), link_code),
        ]
    for field in SUB_ID_BREAKDOWN:
        value = item.get(field)
        if value:
            keys.append(CounterKey(partner_sub_partition(agent_id, month), sub_sort_key(field, value), (field, value)))
    return keys


# ------------------------------------------------------------------------------------------ deltas


def click_deltas(session: dict, *, bot: bool, unique: bool) -> Deltas:
    """What one stored session adds: a bot click, or a click that may also be unique."""
    day, month = period(session["created_at"])
    if bot:
        delta: Delta = {"bot_clicks": 1}
    else:
        delta = {"clicks": 1, "unique_clicks": 1} if unique else {"clicks": 1}
    keys = _partner_keys(session["program_id"], session["agent_id"], day, month, session.get("link_code"), session)
    return {key: dict(delta) for key in keys}


def conversion_deltas(conversion: dict | None) -> Deltas:
    """What one conversion, as it stands, contributes: its count, sale and commission in its status's bucket."""
    if not conversion or conversion.get("test"):
        return {}  # a console test conversion counts nowhere, in any status
    status = conversion["status"]
    if status not in ConversionStatus:
        raise ValueError(f"conversion {conversion.get('conversion_id')} has an unknown status {status!r}")
    delta: Delta = {
        f"conversions_{status}": 1,
        f"sales_{status}": Decimal(conversion.get("amount") or 0),
        f"commission_{status}": Decimal(conversion.get("commission") or 0),
    }
    day, month = period(conversion["created_at"])
    program_id, agent_id = conversion["program_id"], conversion.get("agent_id")
    channel = conversion.get("channel") or Channel.WEB
    keys = [channel_month_key(program_id, month, channel)]
    if agent_id:
        keys += _partner_keys(program_id, agent_id, day, month, conversion.get("link_code"), conversion)
        keys.append(CounterKey(partner_breakdown_partition(agent_id, month), f"CHANNEL#{channel}"))
    else:
        keys.append(program_month_key(program_id, month))  # unattributed sales still count for the program
    return {key: dict(delta) for key in keys}


def change(old: Deltas, new: Deltas) -> Deltas:
    """new - old per counter, without zeros: what a status change (or any correction) moves between buckets."""
    out: dict[CounterKey, dict[str, Number]] = defaultdict(dict)
    for sign, deltas in ((-1, old), (1, new)):
        for key, delta in deltas.items():
            for field, amount in delta.items():
                out[key][field] = out[key].get(field, 0) + sign * amount
    return {key: kept for key, delta in out.items() if (kept := {f: v for f, v in delta.items() if v != 0})}
