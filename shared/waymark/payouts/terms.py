"""A program's payout terms, kept in its `settings` map under "payouts" (waymark.programs.settings writes it).

Defaults when a program never set them: commissions become payable 30 days after the sale (the
usual return window), a run pays a partner from 50 of the program's currency, and a change of
payment details less than 14 days before a run is flagged on its line.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from waymark.models import Program, as_dict

DEFAULT_HOLD_DAYS = 30
DEFAULT_MINIMUM = Decimal(50)
DEFAULT_DETAILS_CHANGE_DAYS = 14


@dataclass(frozen=True)
class PayoutTerms:
    hold_days: int = DEFAULT_HOLD_DAYS
    minimum: Decimal = DEFAULT_MINIMUM  # in any currency's major unit: a line pays at least this much
    details_change_days: int = DEFAULT_DETAILS_CHANGE_DAYS
    # The merchant as printed on statements: name, address, VAT id, contact email (all optional).
    merchant: dict[str, str] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        return {
            "hold_days": self.hold_days,
            "minimum": str(self.minimum),  # the settings map holds no Decimal: an exact string
            "details_change_days": self.details_change_days,
            "merchant": dict(self.merchant),
        }


def terms_of(program: Program) -> PayoutTerms:
    stored = as_dict(as_dict(program.settings).get("payouts"))
    return PayoutTerms(
        hold_days=int(stored.get("hold_days", DEFAULT_HOLD_DAYS)),
        minimum=Decimal(str(stored.get("minimum", DEFAULT_MINIMUM))),
        details_change_days=int(stored.get("details_change_days", DEFAULT_DETAILS_CHANGE_DAYS)),
        merchant={k: str(v) for k, v in as_dict(stored.get("merchant")).items() if v},
    )
