"""What operators configure: templates for every language, profiles, channel subjects, preview,
and the program flag the postback reads."""

import pytest
from pydantic import ValidationError

from tests.helpers.remarketing import DE_HTML, EN_HTML, OFFERS, configure


@pytest.fixture
def program(shop):
    return shop.program


def config():
    from waymark.remarketing import config

    return config


def template(bodies: dict, template_id: str = "t1"):
    return config().TemplateInput(template_id=template_id, name="T", bodies=bodies)


def stored_templates(program) -> list[str]:
    return [t.template_id for t in config().list_templates(program.program_id)]


def test_a_template_missing_a_language_is_refused_naming_it(program):
    program.languages = ["en", "de", "fr"]
    with pytest.raises(config().TemplateRejected) as refused:
        config().save_template(program, template({"en": {"html": EN_HTML}, "de": {"html": "   "}}))

    assert refused.value.missing_languages == ["de", "fr"]
    assert "content is missing for de, fr" in str(refused.value)
    assert stored_templates(program) == []


def test_template_errors_are_refused_with_language_part_and_line(program):
    bad = {
        "en": {"html": "<p>Hello</p>\n{% for offer in offers %}{{ offer.name }}"},
        "de": {"html": DE_HTML, "text": "{{ booking.nonsense }}"},
    }
    with pytest.raises(config().TemplateRejected) as refused:
        config().save_template(program, template(bad))

    errors = {e["field"]: e["message"] for e in refused.value.errors}
    assert "endfor" in errors["bodies.en.html"] and "(line 2)" in errors["bodies.en.html"]
    assert "nonsense" in errors["bodies.de.text"]
    assert refused.value.missing_languages == []
    assert stored_templates(program) == []


def test_templates_run_sandboxed(program):
    escape = {"en": {"html": "{{ offers.__class__.__mro__ }}"}, "de": {"html": "{{ ''.__class__ }}"}}
    with pytest.raises(config().TemplateRejected) as refused:
        config().save_template(program, template(escape))
    assert {e["field"] for e in refused.value.errors} == {"bodies.en.html", "bodies.de.html"}


def test_a_language_the_program_lacks_is_refused(program):
    with pytest.raises(config().TemplateRejected, match="not saved"):
        config().save_template(program, template({"en": {"html": "a"}, "de": {"html": "b"}, "it": {"html": "c"}}))


def test_a_complete_template_is_stored_and_replaced_by_id(program):
    first = config().save_template(program, template({"en": {"html": EN_HTML}, "de": {"html": DE_HTML}}))
    config().save_template(program, template({"en": {"html": "<p>v2</p>"}, "de": {"html": "<p>v2</p>"}}))

    stored = config().get_template(program.program_id, "t1")
    assert stored.bodies["en"]["html"] == "<p>v2</p>" and stored.created_at == first.created_at
    assert stored_templates(program) == ["t1"]


def test_profiles_keep_the_programs_email_flag_true_exactly_when_one_sends_email(program):
    from waymark.models import Program

    def flag():
        return Program.get(*Program.key(program.program_id)).settings.as_dict()["remarketing"]

    setup = configure(program, kind="web", schedule=[])
    assert flag() == {"email": False, "web": True}
    configure(program, kind="both")
    assert flag() == {"email": True, "web": True}
    configure(program, kind="email", profile_id="second")
    config().delete_profile(program, setup.profile.profile_id)
    assert flag() == {"email": True, "web": False}
    paused = config().ProfileInput(
        profile_id="second",
        name="paused",
        kind="email",
        active=False,
        offers=OFFERS,
        schedule=[{"anchor": "booking", "days": 1, "template_id": "addons-email"}],
    )
    config().save_profile(program, paused)
    assert flag() == {"email": False, "web": False}


def test_a_profile_with_problems_is_refused_listing_each(program):
    configure(program)
    offers = [
        {**OFFERS[0], "names": {"en": "Wine"}},  # no German name
        {**OFFERS[1], "link": "https://evil.example/phish"},
        {**OFFERS[1], "image_url": "javascript:alert(1)"},
    ]
    data = config().ProfileInput(
        name="Bad",
        kind="email",
        rules={"languages": ["fr"]},
        offers=offers,
        schedule=[
            {"anchor": "booking", "days": -1, "template_id": "addons-email"},
            {"anchor": "service", "days": -7, "template_id": "nope"},
        ],
    )
    with pytest.raises(config().ConfigRejected) as refused:
        config().save_profile(program, data)

    fields = {e["field"] for e in refused.value.errors}
    assert fields == {
        "rules.languages",
        "offers",
        "offers[0].names",
        "offers[1].link",
        "offers[2].image_url",
        "schedule[0].days",
        "schedule[1].template_id",
    }
    assert [p.profile_id for p in config().list_profiles(program.program_id)] == ["addons"]


