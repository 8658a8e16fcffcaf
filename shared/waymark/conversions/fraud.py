"""A program's fraud and quality rules: which sales are held for an operator, which are over a cap. Pure, no I/O.

Applied when a conversion is recorded (waymark.conversions.recording), never on the click path.
Each rule has its own reason code (waymark.conversions.attribution.Reason) and writes its
evidence in words, shown to operators beside the held sale:

- bot            the click's user agent is a bot's (waymark.click.useragents)   -> held
- self_referral  the customer's email, or the click's visitor IP hash, is the
                 partner's own (Agent.email, Agent.ip_hashes)                    -> held
- too_fast       less time between click and sale than the program's minimum    -> held
- ip_burst       more sales from one visitor IP hash in a window than allowed    -> held
- cap            over the partner's daily or monthly count or amount             -> rejected

Caps and bursts are counted in FraudCountersTable by conditional updates written in the same
transaction as the conversion (`limits` builds them), so two sales at the cap cannot both pass
and a repeated order counts nothing. Defaults keep every rule off except self-referral.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from waymark.conversions.attribution import Attribution, Reason, Report
from waymark.conversions.vocabulary import ConversionStatus
from waymark.models import Agent, as_dict

SETTINGS_KEY = "fraud_rules"  # where a program keeps them: Program.settings["fraud_rules"]
DEFAULT_BURST_MINUTES = 10


@dataclass(frozen=True)
class FraudRules:
    """A program's rules as stored; None (or 0) turns a rule off."""

    self_referral: bool = True
    min_seconds: int | None = None  # minimum time between click and sale
    day_count: int | None = None  # most conversions a partner may earn in a UTC day
    day_amount: Decimal | None = None  # most sales amount a partner may earn in a UTC day
    month_count: int | None = None
    month_amount: Decimal | None = None
    burst_count: int | None = None  # most sales from one visitor IP hash in `burst_minutes`
    burst_minutes: int = DEFAULT_BURST_MINUTES

    @classmethod
    def of(cls, program_settings: Any) -> "FraudRules":
        stored = as_dict(as_dict(program_settings).get(SETTINGS_KEY))
        ints = ("min_seconds", "day_count", "month_count", "burst_count")
        values: dict[str, Any] = {name: int(stored[name]) for name in ints if stored.get(name)}
        values |= {name: Decimal(str(stored[name])) for name in ("day_amount", "month_amount") if stored.get(name)}
        if stored.get("burst_minutes"):
            values["burst_minutes"] = int(stored["burst_minutes"])
        if "self_referral" in stored:
            values["self_referral"] = bool(stored["self_referral"])
        return cls(**values)


def held(credit: Attribution, reason: Reason, evidence: str) -> Attribution:
    return Attribution(
        credit.agent_id, ConversionStatus.HELD, reason, credit.attributed_by, credit.session, evidence=evidence
    )


def capped(credit: Attribution, evidence: str) -> Attribution:
    return Attribution(
        credit.agent_id, ConversionStatus.REJECTED, Reason.CAP, credit.attributed_by, credit.session, evidence=evidence
    )


def check(credit: Attribution, report: Report, *, agent: Agent | None, rules: FraudRules, now: datetime) -> Attribution:
    """The credit, capped or held when a rule flags the sale: a sale larger than an amount cap is
    rejected first, then the first hold rule that flags it, in the order above, holds it."""
    if not credit.earns:
        return credit
    over = over_cap_alone(report.amount, rules)
    if over:
        return capped(credit, over)
    session = credit.session
    if session is not None and _bot(session):
        agent_text = f" ({session.user_agent[:120]})" if session.user_agent else ""
        return held(credit, Reason.BOT, f"the click was judged a bot{agent_text}")
    if rules.self_referral and agent is not None:
        if report.email and agent.email and report.email.strip().lower() == agent.email.strip().lower():
            return held(credit, Reason.SELF_REFERRAL, "the customer's email is the partner's own")
        if session is not None and session.ip_hash and session.ip_hash in (agent.ip_hashes or ()):
            return held(credit, Reason.SELF_REFERRAL, "the customer's IP hash equals the partner's")
    if rules.min_seconds and session is not None:
        seconds = (now - _utc(session.created_at)).total_seconds()
        if seconds < rules.min_seconds:
            return held(
                credit,
                Reason.TOO_FAST,
                f"{int(seconds)} s between click and sale, minimum {rules.min_seconds} s",
            )
    return credit


