"""The web kit's pure parts: the access rule, cursors, forms, redirects after login, static files, templates."""

import pytest
from pydantic import BaseModel, ValidationError

from waymark import web
from waymark.portal.account.pages import safe_next
from waymark.web.access import Access, required_access


@pytest.mark.parametrize(
    ("path", "access"),
    [
        ("/", Access.PUBLIC),
        ("/login", Access.PUBLIC),
        ("/signup", Access.PUBLIC),
        ("/api/login", Access.PUBLIC),
        ("/api/openapi.json", Access.PUBLIC),
        ("/static/waymark.css", Access.PUBLIC),
        ("/admin", Access.ADMIN),
        ("/admin/", Access.ADMIN),
        ("/admin/partners/x", Access.ADMIN),
        ("/api/admin/partners", Access.ADMIN),
        ("/portal", Access.PARTNER),
        ("/api/links", Access.PARTNER),
        ("/api/exports", Access.PARTNER),
        ("/administrator", Access.PARTNER),  # not the admin area: a partner path (and a 404)
        ("/api/administer", Access.PARTNER),
        ("/login/", Access.PARTNER),  # only the exact public paths are public
        ("//admin/partners", Access.PARTNER),
        ("/Admin/partners", Access.PARTNER),
        ("/static", Access.PARTNER),
    ],
)
def test_the_access_rule_is_public_by_list_admin_by_area_and_partner_otherwise(path, access):
    assert required_access(path) is access


def test_cursors_round_trip_and_are_bound_to_their_listing(monkeypatch):
    key = {"agent_id": {"S": "ab"}, "code": {"S": "c1"}, "created_at": {"S": "2026"}}
    cursor = web.encode_cursor(key, "links:ab")
    assert web.decode_cursor(cursor, "links:ab") == key
    assert web.encode_cursor(None, "x") is None and web.decode_cursor(None, "x") is None
    for bad in (cursor[:-1] + ("A" if cursor[-1] != "A" else "B"), "x" + cursor, "nodot", cursor + "." * 3000):
        with pytest.raises(web.BadRequest):
            web.decode_cursor(bad, "links:ab")
    with pytest.raises(web.BadRequest):
        web.decode_cursor(cursor, "links:zz")


def test_forms_are_read_first_value_wins_and_bounded():
    assert web.parse_form("a=1&a=2&b=x%20y&c=") == {"a": "1", "b": "x y", "c": ""}
    with pytest.raises(web.PayloadTooLarge):
        web.parse_form("a=" + "x" * 70_000)
    with pytest.raises(web.BadRequest):
        web.parse_form("&".join(f"f{i}=1" for i in range(400)))
    with pytest.raises(web.BadRequest):
        web.parse_form("a=%ff")


def test_field_errors_name_fields_for_forms():
    class Rule(BaseModel):
        value: int

    class Form(BaseModel):
        email: str
        rules: list[Rule]

    with pytest.raises(ValidationError) as caught:
        Form.model_validate({"rules": [{"value": 1}, {"value": "x"}]})
    errors = web.field_errors(caught.value)
    assert set(errors) == {"email", "rules-1-value"} and errors["email"] == "Email is required."
    assert errors["rules-1-value"] == "Rules, entry 2, value must be a whole number such as 30."


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/portal/links", "/portal/links"),
        ("/portal?x=1", "/portal?x=1"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("portal", None),
        ("/a b", None),
        ("/a\tb", None),
        ("/" + "a" * 600, None),
        ("", None),
        (None, None),
    ],
)
def test_only_same_site_paths_are_followed_after_a_form(value, kept):
    assert safe_next(value) == kept


def test_static_files_are_served_by_plain_name_only():
    body, content_type = web.static_file("waymark.css")
    assert b":root" in body and content_type.startswith("text/css")
    for name in ("../templates/base.html", ".hidden.css", "nothing.css", "base.html", "waymark.py"):
        assert web.static_file(name) is None
    assert web.static_url("portal.js").startswith("/static/portal.js?v=")


def test_templates_escape_everything_they_are_given():
    from waymark.web.render import environment

    template = environment().from_string('<p title="{{ value }}">{{ value }}</p>')
    assert template.render(value='"><script>x</script>') == (
        '<p title="&#34;&gt;&lt;script&gt;x&lt;/script&gt;">&#34;&gt;&lt;script&gt;x&lt;/script&gt;</p>'
    )
