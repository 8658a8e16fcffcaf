"""Paying partners' I/O: conversions' claims, payout runs and their lines, payment details.

A run (`start_run`) reads the program's conversions and what was paid of each, plans its lines
(waymark.payouts.balances.plan), then claims every conversion it pays with a conditional write on
the conversion's ConversionPayout item: no other run holds it, and nobody wrote it since it was
read. Claims go in transactions of at most 100 items (DynamoDB's limit); a claim that fails its
condition lost to another run, which pays it: this run leaves it out and retries the rest, and a
line that falls below the minimum so is released. Each line freezes the conversions it pays and
the account it pays to. Paying a line adds its amounts to each conversion's `paid` and releases
the claims; cancelling releases them unpaid. Every operator action and every change of payment
details is in the program's change record (waymark.programs.changes).

A function calling these needs, on PayoutsTable, GetItem, Query (and on agent-index), BatchGetItem,
PutItem and UpdateItem; Query on ConversionsTable's program-index and agent-index; PutItem on
ConfigTable's PROGRAM#* partitions (the change record).
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core import times
from waymark.core.currencies import round_money
from waymark.core.times import iso
from waymark.models import (
    Conversion,
    ConversionPayout,
    PaidConversion,
    PaymentDetails,
    PayoutLine,
    PayoutRun,
    Program,
    connection,
)
from waymark.payouts import accounts
from waymark.payouts.balances import ZERO, Balance, Entry, PlannedLine, balances, eligible, payable_from, plan
from waymark.payouts.terms import PayoutTerms, terms_of
from waymark.payouts.vocabulary import LineStatus, PayoutMethod, RunStatus
from waymark.programs import changes

TRANSACTION_ITEMS = 100  # DynamoDB's limit of items in one transaction
BATCH_GET = 100


class RunNotFound(LookupError):
    pass


class PayoutRefused(ValueError):
    """The action does not fit where the run or line stands; the message says why."""


# ------------------------------------------------------------------------------------------- reading


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def approved_at(conversion: Conversion) -> datetime | None:
    """When the sale was last approved: its last change to approved, or its recording if it came approved."""
    for change in reversed(conversion.history or []):
        if change.to_status == ConversionStatus.APPROVED:
            return _moment(change.at)
    return _moment(conversion.created_at) if conversion.status == ConversionStatus.APPROVED else None


def entries(conversions: Iterable[Conversion], hold_days: int) -> list[Entry]:
    """The partners' real conversions as Entries, each with what was paid of it (read in batches)."""
    earning = [c for c in conversions if c.agent_id and not c.test]
    paid: dict[str, ConversionPayout] = {}
    for start in range(0, len(earning), BATCH_GET):
        keys = [ConversionPayout.key(c.conversion_id) for c in earning[start : start + BATCH_GET]]
        for item in ConversionPayout.batch_get(keys, consistent_read=True):
            paid[item.conversion_id] = item
    found = []
    for conversion in earning:
        item = paid.get(conversion.conversion_id)
        found.append(
            Entry(
                conversion_id=conversion.conversion_id,
                agent_id=conversion.agent_id,
                currency=conversion.currency,
                status=conversion.status,
                commission=round_money(conversion.commission, conversion.currency),
                payable_from=payable_from(_moment(conversion.created_at), approved_at(conversion), hold_days),
                paid=item.paid if item else ZERO,
                version=int(item.version) if item else 0,
                open_payout=item.open_payout if item else None,
                open_amount=item.open_amount if item else None,
                created_at=conversion.created_at,
                order_id=conversion.order_id,
            )
        )
    return found


def balance_of(program: Program, agent_id: str, now: datetime | None = None) -> dict[str, Balance]:
    """The partner's balance per currency (at least the program's currency, zero when it has none)."""
    found = balances(entries(Conversion.by_agent.query(agent_id), terms_of(program).hold_days), now or times.utcnow())
    found.setdefault(program.currency, Balance(program.currency))
    return found


def get_run(program_id: str, payout_id: str) -> PayoutRun:
    try:
        return PayoutRun.get(*PayoutRun.key(program_id, payout_id), consistent_read=True)
    except PayoutRun.DoesNotExist:
        raise RunNotFound(payout_id) from None


