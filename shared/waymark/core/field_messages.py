"""Validation errors in plain words, in the program's language: one table for forms and the JSON API.

Pydantic's own texts ("String should have at least 1 character") are written for developers.
Each error type it reports is said here as a sentence naming the field and what is allowed
(a length, the choices, a format), in each language Waymark ships. The JSON API keeps
pydantic's `loc` and `type` beside the sentence, for programs.

The language is the caller's first Accept-Language choice among the program's languages, else
the program's default language, else English; a language without a table here reads English.

A message our own validators raise as a catalogue phrase (waymark.core.phrases) is said in the
chosen language; any other is kept as it is. This module imports nothing of waymark.web, so the
postback, whose cold start loads no page code, says its field errors with the same sentences;
waymark.web.messages is its name for pages and the JSON API.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from waymark.core import phrases
from waymark.core.phrases import DEFAULT_LANGUAGE, choose_language

__all__ = [
    "DEFAULT_LANGUAGE",
    "PATTERNS",
    "TABLES",
    "Explained",
    "choose_language",
    "explain",
    "label_of",
    "languages",
    "problems",
]

# Patterns our models use, said in words (anything else: "in the form shown").
PATTERNS: dict[str, dict[str, str]] = {
    r"^[A-Za-z0-9_-]+$": {"en": "letters, digits, - and _", "de": "Buchstaben, Ziffern, - und _"},
    r"^[A-Za-z0-9_-]{1,64}$": {"en": "letters, digits, - and _", "de": "Buchstaben, Ziffern, - und _"},
    r"^[A-Za-z0-9_-]{4,64}$": {
        "en": "4 to 64 letters, digits, - and _",
        "de": "4 bis 64 Buchstaben, Ziffern, - und _",
    },
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$": {
        "en": "a language code such as en or de-CH",
        "de": "ein Sprachcode wie en oder de-CH",
    },
}

Sentence = Callable[[str, Mapping[str, Any], str], str]  # (label, ctx, described pattern) -> text

_EN: dict[str, Sentence] = {
    "missing": lambda f, c, p: f"{f} is required.",
    "string_too_short": lambda f, c, p: (
        f"{f} is required." if c.get("min_length") == 1 else f"{f} must be at least {c['min_length']} characters long."
    ),
    "string_too_long": lambda f, c, p: f"{f} must be at most {c['max_length']} characters long.",
    "string_pattern_mismatch": lambda f, c, p: f"{f} may contain only {p}." if p else f"{f} is not in the form shown.",
    "string_type": lambda f, c, p: f"{f} must be text.",
    "decimal_parsing": lambda f, c, p: f"{f} must be a number such as 12.50.",
    "decimal_type": lambda f, c, p: f"{f} must be a number such as 12.50.",
    "decimal_max_places": lambda f, c, p: f"{f} may have at most {c['decimal_places']} decimals.",
    "decimal_max_digits": lambda f, c, p: f"{f} may have at most {c['max_digits']} digits.",
    "decimal_whole_digits": lambda f, c, p: f"{f} may have at most {c['whole_digits']} digits before the point.",
    "int_parsing": lambda f, c, p: f"{f} must be a whole number such as 30.",
    "int_type": lambda f, c, p: f"{f} must be a whole number such as 30.",
    "int_from_float": lambda f, c, p: f"{f} must be a whole number such as 30.",
    "float_parsing": lambda f, c, p: f"{f} must be a number such as 12.5.",
    "float_type": lambda f, c, p: f"{f} must be a number such as 12.5.",
    "greater_than": lambda f, c, p: f"{f} must be more than {c['gt']}.",
    "greater_than_equal": lambda f, c, p: f"{f} must be at least {c['ge']}.",
    "less_than": lambda f, c, p: f"{f} must be less than {c['lt']}.",
    "less_than_equal": lambda f, c, p: f"{f} must be at most {c['le']}.",
    "too_short": lambda f, c, p: (
        f"{f} needs at least {c['min_length']} {'entry' if c['min_length'] == 1 else 'entries'}."
    ),
    "too_long": lambda f, c, p: f"{f} takes at most {c['max_length']} entries.",
    "enum": lambda f, c, p: f"{f} must be one of: {_choices(c, 'or')}.",
    "literal_error": lambda f, c, p: f"{f} must be one of: {_choices(c, 'or')}.",
    "bool_parsing": lambda f, c, p: f"{f} must be yes or no.",
    "bool_type": lambda f, c, p: f"{f} must be yes or no.",
    "url_parsing": lambda f, c, p: f"{f} must be a web address such as https://www.example.com/page.",
    "url_scheme": lambda f, c, p: f"{f} must start with {_choices(c, 'or', key='expected_schemes')}.",
    "url_type": lambda f, c, p: f"{f} must be a web address such as https://www.example.com/page.",
    "url_too_long": lambda f, c, p: f"{f} must be at most {c['max_length']} characters long.",
    "date_parsing": lambda f, c, p: f"{f} must be a date such as 2026-05-31.",
    "date_from_datetime_parsing": lambda f, c, p: f"{f} must be a date such as 2026-05-31.",
    "date_type": lambda f, c, p: f"{f} must be a date such as 2026-05-31.",
    "datetime_parsing": lambda f, c, p: f"{f} must be a date and time such as 2026-05-31T14:30:00Z.",
    "datetime_from_date_parsing": lambda f, c, p: f"{f} must be a date and time such as 2026-05-31T14:30:00Z.",
    "list_type": lambda f, c, p: f"{f} must be a list.",
    "dict_type": lambda f, c, p: f"{f} must be a group of fields.",
    "model_type": lambda f, c, p: f"{f} must be a group of fields.",
    "model_attributes_type": lambda f, c, p: f"{f} must be a group of fields.",
    "extra_forbidden": lambda f, c, p: f"{f} is not a field this accepts.",
    "json_invalid": lambda f, c, p: "The body is not valid JSON.",
    "json_type": lambda f, c, p: "The body is not valid JSON.",
}

_DE: dict[str, Sentence] = {
    "missing": lambda f, c, p: f"{f} ist erforderlich.",
    "string_too_short": lambda f, c, p: (
        f"{f} ist erforderlich."
        if c.get("min_length") == 1
        else f"{f} muss mindestens {c['min_length']} Zeichen lang sein."
    ),
    "string_too_long": lambda f, c, p: f"{f} darf höchstens {c['max_length']} Zeichen lang sein.",
    "string_pattern_mismatch": lambda f, c, p: (
        f"{f} darf nur {p} enthalten." if p else f"{f} hat nicht die gezeigte Form."
    ),
    "string_type": lambda f, c, p: f"{f} muss ein Text sein.",
    "decimal_parsing": lambda f, c, p: f"{f} muss eine Zahl wie 12.50 sein.",
    "decimal_type": lambda f, c, p: f"{f} muss eine Zahl wie 12.50 sein.",
    "decimal_max_places": lambda f, c, p: f"{f} darf höchstens {c['decimal_places']} Nachkommastellen haben.",
    "decimal_max_digits": lambda f, c, p: f"{f} darf höchstens {c['max_digits']} Ziffern haben.",
    "decimal_whole_digits": lambda f, c, p: f"{f} darf höchstens {c['whole_digits']} Ziffern vor dem Punkt haben.",
    "int_parsing": lambda f, c, p: f"{f} muss eine ganze Zahl wie 30 sein.",
    "int_type": lambda f, c, p: f"{f} muss eine ganze Zahl wie 30 sein.",
    "int_from_float": lambda f, c, p: f"{f} muss eine ganze Zahl wie 30 sein.",
    "float_parsing": lambda f, c, p: f"{f} muss eine Zahl wie 12.5 sein.",
    "float_type": lambda f, c, p: f"{f} muss eine Zahl wie 12.5 sein.",
    "greater_than": lambda f, c, p: f"{f} muss größer als {c['gt']} sein.",
    "greater_than_equal": lambda f, c, p: f"{f} muss mindestens {c['ge']} sein.",
    "less_than": lambda f, c, p: f"{f} muss kleiner als {c['lt']} sein.",
    "less_than_equal": lambda f, c, p: f"{f} darf höchstens {c['le']} sein.",
    "too_short": lambda f, c, p: (
        f"{f} braucht mindestens {c['min_length']} {'Eintrag' if c['min_length'] == 1 else 'Einträge'}."
    ),
    "too_long": lambda f, c, p: f"{f} nimmt höchstens {c['max_length']} Einträge.",
    "enum": lambda f, c, p: f"{f} muss eines davon sein: {_choices(c, 'oder')}.",
    "literal_error": lambda f, c, p: f"{f} muss eines davon sein: {_choices(c, 'oder')}.",
    "bool_parsing": lambda f, c, p: f"{f} muss ja oder nein sein.",
    "bool_type": lambda f, c, p: f"{f} muss ja oder nein sein.",
    "url_parsing": lambda f, c, p: f"{f} muss eine Webadresse wie https://www.example.com/seite sein.",
    "url_scheme": lambda f, c, p: f"{f} muss mit {_choices(c, 'oder', key='expected_schemes')} beginnen.",
    "url_type": lambda f, c, p: f"{f} muss eine Webadresse wie https://www.example.com/seite sein.",
    "url_too_long": lambda f, c, p: f"{f} darf höchstens {c['max_length']} Zeichen lang sein.",
    "date_parsing": lambda f, c, p: f"{f} muss ein Datum wie 2026-05-31 sein.",
    "date_from_datetime_parsing": lambda f, c, p: f"{f} muss ein Datum wie 2026-05-31 sein.",
    "date_type": lambda f, c, p: f"{f} muss ein Datum wie 2026-05-31 sein.",
    "datetime_parsing": lambda f, c, p: f"{f} muss Datum und Uhrzeit wie 2026-05-31T14:30:00Z sein.",
    "datetime_from_date_parsing": lambda f, c, p: f"{f} muss Datum und Uhrzeit wie 2026-05-31T14:30:00Z sein.",
    "list_type": lambda f, c, p: f"{f} muss eine Liste sein.",
    "dict_type": lambda f, c, p: f"{f} muss eine Gruppe von Feldern sein.",
    "model_type": lambda f, c, p: f"{f} muss eine Gruppe von Feldern sein.",
    "model_attributes_type": lambda f, c, p: f"{f} muss eine Gruppe von Feldern sein.",
    "extra_forbidden": lambda f, c, p: f"{f} ist hier kein zulässiges Feld.",
    "json_invalid": lambda f, c, p: "Der Inhalt ist kein gültiges JSON.",
    "json_type": lambda f, c, p: "Der Inhalt ist kein gültiges JSON.",
}

TABLES: dict[str, dict[str, Sentence]] = {"en": _EN, "de": _DE}
_FORM = {"en": "The form", "de": "Das Formular"}
_ENTRY = {"en": "entry", "de": "Eintrag"}
_OUR_PREFIXES = ("Value error, ", "Assertion failed, ")


def languages() -> tuple[str, ...]:
    return tuple(TABLES)


def label_of(loc: Sequence[Any], labels: Mapping[str, str] | None = None, lang: str = DEFAULT_LANGUAGE) -> str:
    """What people call the field: the page's label when given, else its name in words ("Allowed cidrs, entry 2").

    Locations start with "body" or "query" for the API; those words name no field and are left out."""
    parts = [part for part in loc if part not in ("body", "query", "path")]
    dotted = ".".join(str(part) for part in parts)
    if labels and dotted in labels:
        return labels[dotted]
    words = []
    for part in parts:
        if isinstance(part, int):
            words.append(f"{_ENTRY.get(lang, _ENTRY['en'])} {part + 1}")
        elif labels and str(part) in labels:
            words.append(labels[str(part)])
        else:
            words.append(str(part).replace("_", " "))
    text = ", ".join(words) or _FORM.get(lang, _FORM["en"])
    return text[:1].upper() + text[1:]


def explain(problem: Mapping[str, Any], lang: str = DEFAULT_LANGUAGE, labels: Mapping[str, str] | None = None) -> str:
    """One pydantic error (an item of ValidationError.errors()) as a sentence people read."""
    message = str(problem.get("msg", ""))
    kind = str(problem.get("type", ""))
    if kind in ("value_error", "assertion_error") or message.startswith(_OUR_PREFIXES):
        raised = (problem.get("ctx") or {}).get("error")
        said = raised.args[0] if isinstance(raised, Exception) and raised.args else None
        if isinstance(said, phrases.Said):
            return said.in_language(lang)
        for prefix in _OUR_PREFIXES:
            message = message.removeprefix(prefix)
        return message
    if kind.endswith("_type") and "input" in problem and problem["input"] is None:
        kind = "missing"  # a form's empty field arrives as None: say it is required, not of the wrong type
    table = TABLES.get(lang, _EN)
    sentence = table.get(kind) or _EN.get(kind)
    if sentence is None:
        return message  # a type this table does not know yet: pydantic's words beat none
    ctx = problem.get("ctx") or {}
    pattern = PATTERNS.get(str(ctx.get("pattern", "")), {})
    try:
        return sentence(label_of(problem.get("loc", ()), labels, lang), ctx, pattern.get(lang) or pattern.get("en", ""))
    except (KeyError, TypeError):
        return message


class Explained(phrases.Sayable):
    """One pydantic error said in English now, and in the reader's language once it is known."""

    problem: Mapping[str, Any]
    labels: Mapping[str, str] | None

    def __new__(cls, problem: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> "Explained":
        explained = super().__new__(cls, explain(problem, DEFAULT_LANGUAGE, labels))
        explained.problem, explained.labels = problem, labels
        return explained

    def in_language(self, lang: str) -> str:
        return explain(self.problem, lang, self.labels)


def problems(
    error: ValidationError | Sequence[Mapping[str, Any]],
    lang: str = DEFAULT_LANGUAGE,
    labels: Mapping[str, str] | None = None,
    *,
    separator: str = ".",
) -> list[dict[str, Any]]:
    """[{"field", "loc", "type", "message"}]: the machine-readable location and type, and the sentence."""
    found = error.errors(include_url=False) if isinstance(error, ValidationError) else error
    return [
        {
            "field": separator.join(str(part) for part in problem.get("loc", ())),
            "loc": list(problem.get("loc", ())),
            "type": problem.get("type"),
            "message": explain(problem, lang, labels),
        }
        for problem in found
    ]


def _choices(ctx: Mapping[str, Any], word: str, *, key: str = "expected") -> str:
    """Pydantic's "'a', 'b' or 'c'" with the language's "or" and without the quotes."""
    expected = str(ctx.get(key, ""))
    items = [item.strip().strip("'\"") for item in re.split(r",| or ", expected) if item.strip()]
    if len(items) < 2:
        return ", ".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
