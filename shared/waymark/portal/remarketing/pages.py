"""The admin console's remarketing pages (/admin/remarketing): cross-sell profiles, email templates
with a sandboxed preview of unsaved content, and each sales channel's email subjects.

Every page takes `?program=` like the rest of the console (default: DEFAULT_PROGRAM) and keeps
it on its links and forms.
"""

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from waymark import web, wording
from waymark.conversions.vocabulary import Channel
from waymark.models import Program
from waymark.portal import actions
from waymark.portal.params import ChannelName, ProgramId, RemarketingId
from waymark.portal.remarketing import actions as remarketing_actions
from waymark.portal.remarketing import forms
from waymark.portal.remarketing.views import channel_out, profile_out, template_out
from waymark.remarketing import store
from waymark.remarketing.rules import EMAIL_KINDS

router = Router()

BASE = "/admin/remarketing"
NOTICES = {
    "saved": "Saved.",
    "deleted": "Deleted.",
}
Done = Annotated[Literal[tuple(NOTICES)] | None, Query()]  # type: ignore[valid-type]
KINDS = (
    ("web", "Web only: offered on the checkout during booking"),
    ("email", "Email only: sent after the booking on the schedule below"),
    ("both", "Web and email"),
)


def _context(program_id: str | None) -> tuple[Program, str]:
    """The program, and the query string (`?program=...` or nothing) that keeps it on links and forms."""
    web.admin()
    program = actions.program(program_id)
    return program, (f"?{urlencode({'program': program_id})}" if program_id else "")


def _after(path: str, query: str, done: str) -> Response[str]:
    joiner = "&" if query else "?"
    return web.redirect(f"{path}{query}{joiner}done={done}")


# ----------------------------------------------------------------------------- overview


@router.get(BASE)
def overview(program: ProgramId = None, done: Done = None) -> Response[str]:
    chosen, query = _context(program)
    loaded = store.load(chosen.program_id, consistent=True)
    profiles = sorted(loaded.profiles, key=lambda p: (int(p.priority), p.name))
    return web.render(
        "admin/remarketing/index.html",
        program=chosen,
        q=query,
        notice=NOTICES.get(done or ""),
        email_enabled=any(p.active and p.kind in EMAIL_KINDS for p in profiles),
        profiles=[profile_out(p) for p in profiles],
        templates=[template_out(t, chosen, profiles) for t in sorted(loaded.templates.values(), key=lambda t: t.name)],
        channels=[(c, channel_out(loaded.channels[c]) if c in loaded.channels else None) for c in Channel],
        fallback_channel=store.FALLBACK_CHANNEL,
    )


# ----------------------------------------------------------------------------- profiles


def _profile_page(
    program: Program,
    query: str,
    values: dict[str, Any],
    *,
    profile_id: str | None,
    status: int = 200,
    problems: forms.Problems | None = None,
    notice: str | None = None,
) -> Response[str]:
    templates = store.load(program.program_id, consistent=True).templates
    return web.render(
        "admin/remarketing/profile.html",
        status,
        program=program,
        q=query,
        profile_id=profile_id,
        values=forms.with_empty_rows(values),
        problems=problems or forms.Problems(),
        notice=NOTICES.get(notice or ""),
        kinds=KINDS,
        channels=list(Channel),
        templates=sorted(((t.template_id, t.name) for t in templates.values()), key=lambda t: t[1]),
    )


def _save_profile(program: Program, query: str, profile_id: str | None) -> Response[str]:
    values = forms.posted_profile(web.form(), program)
    if profile_id is not None:
        values["profile_id"] = profile_id
    data, problems, positions = forms.profile_input(values)
    if data is not None:
        try:
            saved = remarketing_actions.save_profile(program, data, replace=profile_id)
        except remarketing_actions.Unprocessable as error:
            problems = forms.describe(error.errors or [{"field": "", "message": error.message}], positions)
        else:
            return _after(f"{BASE}/profiles/{saved.profile_id}", query, "saved")
    return _profile_page(program, query, values, profile_id=profile_id, status=400, problems=problems)


