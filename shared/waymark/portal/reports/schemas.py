"""What the report, conversion and export routes accept and answer (pages and JSON share them).

Money leaves as exact decimal strings (CountersOut, and the conversion amounts here).
"""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from waymark import wording
from waymark.conversions.attribution import DECISIONS, NEEDS_REASON, Reason
from waymark.conversions.offline_sales import OFFLINE_CHANNELS
from waymark.conversions.postbacks import Money
from waymark.conversions.status_changes import MAX_DECISIONS
from waymark.conversions.vocabulary import Channel, ConversionStatus
from waymark.core import ids
from waymark.core.times import MONTH_PATTERN
from waymark.models import Conversion, as_dict
from waymark.portal.schemas import CountersOut
from waymark.reporting.exports import DEFAULT_URL_SECONDS, MAX_URL_SECONDS
from waymark.reporting.reads import money

Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="YYYY-MM (UTC)")]
ReasonCode = Literal[tuple(reason.value for reason in Reason)]  # type: ignore[valid-type]
Decision = Literal[tuple(status.value for status in DECISIONS)]  # type: ignore[valid-type]


# ----------------------------------------------------------------------------- figures


class MonthOut(BaseModel):
    month: str
    counters: CountersOut


class DayOut(BaseModel):
    day: str = Field(description="YYYY-MM-DD (UTC)")
    counters: CountersOut


class ChannelOut(BaseModel):
    channel: str
    counters: CountersOut


class LinkFiguresOut(BaseModel):
    code: str
    name: str | None
    counters: CountersOut


class SubIdOut(BaseModel):
    field: str = Field(description="sub1 or source")
    value: str
    counters: CountersOut


class PartnerRowOut(BaseModel):
    agent_id: str
    name: str | None
    counters: CountersOut


class DashboardOut(BaseModel):
    program_id: str
    agent_id: str
    currency: str
    month: str = Field(description="This month (UTC)")
    this_month: CountersOut
    months: list[MonthOut] = Field(description="The last 12 months, oldest first")
    days: list[DayOut] = Field(description="The last 30 days, oldest first")


class LinkStatsOut(BaseModel):
    code: str
    name: str | None
    totals: CountersOut = Field(description="Since the link's first click")
    days: list[DayOut]


