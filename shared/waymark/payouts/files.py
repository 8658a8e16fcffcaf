"""The pay files a merchant uploads to pay a run: PayPal Payouts CSV and Wise batch CSV (pure).

PayPal Payouts (Payouts Web): no header row; per payment the recipient's PayPal email, the amount
("5.45"), the currency (one currency per file), a customer id (ours: "<payout_id>-<agent_id>", so
PayPal's report matches back), a note, and the wallet PAYPAL. Up to 5,000 rows per file.
Wise batch ("send by email" and "send to bank accounts" templates): a header row; the amount is
the target amount (amountCurrency "target": the partner gets exactly it, the fees are the
merchant's); IBAN and BIC for bank transfers, empty for email recipients. Up to 1,000 rows.
These are the only answers holding whole accounts: only operators download them, each download
is recorded (waymark.payouts.store.record_download).
"""

import csv
import io
from collections.abc import Iterable

from waymark import wording
from waymark.core.currencies import round_money
from waymark.models import PayoutLine
from waymark.payouts.vocabulary import LineStatus, PayoutMethod

PAYPAL_MAX_ROWS = 5000
WISE_MAX_ROWS = 1000
WISE_COLUMNS = (
    "name",
    "recipientEmail",
    "paymentReference",
    "receiverType",
    "amountCurrency",
    "amount",
    "sourceCurrency",
    "targetCurrency",
    "IBAN",
    "BIC",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(ValueError):
    pass


def reference(line: PayoutLine) -> str:
    return f"{line.payout_id}-{line.agent_id}"


def paypal_csv(lines: Iterable[PayoutLine], currency: str, *, note: str) -> str:
    """The open PayPal lines of one currency as a Payouts Web file."""
    rows = [
        [line.account, str(round_money(line.amount, currency)), currency, reference(line), _text(note), "PAYPAL"]
        for line in _payable(lines, (PayoutMethod.PAYPAL,))
        if line.currency == currency
    ]
    if len(rows) > PAYPAL_MAX_ROWS:
        raise TooManyRows(wording.PAYPAL_ROWS(maximum=PAYPAL_MAX_ROWS, count=len(rows)))
    return _csv(rows)


def wise_csv(lines: Iterable[PayoutLine], source_currency: str, *, reference_prefix: str) -> str:
    """The open Wise and bank-transfer lines as a Wise batch file paid from `source_currency`."""
    rows: list[list[str]] = [list(WISE_COLUMNS)]
    for line in _payable(lines, (PayoutMethod.WISE, PayoutMethod.BANK)):
        bank = line.method == PayoutMethod.BANK
        rows.append(
            [
                _text(line.account_holder or line.partner_name),
                "" if bank else line.account,
                _text(f"{reference_prefix} {line.payout_id}")[:35],  # what the partner's statement shows
                "PERSON",
                "target",
                str(round_money(line.amount, line.currency)),
                source_currency,
                line.currency,
                line.account if bank else "",
                (line.bic or "") if bank else "",
            ]
        )
    if len(rows) - 1 > WISE_MAX_ROWS:
        raise TooManyRows(wording.WISE_ROWS(maximum=WISE_MAX_ROWS, count=len(rows) - 1))
    return _csv(rows)


def _payable(lines: Iterable[PayoutLine], methods: tuple[str, ...]) -> list[PayoutLine]:
    return [line for line in lines if line.status == LineStatus.OPEN and line.method in methods]


def _text(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: a leading apostrophe defuses it."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()
