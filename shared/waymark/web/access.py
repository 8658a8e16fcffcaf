"""Who may call which path: decided from the path alone, before anything else runs.

The rule is a convention every page and API module follows, so a new route is protected
the moment it exists (default deny):

* PUBLIC: the paths listed here and static files. Adding one is a deliberate edit.
* ADMIN: everything under `/admin` and `/api/admin` (operators, Cognito group `admins`).
* PARTNER: everything else (an *active* partner; pending and suspended partners are refused).

Handlers assert their audience again through `web.partner()` / `web.admin()`, so a path
mistake cannot hand one audience's handler to the other.
"""

from enum import StrEnum


class Access(StrEnum):
    PUBLIC = "public"
    PARTNER = "partner"
    ADMIN = "admin"


PUBLIC_PATHS = frozenset(
    {
        "/",
        "/login",
        "/login/new-password",
        "/login/code",
        "/login/authenticator",
        "/password/forgot",
        "/password/reset",
        "/logout",
        "/signup",
        "/signup/verify",
        "/signup/resend",
        "/api/login",
        "/api/login/new-password",
        "/api/login/code",
        "/api/login/authenticator",
        "/api/password/forgot",
        "/api/password/reset",
        "/api/openapi.json",
    }
)
PUBLIC_PREFIXES = ("/static/",)
ADMIN_AREAS = ("/admin", "/api/admin")


def required_access(path: str) -> Access:
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return Access.PUBLIC
    if any(path == area or path.startswith(area + "/") for area in ADMIN_AREAS):
        return Access.ADMIN
    return Access.PARTNER