def test_profile_input_shapes_are_validated():
    with pytest.raises(ValidationError):
        config().ProfileInput(name="x", offers=[])  # something to offer
    with pytest.raises(ValidationError):
        config().ProfileInput(name="x", offers=OFFERS, kind="sms")
    with pytest.raises(ValidationError):
        config().ProfileInput(name="x", offers=[{**OFFERS[0], "price": "-1"}])
    with pytest.raises(ValidationError):
        config().ProfileInput(name="x", offers=OFFERS, surprise=True)


def test_an_email_profile_needs_a_schedule(program):
    configure(program)
    with pytest.raises(config().ConfigRejected, match="not saved") as refused:
        config().save_profile(program, config().ProfileInput(name="x", kind="both", offers=OFFERS))
    assert refused.value.errors == [{"field": "schedule", "message": "an email profile needs at least one send day"}]


def test_a_template_in_use_cannot_be_deleted(program):
    configure(program)
    with pytest.raises(config().ConfigRejected, match="Tour add-ons"):
        config().delete_template(program, "addons-email")
    config().delete_profile(program, "addons")
    config().delete_template(program, "addons-email")
    with pytest.raises(config().NotFound):
        config().delete_template(program, "addons-email")


def test_channel_subjects_are_needed_for_every_language_and_booking_pages_on_allowed_domains(program):
    channel = config().ChannelSettingsInput
    with pytest.raises(config().ConfigRejected) as refused:
        config().save_channel_settings(
            program,
            channel(
                channel="chat", subjects={"en": "Hi {{ booking.ref }"}, booking_url="https://evil.example/{product}"
            ),
        )
    errors = {e["field"]: e["message"] for e in refused.value.errors}
    assert errors["subjects"] == "a subject is missing for: de"
    assert "subjects.en" in errors and errors["booking_url"] == "destination host is not allowed"

    with pytest.raises(config().ConfigRejected) as refused:
        config().save_channel_settings(
            program,
            channel(channel="chat", subjects={"en": "a", "de": "b"}, booking_url="https://www.example.com/{secret}"),
        )
    assert "unknown placeholder {secret}" in refused.value.errors[0]["message"]
    assert config().list_channel_settings(program.program_id) == []

    saved = config().save_channel_settings(program, channel(channel="chat", subjects={"en": "a", "de": "b"}))
    assert config().get_channel_settings(program.program_id, "chat").subjects.as_dict() == {"en": "a", "de": "b"}
    assert saved.channel == "chat"


def test_preview_renders_sample_data_in_the_language_with_the_channel_subject(program):
    configure(program, offers=[{**OFFERS[0], "names": {"en": "<b>Wine</b> & dine", "de": "Wein"}}, OFFERS[1]])
    preview = config().preview(program, template="addons-email", lang="en", channel="web", profile_id="addons")

    assert preview.subject == "Add to your trip BK-20417"
    assert "&lt;b&gt;Wine&lt;/b&gt; &amp; dine" in preview.html  # autoescaped
    assert "64.50 EUR" in preview.html and "Old town walking tour" in preview.html
    assert "https://example.invalid/unsubscribe/sample" in preview.text

    unsaved = config().TemplateInput(name="draft", bodies={"en": {"html": "<p>{{ program.name }}</p>"}})
    draft = config().preview(program, template=unsaved, lang="en", channel="phone")
    assert draft.subject == "As discussed on the phone: more for your trip"
    assert "<p>Example Tours</p>" in draft.html and "Unsubscribe" in draft.html  # footer added
    with pytest.raises(config().TemplateRejected):
        config().preview(program, template=unsaved, lang="de")


def test_operators_can_suppress_an_address_without_storing_it(aws, program):
    import boto3

    from waymark.remarketing.suppression import is_suppressed, suppress_email

    suppress_email("Someone@Example.org")
    assert is_suppressed("someone@example.org")
    items = boto3.client("dynamodb").scan(TableName=aws.physical["RemarketingTable"]["Ref"])["Items"]
    assert len(items) == 1 and "someone" not in str(items).lower()