class SubIdPageOut(BaseModel):
    month: str
    sub_ids: list[SubIdOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class PartnerReportOut(BaseModel):
    program_id: str
    agent_id: str
    month: str
    currency: str
    totals: CountersOut
    by_channel: list[ChannelOut] = Field(description="Every channel, zeros included (channels hold no clicks)")
    by_link: list[LinkFiguresOut]
    by_sub_id: list[SubIdOut] = Field(description="The first page of sub-IDs (sub1 and source)")
    sub_ids_next_cursor: str | None = Field(description="More sub-IDs: GET …/sub-ids?cursor=")


class ProgramReportOut(BaseModel):
    program_id: str
    month: str
    currency: str
    totals: CountersOut = Field(description="The whole program, unattributed sales included")
    by_channel: list[ChannelOut]
    partners: list[PartnerRowOut] = Field(description="Partners with activity in the month, by agent id")
    unattributed: CountersOut = Field(description="Sales no partner earned (totals minus the partners)")
    months: list[MonthOut] = Field(description="The program's 12 months up to this one, oldest first")


# ----------------------------------------------------------------------------- conversions


class StatusChangeOut(BaseModel):
    at: str
    by: str
    from_status: ConversionStatus | None = None  # stored items leave out empty fields
    to_status: ConversionStatus
    reason: str | None = None
    note: str | None = None
    from_agent: str | None = Field(default=None, description="A reassignment: the partner before (empty: none)")
    to_agent: str | None = Field(default=None, description="A reassignment: the partner credited now")


class ConversionOut(BaseModel):
    conversion_id: str
    order_id: str
    created_at: str
    status: ConversionStatus = Field(description="held: under review by the merchant")
    reason: str | None = Field(description="Why it earns nothing (a held conversion's rule is the merchant's)")
    channel: Channel
    link_code: str | None
    sub1: str | None
    source: str | None
    amount: str
    currency: str
    commission: str
    commission_rule: str | None

    @classmethod
    def of(cls, conversion: Conversion, *, operator: bool = False, **extra) -> "ConversionOut":
        # Partners are not told which fraud rule held a sale: that would show how to pass it.
        hidden = conversion.status == ConversionStatus.HELD and not operator
        return cls(
            conversion_id=conversion.conversion_id,
            order_id=conversion.order_id,
            created_at=conversion.created_at,
            status=conversion.status,
            reason=None if hidden else conversion.reason,
            channel=conversion.channel,
            link_code=conversion.link_code,
            sub1=conversion.sub1,
            source=conversion.source,
            amount=money(conversion.amount),
            currency=conversion.currency,
            commission=money(conversion.commission),
            commission_rule=conversion.commission_rule,
            **extra,
        )


class AdminConversionOut(ConversionOut):
    program_id: str
    advertiser_id: str
    agent_id: str | None
    partner_name: str | None
    click_id: str | None
    attributed_by: str | None
    updated_at: str | None
    evidence: str | None = Field(description="What the fraud rule saw that held (or capped) the conversion")
    coupon: str | None = Field(default=None, description="The coupon code the sale brought (credited or not)")
    original_amount: str | None = Field(default=None, description="A converted sale: the amount as reported")
    original_currency: str | None = None
    exchange_rate: str | None = Field(default=None, description="Program currency per unit of original_currency")
    rate_date: str | None = None
    rate_source: str | None = Field(default=None, description="ecb or operator")
    history: list[StatusChangeOut]

    @classmethod
    def of(cls, conversion: Conversion, **extra) -> "AdminConversionOut":  # type: ignore[override]
        history = [StatusChangeOut(**as_dict(change)) for change in conversion.history or []]
        return super().of(  # type: ignore[return-value]
            conversion,
            operator=True,
            evidence=conversion.hold_evidence,
            program_id=conversion.program_id,
            advertiser_id=conversion.advertiser_id,
            agent_id=conversion.agent_id,
            click_id=conversion.click_id,
            attributed_by=conversion.attributed_by,
            updated_at=conversion.updated_at,
            coupon=conversion.coupon,
            original_amount=str(conversion.original_amount) if conversion.original_amount is not None else None,
            original_currency=conversion.original_currency,
            exchange_rate=str(conversion.exchange_rate) if conversion.exchange_rate is not None else None,
            rate_date=conversion.rate_date,
            rate_source=conversion.rate_source,
            history=history,
            **extra,
        )


class ConversionPageOut(BaseModel):
    month: str
    conversions: list[ConversionOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class AdminConversionPageOut(BaseModel):
    program_id: str
    month: str
    status: ConversionStatus | None
    channel: Channel | None
    partner: str | None
    partner_name: str | None = None
    conversions: list[AdminConversionOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= (with the same filters) for the next page")
    truncated: bool = Field(default=False, description="By partner name: more matched than this one page shows")


class ConversionStatusIn(BaseModel):
    """An operator's decision: pending | held → approved | rejected, approved → reversed; undoing one (a note
    says why): rejected → pending | approved, reversed → approved."""

    model_config = ConfigDict(extra="forbid")

    status: Decision
    reason: ReasonCode | None = Field(default=None, description="Required to reject or reverse")
    note: str | None = Field(default=None, max_length=1000, description="For the audit trail; required to undo")

    @model_validator(mode="after")
    def _reason_given(self) -> "ConversionStatusIn":
        if self.status in NEEDS_REASON and self.reason is None:
            raise ValueError(wording.STATUS_NEEDS_REASON(status=self.status))
        return self


class PageDecisionIn(ConversionStatusIn):
    """One decision for the conversions of a page of the list: each changes only if it still has `from_status`."""

    from_status: ConversionStatus = Field(description="The status the page was filtered by (what the operator saw)")
    conversion_ids: list[Annotated[str, Field(min_length=3, max_length=200)]] = Field(
        min_length=1, max_length=MAX_DECISIONS, description="The page's conversions"
    )


class SkippedOut(BaseModel):
    conversion_id: str
    why: str


class PageDecisionOut(BaseModel):
    changed: int = Field(description="How many conversions changed")
    changed_ids: list[str]
    skipped: list[SkippedOut] = Field(description="Not changed: someone changed them meanwhile, or not found")


OfflineChannel = Literal[tuple(channel.value for channel in OFFLINE_CHANNELS)]  # type: ignore[valid-type]


class OfflineSaleIn(BaseModel):
    """A sale taken by phone, chat, a concierge or inside sales, credited by a reference code or a partner code."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    advertiser_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    order_id: str = Field(min_length=1, max_length=100, pattern=r"^[!-~]+$", description="Printable ASCII, no spaces")
    amount: Money
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, the program's currency")
    channel: OfflineChannel
    ref: str | None = Field(default=None, max_length=16, description="The customer's reference code (e.g. 7KQ-4ZD)")
    agent: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{4,64}$", description="A partner code")
    status: Literal["pending", "approved"] = "pending"

    @model_validator(mode="after")
    def _partner_named(self) -> "OfflineSaleIn":
        if self.ref:
            if ids.normalize_ref_code(self.ref) is None:
                raise ValueError(wording.REF_CODE_FORM())
        elif not self.agent:
            raise ValueError(wording.NAME_THE_PARTNER())
        return self

    @property
    def ref_code(self) -> str | None:
        return ids.normalize_ref_code(self.ref) if self.ref else None


class RecordedSaleOut(BaseModel):
    repeat: bool = Field(description="The order was recorded before: nothing written, the stored conversion shown")
    conversion: AdminConversionOut


class ReassignIn(BaseModel):
    """Credit a conversion to another partner (an active one of its program); its commission is priced again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agent_id: str = Field(pattern=r"^[A-Za-z0-9_-]{4,64}$", description="The partner code to credit")
    note: str = Field(min_length=1, max_length=1000, description="Why the sale is this partner's")


# ----------------------------------------------------------------------------- exports


class PartnerExportIn(BaseModel):
    """A partner's own monthly statement. `agent_id`/`program` default to the caller's (anything else is 403)."""

    model_config = ConfigDict(extra="forbid")

    month: Month
    agent_id: str | None = Field(default=None, max_length=64)
    program: str | None = Field(default=None, max_length=64)
    expires_in: int = Field(default=DEFAULT_URL_SECONDS, ge=60, le=MAX_URL_SECONDS, description="Link lifetime, s")


class AdminExportIn(BaseModel):
    """The all-partners report (no agent_id) or one partner's statement."""

    model_config = ConfigDict(extra="forbid")

    month: Month
    program: str | None = Field(default=None, max_length=64, description="Default: DEFAULT_PROGRAM")
    agent_id: str | None = Field(default=None, max_length=64, description="A partner's statement; null: all")
    expires_in: int = Field(default=DEFAULT_URL_SECONDS, ge=60, le=MAX_URL_SECONDS, description="Link lifetime, s")


class ExportOut(BaseModel):
    key: str = Field(description="<program>/<YYYY-MM>/<agent_id or all-partners>.csv in the exports bucket")
    rows: int = Field(description="Data lines (header excluded)")
    url: str = Field(description="Presigned download link")
    expires_at: str
