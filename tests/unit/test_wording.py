"""The message catalogue (waymark.core.phrases): every sentence in every shipped language, said in the reader's."""

import json
import string
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from devstack.template import ROOT
from waymark import wording
from waymark.click import click_wording
from waymark.conversions import postback_wording
from waymark.core import field_messages, phrases

CATALOGUES = (wording, postback_wording, click_wording)


def _phrases() -> list[phrases.Phrase]:
    found = [value for module in CATALOGUES for value in vars(module).values() if isinstance(value, phrases.Phrase)]
    assert len(found) > 100  # both catalogues were read
    return found


def test_every_phrase_has_every_shipped_language_with_the_same_placeholders():
    for phrase in _phrases():
        assert phrases.PHRASES[phrase.id] is phrase, phrase  # ids are unique: the registry holds this one
        english = phrase.placeholders("en")
        for lang in phrases.SHIPPED:
            assert phrase.texts.get(lang, "").strip(), (phrase.id, lang)
            assert phrase.placeholders(lang) == english, (phrase.id, lang)
            for _, name, _, _ in string.Formatter().parse(phrase.texts[lang]):
                assert not name or name.isidentifier(), (phrase.id, lang, name)  # {0} or {a.b} would not format
        assert set(phrase.texts) <= set(phrases.SHIPPED), phrase.id


def test_a_said_phrase_is_english_text_that_says_itself_in_german_with_its_parameters():
    said = wording.FIELD_TOO_LONG(field="Name", maximum=120)
    assert said == "Name is longer than 120 characters" and isinstance(said, str)
    assert said.in_language("de") == "Name ist länger als 120 Zeichen"
    assert said.in_language("fr") == said  # a language without a text reads English
    error = ValueError(said)
    assert isinstance(str(error), phrases.Said) and str(error).in_language("de").startswith("Name ist")
    nested = wording.PAGE_ON_ALLOWED_DOMAINS(name="order_page_url", error=wording.URL_INVALID(field="x"))
    assert nested.in_language("de") == (
        "order_page_url: x ist keine gültige URL (es muss eine https-Seite auf einer der erlaubten Domains sein)"
    )
    body = {"message": said, "errors": [{"field": "name", "message": said}], "status": 400}
    assert phrases.in_language(body, "de") == {
        "message": "Name ist länger als 120 Zeichen",
        "errors": [{"field": "name", "message": "Name ist länger als 120 Zeichen"}],
        "status": 400,
    }


def test_a_phrase_needs_english_and_a_unique_id():
    with pytest.raises(ValueError, match="English"):
        phrases.Phrase("test.no_english", de="nur Deutsch")
    with pytest.raises(ValueError, match="two phrases"):
        phrases.Phrase(wording.FIELD_REQUIRED.id, en="again")


class _Zone(BaseModel):
    code: str

    @field_validator("code")
    @classmethod
    def _checked(cls, value: str) -> str:
        raise ValueError(wording.TIME_ZONE_UNKNOWN())


def test_our_validators_sentences_are_said_in_the_callers_language_not_matched_as_english():
    with pytest.raises(ValidationError) as caught:
        _Zone(code="Mars")
    [problem] = caught.value.errors(include_url=False)
    assert field_messages.explain(problem, "en").startswith("choose a time zone from the list")
    assert field_messages.explain(problem, "de").startswith("wählen Sie eine Zeitzone aus der Liste")
    [api] = field_messages.problems(caught.value, "de")
    assert api["type"] == "value_error" and api["message"].startswith("wählen Sie")


def test_the_postback_function_loads_no_page_code_for_its_messages():
    probe = (
        "import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import app; "
        "print(json.dumps(sorted(m for m in ('jinja2', 'waymark.web', 'waymark.portal') "
        "if m in sys.modules) + [('postback_wording' in dir(__import__('waymark.conversions').conversions))]))"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(ROOT / "functions" / "postback"), str(ROOT / "shared")],
                            capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    assert json.loads(result.stdout) == [True]  # its catalogue, and nothing of the pages'


def _german(call) -> str:
    """What a German reader is told when `call` refuses: its error's sentence said in German."""
    with pytest.raises(ValueError, match=r".") as caught:  # every refusal says something
        call()
    said = str(caught.value)
    assert isinstance(said, phrases.Sayable), said  # a catalogue phrase, not a literal English string
    return said.in_language("de")


