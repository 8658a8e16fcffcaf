"""The click path's sentences (`/c/{code}`'s pages and its destination checks), in each shipped language.

The click function's own small catalogue, like /postback's waymark.conversions.postback_wording: it
imports only waymark.core.phrases (no waymark.wording, whose neighbours the click path must not load).
The pages' headings stay English (docs/operators.md "Languages of messages").
"""

from waymark.core.phrases import Phrase

# ---------------------------------------------------------------------------- the page a visitor sees

LINK_UNKNOWN = Phrase(
    "click.link_unknown", en="This tracking link does not exist.", de="Diesen Tracking-Link gibt es nicht."
)
SUB_ID_TOO_LONG = Phrase(
    "click.sub_id_too_long",
    en="{name} is longer than {maximum} characters.",
    de="{name} ist länger als {maximum} Zeichen.",
)
CANNOT_FOLLOW = Phrase(
    "click.cannot_follow",
    en="This link cannot be followed: {error}.",
    de="Diesem Link kann nicht gefolgt werden: {error}.",
)
TOO_MANY_PARAMETERS = Phrase(
    "click.too_many_parameters",
    en="Too many query parameters (at most {maximum}).",
    de="Zu viele Query-Parameter (höchstens {maximum}).",
)
QUERY_MALFORMED = Phrase(
    "click.query_malformed",
    en="the query string is malformed or has too many parameters",
    de="die Query ist fehlerhaft oder hat zu viele Parameter",
)
BRIEFLY_UNAVAILABLE = Phrase(
    "click.briefly_unavailable",
    en="This link is briefly unavailable. Please retry in a moment.",
    de="Dieser Link ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
)

# ---------------------------------------------------------------------------- where a link may send a visitor

NOT_A_DOMAIN_RULE = Phrase(
    "click.not_a_domain_rule",
    en="{raw} is not a domain rule: write a host like shop.example.com or *.example.com for its subdomains",
    de="{raw} ist keine Domain-Regel: schreiben Sie einen Host wie shop.example.com oder *.example.com für "
    "seine Subdomains",
)
DESTINATION_EMPTY = Phrase("click.destination_empty", en="destination is empty", de="das Ziel ist leer")
DESTINATION_TOO_LONG = Phrase(
    "click.destination_too_long",
    en="destination is longer than {maximum} characters",
    de="das Ziel ist länger als {maximum} Zeichen",
)
DESTINATION_CHARACTERS = Phrase(
    "click.destination_characters",
    en="destination contains whitespace, control characters or backslashes",
    de="das Ziel enthält Leerzeichen, Steuerzeichen oder Backslashes",
)
DESTINATION_ENCODED_CONTROL = Phrase(
    "click.destination_encoded_control",
    en="destination contains encoded control characters",
    de="das Ziel enthält kodierte Steuerzeichen",
)
DESTINATION_INVALID = Phrase(
    "click.destination_invalid", en="destination is not a valid URL", de="das Ziel ist keine gültige URL"
)
DESTINATION_HTTPS = Phrase(
    "click.destination_https",
    en="destination must be an https URL",
    de="das Ziel muss eine https-URL sein",
)
DESTINATION_WEB = Phrase(
    "click.destination_web",
    en="destination must be a web URL (http or https)",
    de="das Ziel muss eine Web-URL sein (http oder https)",
)
DESTINATION_ABSOLUTE = Phrase(
    "click.destination_absolute",
    en="destination must be an absolute URL, like https://shop.example.com/page",
    de="das Ziel muss eine absolute URL sein, wie https://shop.example.com/page",
)
DESTINATION_HOST = Phrase(
    "click.destination_host",
    en="destination host is not allowed",
    de="der Host des Ziels ist nicht erlaubt",
)
ANY_SUBDOMAIN = Phrase("click.any_subdomain", en="any subdomain of {domains}", de="jede Subdomain von {domains}")
NO_DOMAIN_YET = Phrase("click.no_domain_yet", en="no domain yet", de="noch keine Domain")
ONE_OF_HOSTS = Phrase("click.one_of_hosts", en="{hosts} or {last}", de="{hosts} oder {last}")
