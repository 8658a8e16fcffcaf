"""The remarketing configuration in the admin console (/admin/remarketing) and the JSON API
(/api/admin/remarketing): profiles, templates with preview, channel subjects, through the handlers."""

import html
import re

import pytest
from markupsafe import escape

from tests.helpers.remarketing import DE_HTML, EN_HTML, OFFERS, configure
from waymark.models import Program


@pytest.fixture
def setup(world):
    """The world's program (en, de) with the remarketing test configuration: template, channels, profile."""
    return configure(world.program)


def config():
    from waymark.remarketing import config

    return config


def flag(program) -> dict:
    return Program.get(*Program.key(program.program_id)).settings.as_dict()["remarketing"]


def problems(body: str) -> list[str]:
    """The error summary's lines, as the operator reads them."""
    found = re.search(r'<div class="alert error".*?</div>', body, re.S)
    assert found, body[:3000]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in re.findall(r"<li>(.*?)</li>", found.group(0))
    ]


PROFILE_FORM = {
    "profile_id": "city-extras",
    "name": "City extras",
    "kind": "both",
    "active": "on",
    "priority": "20",
    "rules-products": "sunset-cruise, harbour-tour",
    "rules-language-de": "on",
    "rules-channel-web": "on",
    "rules-channel-phone": "on",
    "rules-min_amount": "50",
    "offer-0-code": "wine-tasting",
    "offer-0-price": "64.50",
    "offer-0-name-en": "Wine tasting",
    "offer-0-name-de": "Weinprobe",
    "offer-0-link": "https://www.example.com/tours/wine-tasting",
    # row 1 left empty: dropped
    "offer-2-code": "city-walk",
    "offer-2-price": "25",
    "offer-2-name-en": "City walk",
    "offer-2-name-de": "Stadtrundgang",
    "step-0-anchor": "booking",
    "step-0-days": "0",
    "step-0-template_id": "addons-email",
    "step-1-anchor": "service",
    "step-1-days": "-7",
    "step-1-template_id": "addons-email",
}


# ----------------------------------------------------------------------------- pages: profiles


def test_the_overview_lists_profiles_templates_and_channel_subjects(setup, as_admin):
    page = as_admin.get("/admin/remarketing")
    assert page.status == 200
    body = html.unescape(page.body)
    assert 'href="/admin/remarketing" aria-current="page"' in page.body  # in the console's navigation
    assert "Cross-sell emails are on" in re.sub(r"<[^>]+>", "", body)
    assert "Tour add-ons" in body and "+1 day(s) from booking" in body
    assert "Add-ons" in body and "Add to your trip {{ booking.ref }}" in body
    assert "not set: uses web" in body  # chat has no settings of its own