def test_advertiser_partner_and_program_refusals_say_themselves_in_german():
    from waymark.conversions import advertisers
    from waymark.partners import management, qr_codes
    from waymark.programs import settings

    assert _german(lambda: advertisers.update_advertiser("adv", {"secret": "x"}, by="ops")) == (
        "diese Felder können hier nicht geändert werden: secret (erlaubt: name, allowed_cidrs, status)"
    )
    assert _german(lambda: advertisers.rotate_credentials("adv", grace_hours=-1, by="ops")).startswith(
        "die Übergangszeit beträgt 0 bis"
    )
    assert _german(lambda: management.partners_of("shop", status="gone")).startswith("status muss eines davon sein:")
    assert _german(lambda: management.change_status("ag1", "promote")).startswith(
        "'promote' ist keine Aktion für einen Partner: wählen Sie approve"
    )
    assert _german(lambda: settings.update_program("shop", {"program_id": "x"}, by="ops")).startswith(
        "diese Felder können hier nicht geändert werden: program_id (erlaubt: "
    )
    long_url = "https://t.example/c/abc?sub1=" + "x" * 3000
    assert _german(lambda: qr_codes.link_url(long_url, {})).startswith("der Link mit seinen Sub-IDs darf")


def test_mail_wording_and_email_template_refusals_say_themselves_in_german():
    from waymark.models import Program
    from waymark.partners import email_settings
    from waymark.remarketing import render, rules

    program = Program(program_id="shop", name="Shop", languages=["en", "de"], currency="EUR")
    empty = email_settings.WordingInput(subjects={"en": "Hi"}, bodies={"en": {"html": "<p>{{ range(5000) }}</p>"}})
    with pytest.raises(email_settings.ConfigRejected) as caught:
        email_settings.check(program, "approved", empty)
    assert str(caught.value).in_language("de") == "Der Wortlaut wurde nicht gespeichert."
    said = [e["message"].in_language("de") for e in caught.value.errors]
    assert said[:2] == ["für de fehlt ein Betreff", "für de fehlt der Inhalt"]
    assert said[2].startswith("range() darf höchstens 1000 Zahlen liefern") and len(said) == 3
    nested = "{% for a in b %}{% for c in d %}{% for e in f %}{% endfor %}{% endfor %}{% endfor %}"
    assert _german(lambda: render.render(nested, {}, html=True)).startswith("Schleifen dürfen höchstens 2")
    assert _german(lambda: rules.fill_booking_url("https://shop.example/{oops}", {})).startswith(
        "unbekannter Platzhalter {oops} (bekannt: "
    )


def test_the_public_pages_sentences_say_themselves_in_german():
    from waymark.click import destinations, rules
    from waymark.click.projections import LinkView, ProgramView
    from waymark.remarketing.tokens import BadToken, OfferLink

    allowed = destinations.allowed_domains(("www.example.com",))
    assert _german(lambda: destinations.check_destination("https://evil.example/", allowed)) == (
        "der Host des Ziels ist nicht erlaubt"
    )
    rules_said = destinations.allowed_domains(("www.example.com", "*.example.com")).described()
    assert rules_said == "www.example.com or any subdomain of example.com"
    assert rules_said.in_language("de") == "www.example.com oder jede Subdomain von example.com"
    program = ProgramView("shop", "https://www.example.com/", ("www.example.com",))
    link = LinkView("lnk", "ag1", "shop", "https://evil.example/")
    refused = rules.decide(rules.ClickRequest("lnk"), link, None, program, datetime.now(UTC))
    assert refused.status == 400 and refused.program is program
    assert (
        refused.message.in_language("de")
        == "Diesem Link kann nicht gefolgt werden: der Host des Ziels ist nicht erlaubt."
    )
    with pytest.raises(BadToken) as caught:
        OfferLink.parse("garbage", 0)
    assert str(caught.value).in_language("de") == "Dieser Link ist ungültig."


def test_decision_and_exchange_rate_refusals_say_themselves_in_german():
    from waymark.conversions import attribution, exchange

    assert _german(lambda: attribution.check_transition("approved", "pending", None)).startswith(
        "eine Conversion im Status approved kann "
    )
    assert _german(lambda: attribution.check_transition("pending", "rejected", None)) == (
        "sagen Sie, warum die Conversion rejected ist (ein Grundcode)"
    )
    assert _german(lambda: exchange.parse_rate("abc")) == "'abc' ist keine Dezimalzahl"
    assert _german(lambda: exchange.parse_rate("-1")).startswith("ein Kurs ist eine positive Zahl von")
