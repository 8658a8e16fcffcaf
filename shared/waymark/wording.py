"""The message catalogue of pages, forms and the JSON API: every sentence a person reads in a form's
errors or a 4xx answer, by id, in each shipped language (waymark.core.phrases explains the machinery).

Code raises `ValueError(wording.NAME_TOO_LONG(field=..., maximum=...))` or `web.BadRequest(wording.X())`;
the answer says it in the caller's language (web.messages, web.error_response, the pages' templates).
English is the fallback of every phrase. The postback's own sentences are in
waymark.conversions.postback_wording, which its function loads without this module's neighbours.
"""

from waymark.core.phrases import Phrase

# ---------------------------------------------------------------------------- refusals' titles (message pages)

TITLE_ERROR = Phrase("title.error", en="Something went wrong", de="Etwas ist schiefgegangen")
TITLE_BAD_REQUEST = Phrase(
    "title.bad_request", en="This request cannot be handled", de="Diese Anfrage kann nicht bearbeitet werden"
)
TITLE_LOGIN = Phrase("title.login", en="Please log in", de="Bitte melden Sie sich an")
TITLE_FORBIDDEN = Phrase("title.forbidden", en="Not allowed", de="Nicht erlaubt")
TITLE_NOT_FOUND = Phrase("title.not_found", en="Not found", de="Nicht gefunden")
TITLE_CONFLICT = Phrase("title.conflict", en="Conflict", de="Konflikt")
TITLE_TOO_LARGE = Phrase("title.too_large", en="Too large", de="Zu groß")
TITLE_TOO_MANY = Phrase("title.too_many", en="Too many attempts", de="Zu viele Versuche")
TITLE_UNAVAILABLE = Phrase("title.unavailable", en="Please try again", de="Bitte versuchen Sie es erneut")
TITLE_MEDIA_TYPE = Phrase("title.media_type", en="Unsupported content type", de="Nicht unterstützter Inhaltstyp")

# ---------------------------------------------------------------------------- a partner account not active

TITLE_AWAITING = Phrase("account.title.pending", en="Awaiting approval", de="Wartet auf Freigabe")
ACCOUNT_PENDING = Phrase(
    "account.pending",
    en="Your partner account is awaiting approval. We will let you know when it is approved.",
    de="Ihr Partnerkonto wartet auf Freigabe. Wir melden uns, sobald es freigegeben ist.",
)
TITLE_DECLINED = Phrase("account.title.declined", en="Application declined", de="Bewerbung abgelehnt")
ACCOUNT_DECLINED = Phrase(
    "account.declined",
    en="Your application to the partner program was declined.",
    de="Ihre Bewerbung für das Partnerprogramm wurde abgelehnt.",
)
TITLE_UNVERIFIED = Phrase(
    "account.title.unverified", en="Confirm your email address", de="Bestätigen Sie Ihre E-Mail-Adresse"
)
ACCOUNT_UNVERIFIED = Phrase(
    "account.unverified",
    en="Please confirm your email address first: enter the code we emailed you at /signup/verify.",
    de="Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse: Geben Sie unter /signup/verify den Code aus unserer "
    "E-Mail ein.",
)
TITLE_SUSPENDED = Phrase("account.title.suspended", en="Account suspended", de="Konto gesperrt")
ACCOUNT_SUSPENDED = Phrase(
    "account.suspended",
    en="Your partner account is suspended. Please contact the partner program.",
    de="Ihr Partnerkonto ist gesperrt. Bitte wenden Sie sich an das Partnerprogramm.",
)
TITLE_INACTIVE = Phrase("account.title.inactive", en="Account not active", de="Konto nicht aktiv")
ACCOUNT_INACTIVE = Phrase(
    "account.inactive", en="Your partner account is not active.", de="Ihr Partnerkonto ist nicht aktiv."
)

# ---------------------------------------------------------------------------- the gate (web.app)

