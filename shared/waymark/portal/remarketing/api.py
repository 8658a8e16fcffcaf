"""JSON API for operators' remarketing configuration (/api/admin/remarketing): cross-sell profiles,
email templates (with a preview of unsaved content), and each sales channel's email settings.

Bodies are the domain's own input models; refusals are 422 with {"message", "errors": [{"field",
"message"}]} (templates add "missing_languages"), unknown ids 404, an id taken 409.
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web, wording
from waymark.conversions.vocabulary import Channel
from waymark.portal import actions
from waymark.portal.params import ChannelName, ProgramId, RemarketingId
from waymark.portal.remarketing import actions as remarketing_actions
from waymark.portal.remarketing.views import (
    ChannelSettingsBody,
    ChannelSettingsList,
    ChannelSettingsOut,
    PreviewOut,
    PreviewRequest,
    ProfileList,
    ProfileOut,
    TemplateList,
    TemplateOut,
    channel_out,
    profile_out,
    template_out,
)
from waymark.remarketing import store
from waymark.remarketing.config import ChannelSettingsInput, ProfileInput, TemplateInput, list_profiles
from waymark.remarketing.rules import EMAIL_KINDS

router = Router()

BASE = "/api/admin/remarketing"
TAGS = ["admin: remarketing"]
DELETED = {204: {"description": "Deleted"}}


def _program(program_id: str | None):
    web.admin()
    return actions.program(program_id)


# ----------------------------------------------------------------------------- profiles


@router.get(f"{BASE}/profiles", tags=TAGS, summary="The program's cross-sell profiles, by priority")
def list_all_profiles(program: ProgramId = None) -> ProfileList:
    chosen = _program(program)
    found = list_profiles(chosen.program_id)
    return ProfileList(
        program_id=chosen.program_id,
        languages=list(chosen.languages),
        email_enabled=any(p.active and p.kind in EMAIL_KINDS for p in found),
        profiles=[profile_out(p) for p in found],
    )


@router.post(f"{BASE}/profiles", status_code=201, tags=TAGS, summary="Create a cross-sell profile")
def create_profile(body: ProfileInput, program: ProgramId = None) -> ProfileOut:
    return profile_out(remarketing_actions.save_profile(_program(program), body))


@router.get(f"{BASE}/profiles/<profile_id>", tags=TAGS, summary="One cross-sell profile")
def get_profile(profile_id: RemarketingId, program: ProgramId = None) -> ProfileOut:
    return profile_out(remarketing_actions.profile(_program(program), profile_id))


@router.put(f"{BASE}/profiles/<profile_id>", tags=TAGS, summary="Replace a cross-sell profile")
def put_profile(profile_id: RemarketingId, body: ProfileInput, program: ProgramId = None) -> ProfileOut:
    return profile_out(remarketing_actions.save_profile(_program(program), body, replace=profile_id))


@router.delete(f"{BASE}/profiles/<profile_id>", tags=TAGS, summary="Delete a cross-sell profile", responses=DELETED)
def delete_profile(profile_id: RemarketingId, program: ProgramId = None) -> Response[None]:
    remarketing_actions.delete_profile(_program(program), profile_id)
    return Response(status_code=204, body="")


# ----------------------------------------------------------------------------- templates


@router.get(f"{BASE}/templates", tags=TAGS, summary="The program's email templates")
def list_templates(program: ProgramId = None) -> TemplateList:
    chosen = _program(program)
    loaded = store.load(chosen.program_id, consistent=True)
    profiles = list(loaded.profiles)
    templates = sorted(loaded.templates.values(), key=lambda t: t.name)
    return TemplateList(
        program_id=chosen.program_id,
        languages=list(chosen.languages),
        templates=[template_out(t, chosen, profiles) for t in templates],
    )


def _template_out(program, template) -> TemplateOut:
    return template_out(template, program, list_profiles(program.program_id))


@router.post(
    f"{BASE}/templates",
    status_code=201,
    tags=TAGS,
    summary="Create an email template (content for every program language, else 422 naming the missing ones)",
)
def create_template(body: TemplateInput, program: ProgramId = None) -> TemplateOut:
    chosen = _program(program)
    return _template_out(chosen, remarketing_actions.save_template(chosen, body))


@router.get(f"{BASE}/templates/<template_id>", tags=TAGS, summary="One email template")
def get_template(template_id: RemarketingId, program: ProgramId = None) -> TemplateOut:
    chosen = _program(program)
    return _template_out(chosen, remarketing_actions.template(chosen, template_id))


@router.put(f"{BASE}/templates/<template_id>", tags=TAGS, summary="Replace an email template")
def put_template(template_id: RemarketingId, body: TemplateInput, program: ProgramId = None) -> TemplateOut:
    chosen = _program(program)
    return _template_out(chosen, remarketing_actions.save_template(chosen, body, replace=template_id))


@router.delete(
    f"{BASE}/templates/<template_id>",
    tags=TAGS,
    summary="Delete an email template (409 while a profile's schedule uses it)",
    responses=DELETED,
)
def delete_template(template_id: RemarketingId, program: ProgramId = None) -> Response[None]:
    remarketing_actions.delete_template(_program(program), template_id)
    return Response(status_code=204, body="")


@router.post(
    f"{BASE}/preview",
    tags=TAGS,
    summary="Render a saved or unsaved template with sample booking data (nothing is stored)",
)
def preview(body: PreviewRequest, program: ProgramId = None) -> PreviewOut:
    chosen = _program(program)
    source = body.template if body.template is not None else body.template_id
    assert source is not None  # the model requires one
    rendered = remarketing_actions.preview(
        chosen, source, lang=body.lang, channel=body.channel, profile_id=body.profile_id
    )
    return PreviewOut(
        lang=body.lang, channel=body.channel, subject=rendered.subject, html=rendered.html, text=rendered.text
    )


# ----------------------------------------------------------------------------- channels


@router.get(f"{BASE}/channels", tags=TAGS, summary="Each sales channel's email settings (subjects per language)")
def list_channels(program: ProgramId = None) -> ChannelSettingsList:
    chosen = _program(program)
    found = store.load(chosen.program_id, consistent=True).channels
    return ChannelSettingsList(
        program_id=chosen.program_id,
        languages=list(chosen.languages),
        fallback_channel=store.FALLBACK_CHANNEL,
        channels=[channel_out(found[c]) for c in Channel if c in found],
    )


@router.get(f"{BASE}/channels/<channel>", tags=TAGS, summary="A sales channel's email settings")
def get_channel(channel: ChannelName, program: ProgramId = None) -> ChannelSettingsOut:
    return channel_out(remarketing_actions.channel_settings(_program(program), channel))


@router.put(
    f"{BASE}/channels/<channel>",
    tags=TAGS,
    summary="Set a sales channel's email subjects (one per program language), booking page, sender name, reply-to",
)
def put_channel(channel: ChannelName, body: ChannelSettingsBody, program: ProgramId = None) -> ChannelSettingsOut:
    if body.channel not in (None, channel):
        raise web.BadRequest(wording.RM_ID_NOT_PATHS(field="channel"))
    data = ChannelSettingsInput(**body.model_dump(exclude={"channel"}), channel=channel)
    return channel_out(remarketing_actions.save_channel_settings(_program(program), data))