def _bot(session) -> bool:
    """The stats consumer's verdict on the click (it counts it a bot click), from the stored user agent:
    nothing is written back onto the session. An operator's inside-sales visit and a console test click
    are no clicks and carry no agent, so no verdict. Imported here, not at the top: the lists and the
    parser load in ~0.2 s, which a postback without a click never needs."""
    if session.inside_sales_by or session.test:
        return False
    from waymark.click import useragents

    return useragents.classify(session.user_agent).bot


def over_cap_alone(amount: Decimal, rules: FraudRules) -> str | None:
    """A sale larger than an amount cap by itself is over it whatever was earned before."""
    for period, cap in (("a day", rules.day_amount), ("a month", rules.month_amount)):
        if cap is not None and amount > cap:
            return f"a sale of {amount} is over the cap of {cap} {period}"
    return None


# ------------------------------------------------------------------------------ counted rules


@dataclass(frozen=True)
class Limit:
    """One conditional counter update to write with the conversion, and what its refusal means."""

    reason: Reason  # cap (refused: rejected) or ip_burst (refused: held)
    evidence: str
    update: dict  # a TransactWriteItems "Update"


def limits(
    rules: FraudRules, credit: Attribution, amount: Decimal, *, program_id: str, table: str, now: datetime
) -> list[Limit]:
    """The counter updates a sale that earns must pass: caps per partner day and month, bursts per IP hash."""
    if not credit.earns or not credit.agent_id:
        return []
    found = []
    day, month = now.astimezone(UTC).strftime("%Y-%m-%d"), now.astimezone(UTC).strftime("%Y-%m")
    for period, count, cap, key, ends in (
        ("day", rules.day_count, rules.day_amount, f"DAY#{day}", _next_day(now)),
        ("month", rules.month_count, rules.month_amount, f"MONTH#{month}", _next_month(now)),
    ):
        if count is None and cap is None:
            continue
        pk = f"CAP#{program_id}#{credit.agent_id}#{key}"
        shown = day if period == "day" else month
        words = [f"{count} conversions" if count is not None else "", f"{cap} in sales" if cap is not None else ""]
        evidence = f"over the partner's cap of {' and '.join(w for w in words if w)} a {period} ({shown})"
        found.append(Limit(Reason.CAP, evidence, _counter(table, pk, amount, count, cap, ttl=ends + timedelta(days=1))))
    session = credit.session
    if rules.burst_count and session is not None and session.ip_hash:
        window = rules.burst_minutes * 60
        start = int(now.timestamp()) // window * window
        pk = f"BURST#{program_id}#{session.ip_hash}#{start}"
        began = datetime.fromtimestamp(start, UTC).strftime("%H:%M")
        evidence = (
            f"more than {rules.burst_count} conversions from one IP hash in {rules.burst_minutes} minutes "
            f"(the window from {began} UTC)"
        )
        ends = datetime.fromtimestamp(start + 2 * window, UTC)
        found.append(Limit(Reason.IP_BURST, evidence, _counter(table, pk, amount, rules.burst_count, None, ttl=ends)))
    return found


def _counter(table: str, pk: str, amount: Decimal, count: int | None, cap: Decimal | None, *, ttl: datetime) -> dict:
    """ADD one sale under the condition that the counter stays within `count` and `cap` after it."""
    conditions, values = [], {":one": {"N": "1"}, ":amount": {"N": format(amount, "f")}}
    if count is not None:
        conditions.append("(attribute_not_exists(#n) OR #n < :count)")
        values[":count"] = {"N": str(count)}
    if cap is not None:
        conditions.append("(attribute_not_exists(#amount) OR #amount <= :room)")
        values[":room"] = {"N": format(cap - amount, "f")}
    values[":ttl"] = {"N": str(int(ttl.timestamp()))}
    return {
        "TableName": table,
        "Key": {"pk": {"S": pk}},
        "UpdateExpression": "ADD #n :one, #amount :amount SET #ttl = :ttl",
        "ConditionExpression": " AND ".join(conditions),
        "ExpressionAttributeNames": {"#n": "n", "#amount": "amount", "#ttl": "ttl"},
        "ExpressionAttributeValues": values,
    }


def _utc(created_at: str) -> datetime:
    moment = datetime.fromisoformat(created_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _next_day(now: datetime) -> datetime:
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1)


def _next_month(now: datetime) -> datetime:
    first = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return (first + timedelta(days=32)).replace(day=1)