LOG_IN = Phrase("gate.log_in", en="please log in", de="bitte melden Sie sich an")
NOT_UTF8 = Phrase(
    "gate.not_utf8", en="the request body is not UTF-8 text", de="der Inhalt der Anfrage ist kein UTF-8-Text"
)
NOTHING_HERE = Phrase(
    "gate.nothing_here", en="there is nothing at this address", de="unter dieser Adresse gibt es nichts"
)
OPERATORS_ONLY = Phrase(
    "gate.operators_only",
    en="This part of Waymark is for the program's operators.",
    de="Dieser Teil von Waymark ist für die Betreiber des Programms.",
)
OPERATOR_NEEDS_TOTP = Phrase(
    "gate.operator_needs_totp",
    en="Operators log in with a code from an authenticator app. Log out, then log in again to set one up.",
    de="Betreiber melden sich mit einem Code aus einer Authenticator-App an. Melden Sie sich ab und wieder an, "
    "um eine einzurichten.",
)
PORTAL_FOR_PARTNERS = Phrase(
    "gate.portal_for_partners",
    en="The partner portal is for partners; operators use the admin console.",
    de="Das Partnerportal ist für Partner; Betreiber nutzen die Admin-Konsole.",
)
NO_PARTNER_ACCOUNT = Phrase(
    "gate.no_partner_account", en="This login has no partner account.", de="Zu diesem Login gibt es kein Partnerkonto."
)
PROGRAM_GONE = Phrase(
    "gate.program_gone",
    en="This partner's program no longer exists.",
    de="Das Programm dieses Partners gibt es nicht mehr.",
)
CSRF_HEADER_NEEDED = Phrase(
    "gate.csrf_header",
    en="with the session cookie, send the X-CSRF-Token header (or use a Bearer token)",
    de="mit dem Sitzungs-Cookie senden Sie den Header X-CSRF-Token (oder nutzen Sie ein Bearer-Token)",
)
FORM_MEDIA_TYPE = Phrase(
    "gate.form_media_type", en="send the form as {media_type}", de="senden Sie das Formular als {media_type}"
)
FORM_EXPIRED = Phrase(
    "gate.form_expired",
    en="This form has expired or came from another site. Go back, reload the page and send it again.",
    de="Dieses Formular ist abgelaufen oder kam von einer anderen Website. Gehen Sie zurück, laden Sie die Seite "
    "neu und senden Sie es noch einmal.",
)
STORAGE_UNAVAILABLE = Phrase(
    "gate.storage_unavailable",
    en="Waymark could not reach its storage just now; please try again.",
    de="Waymark konnte seinen Speicher gerade nicht erreichen; bitte versuchen Sie es erneut.",
)
REQUEST_INVALID = Phrase("gate.request_invalid", en="the request is not valid", de="die Anfrage ist nicht gültig")
FORM_TOO_LARGE = Phrase("gate.form_too_large", en="the form is too large", de="das Formular ist zu groß")
FORM_UNREADABLE = Phrase(
    "gate.form_unreadable", en="the form could not be read", de="das Formular konnte nicht gelesen werden"
)

# ---------------------------------------------------------------------------- fields of our own models