@router.get(f"{BASE}/profiles/new")
def new_profile(program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    return _profile_page(chosen, query, forms.profile_values(None), profile_id=None)


@router.post(f"{BASE}/profiles")
def create_profile(program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    return _save_profile(chosen, query, None)


@router.get(f"{BASE}/profiles/<profile_id>")
def edit_profile(profile_id: RemarketingId, program: ProgramId = None, done: Done = None) -> Response[str]:
    chosen, query = _context(program)
    found = remarketing_actions.profile(chosen, profile_id)
    return _profile_page(chosen, query, forms.profile_values(found), profile_id=profile_id, notice=done)


@router.post(f"{BASE}/profiles/<profile_id>")
def save_profile(profile_id: RemarketingId, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    return _save_profile(chosen, query, profile_id)


@router.post(f"{BASE}/profiles/<profile_id>/delete")
def delete_profile(profile_id: RemarketingId, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    remarketing_actions.delete_profile(chosen, profile_id)
    return _after(BASE, query, "deleted")


# ----------------------------------------------------------------------------- templates


def _template_page(
    program: Program,
    query: str,
    values: dict[str, Any],
    *,
    template_id: str | None,
    status: int = 200,
    problems: forms.Problems | None = None,
    notice: str | None = None,
    preview: dict[str, Any] | None = None,
) -> Response[str]:
    loaded = store.load(program.program_id, consistent=True)
    stored = loaded.templates.get(template_id) if template_id else None
    return web.render(
        "admin/remarketing/template.html",
        status,
        program=program,
        q=query,
        template_id=template_id,
        used_by=template_out(stored, program, list(loaded.profiles)).used_by if stored else [],
        values=values,
        problems=problems or forms.Problems(),
        notice=NOTICES.get(notice or ""),
        channels=list(Channel),
        profiles=sorted(((p.profile_id, p.name) for p in loaded.profiles), key=lambda p: p[1]),
        preview=preview or {"lang": program.default_language, "channel": store.FALLBACK_CHANNEL, "profile": ""},
    )


def _preview(program: Program, values: dict[str, Any], form: dict[str, str]) -> tuple[dict[str, Any], forms.Problems]:
    """The unsaved content rendered with sample data, for the sandboxed frame (nothing is stored)."""
    lang = form.get("preview-lang", "")
    channel = form.get("preview-channel", "")
    profile = form.get("preview-profile", "")
    shown: dict[str, Any] = {"lang": lang, "channel": channel, "profile": profile}
    if lang not in program.languages or channel not in Channel:
        return shown, forms.describe([{"field": "preview", "message": wording.RM_PREVIEW_CHOOSE()}])
    data, problems = forms.template_input(values, for_preview=True)
    if data is None:
        return shown, problems
    try:
        rendered = remarketing_actions.preview(program, data, lang=lang, channel=channel, profile_id=profile or None)
    except remarketing_actions.Unprocessable as error:
        return shown, forms.describe(error.errors or [{"field": "", "message": error.message}])
    except web.NotFound as error:
        return shown, forms.describe([{"field": "preview", "message": error.message}])
    return {**shown, "email": rendered}, forms.Problems()


def _save_template(program: Program, query: str, template_id: str | None) -> Response[str]:
    form = web.form()
    values = forms.posted_template(form, program)
    if template_id is not None:
        values["template_id"] = template_id
    if form.get("action") == "preview":
        preview, problems = _preview(program, values, form)
        status = 400 if problems else 200
        return _template_page(
            program, query, values, template_id=template_id, status=status, problems=problems, preview=preview
        )
    data, problems = forms.template_input(values)
    if data is not None:
        try:
            saved = remarketing_actions.save_template(program, data, replace=template_id)
        except remarketing_actions.Unprocessable as error:
            problems = forms.describe(error.errors or [{"field": "", "message": error.message}])
        else:
            return _after(f"{BASE}/templates/{saved.template_id}", query, "saved")
    return _template_page(program, query, values, template_id=template_id, status=400, problems=problems)


@router.get(f"{BASE}/templates/new")
def new_template(program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    return _template_page(chosen, query, forms.template_values(None, chosen), template_id=None)


@router.post(f"{BASE}/templates")
def create_template(program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    return _save_template(chosen, query, None)


@router.get(f"{BASE}/templates/<template_id>")
def edit_template(template_id: RemarketingId, program: ProgramId = None, done: Done = None) -> Response[str]:
    chosen, query = _context(program)
    found = remarketing_actions.template(chosen, template_id)
    return _template_page(chosen, query, forms.template_values(found, chosen), template_id=template_id, notice=done)


@router.post(f"{BASE}/templates/<template_id>")
def save_template(template_id: RemarketingId, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    return _save_template(chosen, query, template_id)


@router.post(f"{BASE}/templates/<template_id>/delete")
def delete_template(template_id: RemarketingId, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    remarketing_actions.delete_template(chosen, template_id)
    return _after(BASE, query, "deleted")


# ----------------------------------------------------------------------------- channels


def _channel_page(
    program: Program,
    query: str,
    channel: str,
    values: dict[str, Any],
    *,
    status: int = 200,
    problems: forms.Problems | None = None,
    notice: str | None = None,
) -> Response[str]:
    return web.render(
        "admin/remarketing/channel.html",
        status,
        program=program,
        q=query,
        channel=channel,
        fallback_channel=store.FALLBACK_CHANNEL,
        values=values,
        problems=problems or forms.Problems(),
        notice=NOTICES.get(notice or ""),
    )


@router.get(f"{BASE}/channels/<channel>")
def edit_channel(channel: ChannelName, program: ProgramId = None, done: Done = None) -> Response[str]:
    chosen, query = _context(program)
    found = store.load(chosen.program_id, consistent=True).channels.get(channel)
    return _channel_page(chosen, query, channel, forms.channel_values(found, chosen), notice=done)


@router.post(f"{BASE}/channels/<channel>")
def save_channel(channel: ChannelName, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    values = forms.posted_channel(web.form(), chosen)
    data, problems = forms.channel_input(channel, values)
    if data is not None:
        try:
            remarketing_actions.save_channel_settings(chosen, data)
        except remarketing_actions.Unprocessable as error:
            problems = forms.describe(error.errors or [{"field": "", "message": error.message}])
        else:
            return _after(f"{BASE}/channels/{channel}", query, "saved")
    return _channel_page(chosen, query, channel, values, status=400, problems=problems)
