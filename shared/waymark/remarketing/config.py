"""What operators configure: cross-sell profiles, email templates and channel email settings.

These are the domain functions the admin pages and JSON API call. Inputs are pydantic models
(usable directly as request bodies, so the OpenAPI description comes from them); the checks
that need the program (its languages, allowed domains, existing templates) raise
ConfigRejected with every problem listed, and nothing is stored. Saving or deleting a
profile keeps `program.settings["remarketing"]["email"]` true exactly when the program has
an active email profile: the postback stores a booking's customer only then.
"""

from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError

from waymark import wording
from waymark.click.destinations import UnsafeDestination, allowed_domains, check_destination
from waymark.conversions.vocabulary import Channel
from waymark.core import ids
from waymark.core.times import iso, utcnow
from waymark.models import (
    CartRules,
    ChannelEmailSettings,
    EmailTemplate,
    OfferedProduct,
    Program,
    RemarketingProfile,
    SendStep,
    as_dict,
)
from waymark.remarketing import render, rules, store

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=3)]


class ConfigRejected(ValueError):
    """Nothing was stored. `errors` lists each problem as {"field": ..., "message": ...}, safe to show."""

    def __init__(self, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class TemplateRejected(ConfigRejected):
    def __init__(self, message: str, errors: list[dict[str, str]], missing_languages: list[str]) -> None:
        super().__init__(message, errors)
        self.missing_languages = missing_languages


class NotFound(LookupError):
    pass


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------- inputs


class CartRulesInput(StrictInput):
    products: list[Code] = Field(default_factory=list, max_length=200)
    categories: list[Code] = Field(default_factory=list, max_length=200)
    destinations: list[Name] = Field(default_factory=list, max_length=200)
    languages: list[Lang] = Field(default_factory=list, max_length=50)
    channels: list[Channel] = Field(default_factory=list)
    min_amount: Money | None = None


class OfferInput(StrictInput):
    code: Code
    names: dict[Lang, Name] = Field(description="The product's name in every program language")
    price: Money
    image_url: str | None = Field(None, max_length=2048)
    link: str | None = Field(None, max_length=2048, description="The product's page on the merchant's site")


class ScheduleStepInput(StrictInput):
    anchor: Literal["booking", "service"] = "booking"
    days: int = Field(ge=-365, le=365, description="+1: the day after the anchor date, -7: a week before it")
    template_id: Code


class ProfileInput(StrictInput):
    profile_id: Code | None = Field(None, description="Omit to create; an existing id is replaced")
    name: Name
    kind: Literal["web", "email", "both"] = "web"
    active: bool = True
    priority: int = Field(100, ge=0, le=10_000)
    rules: CartRulesInput = Field(default_factory=CartRulesInput)
    offers: list[OfferInput] = Field(min_length=1, max_length=20)
    schedule: list[ScheduleStepInput] = Field(default_factory=list, max_length=10)


class TemplateBody(StrictInput):
    html: str = Field(max_length=render.MAX_BODY_CHARS)
    text: str | None = Field(None, max_length=render.MAX_BODY_CHARS)


class TemplateInput(StrictInput):
    template_id: Code | None = None
    name: Name
    bodies: dict[Lang, TemplateBody] = Field(description="HTML (and optional text) for every program language")


class ChannelSettingsInput(StrictInput):
    channel: Channel
    subjects: dict[Lang, Annotated[str, StringConstraints(min_length=1, max_length=render.MAX_SUBJECT_CHARS)]]
    booking_url: str | None = Field(
        None,
        max_length=2048,
        description="Booking page with {{ booking.ref }} {{ order_id }} {{ product }} {{ lang }} {{ click_id }}",
    )
    from_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    reply_to: EmailStr | None = None


# ---------------------------------------------------------------------------- profiles


def list_profiles(program_id: str) -> list[RemarketingProfile]:
    return sorted(store.load(program_id, consistent=True).profiles, key=lambda p: (int(p.priority), p.name))


def get_profile(program_id: str, profile_id: str) -> RemarketingProfile | None:
    try:
        return RemarketingProfile.get(*RemarketingProfile.key(program_id, profile_id), consistent_read=True)
    except DoesNotExist:
        return None


def save_profile(program: Program, data: ProfileInput, *, by: str | None = None) -> RemarketingProfile:
    config = store.load(program.program_id, consistent=True)
    errors = _profile_errors(program, data, config)
    if errors:
        raise ConfigRejected(wording.RM_PROFILE_NOT_SAVED(), errors)
    profile_id = data.profile_id or ids.new_code(8)
    existing = config.profile(profile_id)
    now = iso(utcnow())
    profile = RemarketingProfile(
        *RemarketingProfile.key(program.program_id, profile_id),
        program_id=program.program_id,
        profile_id=profile_id,
        name=data.name,
        kind=data.kind,
        active=data.active,
        priority=data.priority,
        rules=CartRules(**data.rules.model_dump()),
        offers=[_offer(program, offer) for offer in data.offers],
        schedule=[SendStep(anchor=s.anchor, days=s.days, template_id=s.template_id) for s in data.schedule],
        created_at=existing.created_at if existing else now,
        updated_at=now,
        updated_by=by,
    )
    profile.save()
    store.forget(program.program_id)
    sync_program_flag(program.program_id)
    return profile


def delete_profile(program: Program, profile_id: str) -> None:
    try:
        RemarketingProfile(*RemarketingProfile.key(program.program_id, profile_id)).delete(
            condition=RemarketingProfile.pk.exists()
        )
    except DeleteError as error:
        if _condition_failed(error):
            raise NotFound(wording.RM_NO_PROFILE_NAMED(profile_id=profile_id)) from error
        raise
    store.forget(program.program_id)
    sync_program_flag(program.program_id)


def _profile_errors(program: Program, data: ProfileInput, config: store.RemarketingConfig) -> list[dict[str, str]]:
    errors = []
    languages = list(program.languages)
    for lang in data.rules.languages:
        if lang not in languages:
            errors.append(
                _error("rules.languages", wording.RM_NOT_PROGRAM_LANGUAGE(lang=lang, languages=", ".join(languages)))
            )
    codes = [offer.code for offer in data.offers]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append(_error("offers", wording.RM_OFFERED_TWICE(code=code)))
    for index, offer in enumerate(data.offers):
        missing = [lang for lang in languages if lang not in offer.names]
        if missing:
            errors.append(_error(f"offers[{index}].names", wording.RM_NAME_MISSING(languages=", ".join(missing))))
        extra = [lang for lang in offer.names if lang not in languages]
        if extra:
            errors.append(_error(f"offers[{index}].names", wording.RM_NOT_LANGUAGES(languages=", ".join(extra))))
        if offer.link:
            try:
                _check_page(program, offer.link)
            except UnsafeDestination as error:
                errors.append(_error(f"offers[{index}].link", str(error)))
        if offer.image_url and not _is_web_url(offer.image_url, program.allow_http):
            errors.append(_error(f"offers[{index}].image_url", wording.RM_IMAGE_HTTPS()))
    if data.kind in rules.EMAIL_KINDS and not data.schedule:
        errors.append(_error("schedule", wording.RM_SEND_DAY()))
    for index, step in enumerate(data.schedule):
        if step.template_id not in config.templates:
            errors.append(
                _error(f"schedule[{index}].template_id", wording.RM_NO_TEMPLATE(template_id=step.template_id))
            )
        if step.anchor == "booking" and step.days < 0:
            errors.append(_error(f"schedule[{index}].days", wording.RM_DAYS_NEGATIVE()))
    return errors


def _offer(program: Program, offer: OfferInput) -> OfferedProduct:
    return OfferedProduct(
        code=offer.code,
        names=dict(offer.names),
        price=offer.price,
        image_url=offer.image_url,
        link=_check_page(program, offer.link) if offer.link else None,
    )


# ---------------------------------------------------------------------------- templates


def list_templates(program_id: str) -> list[EmailTemplate]:
    return sorted(store.load(program_id, consistent=True).templates.values(), key=lambda t: t.name)


def get_template(program_id: str, template_id: str) -> EmailTemplate | None:
    try:
        return EmailTemplate.get(*EmailTemplate.key(program_id, template_id), consistent_read=True)
    except DoesNotExist:
        return None


def check_template(program: Program, data: TemplateInput) -> None:
    """Raise TemplateRejected unless every program language has content that compiles and renders."""
    languages = list(program.languages)
    missing = [lang for lang in languages if lang not in data.bodies or not data.bodies[lang].html.strip()]
    errors = []
    if missing:
        errors.append(_error("bodies", wording.RM_CONTENT_MISSING(languages=", ".join(missing))))
    for lang in data.bodies:
        if lang not in languages:
            errors.append(
                _error(f"bodies.{lang}", wording.RM_NOT_PROGRAM_LANGUAGE(lang=lang, languages=", ".join(languages)))
            )
    for lang in languages:
        body = data.bodies.get(lang)
        if body is None or lang in missing:
            continue
        context = render.sample_context(lang=lang, program_name=program.name, currency=program.currency).variables()
        for part, source in (("html", body.html), ("text", body.text)):
            if source is None:
                continue
            try:
                render.render(source, context, html=part == "html")
            except render.RenderError as error:
                problem = (
                    wording.MAIL_PROBLEM_AT_LINE(problem=str(error), line=error.line) if error.line else str(error)
                )
                errors.append(_error(f"bodies.{lang}.{part}", problem))
    if errors:
        message = (
            wording.RM_TEMPLATE_NOT_SAVED_MISSING(languages=", ".join(missing))
            if missing
            else wording.RM_TEMPLATE_NOT_SAVED()
        )
        raise TemplateRejected(message, errors, missing)


def save_template(program: Program, data: TemplateInput, *, by: str | None = None) -> EmailTemplate:
    check_template(program, data)
    template_id = data.template_id or ids.new_code(8)
    existing = get_template(program.program_id, template_id)
    now = iso(utcnow())
    template = EmailTemplate(
        *EmailTemplate.key(program.program_id, template_id),
        program_id=program.program_id,
        template_id=template_id,
        name=data.name,
        bodies={lang: body.model_dump() for lang, body in data.bodies.items()},
        created_at=existing.created_at if existing else now,
        updated_at=now,
        updated_by=by,
    )
    template.save()
    store.forget(program.program_id)
    return template


def delete_template(program: Program, template_id: str) -> None:
    """Refused while a profile's schedule uses the template (planned sends would lose their content)."""
    users = [
        p.name
        for p in store.load(program.program_id, consistent=True).profiles
        if any(step.template_id == template_id for step in p.schedule)
    ]
    if users:
        raise ConfigRejected(
            wording.RM_TEMPLATE_IN_USE(users=", ".join(sorted(users))), [_error("template_id", "in use")]
        )
    try:
        EmailTemplate(*EmailTemplate.key(program.program_id, template_id)).delete(condition=EmailTemplate.pk.exists())
    except DeleteError as error:
        if _condition_failed(error):
            raise NotFound(wording.RM_NO_TEMPLATE_NAMED(template_id=template_id)) from error
        raise
    store.forget(program.program_id)


# ---------------------------------------------------------------------------- channels


def list_channel_settings(program_id: str) -> list[ChannelEmailSettings]:
    return sorted(
        store.load(program_id, consistent=True).channels.values(), key=lambda c: list(Channel).index(c.channel)
    )


def get_channel_settings(program_id: str, channel: str) -> ChannelEmailSettings | None:
    try:
        return ChannelEmailSettings.get(*ChannelEmailSettings.key(program_id, channel), consistent_read=True)
    except DoesNotExist:
        return None


def save_channel_settings(
    program: Program, data: ChannelSettingsInput, *, by: str | None = None
) -> ChannelEmailSettings:
    languages = list(program.languages)
    errors = []
    missing = [lang for lang in languages if not (data.subjects.get(lang) or "").strip()]
    if missing:
        errors.append(_error("subjects", wording.RM_SUBJECT_MISSING(languages=", ".join(missing))))
    for lang, subject in data.subjects.items():
        if lang not in languages:
            errors.append(_error(f"subjects.{lang}", wording.RM_LANGUAGE_UNKNOWN(lang=lang)))
            continue
        context = render.sample_context(lang=lang, program_name=program.name, currency=program.currency).variables()
        try:
            render.render(subject, context, html=False)
        except render.RenderError as error:
            errors.append(_error(f"subjects.{lang}", str(error)))
    if data.booking_url:
        try:
            check_booking_url(program, data.booking_url)
        except UnsafeDestination as error:
            errors.append(_error("booking_url", str(error)))
    if errors:
        raise ConfigRejected(wording.RM_CHANNEL_NOT_SAVED(), errors)
    settings = ChannelEmailSettings(
        *ChannelEmailSettings.key(program.program_id, data.channel),
        program_id=program.program_id,
        channel=data.channel,
        subjects=dict(data.subjects),
        booking_url=data.booking_url or None,
        from_name=data.from_name or None,
        reply_to=str(data.reply_to) if data.reply_to else None,
        updated_at=iso(utcnow()),
        updated_by=by,
    )
    settings.save()
    store.forget(program.program_id)
    return settings


def check_booking_url(program: Program, template: str) -> str:
    sample = {"booking_ref": "BK-1", "order_id": "1", "product": "sample", "lang": program.default_language}
    return _check_page(program, rules.fill_booking_url(template, sample))


def _check_page(program: Program, url: str) -> str:
    return check_destination(url, allowed_domains(tuple(program.allowed_domains)), allow_http=program.allow_http)


def _is_web_url(url: str, allow_http: bool) -> bool:
    if any(ch.isspace() or ch in "\"'<>\\" for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in (("https", "http") if allow_http else ("https",)) and bool(parts.hostname)


# ---------------------------------------------------------------------------- preview


def preview(
    program: Program,
    *,
    template: TemplateInput | str,
    lang: str,
    channel: str = Channel.WEB,
    profile_id: str | None = None,
) -> render.RenderedEmail:
    """The email as a customer in `lang` would get it, with sample booking data (nothing stored)."""
    config = store.load(program.program_id, consistent=True)
    if lang not in program.languages:
        raise ConfigRejected(
            wording.RM_LANGUAGE_UNKNOWN(lang=lang), [_error("lang", wording.RM_LANGUAGE_UNKNOWN(lang=lang))]
        )
    if isinstance(template, str):
        stored = config.templates.get(template)
        if stored is None:
            raise NotFound(wording.RM_NO_TEMPLATE_NAMED(template_id=template))
        bodies = {k: as_dict(v) for k, v in as_dict(stored.bodies).items()}
    else:
        bodies = {k: v.model_dump() for k, v in template.bodies.items()}
    body = bodies.get(lang)
    if not body or not body.get("html"):
        raise TemplateRejected(wording.RM_TEMPLATE_NO_CONTENT(lang=lang), [_error("bodies", lang)], [lang])
    offers = []
    profile = config.profile(profile_id) if profile_id else None
    if profile_id and profile is None:
        raise NotFound(wording.RM_NO_PROFILE_NAMED(profile_id=profile_id))
    if profile is not None:
        for n, offer in enumerate(profile.offers, start=1):
            name = rules.product_name(offer, lang, program.default_language)
            url = f"https://example.invalid/x/sample-{n}"
            offers.append(render.OfferView(offer.code, name, offer.price, program.currency, offer.image_url, url))
    context = render.sample_context(lang=lang, program_name=program.name, currency=program.currency, offers=offers)
    settings = config.channel_settings(channel)
    subject = as_dict(settings.subjects).get(lang) if settings else None
    subject = subject or f"(no subject: set the {channel} channel's email subjects)"
    try:
        return render.render_email(subject, body["html"], body.get("text"), context)
    except render.RenderError as error:
        raise ConfigRejected(
            wording.RM_PREVIEW_FAILED(error=str(error)), [_error(f"bodies.{lang}", str(error))]
        ) from error


# ---------------------------------------------------------------------------- program flag


def sync_program_flag(program_id: str) -> dict[str, bool]:
    """Set program.settings["remarketing"] = {"email": ..., "web": ...} from the active profiles."""
    profiles = [p for p in store.load(program_id, consistent=True).profiles if p.active]
    flags = {
        "email": any(p.kind in rules.EMAIL_KINDS for p in profiles),
        "web": any(p.kind in rules.WEB_KINDS for p in profiles),
    }
    program = Program(*Program.key(program_id))
    try:
        program.update(actions=[Program.settings["remarketing"].set(flags)], condition=Program.settings.exists())
    except UpdateError as error:
        if not _condition_failed(error):
            raise
        # A program stored without any settings map: create it (only if the program exists).
        program.update(actions=[Program.settings.set({"remarketing": flags})], condition=Program.pk.exists())
    return flags


def _condition_failed(error: PutError | UpdateError | DeleteError) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}
