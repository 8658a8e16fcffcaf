"""What the partner postback page and /api/partner-postbacks accept and answer."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from waymark.models import PartnerPostbackDelivery, PartnerPostbackSettings
from waymark.partner_postbacks import addresses, macros

PostbackEvent = Literal["conversion.recorded", "conversion.approved", "conversion.reversed"]


class PartnerPostbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url_template: str = Field(
        min_length=10,
        max_length=addresses.MAX_URL_LENGTH,
        description="https URL called for each chosen event; macros: " + ", ".join(f"{{{m}}}" for m in macros.MACROS),
        examples=["https://tracking.partner.example/pb?click={click_id}&ref={order_ref}&payout={commission}"],
    )
    events: list[PostbackEvent] = Field(min_length=1, max_length=3, description="The events to call the URL for")


class DeliveryOut(BaseModel):
    at: str
    event: str
    outcome: Literal["delivered", "retrying", "failed", "refused"]
    status_code: int | None = None
    latency_ms: int | None = None
    error: str | None = None
    attempt: int = 1
    order_ref: str | None = None

    @classmethod
    def of(cls, entry: PartnerPostbackDelivery) -> "DeliveryOut":
        return cls(
            at=entry.at,
            event=entry.event,
            outcome=entry.outcome,  # type: ignore[arg-type]
            status_code=int(entry.status_code) if entry.status_code is not None else None,
            latency_ms=int(entry.latency_ms) if entry.latency_ms is not None else None,
            error=entry.error,
            attempt=int(entry.attempt or 1),
            order_ref=entry.order_ref,
        )


class PartnerPostbackOut(BaseModel):
    configured: bool
    url_template: str | None = None
    events: list[str] = []
    secret_created_at: str | None = None
    signing_secret: str | None = Field(
        None, description="Only in the answer that made it (first save, rotation): store it now, it is not shown again"
    )
    deliveries: list[DeliveryOut] = Field([], description="The newest tries first (at most 100, 30 days)")

    @classmethod
    def of(
        cls, found: PartnerPostbackSettings | None, deliveries: list[PartnerPostbackDelivery], secret: str | None = None
    ) -> "PartnerPostbackOut":
        if found is None:
            return cls(configured=False)
        return cls(
            configured=True,
            url_template=found.url_template,
            events=list(found.events or []),
            secret_created_at=found.secret_created_at,
            signing_secret=secret,
            deliveries=[DeliveryOut.of(d) for d in deliveries],
        )


class TestQueued(BaseModel):
    queued: bool = True
    message: str = "A test postback is on its way; its try appears in the delivery log within a minute."