def test_an_operator_creates_a_profile_in_the_console(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/profiles/new").csrf()
    answer = as_admin.post("/admin/remarketing/profiles", form={"csrf_token": token, **PROFILE_FORM})
    assert answer.status == 303 and answer.location == "/admin/remarketing/profiles/city-extras?done=saved"

    stored = config().get_profile(world.program.program_id, "city-extras")
    assert (stored.name, stored.kind, stored.active, int(stored.priority)) == ("City extras", "both", True, 20)
    rules = stored.rules
    assert list(rules.products) == ["sunset-cruise", "harbour-tour"] and list(rules.languages) == ["de"]
    assert list(rules.channels) == ["web", "phone"] and str(rules.min_amount) == "50"
    assert [(o.code, o.names.as_dict(), str(o.price)) for o in stored.offers] == [
        ("wine-tasting", {"en": "Wine tasting", "de": "Weinprobe"}, "64.50"),
        ("city-walk", {"en": "City walk", "de": "Stadtrundgang"}, "25"),
    ]
    assert [(s.anchor, int(s.days)) for s in stored.schedule] == [("booking", 0), ("service", -7)]
    assert stored.updated_by == "ops@example.com"

    page = as_admin.get(answer.location)
    assert "Saved." in page.body and 'value="Weinprobe"' in page.body and 'name="profile_id"' not in page.body


def test_a_profile_with_problems_is_shown_again_with_each_problem_on_its_row(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/profiles/new").csrf()
    form = {
        **PROFILE_FORM,
        "offer-2-name-de": "",  # row 3 lacks its German name
        "offer-0-link": "https://evil.example/phish",
        "step-1-anchor": "booking",  # -7 after the booking
    }
    answer = as_admin.post("/admin/remarketing/profiles", form={"csrf_token": token, **form})

    assert answer.status == 400
    assert problems(answer.body) == [
        "Offered product 1, link: destination host is not allowed",
        "Offered product 3, names: a name is missing for: de",
        "Send day 2, days: days after the booking cannot be negative",
    ]
    marked = re.findall(r'<tr class="invalid">(.*?)</tr>', answer.body, re.S)
    assert len(marked) == 3  # the rows as the operator sees them, the empty one between kept
    assert 'name="offer-0-code" value="wine-tasting"' in marked[0]
    assert 'name="offer-2-code" value="city-walk"' in marked[1]
    assert 'name="step-1-days" value="-7"' in marked[2]
    assert 'value="https://evil.example/phish"' in answer.body  # what was typed stays
    assert config().get_profile(world.program.program_id, "city-extras") is None


def test_malformed_profile_input_is_explained_not_stored(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/profiles/new").csrf()
    form = {**PROFILE_FORM, "offer-0-price": "cheap", "kind": "sms", "priority": "-1"}
    answer = as_admin.post("/admin/remarketing/profiles", form={"csrf_token": token, **form})
    assert answer.status == 400
    found = problems(answer.body)
    assert any(p.startswith("Type:") for p in found) and any(p.startswith("Priority:") for p in found)
    assert any(p.startswith("Offered product 1, price:") for p in found)
    assert config().get_profile(world.program.program_id, "city-extras") is None


def test_editing_and_deleting_a_profile_keep_the_programs_email_flag(setup, world, as_admin):
    page = as_admin.get("/admin/remarketing/profiles/addons")
    assert page.status == 200 and 'value="Vineyard wine tasting"' in page.body
    form = {**PROFILE_FORM, "profile_id": "ignored", "kind": "web", "name": "Add-ons (web)"}
    answer = as_admin.post("/admin/remarketing/profiles/addons", form={"csrf_token": page.csrf(), **form})
    assert answer.status == 303
    stored = config().get_profile(world.program.program_id, "addons")
    assert stored.name == "Add-ons (web)" and stored.kind == "web"
    assert config().get_profile(world.program.program_id, "ignored") is None
    assert flag(world.program) == {"email": False, "web": True}

    answer = as_admin.post("/admin/remarketing/profiles/addons/delete", form={"csrf_token": page.csrf()})
    assert answer.status == 303 and answer.location == "/admin/remarketing?done=deleted"
    assert config().get_profile(world.program.program_id, "addons") is None
    assert flag(world.program) == {"email": False, "web": False}
    assert as_admin.get("/admin/remarketing/profiles/addons").status == 404
    again = as_admin.post("/admin/remarketing/profiles/addons/delete", form={"csrf_token": page.csrf()})
    assert again.status == 404


def test_the_profile_id_new_is_reserved_for_the_new_profile_page(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/profiles/new").csrf()
    answer = as_admin.post(
        "/admin/remarketing/profiles", form={"csrf_token": token, **PROFILE_FORM, "profile_id": "new"}
    )
    assert answer.status == 400 and "reserved" in answer.body
    assert config().get_profile(world.program.program_id, "new") is None


def test_a_form_without_its_csrf_token_changes_nothing(setup, world, as_admin):
    before = config().get_profile(world.program.program_id, "addons").updated_at
    for path, form in (
        ("/admin/remarketing/profiles", PROFILE_FORM),
        ("/admin/remarketing/profiles/addons/delete", {}),
        ("/admin/remarketing/templates/addons-email", {"name": "x", "html-en": "a", "html-de": "b"}),
        ("/admin/remarketing/channels/web", {"subject-en": "a", "subject-de": "b"}),
    ):
        assert as_admin.post(path, form=form).status == 403, path
        assert as_admin.post(path, form={**form, "csrf_token": "forged"}).status == 403, path
    assert config().get_profile(world.program.program_id, "addons").updated_at == before
    assert config().get_profile(world.program.program_id, "city-extras") is None
    assert config().get_template(world.program.program_id, "addons-email").name == "Add-ons"


# ----------------------------------------------------------------------------- pages: templates


def template_form(**bodies) -> dict:
    form = {"name": "Follow-up", "template_id": "follow-up", "action": "save"}
    for lang, source in bodies.items():
        form[f"html-{lang}"] = source
    return form


def test_a_template_missing_a_language_is_refused_naming_it(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/templates/new").csrf()
    answer = as_admin.post(
        "/admin/remarketing/templates", form={"csrf_token": token, **template_form(en=EN_HTML, de="  ")}
    )
    assert answer.status == 400
    assert problems(answer.body) == ["Content: content is missing for: de"]
    assert str(escape(EN_HTML)) in answer.body  # the English content stays in its box
    assert config().get_template(world.program.program_id, "follow-up") is None


def test_template_syntax_errors_name_the_language_part_and_line(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/templates/new").csrf()
    form = template_form(en="<p>Hi</p>\n{% for offer in offers %}{{ offer.name }}", de="{{ booking.nonsense }}")
    answer = as_admin.post("/admin/remarketing/templates", form={"csrf_token": token, **form})
    assert answer.status == 400
    found = problems(answer.body)
    assert found[0].startswith("Content (en, html): Unexpected end of template") and found[0].endswith("(line 2)")
    assert found[1].startswith("Content (de, html):") and "nonsense" in found[1]
    assert config().get_template(world.program.program_id, "follow-up") is None


def test_a_german_operator_reads_the_consoles_refusals_in_german(setup, world, as_admin, api_admin):
    german = {"accept-language": "de-DE,de;q=0.9"}
    token = as_admin.get("/admin/remarketing/templates/new").csrf()
    form = template_form(en="<p>Hi</p>\n{% for n in [1, 2] %}{{ n }}{% endfor %}", de="<p>Hallo</p>")
    answer = as_admin.post("/admin/remarketing/templates", form={"csrf_token": token, **form}, headers=german)
    assert answer.status == 400 and '<html lang="de">' in answer.body
    assert problems(answer.body) == [
        "Content (en, html): Schleifen laufen über die Daten der Buchung oder range(), nicht über hier geschriebenen "
        "Text (Zeile 2)"
    ]  # the field's label stays English, as every label does
    missing = api_admin.get("/api/admin/remarketing/templates/nope", headers=german)
    assert missing.status == 404 and missing.json["message"] == "E-Mail-Vorlage gibt es nicht"
    assert '<html lang="en">' in as_admin.get("/admin/remarketing").body  # no Accept-Language: the default


def test_preview_renders_unsaved_content_in_a_sandboxed_frame_and_saves_nothing(setup, world, as_admin):
    page = as_admin.get("/admin/remarketing/templates/addons-email")
    assert page.status == 200 and "Sent by: Tour add-ons." in page.body
    changed = "<h2>Neu: {{ offers|length }} Angebote für {{ booking.ref }}</h2>" + DE_HTML
    form = {
        "csrf_token": page.csrf(),
        "name": "Add-ons",
        "html-en": EN_HTML,
        "html-de": changed,
        "action": "preview",
        "preview-lang": "de",
        "preview-channel": "phone",
        "preview-profile": "addons",
    }
    answer = as_admin.post("/admin/remarketing/templates/addons-email", form=form)

    assert answer.status == 200
    frame = re.search(r"<iframe ([^>]*)></iframe>", answer.body).group(1)
    assert 'sandbox=""' in frame and "allow-" not in frame
    rendered = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert "<h2>Neu: 3 Angebote für BK-20417</h2>" in rendered  # the profile's three products, sample booking
    assert "Weinprobe im Weingut" in rendered and "64,50 EUR" in rendered
    subject = re.search(r'<dd id="preview-subject">(.*?)</dd>', answer.body).group(1)
    assert html.unescape(subject) == "Wie am Telefon besprochen: mehr Reise"
    assert str(escape(changed)) in answer.body  # the edit stays in its box, unsaved
    assert "Neu:" not in config().get_template(world.program.program_id, "addons-email").bodies["de"]["html"]


def test_preview_problems_are_shown_and_a_saved_edit_is_stored(setup, world, as_admin):
    token = as_admin.get("/admin/remarketing/templates/addons-email").csrf()
    base = {"csrf_token": token, "name": "Add-ons v2", "html-en": EN_HTML, "html-de": "{{ oops }"}
    preview = {**base, "action": "preview", "preview-lang": "de", "preview-channel": "web", "preview-profile": ""}
    answer = as_admin.post("/admin/remarketing/templates/addons-email", form=preview)
    assert answer.status == 400 and "<iframe" not in answer.body
    assert problems(answer.body)[0].startswith("Content (de):")

    answer = as_admin.post(
        "/admin/remarketing/templates/addons-email", form={**base, "html-de": DE_HTML, "text-de": "", "action": "save"}
    )
    assert answer.status == 303 and answer.location == "/admin/remarketing/templates/addons-email?done=saved"
    stored = config().get_template(world.program.program_id, "addons-email")
    assert stored.name == "Add-ons v2" and stored.bodies["de"]["html"] == DE_HTML
    assert stored.bodies["de"]["text"] is None  # an emptied text box: made from the HTML again


def test_a_template_in_use_cannot_be_deleted_an_unused_one_can(setup, world, as_admin):
    page = as_admin.get("/admin/remarketing/templates/addons-email")
    assert "Delete template" not in page.body
    answer = as_admin.post("/admin/remarketing/templates/addons-email/delete", form={"csrf_token": page.csrf()})
    assert answer.status == 409 and "Tour add-ons" in answer.body
    token = as_admin.get("/admin/remarketing/templates/new").csrf()
    created = as_admin.post(
        "/admin/remarketing/templates", form={"csrf_token": token, **template_form(en=EN_HTML, de=DE_HTML)}
    )
    assert created.status == 303 and created.location == "/admin/remarketing/templates/follow-up?done=saved"
    answer = as_admin.post("/admin/remarketing/templates/follow-up/delete", form={"csrf_token": token})
    assert answer.status == 303 and config().get_template(world.program.program_id, "follow-up") is None


# ----------------------------------------------------------------------------- pages: channels


def test_channel_subjects_are_set_per_language(setup, world, as_admin):
    page = as_admin.get("/admin/remarketing/channels/chat")
    assert page.status == 200 and 'name="subject-en"' in page.body and 'name="subject-de"' in page.body
    form = {
        "csrf_token": page.csrf(),
        "subject-en": "From our chat: {{ booking.ref }}",
        "subject-de": "",
        "booking_url": "https://evil.example/{product}",
    }
    answer = as_admin.post("/admin/remarketing/channels/chat", form=form)
    assert answer.status == 400
    assert problems(answer.body) == [
        "Subjects: a subject is missing for: de",
        "Booking page: destination host is not allowed",
    ]
    assert config().get_channel_settings(world.program.program_id, "chat") is None

    form.update(
        {"subject-de": "Aus dem Chat: {{ booking.ref }}", "booking_url": "https://www.example.com/b/{booking_ref}"}
    )
    answer = as_admin.post("/admin/remarketing/channels/chat", form=form)
    assert answer.status == 303
    stored = config().get_channel_settings(world.program.program_id, "chat")
    assert stored.subjects.as_dict() == {
        "en": "From our chat: {{ booking.ref }}",
        "de": "Aus dem Chat: {{ booking.ref }}",
    }
    assert stored.booking_url == "https://www.example.com/b/{booking_ref}"
    assert as_admin.get("/admin/remarketing/channels/fax").status == 400  # not a sales channel


def test_pages_follow_the_chosen_program(setup, world, as_admin):
    from tests.helpers.programs import make_program

    make_program("other", name="Other Tours", languages=["en", "fr"])
    page = as_admin.get("/admin/remarketing", query={"program": "other"})
    assert page.status == 200 and "Other Tours" in page.body and "Tour add-ons" not in page.body
    assert 'href="/admin/remarketing/profiles/new?program=other"' in page.body
    form_page = as_admin.get("/admin/remarketing/channels/web", query={"program": "other"})
    assert (
        'name="subject-fr"' in form_page.body
        and 'action="/admin/remarketing/channels/web?program=other"' in form_page.body
    )
    assert as_admin.get("/admin/remarketing", query={"program": "nope"}).status == 404


# ----------------------------------------------------------------------------- JSON API


PROFILE_JSON = {
    "name": "API extras",
    "kind": "email",
    "rules": {"categories": ["cruises"], "min_amount": "100"},
    "offers": OFFERS[:2],
    "schedule": [{"anchor": "service", "days": -3, "template_id": "addons-email"}],
}


def test_the_api_creates_reads_replaces_and_deletes_profiles(setup, world, api_admin):
    base = "/api/admin/remarketing/profiles"
    created = api_admin.post(base, json={**PROFILE_JSON, "profile_id": "api-extras"})
    assert created.status == 201, created.body
    body = created.json
    assert body["profile_id"] == "api-extras" and body["rules"]["min_amount"] == "100"
    assert body["offers"][0] == {
        "code": "wine-tasting",
        "names": {"en": "Vineyard wine tasting", "de": "Weinprobe im Weingut"},
        "price": "64.50",
        "image_url": "https://cdn.example.net/wine.jpg",
        "link": "https://www.example.com/tours/wine-tasting",
    }
    assert api_admin.post(base, json={**PROFILE_JSON, "profile_id": "api-extras"}).status == 409

    listed = api_admin.get(base).json
    assert [p["profile_id"] for p in listed["profiles"]] == ["api-extras", "addons"]  # same priority: by name
    assert listed["email_enabled"] is True and listed["languages"] == ["en", "de"]

    replaced = api_admin.request("PUT", f"{base}/api-extras", json={**PROFILE_JSON, "name": "Renamed", "active": False})
    assert replaced.status == 200 and replaced.json["name"] == "Renamed" and replaced.json["active"] is False
    assert replaced.json["created_at"] == body["created_at"]
    assert api_admin.request("PUT", f"{base}/missing", json=PROFILE_JSON).status == 404
    mismatch = api_admin.request("PUT", f"{base}/api-extras", json={**PROFILE_JSON, "profile_id": "other"})
    assert mismatch.status == 400

    assert api_admin.request("DELETE", f"{base}/api-extras").status == 204
    assert api_admin.get(f"{base}/api-extras").status == 404
    assert api_admin.request("DELETE", f"{base}/api-extras").status == 404


def test_api_refusals_are_422_with_every_problem(setup, world, api_admin):
    base = "/api/admin/remarketing/profiles"
    bad = {**PROFILE_JSON, "offers": [{**OFFERS[0], "names": {"en": "Wine"}}], "schedule": []}
    answer = api_admin.post(base, json=bad)
    assert answer.status == 422
    assert {e["field"] for e in answer.json["errors"]} == {"offers[0].names", "schedule"}
    shape = api_admin.post(base, json={**PROFILE_JSON, "kind": "sms", "surprise": 1})
    assert shape.status == 422 and {e["field"] for e in shape.json["errors"]} >= {"body.kind", "body.surprise"}
    assert [p["profile_id"] for p in api_admin.get(base).json["profiles"]] == ["addons"]


def test_the_api_refuses_a_template_missing_a_language_and_previews_without_saving(setup, world, api_admin):
    base = "/api/admin/remarketing/templates"
    refused = api_admin.post(base, json={"template_id": "t2", "name": "T2", "bodies": {"en": {"html": EN_HTML}}})
    assert refused.status == 422 and refused.json["missing_languages"] == ["de"]
    assert "content is missing for de" in refused.json["message"]
    assert api_admin.get(f"{base}/t2").status == 404

    unsaved = {"name": "T2", "bodies": {"en": {"html": "<p>{{ offers[0].name ~ ' & more' }}</p>"}, "de": {"html": "x"}}}
    preview = api_admin.post(
        "/api/admin/remarketing/preview", json={"template": unsaved, "lang": "en", "profile_id": "addons"}
    )
    assert preview.status == 200, preview.body
    assert preview.json["subject"] == "Add to your trip BK-20417"
    assert preview.json["html"].startswith("<p>Vineyard wine tasting &amp; more</p>")
    assert "https://example.invalid/unsubscribe/sample" in preview.json["text"]
    assert api_admin.get(f"{base}/t2").status == 404

    saved = api_admin.post("/api/admin/remarketing/preview", json={"template_id": "addons-email", "lang": "de"})
    assert saved.status == 200 and "Sample tour" in saved.json["html"]
    both = api_admin.post(
        "/api/admin/remarketing/preview", json={"template_id": "x", "template": unsaved, "lang": "en"}
    )
    assert both.status == 422
    assert api_admin.post("/api/admin/remarketing/preview", json={"template_id": "nope", "lang": "en"}).status == 404
    assert (
        api_admin.post("/api/admin/remarketing/preview", json={"template_id": "addons-email", "lang": "fr"}).status
        == 422
    )

    listed = api_admin.get(base).json
    assert [(t["template_id"], t["used_by"], t["missing_languages"]) for t in listed["templates"]] == [
        ("addons-email", ["Tour add-ons"], [])
    ]
    assert api_admin.request("DELETE", f"{base}/addons-email").status == 409


def test_the_api_sets_a_channels_subjects(setup, world, api_admin):
    base = "/api/admin/remarketing/channels"
    body = {"subjects": {"en": "Hello {{ booking.ref }}", "de": "Hallo {{ booking.ref }}"}, "from_name": "Shop"}
    answer = api_admin.request("PUT", f"{base}/concierge", json=body)
    assert answer.status == 200 and answer.json["channel"] == "concierge" and answer.json["from_name"] == "Shop"
    assert api_admin.get(f"{base}/concierge").json["subjects"] == body["subjects"]
    assert api_admin.request("PUT", f"{base}/concierge", json={**body, "channel": "chat"}).status == 400
    assert api_admin.request("PUT", f"{base}/fax", json=body).status == 422
    assert api_admin.get(f"{base}/chat").status == 404
    assert [c["channel"] for c in api_admin.get(base).json["channels"]] == ["web", "phone", "concierge"]


# ----------------------------------------------------------------------------- permissions


OPERATORS_OWN = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["OPERATOR#*"]}}


def config_table_grants() -> dict[str, dict]:
    """action -> its condition, for PortalDataPolicy's statements on ConfigTable (template.yaml)."""
    from tests.helpers.policies import decided, listed
    from tests.helpers.stack import STACK

    document = STACK.resources["PortalDataPolicy"]["Properties"]["PolicyDocument"]
    grants = {}
    for statement in decided(document["Statement"]):
        if {"Fn::GetAtt": ["ConfigTable", "Arn"]} not in listed(statement["Resource"]):
            continue
        if statement.get("Condition") == OPERATORS_OWN:
            continue  # operators' own settings, not a program's (tests/unit/test_portal_permissions.py)
        for action in listed(statement["Action"]):
            grants[action.removeprefix("dynamodb:")] = statement.get("Condition", {})
    return grants


def test_the_portal_and_api_may_make_exactly_the_calls_the_console_makes_on_program_partitions(setup, api_admin):
    from tests.helpers.stack import RECORDER

    with RECORDER.listening():
        base = "/api/admin/remarketing"
        api_admin.post(f"{base}/profiles", json={**PROFILE_JSON, "profile_id": "p2"})
        api_admin.request("PUT", f"{base}/profiles/p2", json=PROFILE_JSON)
        api_admin.get(f"{base}/profiles")
        api_admin.request("DELETE", f"{base}/profiles/p2")
        api_admin.post(
            f"{base}/templates",
            json={"template_id": "t2", "name": "T", "bodies": {"en": {"html": "a"}, "de": {"html": "b"}}},
        )
        api_admin.request("DELETE", f"{base}/templates/t2")
        api_admin.request("PUT", f"{base}/channels/chat", json={"subjects": {"en": "a", "de": "b"}})
        api_admin.post(f"{base}/preview", json={"template_id": "addons-email", "lang": "en"})
    # The console's gate asks the user pool whether the operator has its authenticator app (AdminGetUser).
    made = set(RECORDER.calls) - {"AdminGetUser"}
    assert made == {"GetItem", "Query", "PutItem", "DeleteItem", "UpdateItem"}, made  # no Scan, nothing else

    grants = config_table_grants()
    assert set(grants) == made
    partition_only = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["PROGRAM#*"]}}
    for action in ("Query", "PutItem", "DeleteItem", "UpdateItem"):
        assert grants[action] == partition_only, action
