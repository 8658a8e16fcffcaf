"""Remarketing configuration shaped for the admin pages and the JSON API (one shape for both).

Inputs are the domain's own pydantic models (waymark.remarketing.config); these are the
answers, so /api/openapi.json describes both directions.
"""

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from waymark import wording
from waymark.conversions.vocabulary import Channel
from waymark.models import ChannelEmailSettings, EmailTemplate, Program, RemarketingProfile, as_dict
from waymark.portal.schemas import Money
from waymark.remarketing.config import ChannelSettingsInput, Code, Lang, StrictInput, TemplateInput


class CartRulesOut(BaseModel):
    products: list[str]
    categories: list[str]
    destinations: list[str]
    languages: list[str]
    channels: list[str]
    min_amount: Money | None = Field(description="In the program's currency; null: any amount")


class OfferOut(BaseModel):
    code: str
    names: dict[str, str] = Field(description="The product's name per language")
    price: Money
    image_url: str | None
    link: str | None


class ScheduleStepOut(BaseModel):
    anchor: Literal["booking", "service"]
    days: int
    template_id: str


class ProfileOut(BaseModel):
    program_id: str
    profile_id: str
    name: str
    kind: Literal["web", "email", "both"]
    active: bool
    priority: int
    rules: CartRulesOut
    offers: list[OfferOut]
    schedule: list[ScheduleStepOut]
    created_at: str
    updated_at: str
    updated_by: str | None


class ProfileList(BaseModel):
    program_id: str
    languages: list[str]
    email_enabled: bool = Field(description="An active email profile exists: the postback keeps bookings' emails")
    profiles: list[ProfileOut]


class TemplateBodyOut(BaseModel):
    html: str
    text: str | None = None


class TemplateOut(BaseModel):
    program_id: str
    template_id: str
    name: str
    bodies: dict[str, TemplateBodyOut]
    missing_languages: list[str] = Field(
        description="Program languages without content (added to the program after the template was saved)"
    )
    used_by: list[str] = Field(description="Profiles whose schedule sends this template")
    created_at: str
    updated_at: str
    updated_by: str | None


class TemplateList(BaseModel):
    program_id: str
    languages: list[str]
    templates: list[TemplateOut]


class ChannelSettingsOut(BaseModel):
    program_id: str
    channel: str
    subjects: dict[str, str]
    booking_url: str | None
    from_name: str | None
    reply_to: str | None
    updated_at: str
    updated_by: str | None


class ChannelSettingsList(BaseModel):
    program_id: str
    languages: list[str]
    fallback_channel: str = Field(description="Its settings stand in for a channel without its own")
    channels: list[ChannelSettingsOut]


class ChannelSettingsBody(ChannelSettingsInput):
    """A channel's email settings; the channel is the one in the path."""

    channel: Channel | None = None  # type: ignore[assignment]


class PreviewRequest(StrictInput):
    template_id: Code | None = Field(None, description="A saved template ...")
    template: TemplateInput | None = Field(None, description="... or unsaved content (nothing is stored)")
    lang: Lang
    channel: Channel = Field(Channel.WEB, description="Whose subject the email gets")
    profile_id: Code | None = Field(None, description="Show this profile's real offers (else sample products)")

    @model_validator(mode="after")
    def _one_template(self) -> "PreviewRequest":
        if (self.template_id is None) == (self.template is None):
            raise ValueError(wording.TEMPLATE_ONE_OF())
        return self


class PreviewOut(BaseModel):
    lang: str
    channel: str
    subject: str
    html: str = Field(description="Rendered with sample booking data; show it only in a sandboxed frame")
    text: str


# ----------------------------------------------------------------------------- stored -> out


def profile_out(profile: RemarketingProfile) -> ProfileOut:
    rules = as_dict(profile.rules)
    return ProfileOut(
        program_id=profile.program_id,
        profile_id=profile.profile_id,
        name=profile.name,
        kind=profile.kind,  # type: ignore[arg-type]
        active=bool(profile.active),
        priority=int(profile.priority),
        rules=CartRulesOut(
            products=list(rules.get("products") or []),
            categories=list(rules.get("categories") or []),
            destinations=list(rules.get("destinations") or []),
            languages=list(rules.get("languages") or []),
            channels=list(rules.get("channels") or []),
            min_amount=rules.get("min_amount"),
        ),
        offers=[
            OfferOut(
                code=offer.code,
                names={k: str(v) for k, v in as_dict(offer.names).items()},
                price=offer.price,
                image_url=offer.image_url,
                link=offer.link,
            )
            for offer in profile.offers or []
        ],
        schedule=[
            ScheduleStepOut(anchor=step.anchor, days=int(step.days), template_id=step.template_id)  # type: ignore[arg-type]
            for step in profile.schedule or []
        ],
        created_at=profile.created_at,
        updated_at=profile.updated_at,
        updated_by=profile.updated_by,
    )


def template_out(template: EmailTemplate, program: Program, profiles: list[RemarketingProfile]) -> TemplateOut:
    bodies = {lang: as_dict(body) for lang, body in as_dict(template.bodies).items()}
    return TemplateOut(
        program_id=template.program_id,
        template_id=template.template_id,
        name=template.name,
        bodies={
            lang: TemplateBodyOut(html=body.get("html") or "", text=body.get("text")) for lang, body in bodies.items()
        },
        missing_languages=[lang for lang in program.languages if not (bodies.get(lang) or {}).get("html")],
        used_by=sorted(p.name for p in profiles if any(s.template_id == template.template_id for s in p.schedule)),
        created_at=template.created_at,
        updated_at=template.updated_at,
        updated_by=template.updated_by,
    )


def channel_out(settings: ChannelEmailSettings) -> ChannelSettingsOut:
    return ChannelSettingsOut(
        program_id=settings.program_id,
        channel=settings.channel,
        subjects={k: str(v) for k, v in as_dict(settings.subjects).items()},
        booking_url=settings.booking_url,
        from_name=settings.from_name,
        reply_to=settings.reply_to,
        updated_at=settings.updated_at,
        updated_by=settings.updated_by,
    )
