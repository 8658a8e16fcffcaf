"""POST /signup, /signup/verify and /signup/resend in the OpenAPI description, generated from their models.

Signup runs in its own function (with the Cognito rights the API function must not have),
so the API resolver cannot see its routes; this adds them from the same pydantic models.
"""

from typing import Any

from pydantic import BaseModel

from waymark.portal.schemas import (
    ResendCodeRequest,
    SignupAccepted,
    SignupRequest,
    SignupResult,
    VerifyEmailRequest,
)

_REF = "#/components/schemas/{model}"
_MESSAGE = {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}
_LIMITED = {
    "description": "Too many attempts from this network; Retry-After says when to try again",
    "content": _MESSAGE,
}


def _body(model: type[BaseModel]) -> dict[str, Any]:
    request = {"schema": {"$ref": _REF.format(model=model.__name__)}}
    return {"required": True, "content": {"application/json": request, "application/x-www-form-urlencoded": request}}


def _answer(description: str, model: type[BaseModel] | None = None) -> dict[str, Any]:
    if model is None:
        return {"description": description, "content": _MESSAGE}
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model.__name__)}}},
    }


def add_signup(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (SignupRequest, SignupAccepted, SignupResult, VerifyEmailRequest, ResendCodeRequest):
        schema = model.model_json_schema(ref_template=_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    paths = document.setdefault("paths", {})
    paths["/signup"] = {
        "post": {
            "tags": ["account"],
            "summary": "Sign up as a partner (JSON or an HTML form); ?program= chooses the program. "
            "The same answer for every address: a new one gets a code by email",
            "operationId": "signup_post",
            "security": [],
            "parameters": [{"name": "program", "in": "query", "required": False, "schema": {"type": "string"}}],
            "requestBody": _body(SignupRequest),
            "responses": {
                "202": _answer("Accepted: confirm the address with the emailed code", SignupAccepted),
                "400": _answer("The password does not meet the policy"),
                "404": _answer("No such program"),
                "422": _answer("Invalid fields (accept_terms must be true)"),
                "429": _LIMITED,
            },
        }
    }
    paths["/signup/verify"] = {
        "post": {
            "tags": ["account"],
            "summary": "Confirm the signup's email address with the emailed code; then pending or active",
            "operationId": "signup_verify_post",
            "security": [],
            "requestBody": _body(VerifyEmailRequest),
            "responses": {
                "200": _answer("Confirmed", SignupResult),
                "400": _answer("The email, password or code is not right"),
                "422": _answer("Invalid fields"),
                "429": _LIMITED,
            },
        }
    }
    paths["/signup/resend"] = {
        "post": {
            "tags": ["account"],
            "summary": "Email a new code to an unconfirmed signup; the same answer whatever the address or password",
            "operationId": "signup_resend_post",
            "security": [],
            "requestBody": _body(ResendCodeRequest),
            "responses": {
                "202": _answer("Sent, if the signup exists"),
                "422": _answer("Invalid fields"),
                "429": _LIMITED,
            },
        }
    }
