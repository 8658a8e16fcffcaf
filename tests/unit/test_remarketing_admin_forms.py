"""The remarketing console's forms: flat fields to the domain's inputs, problems named by the row shown."""

from datetime import date

from waymark.models import Program
from waymark.portal.remarketing import forms

PROGRAM = Program("PROGRAM#p", "PROGRAM", program_id="p", name="P", languages=["en", "de"], currency="EUR")


def test_problems_name_the_row_the_operator_sees_not_the_index_sent():
    found = forms.describe(
        [
            {"field": "offers[1].link", "message": "destination host is not allowed"},
            {"field": "offers.0.names.de", "message": "too long"},
            {"field": "schedule[0].days", "message": "cannot be negative"},
            {"field": "rules.languages", "message": "fr is not a language of the program"},
            {"field": "bodies.de.html", "message": "unexpected end"},
            {"field": "subjects.en", "message": "unexpected '}'"},
        ],
        {"offers": [0, 3], "schedule": [2]},
    )
    assert found.items == [
        ("Offered product 4, link", "destination host is not allowed"),
        ("Offered product 1, names", "too long"),
        ("Send day 3, days", "cannot be negative"),
        ("Rule: languages", "fr is not a language of the program"),
        ("Content (de, html)", "unexpected end"),
        ("Subject (en)", "unexpected '}'"),
    ]
    assert found.rows == {"offers-3", "offers-0", "schedule-2"}


def test_empty_rows_are_dropped_and_lists_split_on_commas_and_lines():
    posted = forms.posted_profile(
        {
            "name": "X",
            "kind": "email",
            "rules-products": "a, b\nc,,",
            "rules-language-de": "on",
            "rules-language-fr": "on",  # not a program language: not even read
            "offer-3-code": "tour",
            "offer-3-price": "10.5",
            "offer-3-name-en": "Tour",
            "offer-3-name-de": "",
            "step-4-days": "-2",
            "step-4-anchor": "service",
            "step-4-template_id": "t",
        },
        PROGRAM,
    )
    data, problems, positions = forms.profile_input(posted)
    assert not problems and positions == {"offers": [3], "schedule": [4]}
    assert data.rules.products == ["a", "b", "c"] and data.rules.languages == ["de"]
    assert data.active is False  # an unticked box is not sent
    assert [(o.code, o.names, str(o.price)) for o in data.offers] == [("tour", {"en": "Tour"}, "10.5")]
    assert [(s.anchor, s.days, s.template_id) for s in data.schedule] == [("service", -2, "t")]
    shown = forms.with_empty_rows(posted)
    assert len(shown["offers"]) == 4 + forms.EMPTY_ROWS and shown["offers"][3]["code"] == "tour"


def test_a_template_language_left_blank_is_left_out_for_the_domain_to_name():
    values = forms.posted_template({"name": "T", "html-en": "<p>a</p>", "html-de": "  ", "text-de": ""}, PROGRAM)
    data, problems = forms.template_input(values)
    assert not problems and set(data.bodies) == {"en"} and data.bodies["en"].text is None
    unnamed, _ = forms.template_input({**values, "name": ""}, for_preview=True)
    assert unnamed.name == "(preview)"  # a preview needs no name yet


def test_make_invoke_date_names_the_day_the_daily_job_runs_for():
    from devstack.__main__ import _scheduled_event
    from waymark.remarketing.sender import scheduled_date

    assert scheduled_date(_scheduled_event(date(2027, 3, 4))) == date(2027, 3, 4)
