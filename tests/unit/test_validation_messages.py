"""Validation errors in plain words (waymark.web.messages): each pydantic error type our models raise,
made by pydantic itself, said as a sentence naming the field and what is allowed, in each language."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

import pytest
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from waymark.web import messages


class Kind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


def _no_spaces(value: str) -> str:
    if " " in value:
        raise ValueError("the code has no spaces")
    return value


class Sample(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field("x", min_length=1, max_length=5)
    code: str = Field("abc", min_length=3, pattern=r"^[A-Za-z0-9_-]+$")
    amount: Decimal = Field(Decimal(1), ge=0, le=100, decimal_places=2)
    days: int = Field(1, gt=0, lt=400)
    ratio: float = 1.0
    kind: Kind = Kind.PERCENT
    status: Literal["active", "disabled"] = "active"
    on: bool = True
    site: HttpUrl = HttpUrl("https://example.com")
    day: date = date(2026, 1, 1)
    at: datetime = datetime(2026, 1, 1)
    domains: list[str] = Field(default_factory=lambda: ["a"], min_length=1, max_length=2)
    ours: Annotated[str, AfterValidator(_no_spaces)] = "a"
    checked: str = "a"

    @field_validator("checked")
    @classmethod
    def _checked(cls, value: str) -> str:
        if value == "bad":
            raise ValueError("checked may not be bad")
        return value


class Required(BaseModel):
    allowed_domains: str


def error_of(model: type[BaseModel], data: dict) -> dict:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    [problem] = caught.value.errors(include_url=False, include_input=False)
    return problem


CASES = [
    # (input, pydantic's type, English, German)
    ({}, "missing", "Allowed domains is required.", "Allowed domains ist erforderlich."),
    ({"name": ""}, "string_too_short", "Name is required.", "Name ist erforderlich."),
    ({"code": "ab"}, "string_too_short", "Code must be at least 3 characters long.", "mindestens 3 Zeichen"),
    ({"name": "toolong"}, "string_too_long", "Name must be at most 5 characters long.", "höchstens 5 Zeichen"),
    ({"code": "a b c"}, "string_pattern_mismatch", "Code may contain only letters, digits, - and _.", "Buchstaben"),
    ({"name": 5}, "string_type", "Name must be text.", "Name muss ein Text sein."),
    ({"amount": "ten"}, "decimal_parsing", "Amount must be a number such as 12.50.", "Zahl wie 12.50"),
    ({"amount": "1.234"}, "decimal_max_places", "Amount may have at most 2 decimals.", "2 Nachkommastellen"),
    ({"amount": "-1"}, "greater_than_equal", "Amount must be at least 0.", "mindestens 0"),
    ({"amount": "101"}, "less_than_equal", "Amount must be at most 100.", "höchstens 100"),
    ({"days": "x"}, "int_parsing", "Days must be a whole number such as 30.", "ganze Zahl"),
    ({"days": 1.5}, "int_from_float", "Days must be a whole number such as 30.", "ganze Zahl"),
    ({"days": 0}, "greater_than", "Days must be more than 0.", "größer als 0"),
    ({"days": 400}, "less_than", "Days must be less than 400.", "kleiner als 400"),
    ({"ratio": "x"}, "float_parsing", "Ratio must be a number such as 12.5.", "Zahl wie 12.5"),
    ({"kind": "bonus"}, "enum", "Kind must be one of: percent or fixed.", "eines davon sein: percent oder fixed"),
    (
        {"status": "paused"},
        "literal_error",
        "Status must be one of: active or disabled.",
        "eines davon sein: active oder disabled",
    ),
    ({"on": "maybe"}, "bool_parsing", "On must be yes or no.", "ja oder nein"),
    ({"site": "not a url"}, "url_parsing", "Site must be a web address such as https://www.example.com/page.", "Web"),
    ({"site": "ftp://example.com"}, "url_scheme", "Site must start with http or https.", "http oder https"),
    ({"day": "someday"}, "date_from_datetime_parsing", "Day must be a date such as 2026-05-31.", "Datum"),
    (
        {"at": "soon"},
        "datetime_from_date_parsing",
        "At must be a date and time such as 2026-05-31T14:30:00Z.",
        "Uhrzeit",
    ),
    ({"domains": []}, "too_short", "Domains needs at least 1 entry.", "mindestens 1 Eintrag"),
    ({"domains": ["a", "b", "c"]}, "too_long", "Domains takes at most 2 entries.", "höchstens 2 Einträge"),
    ({"domains": "a"}, "list_type", "Domains must be a list.", "Liste"),
    ({"surprise": 1}, "extra_forbidden", "Surprise is not a field this accepts.", "kein zulässiges Feld"),
    ({"ours": "a b"}, "value_error", "the code has no spaces", "the code has no spaces"),
    ({"checked": "bad"}, "value_error", "checked may not be bad", "checked may not be bad"),
]


@pytest.mark.parametrize(("data", "kind", "english", "german"), CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_error_type_is_a_plain_sentence_in_each_language(data, kind, english, german):
    problem = error_of(Required if kind == "missing" else Sample, data)
    assert problem["type"] == kind  # pydantic still reports this type: the table entry is exercised
    assert messages.explain(problem, "en") == english
    assert german in messages.explain(problem, "de")
    for lang in messages.languages():
        said = messages.explain(problem, lang)
        assert "should" not in said and "Input" not in said and "Value error" not in said, said


def test_every_type_has_a_sentence_in_every_language():
    for lang, table in messages.TABLES.items():
        assert set(table) == set(messages.TABLES["en"]), lang


def test_the_field_is_named_by_its_label_when_the_page_gives_one():
    problem = error_of(Sample, {"name": ""})
    assert messages.explain(problem, "en", {"name": "Link name"}) == "Link name is required."
    nested = {"type": "missing", "loc": ("body", "commission_rules", 0, "value"), "msg": "Field required"}
    assert messages.explain(nested, "en") == "Commission rules, entry 1, value is required."
    assert messages.explain(nested, "de") == "Commission rules, Eintrag 1, value ist erforderlich."


def test_an_unknown_type_keeps_pydantics_words_rather_than_none():
    assert messages.explain({"type": "new_kind", "loc": ("x",), "msg": "Something odd"}, "en") == "Something odd"


def test_the_api_shape_keeps_loc_and_type_beside_the_sentence():
    with pytest.raises(ValidationError) as caught:
        Sample.model_validate({"amount": "ten"})
    [problem] = messages.problems(caught.value, "en")
    assert problem == {
        "field": "amount",
        "loc": ["amount"],
        "type": "decimal_parsing",
        "message": "Amount must be a number such as 12.50.",
    }


@pytest.mark.parametrize(
    ("accept", "offered", "default", "chosen"),
    [
        ("de-CH,de;q=0.9,en;q=0.8", ["en", "de"], "en", "de"),
        ("fr,en;q=0.5", ["en", "de"], "de", "en"),  # French is not the program's: its next choice
        ("fr", ["en", "de"], "de", "de"),  # none of the program's: the program's default
        ("de", ["en"], "en", "en"),  # not a language of this program
        ("en;q=0.2,de;q=0.9", ["en", "de"], "en", "de"),
        ("", [], None, "en"),
        ("es", ["es", "en"], "es", "en"),  # no table for Spanish yet: English
        ("x;q=abc,de", ["de"], "en", "de"),
    ],
)
def test_the_language_is_the_callers_choice_among_the_programs(accept, offered, default, chosen):
    assert messages.choose_language(accept, offered, default) == chosen


def test_an_empty_form_field_sent_as_none_is_required_not_of_the_wrong_type():
    with pytest.raises(ValidationError) as caught:
        Required.model_validate({"allowed_domains": None})
    [problem] = caught.value.errors(include_url=False)
    assert problem["type"] == "string_type"
    assert messages.explain(problem, "en") == "Allowed domains is required."
    [shown] = messages.problems(caught.value, "de")
    assert shown["message"] == "Allowed domains ist erforderlich." and "input" not in shown