def runs_of(program_id: str, limit: int = 100) -> list[PayoutRun]:
    """The program's runs, newest first."""
    query = PayoutRun.query(
        f"PROGRAM#{program_id}", PayoutRun.sk.startswith("RUN#"), scan_index_forward=False, limit=limit
    )
    return list(query)


def lines_of(payout_id: str) -> list[PayoutLine]:
    return list(PayoutLine.query(f"RUN#{payout_id}", PayoutLine.sk.startswith("LINE#"), consistent_read=True))


def lines_of_partner(agent_id: str) -> list[PayoutLine]:
    """The partner's payout lines, newest run first (agent-index: its own only)."""
    return list(PayoutLine.by_agent.query(agent_id, scan_index_forward=False))


def line_of_partner(agent_id: str, payout_id: str) -> list[PayoutLine]:
    return list(PayoutLine.by_agent.query(agent_id, PayoutLine.payout_id == payout_id))


# ------------------------------------------------------------------------------------------- a run


@dataclass(frozen=True)
class Payee:
    """Whom a line pays: the partner's name and the payment details as they are at the run."""

    name: str
    details: PaymentDetails


def new_payout_id(now: datetime) -> str:
    """Sorts by creation time, so a program's runs list newest first with no index."""
    return f"{now.astimezone(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def cutoff_moment(cutoff: date, now: datetime) -> datetime:
    """The end of the cut-off day (UTC); a day still to come is refused (its commissions are not due yet)."""
    if cutoff > now.astimezone(UTC).date():
        raise PayoutRefused(wording.CUTOFF_AT_MOST_TODAY(today=now.astimezone(UTC).date().isoformat()))
    return min(datetime.combine(cutoff + timedelta(days=1), time(0), tzinfo=UTC) - timedelta(microseconds=1), now)


