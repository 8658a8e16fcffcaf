"""Signup: GET /signup (the form) and POST /signup (the form, or JSON for API clients).

The program is `?program=<id>` (or a `program` field), else the deployment's DEFAULT_PROGRAM.
"""

import json
from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import ValidationError

from waymark import web
from waymark.models import Program
from waymark.partners import signup
from waymark.partners.management import AgentCodeTaken
from waymark.partners.vocabulary import PartnerType
from waymark.portal import actions
from waymark.portal.params import ProgramId
from waymark.portal.schemas import SignupRequest, SignupResult

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
DUPLICATE = "There already is an account with this email address. Log in instead."


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
    as_json = web.current().content_type == "application/json"
    data = _json_body() if as_json else dict(web.form())
    named = data.get("program") if isinstance(data.get("program"), str) else None
    chosen = actions.program(named or program)
    values = {k: v for k, v in data.items() if k != "password"}

    def refuse(status: int, errors: dict[str, str]) -> Response[str]:
        if as_json:
            problems = [{"field": field, "message": message} for field, message in errors.items()]
            return web.json_response({"message": next(iter(errors.values())), "errors": problems}, status)
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
    except signup.DuplicateSignup:
        return refuse(409, {"email": DUPLICATE})
    except signup.SignupRejected as error:
        return refuse(400, {"password": f"{str(error).capitalize()}."})
    except AgentCodeTaken as error:
        raise web.Unavailable("please send the form again") from error
    metrics.add_metric(name="PartnerSignup", unit=MetricUnit.Count, value=1)
    if as_json:
        result = SignupResult(
            agent_id=agent.agent_id,
            program_id=chosen.program_id,
            status=agent.status,
            login_url=f"{web.base_url()}/login",
        )
        return web.json_response(result.model_dump(mode="json"), 201)
    return web.render("signup/done.html", 201, agent=agent, program=chosen)


def _json_body() -> dict[str, Any]:
    try:
        data = json.loads(web.current().event.decoded_body or "")
    except ValueError as error:
        raise web.BadRequest("the body is not valid JSON") from error
    if not isinstance(data, dict):
        raise web.BadRequest("the body must be a JSON object")
    return data