FIELD_REQUIRED = Phrase("field.required", en="{field} is required", de="{field} ist erforderlich")
FIELD_TOO_LONG = Phrase(
    "field.too_long",
    en="{field} is longer than {maximum} characters",
    de="{field} ist länger als {maximum} Zeichen",
)
FIELD_CONTROL_CHARACTERS = Phrase(
    "field.control_characters", en="{field} contains control characters", de="{field} enthält Steuerzeichen"
)
EMAIL_TOO_LONG = Phrase("field.email_too_long", en="the email address is too long", de="die E-Mail-Adresse ist zu lang")
EMAIL_INVALID = Phrase(
    "field.email_invalid",
    en="the email address is not valid: {detail}",
    de="die E-Mail-Adresse ist nicht gültig: {detail}",
)
WEBSITE_CHARACTERS = Phrase(
    "field.website_characters",
    en="the website address contains spaces, quotes, angle brackets or backslashes",
    de="die Adresse der Website enthält Leerzeichen, Anführungszeichen, spitze Klammern oder Backslashes",
)
WEBSITE_INVALID = Phrase(
    "field.website_invalid", en="the website address is not valid", de="die Adresse der Website ist nicht gültig"
)
WEBSITE_SCHEME = Phrase(
    "field.website_scheme",
    en="the website must be an http(s) address such as https://example.com",
    de="die Website muss eine http(s)-Adresse wie https://example.com sein",
)
ACCEPT_TERMS = Phrase(
    "field.accept_terms",
    en="accept_terms must be true: please accept the partner program terms",
    de="accept_terms muss true sein: Bitte akzeptieren Sie die Bedingungen des Partnerprogramms",
)
PERCENT_OVER_100 = Phrase(
    "rule.percent_over_100", en="a percentage cannot be more than 100", de="ein Prozentsatz kann nicht über 100 liegen"
)
RULE_DATES_REVERSED = Phrase(
    "rule.dates_reversed", en="valid_from is after valid_until", de="valid_from liegt nach valid_until"
)
PARTNER_TYPE_KEPT = Phrase(
    "field.partner_type_kept", en="partner_type cannot be cleared", de="partner_type kann nicht geleert werden"
)
TOTP_CODE = Phrase(
    "field.totp_code",
    en="the code is the 6 digits your authenticator app shows",
    de="der Code sind die 6 Ziffern, die Ihre Authenticator-App zeigt",
)
EMAIL_CODE = Phrase("field.email_code", en="enter the code from the email", de="geben Sie den Code aus der E-Mail ein")
CANNOT_BE_CLEARED = Phrase(
    "field.cannot_be_cleared", en="{field} cannot be cleared", de="{field} kann nicht geleert werden"
)
FIELDS_CANNOT_BE_CLEARED = Phrase(
    "field.fields_cannot_be_cleared",
    en="these fields cannot be cleared: {fields}",
    de="diese Felder können nicht geleert werden: {fields}",
)
ALLOW_LIST_CANNOT_BE_CLEARED = Phrase(
    "field.allow_list_cannot_be_cleared",
    en="these fields cannot be cleared: {fields} (an empty list clears the allow-list)",
    de="diese Felder können nicht geleert werden: {fields} (eine leere Liste leert die Freigabeliste)",
)
LOGIN_NEEDS_EMAIL = Phrase(
    "partner.login_needs_email",
    en="a partner with a portal login needs an email address (or choose no login)",
    de="ein Partner mit Portal-Login braucht eine E-Mail-Adresse (oder wählen Sie keinen Login)",
)
NOT_A_CURRENCY = Phrase(
    "field.not_a_currency",
    en="{code!r} is no ISO 4217 currency code (such as EUR, USD or GBP)",
    de="{code!r} ist kein ISO-4217-Währungscode (wie EUR, USD oder GBP)",
)
CURRENCY_CODE = Phrase(
    "program.currency_code",
    en="currency must be an ISO 4217 code such as EUR, USD or GBP",
    de="currency muss ein ISO-4217-Code wie EUR, USD oder GBP sein",
)
URL_CHARACTERS = Phrase(
    "field.url_characters",
    en="{field} contains spaces, quotes, angle brackets or backslashes",
    de="{field} enthält Leerzeichen, Anführungszeichen, spitze Klammern oder Backslashes",
)
URL_INVALID = Phrase("field.url_invalid", en="{field} is not a valid URL", de="{field} ist keine gültige URL")
URL_HTTPS = Phrase(
    "field.url_https",
    en="{field} must be an https address such as https://www.example.com/terms",
    de="{field} muss eine https-Adresse wie https://www.example.com/terms sein",
)
NOT_A_DOMAIN = Phrase(
    "program.not_a_domain",
    en="{entry!r} is not a domain: write a host such as www.example.com, or *.example.com",
    de="{entry!r} ist keine Domain: Schreiben Sie einen Host wie www.example.com oder *.example.com",
)
CLICK_PARAM = Phrase(
    "program.click_param",
    en="click_param is 1 to 40 letters, digits or _, starting with a letter or _",
    de="click_param besteht aus 1 bis 40 Buchstaben, Ziffern oder _ und beginnt mit einem Buchstaben oder _",
)
NOT_A_LANGUAGE = Phrase(
    "program.not_a_language",
    en="{code!r} is not a language code: use codes such as en, de or pt-BR",
    de="{code!r} ist kein Sprachcode: Verwenden Sie Codes wie en, de oder pt-BR",
)
LANGUAGE_TWICE = Phrase(
    "program.language_twice", en="a language is listed twice", de="eine Sprache steht doppelt in der Liste"
)
DEFAULT_LANGUAGE_LISTED = Phrase(
    "program.default_language_listed",
    en="default_language must be one of the languages: {languages}",
    de="default_language muss eine der Sprachen sein: {languages}",
)
PAGE_ON_ALLOWED_DOMAINS = Phrase(
    "program.page_on_allowed_domains",
    en="{name}: {error} (it must be an https page on one of the allowed domains)",
    de="{name}: {error} (es muss eine https-Seite auf einer der erlaubten Domains sein)",
)
PROGRAM_ID_RESERVED = Phrase(
    "program.id_reserved", en="'new' cannot be a program id", de="'new' kann keine Programm-ID sein"
)
NOT_A_NETWORK = Phrase(
    "advertiser.not_a_network",
    en="{entry!r} is not an address or network: write 203.0.113.7, 203.0.113.0/24 or 2001:db8::/32",
    de="{entry!r} ist keine Adresse und kein Netz: Schreiben Sie 203.0.113.7, 203.0.113.0/24 oder 2001:db8::/32",
)
BANK_NEEDS_HOLDER = Phrase(
    "payouts.bank_needs_holder",
    en="a bank transfer needs the account holder's name",
    de="eine Überweisung braucht den Namen des Kontoinhabers",
)
BANK_NEEDS_BIC = Phrase(
    "payouts.bank_needs_bic",
    en="a bank transfer needs the BIC of the account's bank",
    de="eine Überweisung braucht die BIC der Bank des Kontos",
)
BIC_ONLY_FOR_BANK = Phrase(
    "payouts.bic_only_for_bank",
    en="a BIC belongs to a bank transfer, not to {method}",
    de="eine BIC gehört zu einer Überweisung, nicht zu {method}",
)
STATUS_NEEDS_REASON = Phrase(
    "conversion.status_needs_reason",
    en="say why the conversion is {status}: choose a reason",
    de="sagen Sie, warum die Conversion {status} ist: Wählen Sie einen Grund",
)
REF_CODE_FORM = Phrase(
    "conversion.ref_code_form",
    en="the reference code has six letters and digits, like 7KQ-4ZD",
    de="der Referenzcode hat sechs Buchstaben und Ziffern, etwa 7KQ-4ZD",
)
NAME_THE_PARTNER = Phrase(
    "conversion.name_the_partner",
    en="name the partner: a reference code or a partner code",
    de="nennen Sie den Partner: einen Referenzcode oder einen Partnercode",
)
TEMPLATE_ONE_OF = Phrase(
    "remarketing.template_one_of",
    en="give either template_id or template",
    de="geben Sie entweder template_id oder template an",
)
TIME_ZONE_UNKNOWN = Phrase(
    "account.time_zone_unknown",
    en="choose a time zone from the list, such as Europe/Berlin or America/New_York",
    de="wählen Sie eine Zeitzone aus der Liste, etwa Europe/Berlin oder America/New_York",
)