def start_run(program: Program, cutoff: date, *, by: str, now: datetime | None = None) -> PayoutRun:
    """A run for `cutoff`: every partner whose payable balance reaches the minimum, in review."""
    now = now or times.utcnow()
    at = cutoff_moment(cutoff, now)
    terms = terms_of(program)
    payout_id = new_payout_id(now)
    run = PayoutRun(
        *PayoutRun.key(program.program_id, payout_id),
        run_id=payout_id,
        program_id=program.program_id,
        status=RunStatus.REVIEW,
        cutoff=cutoff.isoformat(),
        created_at=iso(now),
        created_by=by,
    )
    # The run exists before its claims, so a claim never names a run nobody can find (and cancel).
    run.save(condition=PayoutRun.pk.does_not_exist())
    planned = plan(entries(Conversion.by_program.query(program.program_id), terms.hold_days), at, terms.minimum)
    payees = _payees(line.agent_id for line in planned)
    skipped, wanted = [], []
    for line in planned:
        payee = payees.get(line.agent_id)
        if payee is None:
            skipped.append(f"{line.agent_id}: no payment details")
        else:
            wanted.append(line)
    won = claim(payout_id, [part for line in wanted for part in line.parts])
    lines = []
    for line in wanted:
        parts = tuple(part for part in line.parts if part[0].conversion_id in won)
        if not eligible(sum((amount for _, amount in parts), ZERO), terms.minimum):
            release(payout_id, [entry.conversion_id for entry, _ in parts])
            if parts != line.parts:
                skipped.append(f"{line.agent_id}: another run took part of it")
            continue
        lines.append(_line(run, PlannedLine(line.agent_id, line.currency, parts), payees[line.agent_id], terms, now))
    with PayoutLine.batch_write() as batch:
        for item in lines:
            batch.save(item)
    totals = _totals(lines)
    run.lines = len(lines)
    run.totals = totals
    run.skipped = skipped
    entry = changes.record(
        program.program_id,
        by=by,
        subject=f"payout:{payout_id}",
        action="create",
        before=None,
        after={"cutoff": run.cutoff, "lines": len(lines), "totals": totals},
        now=now,
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(run)
        transaction.save(entry)
    return run


def _payees(agent_ids: Iterable[str]) -> dict[str, Payee]:
    wanted = sorted(set(agent_ids))
    found: dict[str, Payee] = {}
    for start in range(0, len(wanted), BATCH_GET):
        keys = [PaymentDetails.key(agent_id) for agent_id in wanted[start : start + BATCH_GET]]
        for details in PaymentDetails.batch_get(keys, consistent_read=True):
            agent = catalog.agent(details.agent_id)
            found[details.agent_id] = Payee(agent.name if agent else details.agent_id, details)
    return found


def _line(run: PayoutRun, planned: PlannedLine, payee: Payee, terms, now: datetime) -> PayoutLine:
    details = payee.details
    changed = _moment(details.updated_at)
    recent = now - changed < timedelta(days=terms.details_change_days)
    return PayoutLine(
        *PayoutLine.key(run.run_id, planned.agent_id, planned.currency),
        payout_id=run.run_id,
        program_id=run.program_id,
        agent_id=planned.agent_id,
        partner_name=payee.name,
        currency=planned.currency,
        amount=round_money(planned.amount, planned.currency),
        status=LineStatus.OPEN,
        conversions=[
            PaidConversion(conversion_id=e.conversion_id, amount=a, created_at=e.created_at, order_id=e.order_id)
            for e, a in planned.parts
        ],
        method=details.method,
        account=details.account,
        bic=details.bic,
        account_holder=details.account_holder,
        details_changed_at=details.updated_at,
        flag=f"payment details changed on {changed.date().isoformat()}" if recent else None,
        cutoff=run.cutoff,
        created_at=iso(now),
    )


def _totals(lines: Iterable[PayoutLine]) -> dict[str, str]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        if line.status != LineStatus.CANCELLED:
            totals[line.currency] = totals.get(line.currency, ZERO) + line.amount
    return {currency: str(amount) for currency, amount in sorted(totals.items())}


def claim(payout_id: str, parts: list[tuple[Entry, Decimal]]) -> set[str]:
    """Claim each conversion for the run; the ids won (a conversion another run claimed meanwhile is lost)."""
    won: set[str] = set()
    for start in range(0, len(parts), TRANSACTION_ITEMS):
        chunk = parts[start : start + TRANSACTION_ITEMS]
        while chunk:
            lost = _claim_chunk(payout_id, chunk)
            if lost is None:
                won.update(entry.conversion_id for entry, _ in chunk)
                break
            chunk = [part for index, part in enumerate(chunk) if index not in lost]
    return won


def _claim_chunk(payout_id: str, chunk: list[tuple[Entry, Decimal]]) -> set[int] | None:
    """None when every claim held; else the positions whose condition failed (the transaction wrote nothing)."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            for entry, amount in chunk:
                unchanged = (
                    ConversionPayout.version.does_not_exist()
                    if entry.version == 0
                    else ConversionPayout.version == entry.version
                )
                transaction.update(
                    ConversionPayout(*ConversionPayout.key(entry.conversion_id)),
                    actions=[
                        ConversionPayout.conversion_id.set(entry.conversion_id),
                        ConversionPayout.paid.set(ConversionPayout.paid | ZERO),
                        ConversionPayout.open_payout.set(payout_id),
                        ConversionPayout.open_amount.set(amount),
                        ConversionPayout.version.set(entry.version + 1),
                    ],
                    condition=unchanged & ConversionPayout.open_payout.does_not_exist(),
                )
    except TransactWriteError as error:
        reasons = error.cancellation_reasons or []
        lost = {i for i, reason in enumerate(reasons) if reason and reason.code == "ConditionalCheckFailed"}
        if error.cause_response_code != "TransactionCanceledException" or not lost:
            raise
        return lost
    return None


def release(payout_id: str, conversion_ids: list[str]) -> None:
    """Give the run's claims back unpaid (only those it still holds)."""
    for start in range(0, len(conversion_ids), TRANSACTION_ITEMS):
        with TransactWrite(connection=connection()) as transaction:
            for conversion_id in conversion_ids[start : start + TRANSACTION_ITEMS]:
                transaction.update(
                    ConversionPayout(*ConversionPayout.key(conversion_id)),
                    actions=[
                        ConversionPayout.open_payout.remove(),
                        ConversionPayout.open_amount.remove(),
                        ConversionPayout.version.add(1),
                    ],
                    condition=ConversionPayout.open_payout == payout_id,
                )


# ------------------------------------------------------------------------------------------- paying


def mark_paid(
    program_id: str,
    payout_id: str,
    *,
    by: str,
    agent_id: str | None = None,
    currency: str | None = None,
    now: datetime | None = None,
) -> PayoutRun:
    """Mark the run's open lines paid (or only the partner's line, in `currency` when it has several)."""
    now = now or times.utcnow()
    run = get_run(program_id, payout_id)
    lines = lines_of(payout_id)
    chosen = [line for line in lines if _chosen(line, agent_id, currency)]
    if agent_id is not None and not chosen:
        raise RunNotFound(f"{payout_id}/{agent_id}")
    to_pay = [line for line in chosen if line.status == LineStatus.OPEN]
    if not to_pay:
        what = wording.LINE_WORD() if agent_id else wording.RUN_WORD()
        raise PayoutRefused(wording.NOTHING_TO_MARK_PAID(what=what, state=_state(run, chosen)))
    for line in to_pay:
        _pay_line(run, line, by=by, now=now)
    return _close_if_done(run, lines_of(payout_id), by=by, now=now)


def _chosen(line: PayoutLine, agent_id: str | None, currency: str | None) -> bool:
    return (agent_id is None or line.agent_id == agent_id) and (currency is None or line.currency == currency)


def _state(run: PayoutRun, lines: list[PayoutLine]) -> str:
    return lines[0].status if len(lines) == 1 else run.status


def _pay_line(run: PayoutRun, line: PayoutLine, *, by: str, now: datetime) -> None:
    # Claims a previous attempt already paid (it failed between transactions) no longer name this run.
    held = {item.conversion_id for item in _claims(c.conversion_id for c in line.conversions)}
    parts = [c for c in line.conversions if c.conversion_id in held]
    record = changes.record(
        run.program_id,
        by=by,
        subject=f"payout:{run.run_id}",
        action="pay",
        before={"line": f"{line.agent_id} {line.currency}", "status": line.status},
        after={"line": f"{line.agent_id} {line.currency}", "status": LineStatus.PAID, "amount": line.amount},
        now=now,
    )
    chunks = [parts[i : i + TRANSACTION_ITEMS - 2] for i in range(0, len(parts), TRANSACTION_ITEMS - 2)] or [[]]
    for index, chunk in enumerate(chunks):
        with TransactWrite(connection=connection()) as transaction:
            for paid in chunk:
                transaction.update(
                    ConversionPayout(*ConversionPayout.key(paid.conversion_id)),
                    actions=[
                        ConversionPayout.paid.add(paid.amount),
                        ConversionPayout.open_payout.remove(),
                        ConversionPayout.open_amount.remove(),
                        ConversionPayout.version.add(1),
                    ],
                    condition=ConversionPayout.open_payout == run.run_id,
                )
            if index == len(chunks) - 1:
                transaction.update(
                    line,
                    actions=[
                        PayoutLine.status.set(LineStatus.PAID),
                        PayoutLine.paid_at.set(iso(now)),
                        PayoutLine.paid_by.set(by),
                    ],
                    condition=PayoutLine.status == LineStatus.OPEN,
                )
                transaction.save(record)


def _claims(conversion_ids: Iterable[str]) -> list[ConversionPayout]:
    wanted = list(conversion_ids)
    found = []
    for start in range(0, len(wanted), BATCH_GET):
        keys = [ConversionPayout.key(cid) for cid in wanted[start : start + BATCH_GET]]
        found.extend(ConversionPayout.batch_get(keys, consistent_read=True))
    return found


def cancel_run(program_id: str, payout_id: str, *, by: str, now: datetime | None = None) -> PayoutRun:
    """Cancel the run's open lines: their conversions are payable again. Paid lines stay paid."""
    now = now or times.utcnow()
    run = get_run(program_id, payout_id)
    if run.status != RunStatus.REVIEW:
        raise PayoutRefused(wording.ONLY_REVIEW_CANCELLED(status=run.status))
    for line in lines_of(payout_id):
        if line.status != LineStatus.OPEN:
            continue
        release(payout_id, [c.conversion_id for c in line.conversions])
        line.update(
            actions=[PayoutLine.status.set(LineStatus.CANCELLED)], condition=PayoutLine.status == LineStatus.OPEN
        )
    return _close_if_done(run, lines_of(payout_id), by=by, now=now, action="cancel")


def _close_if_done(
    run: PayoutRun, lines: list[PayoutLine], *, by: str, now: datetime, action: str = "pay"
) -> PayoutRun:
    if any(line.status == LineStatus.OPEN for line in lines):
        return run
    status = RunStatus.PAID if any(line.status == LineStatus.PAID for line in lines) else RunStatus.CANCELLED
    record = changes.record(
        run.program_id,
        by=by,
        subject=f"payout:{run.run_id}",
        action=action,
        before={"status": run.status},
        after={"status": status, "totals": _totals(lines)},
        now=now,
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(
            run,
            actions=[
                PayoutRun.status.set(status),
                PayoutRun.totals.set(_totals(lines)),
                PayoutRun.closed_at.set(iso(now)),
                PayoutRun.closed_by.set(by),
            ],
            condition=PayoutRun.status == RunStatus.REVIEW,
        )
        transaction.save(record)
    return get_run(run.program_id, run.run_id)


def record_download(run: PayoutRun, kind: str, *, by: str, now: datetime | None = None) -> None:
    """A pay file holds whole accounts: who downloaded which, and when, is in the change record."""
    now = now or times.utcnow()
    subject = f"payout:{run.run_id}"
    record = changes.record(
        run.program_id, by=by, subject=subject, action="download", before=None, after={"file": kind}, now=now
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(run, actions=[PayoutRun.exported_at.set(iso(now))])
        transaction.save(record)


# ------------------------------------------------------------------------------------------- terms


def save_terms(program: Program, terms: PayoutTerms, *, by: str, now: datetime | None = None) -> None:
    """Set the program's payout terms (only its settings' "payouts" key, which no other module writes), recorded."""
    before, after = changes.diff(terms_of(program).stored(), terms.stored())
    if not after:
        return
    record = changes.record(
        program.program_id,
        by=by,
        subject="program",
        action="update",
        before={"payouts": before},
        after={"payouts": after},
        now=now,
    )
    try:
        _save_terms(program, Program.settings["payouts"].set(terms.stored()), Program.settings.exists(), record)
    except TransactWriteError as error:
        if error.cause_response_code != "TransactionCanceledException":
            raise
        # A program stored without a settings map (written by hand): the whole map, which is empty.
        _save_terms(program, Program.settings.set({"payouts": terms.stored()}), Program.pk.exists(), record)


def _save_terms(program: Program, action, condition, record) -> None:
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(program, actions=[action], condition=condition)
        transaction.save(record)


# ------------------------------------------------------------------------------------------- payment details


def details_of(agent_id: str) -> PaymentDetails | None:
    try:
        return PaymentDetails.get(*PaymentDetails.key(agent_id), consistent_read=True)
    except PaymentDetails.DoesNotExist:
        return None


def checked_details(method: str, account: str, bic: str | None) -> tuple[str, str | None]:
    """(account, bic) as stored, or accounts.InvalidAccount saying what the method takes."""
    if method == PayoutMethod.BANK:
        if not bic:
            raise accounts.InvalidAccount(wording.BANK_NEEDS_BIC())
        return accounts.normalize_iban(account), accounts.normalize_bic(bic)
    if bic:
        raise accounts.InvalidAccount(wording.BIC_ONLY_FOR_BANK(method=method))
    return account, None


def save_details(
    agent_id: str,
    program_id: str,
    *,
    method: str,
    account: str,
    bic: str | None,
    account_holder: str | None,
    by: str,
    now: datetime | None = None,
) -> PaymentDetails:
    """Store the partner's payment details (checked by `checked_details` first), with a change record of the masks."""
    now = now or times.utcnow()
    account, bic = checked_details(method, account, bic)
    previous = details_of(agent_id)
    details = PaymentDetails(
        *PaymentDetails.key(agent_id),
        agent_id=agent_id,
        program_id=program_id,
        method=method,
        account=account,
        bic=bic,
        account_holder=account_holder,
        updated_at=iso(now),
    )
    before, after = changes.diff(shown(previous), shown(details))
    if not after:
        return previous  # type: ignore[return-value]
    record = changes.record(
        program_id,
        by=by,
        subject=f"payment_details:{agent_id}",
        action="update" if previous else "create",
        before=before if previous else None,
        after=after,
        now=now,
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(details)
        transaction.save(record)
    return details


def shown(details: PaymentDetails | None) -> dict[str, str | None]:
    """Payment details as a change record and every answer hold them: the account masked."""
    if details is None:
        return {}
    return {
        "method": details.method,
        "account": accounts.masked(details.method, details.account),
        "bic": details.bic,
        "account_holder": details.account_holder,
    }
