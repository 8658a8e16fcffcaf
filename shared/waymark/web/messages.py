"""Validation errors in plain words, in the program's language: waymark.core.field_messages, by the
name pages and the JSON API know it (the postback uses that module directly: it loads no waymark.web)."""

from waymark.core.field_messages import (
    DEFAULT_LANGUAGE,
    PATTERNS,
    TABLES,
    choose_language,
    explain,
    label_of,
    languages,
    problems,
)

__all__ = ["DEFAULT_LANGUAGE", "PATTERNS", "TABLES", "choose_language", "explain", "label_of", "languages", "problems"]
