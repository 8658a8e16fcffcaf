"""Payouts' request and answer models. Accounts are answered masked; money is an exact decimal string."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from waymark import wording
from waymark.payouts import accounts
from waymark.payouts.vocabulary import PayoutMethod
from waymark.portal.schemas import _text, normalize_email

Money = Annotated[str, Field(description="An exact amount in the currency's major unit, e.g. 30.50")]


class BalanceOut(BaseModel):
    currency: str
    pending: Money = Field(description="Sales waiting for the merchant's decision")
    held: Money = Field(description="Sales a fraud rule held for an operator's look")
    waiting: Money = Field(description="Approved, still in the program's hold period")
    payable: Money = Field(description="Approved and past the hold period: the next payout run pays it")
    adjustments: Money = Field(description="Reversals after payment, taken from the next payout (zero or negative)")
    in_payout: Money = Field(description="In a payout run not yet paid")
    paid: Money = Field(description="Paid, net of adjustments taken")
    balance: Money = Field(description="payable + adjustments")


class PaymentDetailsOut(BaseModel):
    method: PayoutMethod
    account: str = Field(description="Masked: the email's first letter and domain, or the IBAN's country and last 4")
    bic: str | None = None
    account_holder: str | None = None
    updated_at: str


def _holder(value: str | None) -> str | None:
    return _text(value, field="account_holder", maximum=140, required=False)


class PaymentDetailsIn(BaseModel):
    """How the partner is paid: a PayPal email, a Wise email, or a bank account (IBAN and BIC)."""

    model_config = ConfigDict(extra="forbid")

    method: PayoutMethod
    account: str = Field(
        min_length=3, max_length=254, description="paypal, wise: the email address; bank: the IBAN (spaces allowed)"
    )
    bic: str | None = Field(default=None, max_length=20, description="bank: the BIC (8 or 11 characters)")
    account_holder: Annotated[str | None, AfterValidator(_holder)] = Field(
        default=None, max_length=140, description="The name on the account (bank transfers: required)"
    )

    @model_validator(mode="after")
    def _checked(self) -> "PaymentDetailsIn":
        if self.method == PayoutMethod.BANK:
            if not self.account_holder:
                raise ValueError(wording.BANK_NEEDS_HOLDER())
            if not self.bic:
                raise ValueError(wording.BANK_NEEDS_BIC())
            self.account = accounts.normalize_iban(self.account)
            self.bic = accounts.normalize_bic(self.bic)
        else:
            if self.bic:
                raise ValueError(wording.BIC_ONLY_FOR_BANK(method=self.method.value))
            self.account = normalize_email(self.account)
        return self


class PaidConversionOut(BaseModel):
    conversion_id: str
    order_id: str | None = None
    created_at: str | None = None
    amount: Money = Field(description="Negative: a reversal after payment taken back")


class LineOut(BaseModel):
    payout_id: str
    agent_id: str
    partner_name: str
    currency: str
    amount: Money
    status: Literal["open", "paid", "cancelled"]
    method: PayoutMethod
    account: str = Field(description="Masked")
    flag: str | None = Field(default=None, description="Why to look twice: payment details changed shortly before")
    cutoff: str
    created_at: str
    paid_at: str | None = None
    conversions: list[PaidConversionOut]


class RunOut(BaseModel):
    payout_id: str
    program_id: str
    status: Literal["review", "paid", "cancelled"]
    cutoff: str
    created_at: str
    created_by: str
    totals: dict[str, Money] = Field(description="currency -> total of the lines not cancelled")
    line_count: int
    skipped: list[str] = Field(description="Partners left out and why: '<partner code>: <reason>'")
    exported_at: str | None = None
    closed_at: str | None = None


class RunDetail(RunOut):
    lines: list[LineOut]


class RunList(BaseModel):
    program_id: str
    runs: list[RunOut]


class RunStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cutoff: date = Field(description="Pay commissions payable on or before this day (UTC), at most today")
    program_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class MarkPaid(BaseModel):
    """Empty: every open line; with agent_id: only that partner's line (in `currency` when it has several)."""

    model_config = ConfigDict(extra="forbid")

    agent_id: str | None = Field(default=None, min_length=4, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")


def _merchant_text(maximum: int):
    def check(value: str | None, info) -> str | None:
        return _text(value, field=info.field_name, maximum=maximum, required=False)

    return AfterValidator(check)


class MerchantOut(BaseModel):
    """The merchant as partners' statements print it."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str | None, _merchant_text(200)] = Field(default=None, max_length=200)
    address: Annotated[str | None, _merchant_text(500)] = Field(default=None, max_length=500)
    vat_id: Annotated[str | None, _merchant_text(40)] = Field(default=None, max_length=40)
    email: Annotated[str | None, _merchant_text(254)] = Field(default=None, max_length=254)


class TermsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hold_days: int = Field(ge=0, le=365, description="Days after the sale before an approved commission is payable")
    minimum: Decimal = Field(ge=0, le=1_000_000, decimal_places=2, description="A run pays a partner at least this")
    details_change_days: int = Field(
        ge=0, le=90, description="A change of payment details fewer days than this before a run is flagged"
    )
    merchant: MerchantOut = Field(default_factory=MerchantOut, description="Printed on partners' statements")


class TermsOut(TermsIn):
    program_id: str
    minimum: Money  # type: ignore[assignment]


class PartnerPayouts(BaseModel):
    balances: list[BalanceOut]
    payouts: list[LineOut] = Field(description="The partner's payout lines, newest run first")
    payment_details: PaymentDetailsOut | None


class StatementOut(BaseModel):
    """One payout as the partner's statement: what was paid, for which sales, by whom."""

    program_name: str
    merchant: MerchantOut
    partner_name: str
    agent_id: str
    payout: LineOut
