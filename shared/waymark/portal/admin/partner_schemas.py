"""What the console's partner and personal-data routes accept and answer (pydantic)."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from waymark import wording
from waymark.partners.management import MAX_NOTE_LENGTH
from waymark.partners.vocabulary import PartnerType
from waymark.portal.schemas import MAX_PARTNER_NAME, EmailAddress, _text, normalize_email, normalize_website


class PartnerCreate(BaseModel):
    """A partner added by hand: active at once, with a portal login (an invitation email) or without one."""

    model_config = ConfigDict(extra="forbid")

    program_id: str | None = Field(default=None, max_length=64, description="Default: the console's program")
    name: str = Field(max_length=1000)
    partner_type: PartnerType = PartnerType.AFFILIATE
    email: str | None = Field(default=None, max_length=1000, description="Required with a login")
    website: str | None = Field(default=None, max_length=1000)
    login: bool = Field(
        description="true: Cognito emails a temporary password for the portal; "
        "false: an agent the merchant tracks sales for, who never logs in"
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _text(value, field="name", maximum=MAX_PARTNER_NAME, required=True)  # type: ignore[return-value]

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return normalize_email(value) if value and value.strip() else None

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return normalize_website(value)

    @model_validator(mode="after")
    def _login_needs_email(self) -> "PartnerCreate":
        if self.login and not self.email:
            raise ValueError(wording.LOGIN_NEEDS_EMAIL())
        return self


def clean_note(value: str | None) -> str | None:
    """An operator's note on a status change: plain text, at most MAX_NOTE_LENGTH characters."""
    return _text(value, field="note", maximum=MAX_NOTE_LENGTH, required=False)


class CustomerErasure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailAddress = Field(description="The customer's address, as they gave it when booking")


class ErasureQueued(BaseModel):
    status: str = Field(description="queued: done within a minute; the change record says when")


class PartnerExport(BaseModel):
    """Everything Waymark keeps about a partner as a person."""

    partner: dict[str, Any]
    login: dict[str, Any] | None = Field(description="The portal login's attributes, if it has one")
    links: list[dict[str, Any]]
    payout_details: dict[str, Any] | None = Field(description="Waymark stores none yet")
