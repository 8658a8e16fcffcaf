"""The words of paying partners: how a partner is paid, and where a payout run and its lines stand.

Standard library only; the rules using them live in waymark.payouts.balances and waymark.payouts.store.
"""

from enum import StrEnum


class PayoutMethod(StrEnum):
    """How a partner wants its money."""

    PAYPAL = "paypal"  # a PayPal account's email (PayPal Payouts file)
    WISE = "wise"  # an email that Wise asks for bank details (Wise batch file)
    BANK = "bank"  # IBAN and BIC (Wise batch file, bank transfer)


class RunStatus(StrEnum):
    """Where a payout run stands."""

    REVIEW = "review"  # its lines are frozen; the operator checks them and downloads the pay files
    PAID = "paid"  # every line was paid (or cancelled with at least one paid)
    CANCELLED = "cancelled"  # nothing was paid; its conversions are payable again


class LineStatus(StrEnum):
    """Where one partner's line of a run stands."""

    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"
