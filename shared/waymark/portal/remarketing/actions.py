"""The remarketing domain functions as the admin pages and the JSON API call them, with the
domain's refusals turned into HTTP ones (pages catch `Unprocessable` to show the form again)."""

from collections.abc import Callable
from typing import Any

from waymark import web, wording
from waymark.models import ChannelEmailSettings, EmailTemplate, Program, RemarketingProfile
from waymark.remarketing import config, render
from waymark.remarketing.config import ChannelSettingsInput, ConfigRejected, ProfileInput, TemplateInput

# Page paths use these words next to ids (/admin/remarketing/profiles/new), so ids cannot be them.
RESERVED_IDS = frozenset({"new"})
_WHAT = {"profile": wording.RM_PROFILE_WORD(), "template": wording.RM_TEMPLATE_WORD()}


class Unprocessable(web.HttpError):
    """The input is well-formed but the program cannot take it; `errors` lists each problem by field."""

    status = 422
    title = "Please check the input"

    @property
    def errors(self) -> list[dict[str, str]]:
        return self.extra.get("errors", [])


def _refused(error: ConfigRejected) -> Unprocessable:
    extra: dict = {"errors": error.errors}
    if isinstance(error, config.TemplateRejected):
        extra["missing_languages"] = error.missing_languages
    return Unprocessable(str(error), **extra)


def _by() -> str:
    return web.admin().email


def _save(program: Program, data: Any, *, replace: str | None, what: str, get: Callable, save: Callable) -> Any:
    """Create (replace=None; an id the body names must be new) or replace the existing item `replace`."""
    id_field = f"{what}_id"
    wanted = getattr(data, id_field)
    if replace is None:
        if wanted in RESERVED_IDS:
            raise Unprocessable(
                wording.RM_RESERVED_ID(wanted=repr(wanted), what=_WHAT[what]),
                errors=[{"field": id_field, "message": wording.RM_RESERVED()}],
            )
        if wanted and get(program.program_id, wanted) is not None:
            raise web.Conflict(wording.RM_ALREADY_EXISTS(what=_WHAT[what], wanted=repr(wanted)))
    else:
        if wanted not in (None, replace):
            raise web.BadRequest(wording.RM_ID_NOT_PATHS(field=id_field))
        if get(program.program_id, replace) is None:
            raise web.NotFound(wording.RM_NO_SUCH(what=_WHAT[what]))
        data = data.model_copy(update={id_field: replace})
    try:
        return save(program, data, by=_by())
    except ConfigRejected as error:
        raise _refused(error) from error


# ----------------------------------------------------------------------------- profiles


def profile(program: Program, profile_id: str) -> RemarketingProfile:
    found = config.get_profile(program.program_id, profile_id)
    if found is None:
        raise web.NotFound(wording.RM_NO_SUCH(what=_WHAT["profile"]))
    return found


def save_profile(program: Program, data: ProfileInput, *, replace: str | None = None) -> RemarketingProfile:
    return _save(program, data, replace=replace, what="profile", get=config.get_profile, save=config.save_profile)


def delete_profile(program: Program, profile_id: str) -> None:
    try:
        config.delete_profile(program, profile_id)
    except config.NotFound as error:
        raise web.NotFound(wording.RM_NO_SUCH(what=_WHAT["profile"])) from error


# ----------------------------------------------------------------------------- templates


def template(program: Program, template_id: str) -> EmailTemplate:
    found = config.get_template(program.program_id, template_id)
    if found is None:
        raise web.NotFound(wording.RM_NO_SUCH(what=_WHAT["template"]))
    return found


def save_template(program: Program, data: TemplateInput, *, replace: str | None = None) -> EmailTemplate:
    return _save(program, data, replace=replace, what="template", get=config.get_template, save=config.save_template)


def delete_template(program: Program, template_id: str) -> None:
    try:
        config.delete_template(program, template_id)
    except config.NotFound as error:
        raise web.NotFound(wording.RM_NO_SUCH(what=_WHAT["template"])) from error
    except ConfigRejected as error:
        raise web.Conflict(str(error), errors=error.errors) from error


def preview(
    program: Program, template: TemplateInput | str, *, lang: str, channel: str, profile_id: str | None
) -> render.RenderedEmail:
    try:
        return config.preview(program, template=template, lang=lang, channel=channel, profile_id=profile_id)
    except config.NotFound as error:
        raise web.NotFound(str(error)) from error
    except ConfigRejected as error:
        raise _refused(error) from error


# ----------------------------------------------------------------------------- channels


def channel_settings(program: Program, channel: str) -> ChannelEmailSettings:
    found = config.get_channel_settings(program.program_id, channel)
    if found is None:
        raise web.NotFound(wording.RM_NO_EMAIL_SETTINGS(channel=channel))
    return found


def save_channel_settings(program: Program, data: ChannelSettingsInput) -> ChannelEmailSettings:
    try:
        return config.save_channel_settings(program, data, by=_by())
    except ConfigRejected as error:
        raise _refused(error) from error
