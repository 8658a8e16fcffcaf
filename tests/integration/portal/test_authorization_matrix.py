"""Every route of every web function, called by every kind of caller.

The routes come from the resolvers themselves (and must all be reachable through
template.yaml), and every one needs an entry in CASES, so a new route cannot escape this
matrix. For each caller the expected answer follows from `web.required_access` (the one
rule) and ownership: a partner never reads or changes another partner's data, a refused
request changes nothing, and nobody gets a 5xx.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from devstack.gateway import Gateway
from tests.helpers.operators import operator, operator_token
from tests.helpers.payouts import payout_run_for
from tests.helpers.portal import MONTH, client, resolver_routes, restore_state, stored_state, world_with_figures
from tests.helpers.remarketing import configure_console
from tests.helpers.stack import RECORDER, reset_process_state
from tests.helpers.tokens import partner_token
from waymark import web
from waymark.web import auth, csrf

ROLES = ("anonymous", "pending", "suspended", "partner_a", "partner_b", "admin")


@dataclass(frozen=True)
class Case:
    """How to call a route: its concrete path, and a body that is valid for a caller allowed to use it."""

    path: Callable[[object], str]
    form: dict = field(default_factory=dict)
    json: dict | None = None
    query: str = ""
    owner: str | None = None  # "b": the path names partner B's data
    ok: int = 200  # the allowed caller's answer


def _b_link(w) -> str:
    return w.b_link.code


def _b_sale(w) -> str:
    return quote(w.b_sale, safe="")


# Correcting conversions (the matrix world's advertiser "matrix-shop"; "nobody1" is no partner's code).
_OFFLINE_SALE = {"advertiser_id": "matrix-shop", "order_id": "M-1", "amount": "10.00", "currency": "EUR"}
_OFFLINE_SALE |= {"channel": "phone", "agent": "nobody1"}
_PAGE_DECISION = {"from_status": "pending", "status": "approved"}
# A partner's postback to a public IP literal (no DNS lookup in the matrix).
_POSTBACK_JSON = {"url_template": "https://93.184.215.14/pb?c={click_id}", "events": ["conversion.approved"]}
_POSTBACK_FORM = {"url_template": _POSTBACK_JSON["url_template"], "conversion.approved": "on"}

# The remarketing console (the matrix world has tests.helpers.remarketing.configure_console's configuration).
_RM, _RM_API = "/admin/remarketing", "/api/admin/remarketing"
_PROFILE_FORM = {"name": "P", "kind": "web", "offer-0-code": "x1", "offer-0-price": "1", "offer-0-name-en": "X"}
_PROFILE_FORM |= {"offer-0-name-de": "X", "active": "on"}
_TEMPLATE_FORM = {"name": "T", "html-en": "<p>{{ lang }}</p>", "html-de": "<p>{{ lang }}</p>", "action": "save"}
_PROFILE_JSON = {"name": "P", "offers": [{"code": "x1", "price": "1", "names": {"en": "X", "de": "X"}}]}
_TEMPLATE_JSON = {"name": "T", "bodies": {"en": {"html": "<p>a</p>"}, "de": {"html": "<p>b</p>"}}}
_SUBJECTS = {"subject-en": "Hello", "subject-de": "Hallo"}
# Paying partners (the matrix world has a run in review paying partner B: world.payout_id).
_PAYOUT = "/api/admin/payouts"
_DETAILS = {"method": "paypal", "account": "someone@example.com"}
_TERMS = {"hold_days": 10, "minimum": "5", "details_change_days": 3}
PAYOUT_CASES: dict[str, Case] = {
    "GET /api/payouts": Case(lambda w: "/api/payouts"),
    "GET /api/payouts/<payout_id>": Case(lambda w: f"/api/payouts/{w.payout_id}", owner="b"),
    "GET /api/payment-details": Case(lambda w: "/api/payment-details"),
    "PUT /api/payment-details": Case(lambda w: "/api/payment-details", json=_DETAILS),
    f"GET {_PAYOUT}": Case(lambda w: _PAYOUT),
    f"POST {_PAYOUT}": Case(lambda w: _PAYOUT, json={"cutoff": "2026-05-25"}, ok=201),
    f"GET {_PAYOUT}/<payout_id>": Case(lambda w: f"{_PAYOUT}/{w.payout_id}"),
    f"POST {_PAYOUT}/<payout_id>/paid": Case(lambda w: f"{_PAYOUT}/{w.payout_id}/paid", json={}),
    f"POST {_PAYOUT}/<payout_id>/cancel": Case(lambda w: f"{_PAYOUT}/{w.payout_id}/cancel", json={}),
    f"POST {_PAYOUT}/<payout_id>/paypal.csv": Case(lambda w: f"{_PAYOUT}/{w.payout_id}/paypal.csv", json={}),
    f"POST {_PAYOUT}/<payout_id>/wise.csv": Case(lambda w: f"{_PAYOUT}/{w.payout_id}/wise.csv", json={}),
    "GET /api/admin/payout-terms": Case(lambda w: "/api/admin/payout-terms"),
    "PUT /api/admin/payout-terms": Case(lambda w: "/api/admin/payout-terms", json=_TERMS),
    "GET /portal/payouts": Case(lambda w: "/portal/payouts"),
    "POST /portal/payouts/details": Case(lambda w: "/portal/payouts/details", form=_DETAILS, ok=303),
    "GET /portal/payouts/<payout_id>": Case(lambda w: f"/portal/payouts/{w.payout_id}", owner="b"),
    "GET /admin/payouts": Case(lambda w: "/admin/payouts"),
    "POST /admin/payouts": Case(lambda w: "/admin/payouts", form={"cutoff": "2026-05-25"}, ok=303),
    "POST /admin/payouts/terms": Case(lambda w: "/admin/payouts/terms", form=_TERMS, ok=303),
    "GET /admin/payouts/<payout_id>": Case(lambda w: f"/admin/payouts/{w.payout_id}"),
    "POST /admin/payouts/<payout_id>/paid": Case(lambda w: f"/admin/payouts/{w.payout_id}/paid", ok=303),
    "POST /admin/payouts/<payout_id>/cancel": Case(lambda w: f"/admin/payouts/{w.payout_id}/cancel", ok=303),
    "POST /admin/payouts/<payout_id>/file": Case(lambda w: f"/admin/payouts/{w.payout_id}/file", form={"kind": "wise"}),
}

REMARKETING_CASES: dict[str, Case] = {
    f"GET {_RM}": Case(lambda w: _RM),
    f"GET {_RM}/profiles/new": Case(lambda w: f"{_RM}/profiles/new"),
    f"POST {_RM}/profiles": Case(lambda w: f"{_RM}/profiles", form=_PROFILE_FORM, ok=303),
    f"GET {_RM}/profiles/<profile_id>": Case(lambda w: f"{_RM}/profiles/addons"),
    f"POST {_RM}/profiles/<profile_id>": Case(lambda w: f"{_RM}/profiles/addons", form=_PROFILE_FORM, ok=303),
    f"POST {_RM}/profiles/<profile_id>/delete": Case(lambda w: f"{_RM}/profiles/addons/delete", ok=303),
    f"GET {_RM}/templates/new": Case(lambda w: f"{_RM}/templates/new"),
    f"POST {_RM}/templates": Case(lambda w: f"{_RM}/templates", form=_TEMPLATE_FORM, ok=303),
    f"GET {_RM}/templates/<template_id>": Case(lambda w: f"{_RM}/templates/addons-email"),
    f"POST {_RM}/templates/<template_id>": Case(lambda w: f"{_RM}/templates/spare", form=_TEMPLATE_FORM, ok=303),
    f"POST {_RM}/templates/<template_id>/delete": Case(lambda w: f"{_RM}/templates/spare/delete", ok=303),
    f"GET {_RM}/channels/<channel>": Case(lambda w: f"{_RM}/channels/chat"),
    f"POST {_RM}/channels/<channel>": Case(lambda w: f"{_RM}/channels/chat", form=_SUBJECTS, ok=303),
    f"GET {_RM_API}/profiles": Case(lambda w: f"{_RM_API}/profiles"),
    f"POST {_RM_API}/profiles": Case(lambda w: f"{_RM_API}/profiles", json=_PROFILE_JSON, ok=201),
    f"GET {_RM_API}/profiles/<profile_id>": Case(lambda w: f"{_RM_API}/profiles/addons"),
    f"PUT {_RM_API}/profiles/<profile_id>": Case(lambda w: f"{_RM_API}/profiles/addons", json=_PROFILE_JSON),
    f"DELETE {_RM_API}/profiles/<profile_id>": Case(lambda w: f"{_RM_API}/profiles/addons", json={}, ok=204),
    f"GET {_RM_API}/templates": Case(lambda w: f"{_RM_API}/templates"),
    f"POST {_RM_API}/templates": Case(lambda w: f"{_RM_API}/templates", json=_TEMPLATE_JSON, ok=201),
    f"GET {_RM_API}/templates/<template_id>": Case(lambda w: f"{_RM_API}/templates/addons-email"),
    f"PUT {_RM_API}/templates/<template_id>": Case(lambda w: f"{_RM_API}/templates/spare", json=_TEMPLATE_JSON),
    f"DELETE {_RM_API}/templates/<template_id>": Case(lambda w: f"{_RM_API}/templates/spare", json={}, ok=204),
    f"POST {_RM_API}/preview": Case(
        lambda w: f"{_RM_API}/preview", json={"template_id": "addons-email", "lang": "de", "profile_id": "addons"}
    ),
    f"GET {_RM_API}/channels": Case(lambda w: f"{_RM_API}/channels"),
    f"GET {_RM_API}/channels/<channel>": Case(lambda w: f"{_RM_API}/channels/web"),
    f"PUT {_RM_API}/channels/<channel>": Case(
        lambda w: f"{_RM_API}/channels/chat", json={"subjects": {"en": "Hello", "de": "Hallo"}}
    ),
}


# The mail console.
_MAIL, _MAIL_API = "/admin/mail", "/api/admin/mail"
_WORDING_FORM = {"subject-en": "Hi", "html-en": "<p>{{ partner.name }}</p>", "subject-de": "Hallo"}
_WORDING_FORM |= {"html-de": "<p>{{ partner.name }}</p>", "action": "save"}
_WORDING_JSON = {
    "subjects": {"en": "Hi", "de": "Hallo"},
    "bodies": {"en": {"html": "<p>a</p>"}, "de": {"html": "<p>b</p>"}},
}
MAIL_CASES: dict[str, Case] = {
    f"GET {_MAIL}": Case(lambda w: _MAIL),
    f"POST {_MAIL}/suppressions": Case(
        lambda w: f"{_MAIL}/suppressions", form={"email": "x@example.org", "action": "add"}, ok=303
    ),
    f"GET {_MAIL}/partner-emails/<kind>": Case(lambda w: f"{_MAIL}/partner-emails/approved"),
    f"POST {_MAIL}/partner-emails/<kind>": Case(
        lambda w: f"{_MAIL}/partner-emails/approved", form=_WORDING_FORM, ok=303
    ),
    f"POST {_MAIL}/partner-emails/<kind>/reset": Case(lambda w: f"{_MAIL}/partner-emails/approved/reset", ok=303),
    f"GET {_MAIL_API}/partner-emails": Case(lambda w: f"{_MAIL_API}/partner-emails"),
    f"GET {_MAIL_API}/partner-emails/<kind>": Case(lambda w: f"{_MAIL_API}/partner-emails/declined"),
    f"PUT {_MAIL_API}/partner-emails/<kind>": Case(
        lambda w: f"{_MAIL_API}/partner-emails/declined", json=_WORDING_JSON
    ),
    f"DELETE {_MAIL_API}/partner-emails/<kind>": Case(lambda w: f"{_MAIL_API}/partner-emails/declined", json={}),
    f"POST {_MAIL_API}/partner-emails/<kind>/preview": Case(
        lambda w: f"{_MAIL_API}/partner-emails/daily_digest/preview", json={"lang": "de"}
    ),
    f"GET {_MAIL_API}/log": Case(lambda w: f"{_MAIL_API}/log"),
    f"POST {_MAIL_API}/suppressions": Case(lambda w: f"{_MAIL_API}/suppressions", json={"email": "x@example.org"}),
    f"POST {_MAIL_API}/suppressions/lift": Case(
        lambda w: f"{_MAIL_API}/suppressions/lift", json={"email": "x@example.org"}
    ),
}


# The console's set-up (the matrix world has advertiser "matrix-shop" and operators in Cognito: see `matrix`).
_PROGRAM_FORM = {
    "name": "Demo Tours",
    "currency": "EUR",
    "allowed_domains": "www.example.com\n*.example.com",
    "default_landing_url": "https://www.example.com/",
    "languages": "en, de",
    "default_language": "en",
    "attribution_window_days": "30",
    "click_param": "click_id",
    "rule-0-kind": "percent",
    "rule-0-value": "9",
}
_NEW_PROGRAM = {
    "program_id": "other",
    "name": "Other",
    "currency": "EUR",
    "allowed_domains": ["www.other.example"],
    "default_landing_url": "https://www.other.example/",
}
SETUP_CASES: dict[str, Case] = {
    "GET /admin/programs": Case(lambda w: "/admin/programs"),
    "GET /admin/programs/new": Case(lambda w: "/admin/programs/new"),
    "POST /admin/programs": Case(lambda w: "/admin/programs", form={**_PROGRAM_FORM, "program_id": "other"}, ok=303),
    "GET /admin/programs/<program_id>": Case(lambda w: f"/admin/programs/{w.program.program_id}"),
    "POST /admin/programs/<program_id>": Case(
        lambda w: f"/admin/programs/{w.program.program_id}", form=_PROGRAM_FORM, ok=303
    ),
    "GET /admin/advertisers": Case(lambda w: "/admin/advertisers"),
    "POST /admin/advertisers": Case(lambda w: "/admin/advertisers", form={"name": "Till"}, ok=201),
    "GET /admin/advertisers/<advertiser_id>": Case(lambda w: "/admin/advertisers/matrix-shop"),
    "POST /admin/advertisers/<advertiser_id>": Case(
        lambda w: "/admin/advertisers/matrix-shop", form={"name": "Shop", "allowed_cidrs": "203.0.113.0/24"}, ok=303
    ),
    "POST /admin/advertisers/<advertiser_id>/rotate": Case(
        lambda w: "/admin/advertisers/matrix-shop/rotate", form={"grace_hours": "1"}
    ),
    # A test conversion here reaches no /postback (LINK_BASE_URL is a closed port, see `matrix`): its answer
    # says so. tests/integration/portal/test_integration_page.py sends real ones.
    "GET /admin/advertisers/<advertiser_id>/integration": Case(lambda w: "/admin/advertisers/matrix-shop/integration"),
    "POST /admin/advertisers/<advertiser_id>/integration/test": Case(
        lambda w: "/admin/advertisers/matrix-shop/integration/test"
    ),
    "GET /api/admin/advertisers/<advertiser_id>/integration": Case(
        lambda w: "/api/admin/advertisers/matrix-shop/integration"
    ),
    "POST /api/admin/advertisers/<advertiser_id>/test-conversion": Case(
        lambda w: "/api/admin/advertisers/matrix-shop/test-conversion", json={}
    ),
    "GET /admin/account": Case(lambda w: "/admin/account"),
    "POST /admin/account/time-zone": Case(lambda w: "/admin/account/time-zone", form={"time_zone": "UTC"}, ok=303),
    "GET /admin/operators": Case(lambda w: "/admin/operators"),
    "POST /admin/operators": Case(lambda w: "/admin/operators", form={"email": "page-invite@example.com"}, ok=303),
    "POST /admin/operators/<username>/remove": Case(lambda w: f"/admin/operators/{w.operators['page']}/remove", ok=303),
    "POST /admin/operators/<username>/authenticator/reset": Case(
        lambda w: f"/admin/operators/{w.operators['stays']}/authenticator/reset", ok=303
    ),
    "GET /admin/changes": Case(lambda w: "/admin/changes"),
    "GET /api/admin/programs": Case(lambda w: "/api/admin/programs"),
    "POST /api/admin/programs": Case(lambda w: "/api/admin/programs", json=_NEW_PROGRAM, ok=201),
    "GET /api/admin/programs/<program_id>": Case(lambda w: f"/api/admin/programs/{w.program.program_id}"),
    "PATCH /api/admin/programs/<program_id>": Case(
        lambda w: f"/api/admin/programs/{w.program.program_id}", json={"auto_approve": True}
    ),
    "GET /api/admin/advertisers": Case(lambda w: "/api/admin/advertisers"),
    "POST /api/admin/advertisers": Case(
        lambda w: "/api/admin/advertisers", json={"program_id": "demo", "name": "Till"}, ok=201
    ),
    "GET /api/admin/advertisers/<advertiser_id>": Case(lambda w: "/api/admin/advertisers/matrix-shop"),
    "PATCH /api/admin/advertisers/<advertiser_id>": Case(
        lambda w: "/api/admin/advertisers/matrix-shop", json={"status": "disabled"}
    ),
    "POST /api/admin/advertisers/<advertiser_id>/rotate": Case(
        lambda w: "/api/admin/advertisers/matrix-shop/rotate", json={"grace_hours": 0}
    ),
    "GET /api/admin/account/time-zone": Case(lambda w: "/api/admin/account/time-zone"),
    "PUT /api/admin/account/time-zone": Case(lambda w: "/api/admin/account/time-zone", json={"time_zone": "UTC"}),
    "GET /api/admin/operators": Case(lambda w: "/api/admin/operators"),
    "POST /api/admin/operators": Case(
        lambda w: "/api/admin/operators", json={"email": "api-invite@example.com"}, ok=201
    ),
    "DELETE /api/admin/operators/<username>": Case(
        lambda w: f"/api/admin/operators/{w.operators['api']}", json={}, ok=204
    ),
    "POST /api/admin/operators/<username>/authenticator/reset": Case(
        lambda w: f"/api/admin/operators/{w.operators['stays']}/authenticator/reset", json={}
    ),
    "GET /api/admin/changes": Case(lambda w: "/api/admin/changes"),
    # Coupon codes and exchange rates (the matrix world has code MATRIX1 and partner "matrixcoupons": see `matrix`).
    "GET /admin/coupons": Case(lambda w: "/admin/coupons"),
    "POST /admin/coupons": Case(
        lambda w: "/admin/coupons", form={"code": "page10", "agent_id": "matrixcoupons"}, ok=303
    ),
    "POST /admin/coupons/<code>": Case(lambda w: "/admin/coupons/MATRIX1", form={"status": "paused"}, ok=303),
    "POST /admin/coupons/<code>/remove": Case(lambda w: "/admin/coupons/matrix1/remove", ok=303),
    "GET /api/admin/coupons": Case(lambda w: "/api/admin/coupons"),
    "POST /api/admin/coupons": Case(
        lambda w: "/api/admin/coupons", json={"code": "api10", "agent_id": "matrixcoupons"}, ok=201
    ),
    "PATCH /api/admin/coupons/<code>": Case(lambda w: "/api/admin/coupons/MATRIX1", json={"status": "paused"}),
    "DELETE /api/admin/coupons/<code>": Case(lambda w: "/api/admin/coupons/MATRIX1", json={}, ok=204),
    "GET /admin/rates": Case(lambda w: "/admin/rates"),
    "POST /admin/rates": Case(lambda w: "/admin/rates", form={"day": "2026-12-01", "rates": "USD 1.1"}, ok=303),
    "GET /api/admin/rates": Case(lambda w: "/api/admin/rates"),
    "PUT /api/admin/rates": Case(lambda w: "/api/admin/rates", json={"day": "2026-12-01", "rates": {"USD": "1.1"}}),
    "DELETE /api/admin/rates/<day>": Case(lambda w: "/api/admin/rates/2026-12-01", json={}, ok=204),
}


CASES: dict[str, Case] = {
    # public pages
    "GET /": Case(lambda w: "/", ok=303),
    "GET /login": Case(lambda w: "/login"),
    "POST /login": Case(lambda w: "/login", form={"email": "x@example.com", "password": "wrong"}),
    "POST /logout": Case(lambda w: "/logout", ok=303),
    "POST /login/new-password": Case(
        lambda w: "/login/new-password", form={"email": "x@example.com", "session": "stale", "new_password": "x"}
    ),
    "POST /login/code": Case(
        lambda w: "/login/code", form={"email": "x@example.com", "session": "stale", "code": "123456"}
    ),
    "POST /login/authenticator": Case(
        lambda w: "/login/authenticator", form={"email": "x@example.com", "setup_token": "stale", "secret": "AAAA"}
    ),
    "GET /password/forgot": Case(lambda w: "/password/forgot"),
    "POST /password/forgot": Case(lambda w: "/password/forgot", form={"email": "x@example.com"}),
    "GET /password/reset": Case(lambda w: "/password/reset"),
    "POST /password/reset": Case(
        lambda w: "/password/reset", form={"email": "x@example.com", "code": "1", "new_password": "Long-enough-1"}
    ),
    "GET /static/<name>": Case(lambda w: "/static/waymark.css"),
    "GET /signup": Case(lambda w: "/signup"),
    "POST /signup": Case(lambda w: "/signup", form={"name": ""}),
    "GET /signup/verify": Case(lambda w: "/signup/verify"),
    "POST /signup/verify": Case(
        lambda w: "/signup/verify", form={"email": "x@example.com", "password": "p", "code": "1"}
    ),
    "POST /signup/resend": Case(lambda w: "/signup/resend", form={"email": "x@example.com", "password": "p"}),
    # partner portal
    "GET /portal": Case(lambda w: "/portal"),
    "GET /portal/links": Case(lambda w: "/portal/links"),
    "POST /portal/links": Case(
        lambda w: "/portal/links", form={"destination": "https://www.example.com/new", "name": "new"}, ok=303
    ),
    "GET /portal/links/<code>": Case(lambda w: f"/portal/links/{_b_link(w)}", owner="b"),
    "POST /portal/links/<code>/status": Case(
        lambda w: f"/portal/links/{_b_link(w)}/status", form={"status": "paused"}, owner="b", ok=303
    ),
    "GET /portal/links/<code>/qr.svg": Case(lambda w: f"/portal/links/{_b_link(w)}/qr.svg", owner="b"),
    "GET /portal/links/<code>/qr.png": Case(lambda w: f"/portal/links/{_b_link(w)}/qr.png", owner="b"),
    "GET /portal/postbacks": Case(lambda w: "/portal/postbacks"),
    "POST /portal/postbacks": Case(lambda w: "/portal/postbacks", form=_POSTBACK_FORM),
    # Nobody in the matrix world has saved a postback: a test or a new secret is a 400 for everyone allowed.
    "POST /portal/postbacks/test": Case(lambda w: "/portal/postbacks/test", ok=400),
    "POST /portal/postbacks/secret": Case(lambda w: "/portal/postbacks/secret", ok=400),
    "GET /portal/profile": Case(lambda w: "/portal/profile"),
    "POST /portal/profile": Case(lambda w: "/portal/profile", form={"name": "Renamed", "website": ""}, ok=303),
    "POST /portal/profile/emails": Case(lambda w: "/portal/profile/emails", form={"lang": "de"}, ok=303),
    "POST /portal/profile/time-zone": Case(lambda w: "/portal/profile/time-zone", form={"time_zone": "UTC"}, ok=303),
    # the matrix's logins have no Cognito user: the current password is wrong, and nothing changes
    "GET /portal/password": Case(lambda w: "/portal/password"),
    "POST /portal/password": Case(
        lambda w: "/portal/password",
        form={"current_password": "Current-pass-1", "new_password": "Chosen-pass-1"},
        ok=400,
    ),
    "GET /admin/password": Case(lambda w: "/admin/password"),
    "POST /admin/password": Case(
        lambda w: "/admin/password",
        form={"current_password": "Current-pass-1", "new_password": "Chosen-pass-1"},
        ok=400,
    ),
    # admin console
    "GET /admin": Case(lambda w: "/admin"),
    "GET /admin/partners": Case(lambda w: "/admin/partners", query="status=active"),
    "GET /admin/partners/<agent_id>": Case(lambda w: f"/admin/partners/{w.b.agent_id}"),
    "POST /admin/partners/<agent_id>": Case(
        lambda w: f"/admin/partners/{w.b.agent_id}",
        form={"name": "Bravo", "website": "", "partner_type": "concierge", "attribution_window_days": ""},
        ok=303,
    ),
    "POST /admin/partners/<agent_id>/status": Case(
        lambda w: f"/admin/partners/{w.b.agent_id}/status", form={"action": "suspend"}, ok=303
    ),
    "POST /admin/partners/<agent_id>/links": Case(
        lambda w: f"/admin/partners/{w.b.agent_id}/links", form={"destination": "https://www.example.com/x"}, ok=303
    ),
    "POST /admin/links/<code>/status": Case(
        lambda w: f"/admin/links/{_b_link(w)}/status", form={"status": "paused"}, ok=303
    ),
    "GET /admin/inside-sales": Case(lambda w: "/admin/inside-sales"),
    "GET /admin/partners/new": Case(lambda w: "/admin/partners/new"),
    "POST /admin/partners": Case(
        lambda w: "/admin/partners", form={"name": "By hand", "partner_type": "concierge", "login": "no"}, ok=303
    ),
    "POST /admin/partners/<agent_id>/delete": Case(lambda w: f"/admin/partners/{w.pending.agent_id}/delete", ok=303),
    "POST /admin/partners/<agent_id>/export": Case(lambda w: f"/admin/partners/{w.b.agent_id}/export"),
    "POST /admin/partners/<agent_id>/erase": Case(lambda w: f"/admin/partners/{w.suspended.agent_id}/erase", ok=303),
    "GET /admin/personal-data": Case(lambda w: "/admin/personal-data"),
    "POST /admin/personal-data/customers": Case(
        lambda w: "/admin/personal-data/customers", form={"email": "page-guest@example.org"}, ok=303
    ),
    # reports, conversions and exports (figures of May 2026: conftest.add_activity)
    "GET /portal/reports": Case(lambda w: "/portal/reports", query=f"month={MONTH}", ok=303),
    "GET /portal/reports/<month>": Case(lambda w: f"/portal/reports/{MONTH}"),
    "POST /portal/exports": Case(lambda w: "/portal/exports", form={"month": MONTH}),
    "GET /admin/conversions": Case(lambda w: "/admin/conversions", query=f"month={MONTH}"),
    "GET /admin/conversions/<conversion_id>": Case(lambda w: f"/admin/conversions/{_b_sale(w)}"),
    "POST /admin/conversions/<conversion_id>/status": Case(
        lambda w: f"/admin/conversions/{_b_sale(w)}/status", form={"status": "approved"}, ok=303
    ),
    "GET /admin/conversions/new": Case(lambda w: "/admin/conversions/new"),
    "POST /admin/conversions/new": Case(lambda w: "/admin/conversions/new", form=_OFFLINE_SALE, ok=303),
    "POST /admin/conversions/decisions": Case(
        lambda w: "/admin/conversions/decisions", form={**_PAGE_DECISION, "conversion_ids": '["shop-booking:o-b1"]'}
    ),
    # A partner code of no partner: the allowed caller reaches the check (400), everyone else is refused first.
    "POST /admin/conversions/<conversion_id>/reassign": Case(
        lambda w: f"/admin/conversions/{_b_sale(w)}/reassign", form={"agent_id": "nobody1", "note": "n"}, ok=400
    ),
    "POST /admin/inside-sales/<agent_id>/visit": Case(lambda w: f"/admin/inside-sales/{w.b.agent_id}/visit", ok=303),
    "GET /admin/reports": Case(lambda w: "/admin/reports", query=f"month={MONTH}", ok=303),
    "GET /admin/reports/<month>": Case(lambda w: f"/admin/reports/{MONTH}"),
    "GET /admin/partners/<agent_id>/reports": Case(lambda w: f"/admin/partners/{w.b.agent_id}/reports", ok=303),
    "GET /admin/partners/<agent_id>/reports/<month>": Case(lambda w: f"/admin/partners/{w.b.agent_id}/reports/{MONTH}"),
    "POST /admin/exports": Case(lambda w: "/admin/exports", form={"month": MONTH}),
    # JSON API
    "POST /api/login": Case(lambda w: "/api/login", json={"email": "x@example.com", "password": "wrong"}),
    "GET /api/openapi.json": Case(lambda w: "/api/openapi.json"),
    "POST /api/login/new-password": Case(
        lambda w: "/api/login/new-password", json={"email": "x@example.com", "session": "stale", "new_password": "x"}
    ),
    "POST /api/login/code": Case(
        lambda w: "/api/login/code", json={"email": "x@example.com", "session": "stale", "code": "123456"}
    ),
    "POST /api/login/authenticator": Case(
        lambda w: "/api/login/authenticator", json={"setup_token": "stale", "code": "123456"}
    ),
    "POST /api/password/forgot": Case(lambda w: "/api/password/forgot", json={"email": "x@example.com"}),
    "POST /api/password/reset": Case(
        lambda w: "/api/password/reset", json={"email": "x@example.com", "code": "1", "new_password": "Long-enough-1"}
    ),
    "POST /api/password": Case(
        lambda w: "/api/password", json={"current_password": "Current-pass-1", "new_password": "Chosen-pass-1"}, ok=400
    ),
    "POST /api/admin/password": Case(
        lambda w: "/api/admin/password",
        json={"current_password": "Current-pass-1", "new_password": "Chosen-pass-1"},
        ok=400,
    ),
    "GET /api/profile": Case(lambda w: "/api/profile"),
    "PATCH /api/profile": Case(lambda w: "/api/profile", json={"website": "https://renamed.example"}),
    "GET /api/profile/emails": Case(lambda w: "/api/profile/emails"),
    "PUT /api/profile/emails": Case(lambda w: "/api/profile/emails", json={"lang": "de", "turned_off": ["digest"]}),
    "GET /api/profile/time-zone": Case(lambda w: "/api/profile/time-zone"),
    "PUT /api/profile/time-zone": Case(lambda w: "/api/profile/time-zone", json={"time_zone": "Europe/Berlin"}),
    "GET /api/links": Case(lambda w: "/api/links"),
    "POST /api/links": Case(lambda w: "/api/links", json={"destination": "https://www.example.com/new"}, ok=201),
    "GET /api/links/<code>": Case(lambda w: f"/api/links/{_b_link(w)}", owner="b"),
    "GET /api/links/<code>/qr.svg": Case(lambda w: f"/api/links/{_b_link(w)}/qr.svg", owner="b"),
    "GET /api/links/<code>/qr.png": Case(lambda w: f"/api/links/{_b_link(w)}/qr.png", owner="b"),
    "GET /api/partner-postbacks": Case(lambda w: "/api/partner-postbacks"),
    "PUT /api/partner-postbacks": Case(lambda w: "/api/partner-postbacks", json=_POSTBACK_JSON),
    "POST /api/partner-postbacks/test": Case(lambda w: "/api/partner-postbacks/test", json={}, ok=400),
    "POST /api/partner-postbacks/secret": Case(lambda w: "/api/partner-postbacks/secret", json={}, ok=400),
    "PATCH /api/links/<code>": Case(lambda w: f"/api/links/{_b_link(w)}", json={"status": "paused"}, owner="b"),
    "GET /api/admin/partners": Case(lambda w: "/api/admin/partners"),
    "GET /api/admin/partners/<agent_id>": Case(lambda w: f"/api/admin/partners/{w.b.agent_id}"),
    "PATCH /api/admin/partners/<agent_id>": Case(
        lambda w: f"/api/admin/partners/{w.b.agent_id}", json={"attribution_window_days": 30}
    ),
    "POST /api/admin/partners/<agent_id>/status": Case(
        lambda w: f"/api/admin/partners/{w.b.agent_id}/status", json={"action": "suspend"}
    ),
    "GET /api/admin/partners/<agent_id>/links": Case(lambda w: f"/api/admin/partners/{w.b.agent_id}/links"),
    "POST /api/admin/partners/<agent_id>/links": Case(
        lambda w: f"/api/admin/partners/{w.b.agent_id}/links", json={"destination": "https://www.example.com/x"}, ok=201
    ),
    "PATCH /api/admin/links/<code>": Case(lambda w: f"/api/admin/links/{_b_link(w)}", json={"status": "paused"}),
    "GET /api/admin/inside-sales": Case(lambda w: "/api/admin/inside-sales", query="q=bravo"),
    "POST /api/admin/partners": Case(
        lambda w: "/api/admin/partners", json={"name": "By hand", "partner_type": "concierge", "login": False}, ok=201
    ),
    "DELETE /api/admin/partners/<agent_id>": Case(
        lambda w: f"/api/admin/partners/{w.pending.agent_id}", json={}, ok=204
    ),
    "POST /api/admin/partners/<agent_id>/export": Case(lambda w: f"/api/admin/partners/{w.b.agent_id}/export", json={}),
    "POST /api/admin/partners/<agent_id>/erase": Case(
        lambda w: f"/api/admin/partners/{w.suspended.agent_id}/erase", json={}
    ),
    "POST /api/admin/customers/erase": Case(
        lambda w: "/api/admin/customers/erase", json={"email": "api-guest@example.org"}, ok=202
    ),
    "GET /api/dashboard": Case(lambda w: "/api/dashboard"),
    "GET /api/links/<code>/stats": Case(lambda w: f"/api/links/{_b_link(w)}/stats", owner="b"),
    "GET /api/reports/<month>": Case(lambda w: f"/api/reports/{MONTH}"),
    "GET /api/reports/<month>/sub-ids": Case(lambda w: f"/api/reports/{MONTH}/sub-ids"),
    "GET /api/reports/<month>/conversions": Case(lambda w: f"/api/reports/{MONTH}/conversions"),
    "POST /api/exports": Case(lambda w: "/api/exports", json={"month": MONTH}, ok=201),
    "GET /api/admin/conversions": Case(lambda w: "/api/admin/conversions", query=f"month={MONTH}"),
    "GET /api/admin/conversions/<conversion_id>": Case(lambda w: f"/api/admin/conversions/{_b_sale(w)}"),
    "POST /api/admin/conversions/<conversion_id>/status": Case(
        lambda w: f"/api/admin/conversions/{_b_sale(w)}/status", json={"status": "rejected", "reason": "fraud"}
    ),
    "POST /api/admin/conversions": Case(lambda w: "/api/admin/conversions", json=_OFFLINE_SALE),
    "POST /api/admin/conversions/decisions": Case(
        lambda w: "/api/admin/conversions/decisions", json={**_PAGE_DECISION, "conversion_ids": ["shop-booking:o-b1"]}
    ),
    "POST /api/admin/conversions/<conversion_id>/reassign": Case(
        lambda w: f"/api/admin/conversions/{_b_sale(w)}/reassign", json={"agent_id": "nobody1", "note": "n"}, ok=400
    ),
    "POST /api/admin/inside-sales/<agent_id>/visits": Case(
        lambda w: f"/api/admin/inside-sales/{w.b.agent_id}/visits", ok=201
    ),
    "GET /api/admin/reports/<month>": Case(lambda w: f"/api/admin/reports/{MONTH}"),
    "GET /api/admin/partners/<agent_id>/reports/<month>": Case(
        lambda w: f"/api/admin/partners/{w.b.agent_id}/reports/{MONTH}"
    ),
    "POST /api/admin/exports": Case(lambda w: "/api/admin/exports", json={"month": MONTH}, ok=201),
    **REMARKETING_CASES,
    **MAIL_CASES,
    **SETUP_CASES,
    **PAYOUT_CASES,
}


def test_every_route_is_in_the_matrix_and_reachable_through_the_template(aws):
    routes = resolver_routes()
    assert set(routes) == set(CASES), "add the new route to CASES (or remove the stale entry)"
    gateway = Gateway(aws, runtime=None)
    for key, function in routes.items():
        method, path = key.split(" ", 1)
        concrete = re.sub(r"<\w+>", "abcd1234", path.replace("<name>", "a.css"))
        matched = gateway.match(method, concrete)
        assert matched is not None and matched[0].function == function, f"{key} does not reach {function}"


def _caller(world, role: str, api: bool):
    tokens = {
        "anonymous": lambda: None,
        "pending": lambda: partner_token(world.pending),
        "suspended": lambda: partner_token(world.suspended),
        "partner_a": lambda: partner_token(world.a),
        "partner_b": lambda: partner_token(world.b),
        "admin": operator_token,  # a real login (password and code): only when the admin is the caller
    }
    token = tokens[role]()
    # Browsers carry the session cookie to pages; API clients send a Bearer token.
    return client(world, token, cookie=not api), token


def _send(world, key: str, role: str):
    method, _ = key.split(" ", 1)
    case = CASES[key]
    path = case.path(world)
    api = path.startswith("/api/")
    caller, token = _caller(world, role, api)
    if case.json is not None:
        return caller.request(method, path, query=case.query, json=case.json), path
    form = dict(case.form)
    if method != "GET":
        binding = auth.verify(token).session_id if token else "matrix-browser"
        if not token:
            caller.cookies[csrf.CSRF_COOKIE] = binding
        form["csrf_token"] = csrf.token_for(binding)
        return caller.request(method, path, query=case.query, form=form), path
    return caller.request(method, path, query=case.query), path


def _leaks(body: str, other) -> list[str]:
    return [value for value in (other.agent_id, other.name, other.email) if value in body]


@pytest.fixture(scope="module")
def matrix():
    """One embedded AWS and one world for the whole matrix; each route starts from the same stored data."""
    from tests.helpers.programs import make_advertiser, make_agent
    from waymark.conversions import coupons
    from waymark.partners import accounts

    with world_with_figures() as world, pytest.MonkeyPatch.context() as env:
        env.setenv("LINK_BASE_URL", "http://127.0.0.1:9")  # nothing listens there: no request leaves the machine
        configure_console(world.program)
        make_advertiser(world.program, "matrix-shop")
        coupons.create_coupon(world.program.program_id, "MATRIX1", agent_id=world.a.agent_id, by="setup@example.com")
        make_agent(world.program, email="coupons@example.com", agent_id="matrixcoupons")
        # Operators to remove (Cognito is not restored between routes, so each removal has its own).
        world.operators = {
            name: accounts.invite_login(f"{name}-operator@example.com", group=accounts.ADMINS_GROUP).username
            for name in ("stays", "page", "api")
        }
        operator()  # the calling operator, with its authenticator app, made before any write is watched
        world.payout_id = payout_run_for(world.program, world.b, also_details_of=world.a)
        yield world, stored_state(keep=True)


@pytest.fixture
def world(matrix):
    world, saved = matrix
    if stored_state() != saved:
        restore_state(saved)
    else:
        reset_process_state()
    return world


WRITES = (
    "PUT ",  # REST calls (S3 uploads, SES) are recorded as "<METHOD> <url>"
    "POST ",
    "DELETE ",
    "Put",
    "Update",
    "Delete",
    "TransactWrite",
    "BatchWrite",
    "AdminCreate",
    "AdminDelete",
    "AdminSet",
    "AdminAdd",
)


def _writes_while(send) -> tuple[object, list[str]]:
    """Run `send()` and list the AWS write operations it made (the botocore hook sees every client)."""
    with RECORDER.listening():
        answer = send()
    return answer, [call for call in RECORDER.calls if call.startswith(WRITES)]


@pytest.mark.parametrize("key", sorted(CASES))
def test_route_answers_each_caller_as_the_access_rule_says(world, key):
    path = CASES[key].path(world)
    access = web.required_access(path)
    api = path.startswith("/api/")
    for role in ROLES:
        answer, writes = _writes_while(lambda role=role: _send(world, key, role)[0])
        assert answer.status < 500, (key, role, answer.status, answer.body[:300])
        refused = False
        if access is web.Access.PUBLIC:
            pass  # public routes' own behaviour is tested with their feature
        elif role == "anonymous":
            refused = True
            if api:
                assert answer.status == 401 and answer.json["message"], (key, role)
            else:
                assert answer.status == 303 and answer.location.startswith("/login"), (key, role, answer.status)
        elif role in ("pending", "suspended"):
            refused = True
            assert answer.status == 403, (key, role, answer.status)
            if access is web.Access.PARTNER:
                shown = answer.json["status"] if api else answer.body
                assert role in shown, (key, role)
        elif (access is web.Access.ADMIN) != (role == "admin"):  # partners on admin paths, operators on partner paths
            refused = True
            assert answer.status == 403, (key, role, answer.status)
        elif access is web.Access.PARTNER and role == "partner_a":
            if CASES[key].owner == "b":
                refused = True
                assert answer.status == 404, (key, role, answer.status)
            else:
                assert answer.status == CASES[key].ok, (key, role, answer.status, answer.body[:500])
            assert not _leaks(answer.body, world.b), (key, role, _leaks(answer.body, world.b))
        else:  # partner B on partner routes, the admin on admin routes
            assert answer.status == CASES[key].ok, (key, role, answer.status, answer.body[:500])
            if role == "partner_b":
                assert not _leaks(answer.body, world.a), (key, role)
        if refused or key.startswith("GET "):
            assert not writes, f"{key} wrote {writes} for {role}"


def test_the_stored_state_sees_any_write_and_its_restore_undoes_it(world, matrix):
    """The matrix's proof that a refused request "changed nothing" is only as good as this comparison."""
    from waymark.models import Agent

    _, saved = matrix
    agent = Agent.get(world.a.agent_id)
    agent.update(actions=[Agent.name.set("Renamed by the test")])
    changed = stored_state()
    assert changed != saved
    assert any("Renamed by the test" in line for line in changed[Agent.Meta.table_name])
    restore_state(saved)
    assert stored_state() == saved
    assert Agent.get(world.a.agent_id).name == world.a.name
