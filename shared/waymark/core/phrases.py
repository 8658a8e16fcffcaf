"""Sentences people read, in every language Waymark ships: a catalogue of phrases keyed by id.

A `Phrase` is one catalogue entry: its id and its text in each shipped language, with
{placeholders}. Calling it with the parameters gives a `Said`: a str holding the English sentence
(logs, tests and code that only knows str read it as before) that keeps its phrase and parameters,
so whoever answers a person says it in that person's language (`in_language`), never by matching
English text. A language a phrase lacks reads English.

The catalogues are modules of phrases: waymark.wording (pages, forms, the JSON API) and
waymark.conversions.postback_wording (the postback, whose cold start loads no waymark.web).
"""

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

SHIPPED = ("en", "de")
DEFAULT_LANGUAGE = "en"

PHRASES: dict[str, "Phrase"] = {}  # every phrase by id, for the catalogue's own test


class Phrase:
    """One sentence of the catalogue: `Phrase("coupon.taken", en="{code} is taken.", de="{code} ist vergeben.")`."""

    __slots__ = ("id", "texts")

    def __init__(self, id: str, **texts: str) -> None:
        if "en" not in texts:
            raise ValueError(f"phrase {id} has no English text, the fallback of every language")
        if id in PHRASES:
            raise ValueError(f"two phrases are called {id}")
        self.id, self.texts = id, texts
        PHRASES[id] = self

    def __call__(self, **params: Any) -> "Said":
        return Said(self, params)

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts["en"]

    def placeholders(self, lang: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.texts[lang]) if name is not None}

    def __repr__(self) -> str:
        return f"Phrase({self.id!r})"


class Sayable(str):
    """A sentence for people that can say itself in another language: the English text is the str."""

    def __str__(self) -> str:
        return self  # str(error) keeps it, so an answer further up can still translate it

    def in_language(self, lang: str) -> str:
        raise NotImplementedError


class Said(Sayable):
    """A phrase said with its parameters: the English sentence, able to say itself in another language."""

    phrase: Phrase
    params: dict[str, Any]

    def __new__(cls, phrase: Phrase, params: Mapping[str, Any]) -> "Said":
        english = phrase.texts["en"].format(**params)
        said = super().__new__(cls, english)
        said.phrase, said.params = phrase, dict(params)
        return said

    def __reduce__(self):
        return (Said, (self.phrase, self.params))

    def in_language(self, lang: str) -> str:
        params = {name: in_language(value, lang) for name, value in self.params.items()}
        return self.phrase.text(lang).format(**params)


class _AsSentence(Sayable):
    """A clause said as a sentence: a capital first letter and a full stop, in whichever language."""

    clause: Sayable

    def __new__(cls, clause: Sayable) -> "_AsSentence":
        sentence = super().__new__(cls, _capital(clause))
        sentence.clause = clause
        return sentence

    def in_language(self, lang: str) -> str:
        return _capital(self.clause.in_language(lang))


def _capital(text: str) -> str:
    text = str.__str__(text).rstrip(".")
    return f"{text[:1].upper()}{text[1:]}."


def as_sentence(text: str) -> str:
    """ "the code is wrong" as "The code is wrong.", keeping a catalogue phrase translatable."""
    return _AsSentence(text) if isinstance(text, Sayable) else _capital(text)


def in_language(value: Any, lang: str) -> Any:
    """`value` in `lang`: a sentence (Sayable) is said in it, lists and dicts are gone through; anything else
    is kept."""
    if isinstance(value, Sayable):
        return value.in_language(lang)
    if isinstance(value, dict):
        return {key: in_language(item, lang) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [in_language(item, lang) for item in value]
    return value


def choose_language(accept_language: str, offered: Sequence[str], default: str | None) -> str:
    """The caller's first choice (Accept-Language, by weight) among `offered`, else `default`, else English;
    only a shipped language is chosen (a regional tag reads its language: de-CH is de)."""
    wanted = []
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        match = re.search(r"q=([0-9.]{1,5})", params)
        if match:
            try:
                weight = float(match.group(1))
            except ValueError:
                weight = 0.0
        if tag and weight > 0:
            wanted.append((-weight, position, tag.lower().split("-")[0]))
    available = [lang.lower().split("-")[0] for lang in offered]
    for _, _, lang in sorted(wanted):
        if lang in available and lang in SHIPPED:
            return lang
    base = (default or DEFAULT_LANGUAGE).lower().split("-")[0]
    return base if base in SHIPPED else DEFAULT_LANGUAGE
