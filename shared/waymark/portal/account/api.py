"""JSON API, public part: logging in for a Bearer token, and the OpenAPI description."""

import json

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from waymark import web
from waymark.portal.account import signup_doc
from waymark.portal.schemas import LoginRequest, LoginResult
from waymark.web import auth

router = Router()

API_DESCRIPTION = (
    "Waymark's partner and operator API. Log in with POST /api/login and send the ID token as "
    "`Authorization: Bearer <token>`. Partners see and change only their own data; paths under "
    "/api/admin are for operators. Signup (POST /signup, JSON or form) is served by its own function "
    "and described here too."
)
_document: str | None = None


@router.post("/api/login", tags=["account"], summary="Log in; answers an ID token for Authorization: Bearer")
def login(body: LoginRequest) -> LoginResult:
    try:
        token, expires_in = auth.login(body.email.strip().lower(), body.password)
    except auth.NotAuthenticated as error:
        raise web.LoginRequired(str(error)) from error
    return LoginResult(id_token=token, expires_in=expires_in)


@router.get("/api/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    global _document
    if _document is None:
        app = web.current().app
        schema = app.get_openapi_schema(  # type: ignore[union-attr]
            title="Waymark API",
            version="1",
            description=API_DESCRIPTION,
            security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
            security=[{"bearer": []}],
        )
        document = json.loads(schema.model_dump_json(by_alias=True, exclude_none=True))
        signup_doc.add_signup(document)
        _document = json.dumps(document, separators=(",", ":"))
    return Response(200, "application/json", _document, headers={"Cache-Control": "public, max-age=300"})
