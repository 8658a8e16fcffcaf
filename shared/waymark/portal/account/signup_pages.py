"""Signup: GET /signup (the form) and POST /signup, then the emailed code at GET|POST /signup/verify
and a new code at POST /signup/resend. Each POST takes the form, or JSON for API clients.

The program is `?program=<id>` (or a `program` field), else the deployment's DEFAULT_PROGRAM.
Every POST first takes one of the client's attempts (web.limit_attempts): over the limit, 429.
"""

import json
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from waymark import web, wording
from waymark.models import Program
from waymark.partners import signup
from waymark.partners.management import AgentCodeTaken
from waymark.partners.vocabulary import PartnerType
from waymark.portal import actions
from waymark.portal.params import ProgramId
from waymark.portal.schemas import (
    ResendCodeRequest,
    SignupAccepted,
    SignupRequest,
    SignupResult,
    VerifyEmailRequest,
)

router = Router()
metrics = Metrics()

PARTNER_TYPE_CHOICES = (
    (PartnerType.AFFILIATE, "Affiliate", "you publish links on a website, blog, newsletter or social media"),
    (
        PartnerType.MARKETPLACE_PARTNER,
        "Marketplace partner",
        "you list and sell the merchant's offers on your platform",
    ),
    (PartnerType.CONCIERGE, "Concierge", "you recommend and book for guests, e.g. at a hotel desk"),
)
# One answer for every address, known or new (docs/security.md "Signup and enumeration").
CODE_SENT = (
    "We have emailed a code to {email} unless it already has a login. "
    "Enter it with your password to confirm the address; an operator sees your application after that."
)
CODE_RESENT = "If {email} has an unconfirmed signup with this password, we have emailed it a new code."


def _form_page(program: Program, *, values: dict, errors: dict, status: int = 200) -> Response[str]:
    return web.render(
        "signup/form.html",
        status,
        program=program,
        values=values,
        errors=errors,
        partner_types=PARTNER_TYPE_CHOICES,
        password_rules=signup.password_policy().describe(),
    )


@router.get("/signup")
def signup_page(program: ProgramId = None) -> Response[str]:
    return _form_page(actions.program(program), values={}, errors={})


@router.post("/signup")
def sign_up(program: ProgramId = None) -> Response[str]:
    web.limit_attempts("signup")
    as_json = web.current().content_type == "application/json"
    data = _json_body() if as_json else dict(web.form())
    named = data.get("program") if isinstance(data.get("program"), str) else None
    chosen = actions.program(named or program)
    values = {k: v for k, v in data.items() if k != "password"}

    def refuse(status: int, errors: dict[str, str]) -> Response[str]:
        if as_json:
            return _json_refusal(status, errors)
        return _form_page(chosen, values=values, errors=errors, status=status)

    try:
        request = SignupRequest.model_validate({**data, "program": chosen.program_id})
    except ValidationError as error:
        return refuse(422 if as_json else 400, web.field_errors(error, separator="."))
    try:
        agent = signup.sign_up(
            chosen,
            name=request.name,
            email=request.email,
            password=request.password,
            website=request.website,
            partner_type=request.partner_type,
        )
    except signup.SignupRejected as error:
        return refuse(400, {"password": f"{str(error).capitalize()}."})
    except AgentCodeTaken as error:
        raise web.Unavailable(wording.SEND_AGAIN()) from error
    if agent is not None:
        metrics.add_metric(name="PartnerSignup", unit=MetricUnit.Count, value=1)
    message = CODE_SENT.format(email=request.email)
    if as_json:
        accepted = SignupAccepted(
            message=message, program_id=chosen.program_id, verify_url=f"{web.base_url()}/signup/verify"
        )
        return web.json_response(accepted.model_dump(mode="json"), 202)
    return _verify_page(request.email, {}, notice=message, name=request.name)


def _verify_page(email: str, errors: dict, *, status: int = 200, notice: str | None = None, name: str | None = None):
    return web.render("signup/verify.html", status, email=email, errors=errors, notice=notice, name=name)


@router.get("/signup/verify")
def verify_page() -> Response[str]:
    return _verify_page("", {})


@router.post("/signup/verify")
def verify() -> Response[str]:
    web.limit_attempts("verify_email")
    as_json = web.current().content_type == "application/json"
    data = _json_body() if as_json else dict(web.form())
    email = str(data.get("email") or "").strip().lower()
    try:
        request = VerifyEmailRequest.model_validate(data)
    except ValidationError as error:
        errors = web.field_errors(error, separator=".")
        return _json_refusal(422, errors) if as_json else _verify_page(email, errors, status=400)
    try:
        agent = signup.verify_email(request.email, request.password, request.code)
    except (signup.VerificationFailed, signup.TooManyCodes) as error:
        status = 429 if isinstance(error, signup.TooManyCodes) else 400
        errors = {"code": f"{str(error).capitalize()}."}
        return _json_refusal(status, errors) if as_json else _verify_page(email, errors, status=status)
    if as_json:
        result = SignupResult(
            agent_id=agent.agent_id,
            program_id=agent.program_id,
            status=agent.status,
            login_url=f"{web.base_url()}/login",
        )
        return web.json_response(result.model_dump(mode="json"))
    return web.render("signup/done.html", agent=agent, program=actions.program(agent.program_id))


@router.post("/signup/resend")
def resend() -> Response[str]:
    web.limit_attempts("resend_code")
    as_json = web.current().content_type == "application/json"
    data = _json_body() if as_json else dict(web.form())
    email = str(data.get("email") or "").strip().lower()
    try:
        request = ResendCodeRequest.model_validate(data)
    except ValidationError as error:
        errors = web.field_errors(error, separator=".")
        return _json_refusal(422, errors) if as_json else _verify_page(email, errors, status=400)
    try:
        signup.send_code_again(request.email, request.password)
    except signup.TooManyCodes as error:
        errors = {"email": f"{str(error).capitalize()}."}
        return _json_refusal(429, errors) if as_json else _verify_page(email, errors, status=429)
    except signup.VerificationFailed:
        pass  # the same answer: a wrong password must not tell whether the address has a login
    message = CODE_RESENT.format(email=request.email.strip().lower())
    if as_json:
        return web.json_response({"message": message}, 202)
    return _verify_page(email, {}, notice=message)


def _json_refusal(status: int, errors: dict[str, str]) -> Response[str]:
    problems = [{"field": field, "message": message} for field, message in errors.items()]
    return web.json_response({"message": next(iter(errors.values())), "errors": problems}, status)


def _json_body() -> dict[str, Any]:
    try:
        data = json.loads(web.current().event.decoded_body or "")
    except ValueError as error:
        raise web.BadRequest(wording.BODY_NOT_JSON()) from error
    if not isinstance(data, dict):
        raise web.BadRequest(wording.BODY_NOT_OBJECT())
    return data
