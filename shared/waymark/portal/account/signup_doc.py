"""POST /signup in the OpenAPI description, generated from its model.

Signup runs in its own function (with the Cognito rights the API function must not have),
so the API resolver cannot see its route; this adds it from the same SignupRequest model.
"""

from typing import Any

from waymark.portal.schemas import SignupRequest, SignupResult

_REF = "#/components/schemas/{model}"


def add_signup(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for model in (SignupRequest, SignupResult):
        schema = model.model_json_schema(ref_template=_REF)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    request = {"schema": {"$ref": _REF.format(model="SignupRequest")}}
    message = {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}
    document.setdefault("paths", {})["/signup"] = {
        "post": {
            "tags": ["account"],
            "summary": "Sign up as a partner (JSON or an HTML form); ?program= chooses the program",
            "operationId": "signup_post",
            "security": [],
            "parameters": [{"name": "program", "in": "query", "required": False, "schema": {"type": "string"}}],
            "requestBody": {
                "required": True,
                "content": {"application/json": request, "application/x-www-form-urlencoded": request},
            },
            "responses": {
                "201": {
                    "description": "Created: pending, or active where the program approves automatically",
                    "content": {"application/json": {"schema": {"$ref": _REF.format(model="SignupResult")}}},
                },
                "400": {"description": "The password does not meet the policy", "content": message},
                "404": {"description": "No such program", "content": message},
                "409": {"description": "There already is an account with this email", "content": message},
                "422": {"description": "Invalid fields", "content": message},
            },
        }
    }
