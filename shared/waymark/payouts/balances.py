"""The pure rules of partner money: what each conversion still owes, a partner's balance, what a run pays.

Every conversion keeps (in waymark.models.ConversionPayout) how much of its commission was paid,
net. What it owes now is its commission while approved and nothing otherwise, so:

* owed more than paid: payable once the hold period has passed (the program's days after the sale,
  and never before the approval);
* paid more than owed (reversed after it was paid): a negative adjustment, a clawback the next
  payout takes at once, with no hold;
* a conversion another run holds (`open_payout`) is that run's until it is paid or cancelled.

A partner's balance per currency is payable + adjustments. Amounts are Decimals rounded to the
currency's minor unit (waymark.core.currencies), never floats. These functions read nothing: the
I/O is waymark.payouts.store's.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from waymark.conversions.vocabulary import ConversionStatus

ZERO = Decimal(0)


@dataclass(frozen=True)
class Entry:
    """One conversion as payouts see it: its commission and status, and what was paid of it."""

    conversion_id: str
    agent_id: str
    currency: str
    status: str  # a ConversionStatus
    commission: Decimal
    payable_from: datetime  # when its commission may be paid, once approved
    paid: Decimal = ZERO  # net paid so far (waymark.models.ConversionPayout.paid)
    version: int = 0
    open_payout: str | None = None
    open_amount: Decimal | None = None
    created_at: str = ""
    order_id: str = ""

    @property
    def owed(self) -> Decimal:
        return self.commission if self.status == ConversionStatus.APPROVED else ZERO

    @property
    def residual(self) -> Decimal:
        """Owed less paid less what an open run pays: what no run has dealt with yet."""
        return self.owed - self.paid - (self.open_amount or ZERO)


def payable_from(created_at: datetime, approved_at: datetime | None, hold_days: int) -> datetime:
    """The hold period runs from the sale; a sale approved after it is payable from its approval."""
    held_until = created_at + timedelta(days=hold_days)
    return max(held_until, approved_at) if approved_at else held_until


def due(entry: Entry, at: datetime) -> Decimal:
    """What a run at `at` would pay for the conversion: positive, negative (a clawback) or zero (nothing, now)."""
    if entry.open_payout is not None:
        return ZERO
    difference = entry.owed - entry.paid
    if difference > 0 and entry.payable_from > at:
        return ZERO  # approved, still in its hold period
    return difference


@dataclass
class Balance:
    """A partner's money in one currency."""

    currency: str
    pending: Decimal = ZERO  # sales waiting for the merchant's decision
    held: Decimal = ZERO  # sales a fraud rule held for an operator
    waiting: Decimal = ZERO  # approved, in their hold period
    payable: Decimal = ZERO  # approved and past the hold: the next run pays it
    adjustments: Decimal = ZERO  # reversals after payment: the next run takes them back (zero or negative)
    in_payout: Decimal = ZERO  # in a run not yet paid
    paid: Decimal = ZERO  # paid to the partner, net of clawbacks taken

    @property
    def balance(self) -> Decimal:
        return self.payable + self.adjustments


def balances(entries: Iterable[Entry], at: datetime) -> dict[str, Balance]:
    """currency -> the balance at `at` of the given (one partner's) conversions."""
    found: dict[str, Balance] = {}
    for entry in entries:
        figures = found.setdefault(entry.currency, Balance(entry.currency))
        figures.paid += entry.paid
        figures.in_payout += entry.open_amount or ZERO
        if entry.status == ConversionStatus.PENDING:
            figures.pending += entry.commission
        elif entry.status == ConversionStatus.HELD:
            figures.held += entry.commission
        residual = entry.residual
        if residual < 0:
            figures.adjustments += residual
        elif residual > 0 and entry.payable_from > at:
            figures.waiting += residual
        elif residual > 0:
            figures.payable += residual
    return found


@dataclass(frozen=True)
class PlannedLine:
    """What a run would pay one partner in one currency, and for which conversions."""

    agent_id: str
    currency: str
    parts: tuple[tuple[Entry, Decimal], ...] = field(default=())

    @property
    def amount(self) -> Decimal:
        return sum((amount for _, amount in self.parts), ZERO)


def plan(entries: Iterable[Entry], at: datetime, minimum: Decimal) -> list[PlannedLine]:
    """The lines of a run at `at`: every partner and currency whose due total reaches `minimum` (and is above zero).

    A partner below it (or whose clawbacks outweigh what it earned) is left for a later run, adjustments included.
    """
    grouped: dict[tuple[str, str], list[tuple[Entry, Decimal]]] = defaultdict(list)
    for entry in entries:
        amount = due(entry, at)
        if amount:
            grouped[entry.agent_id, entry.currency].append((entry, amount))
    lines = [PlannedLine(agent, currency, tuple(parts)) for (agent, currency), parts in sorted(grouped.items())]
    return [line for line in lines if eligible(line.amount, minimum)]


def eligible(amount: Decimal, minimum: Decimal) -> bool:
    return amount > 0 and amount >= minimum
