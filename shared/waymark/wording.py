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

# ---------------------------------------------------------------------------- refusals of the portal and console

NO_SUCH_PROGRAM = Phrase(
    "refusal.no_such_program",
    en="there is no partner program {program_id!r}",
    de="es gibt kein Partnerprogramm {program_id!r}",
)
NO_PROGRAM_CHOSEN = Phrase(
    "refusal.no_program_chosen", en="no partner program was chosen", de="es wurde kein Partnerprogramm gewählt"
)
NO_SUCH_PARTNER = Phrase("refusal.no_such_partner", en="there is no such partner", de="diesen Partner gibt es nicht")
NO_SUCH_LINK = Phrase("refusal.no_such_link", en="there is no such link", de="diesen Link gibt es nicht")
NO_SUCH_ADVERTISER = Phrase(
    "refusal.no_such_advertiser", en="there is no such advertiser", de="diesen Advertiser gibt es nicht"
)
NO_SUCH_OPERATOR = Phrase(
    "refusal.no_such_operator", en="there is no such operator", de="diesen Betreiber gibt es nicht"
)
NO_SUCH_CONVERSION = Phrase(
    "refusal.no_such_conversion", en="there is no such conversion", de="diese Conversion gibt es nicht"
)
NO_SUCH_FILE = Phrase("refusal.no_such_file", en="there is no such file", de="diese Datei gibt es nicht")
NO_SUCH_COUPON = Phrase(
    "refusal.no_such_coupon",
    en="this program has no coupon code {code!r}",
    de="dieses Programm hat keinen Gutscheincode {code!r}",
)
NO_SUCH_PAYOUT = Phrase(
    "refusal.no_such_payout", en="there is no such payout of yours", de="diese Auszahlung gibt es bei Ihnen nicht"
)
NO_SUCH_RUN = Phrase(
    "refusal.no_such_run",
    en="there is no such payout run in this program",
    de="diesen Auszahlungslauf gibt es in diesem Programm nicht",
)
NO_LINE_FOR_PARTNER = Phrase(
    "refusal.no_line_for_partner",
    en="this run has no line for that partner",
    de="dieser Lauf hat keine Zeile für diesen Partner",
)
NO_PAYMENT_DETAILS = Phrase(
    "refusal.no_payment_details",
    en="you have not entered payment details yet",
    de="Sie haben noch keine Zahlungsdaten eingegeben",
)
RUN_NOTHING_LEFT = Phrase(
    "refusal.run_nothing_left",
    en="the run is {status}: there is nothing left to pay",
    de="der Lauf ist {status}: es ist nichts mehr zu zahlen",
)
ONE_OF = Phrase("refusal.one_of", en="{name} must be one of {choices}", de="{name} muss eines davon sein: {choices}")
LINK_STATUS = Phrase(
    "refusal.link_status", en="the link's status must be {choices}", de="der Status des Links muss {choices} sein"
)
PROGRAM_EXISTS = Phrase(
    "refusal.program_exists",
    en="a program with the id {program_id!r} exists already",
    de="ein Programm mit der ID {program_id!r} gibt es schon",
)
ADVERTISER_EXISTS = Phrase(
    "refusal.advertiser_exists",
    en="an advertiser with the id {advertiser_id!r} exists already",
    de="einen Advertiser mit der ID {advertiser_id!r} gibt es schon",
)
ADVERTISER_IDS_TAKEN = Phrase(
    "refusal.advertiser_ids_taken",
    en="choose an advertiser_id: those made from this name are taken",
    de="wählen Sie eine advertiser_id: die aus diesem Namen gebildeten sind vergeben",
)
ROTATED_MEANWHILE = Phrase(
    "refusal.rotated_meanwhile",
    en="the credentials were rotated by someone else just now; reload the page",
    de="die Zugangsdaten wurden gerade von jemand anderem erneuert; laden Sie die Seite neu",
)
LOGIN_EXISTS = Phrase(
    "refusal.login_exists",
    en="{email} already has a login (an operator's or a partner's)",
    de="{email} hat schon einen Login (eines Betreibers oder eines Partners)",
)
NO_DATE = Phrase(
    "refusal.no_date", en="{day} is no date: write YYYY-MM-DD", de="{day} ist kein Datum: schreiben Sie JJJJ-MM-TT"
)
BASE_RATE = Phrase(
    "refusal.base_rate", en="{base} is the base: its rate is 1", de="{base} ist die Basis: ihr Kurs ist 1"
)
SEND_AGAIN = Phrase(
    "refusal.send_again", en="please send the form again", de="bitte senden Sie das Formular noch einmal"
)
BODY_NOT_JSON = Phrase("refusal.body_not_json", en="the body is not valid JSON", de="der Inhalt ist kein gültiges JSON")
BODY_NOT_OBJECT = Phrase(
    "refusal.body_not_object", en="the body must be a JSON object", de="der Inhalt muss ein JSON-Objekt sein"
)
CHOOSE_MONTH = Phrase("refusal.choose_month", en="choose a month to export", de="wählen Sie einen Monat für den Export")
MONTH_NOT_STARTED = Phrase(
    "refusal.month_not_started", en="that month has not started yet", de="dieser Monat hat noch nicht begonnen"
)
DAYS_BETWEEN = Phrase(
    "refusal.days_between", en="days must be between 1 and {maximum}", de="days muss zwischen 1 und {maximum} liegen"
)
PAGE_LINK_INVALID = Phrase(
    "refusal.page_link_invalid",
    en="this page link is not valid; start again from the first page",
    de="dieser Seitenlink ist nicht gültig; beginnen Sie wieder auf der ersten Seite",
)
PARTNER_CODE_OR_NAME = Phrase(
    "refusal.partner_code_or_name",
    en="filter by partner code or by partner name, and the name shows one page only",
    de="filtern Sie nach Partnercode oder nach Partnername; der Name zeigt nur eine Seite",
)
CHOOSE_ADVERTISER = Phrase(
    "refusal.choose_advertiser",
    en="there is no such advertiser: choose one of the program's advertisers",
    de="diesen Advertiser gibt es nicht: wählen Sie einen der Advertiser des Programms",
)
OFFLINE_ORDER_RECORDED = Phrase(
    "refusal.offline_order_recorded",
    en="order {order_id} was recorded before with another amount, currency or channel: a correction is a new order "
    "id, or a decision on the recorded one",
    de="Bestellung {order_id} wurde schon mit anderem Betrag, anderer Währung oder anderem Kanal erfasst: eine "
    "Korrektur ist eine neue Bestell-ID oder eine Entscheidung über die erfasste",
)
URL_TEMPLATE_PROBLEM = Phrase("refusal.url_template", en="url_template: {error}", de="url_template: {error}")

# ---------------------------------------------------------------------------- partners, links, payment details

DESTINATION_DOMAINS = Phrase(
    "link.destination_domains",
    en="the destination must be a page on {domains}",
    de="das Ziel muss eine Seite auf {domains} sein",
)
LINKS_ONLY_ACTIVE = Phrase(
    "link.only_active", en="only active partners can create links", de="nur aktive Partner können Links anlegen"
)
LINK_NAME_TOO_LONG = Phrase(
    "link.name_too_long",
    en="the name is longer than {maximum} characters",
    de="der Name ist länger als {maximum} Zeichen",
)
UNKNOWN_SUB_IDS = Phrase(
    "link.unknown_sub_ids", en="unknown sub-ID fields: {fields}", de="unbekannte Sub-ID-Felder: {fields}"
)
SUB_ID_TOO_LONG = Phrase(
    "link.sub_id_too_long",
    en="sub-ID defaults are limited to {maximum} characters",
    de="Sub-ID-Vorgaben haben höchstens {maximum} Zeichen",
)
DEFAULT_LINK_STAYS = Phrase(
    "link.default_stays",
    en="the default link cannot be paused (it also carries the partner code and sales link)",
    de="der Standardlink kann nicht pausiert werden (er trägt auch den Partnercode und den Verkaufslink)",
)
IBAN_SHAPE = Phrase(
    "payouts.iban_shape",
    en="an IBAN is 2 letters of the country, 2 check digits and up to 30 letters or digits, e.g. DE89 3704 0044 "
    "0532 0130 00",
    de="eine IBAN besteht aus 2 Buchstaben des Landes, 2 Prüfziffern und bis zu 30 Buchstaben oder Ziffern, etwa "
    "DE89 3704 0044 0532 0130 00",
)
IBAN_LENGTH = Phrase(
    "payouts.iban_length",
    en="an IBAN of {country} has {expected} characters; this one has {length}",
    de="eine IBAN aus {country} hat {expected} Zeichen; diese hat {length}",
)
IBAN_CHECK_DIGITS = Phrase(
    "payouts.iban_check_digits",
    en="the IBAN's check digits do not match: please check it for a typo",
    de="die Prüfziffern der IBAN stimmen nicht: bitte prüfen Sie sie auf Tippfehler",
)
BIC_SHAPE = Phrase(
    "payouts.bic_shape",
    en="a BIC is 8 or 11 characters: 4 letters of the bank, 2 of the country, 2 letters or digits, optionally 3 "
    "more for the branch, e.g. COBADEFFXXX",
    de="eine BIC hat 8 oder 11 Zeichen: 4 Buchstaben der Bank, 2 des Landes, 2 Buchstaben oder Ziffern, optional 3 "
    "weitere für die Filiale, etwa COBADEFFXXX",
)
EMAIL_LANGUAGES = Phrase(
    "partner.email_languages",
    en="choose one of the program's languages: {languages}",
    de="wählen Sie eine der Sprachen des Programms: {languages}",
)
EMAIL_TOPICS = Phrase(
    "partner.email_topics",
    en="emails that can be turned off: {topics}",
    de="E-Mails, die abgeschaltet werden können: {topics}",
)
STATUS_FORBIDS = Phrase(
    "partner.status_forbids",
    en="the partner is {status}, so it cannot be {action}",
    de="der Partner ist {status}, daher kann er nicht {action} werden",
)
ERASED_STAYS_INACTIVE = Phrase(
    "partner.erased_stays_inactive",
    en="the partner's personal data is erased, so it cannot be active again",
    de="die personenbezogenen Daten des Partners sind gelöscht, daher kann er nicht wieder aktiv werden",
)
CHANGED_MEANWHILE = Phrase(
    "partner.changed_meanwhile",
    en="the partner's status changed meanwhile; reload and try again",
    de="der Status des Partners hat sich inzwischen geändert; laden Sie neu und versuchen Sie es erneut",
)
ALREADY_PARTNER = Phrase(
    "partner.already_partner",
    en="{email} is already a partner of this program",
    de="{email} ist schon Partner dieses Programms",
)
ALREADY_LOGIN = Phrase(
    "partner.already_login", en="{email} already has a login to Waymark", de="{email} hat schon einen Login bei Waymark"
)
ONLY_APPLICANTS_DELETED = Phrase(
    "partner.only_applicants_deleted",
    en="the partner is {status}: only pending or declined applicants can be deleted (suspend it instead)",
    de="der Partner ist {status}: nur wartende oder abgelehnte Bewerber können gelöscht werden (sperren Sie ihn "
    "stattdessen)",
)
BOOKS_KEEP = Phrase(
    "partner.books_keep",
    en="the partner has {kept}, which the books keep: suspend it instead",
    de="der Partner hat {kept}, die die Buchhaltung behält: sperren Sie ihn stattdessen",
)
PARTNER_CHANGED = Phrase(
    "partner.changed",
    en="the partner changed meanwhile; reload and try again",
    de="der Partner hat sich inzwischen geändert; laden Sie neu und versuchen Sie es erneut",
)
ALREADY_ERASED = Phrase(
    "partner.already_erased",
    en="this partner's personal data is already erased",
    de="die personenbezogenen Daten dieses Partners sind schon gelöscht",
)
LAST_OPERATOR = Phrase(
    "operator.last",
    en="this is the only operator: invite another one before removing this login",
    de="dies ist der einzige Betreiber: laden Sie einen weiteren ein, bevor Sie diesen Login entfernen",
)
OWN_AUTHENTICATOR = Phrase(
    "operator.own_authenticator",
    en="you cannot reset your own authenticator app; ask another operator",
    de="Sie können Ihre eigene Authenticator-App nicht zurücksetzen; bitten Sie einen anderen Betreiber",
)

# ---------------------------------------------------------------------------- logging in, passwords, codes, signup

SESSION_INVALID = Phrase(
    "login.session_invalid",
    en="your session is not valid; please log in again",
    de="Ihre Sitzung ist nicht gültig; bitte melden Sie sich erneut an",
)
TOKEN_REQUIRED = Phrase("login.token_required", en="an ID token is required", de="ein ID-Token ist erforderlich")
WRONG_LOGIN = Phrase("login.wrong", en="wrong email or password", de="E-Mail-Adresse oder Passwort ist falsch")
LOGIN_THROTTLED = Phrase(
    "login.throttled",
    en="too many attempts; wait a moment and try again",
    de="zu viele Versuche; warten Sie einen Moment und versuchen Sie es erneut",
)
PASSWORD_BY_OPERATOR = Phrase(
    "login.password_by_operator",
    en="this account needs its password set by an operator first",
    de="für dieses Konto muss zuerst ein Betreiber das Passwort setzen",
)
NEW_PASSWORD_NEEDS = Phrase(
    "password.needs", en="the new password needs {rules}", de="das neue Passwort braucht {rules}"
)
STEP_EXPIRED = Phrase(
    "password.step_expired",
    en="this step has expired; log in again with your temporary password",
    de="dieser Schritt ist abgelaufen; melden Sie sich erneut mit Ihrem vorläufigen Passwort an",
)
STEP_NOT_OFFERED = Phrase(
    "password.step_not_offered",
    en="Cognito asks for another step Waymark does not offer; contact an operator",
    de="Cognito verlangt einen weiteren Schritt, den Waymark nicht anbietet; wenden Sie sich an einen Betreiber",
)
CODE_EXPIRED = Phrase(
    "password.code_expired",
    en="this code is wrong or has expired; ask for a new one",
    de="dieser Code ist falsch oder abgelaufen; fordern Sie einen neuen an",
)
PASSWORD_SAME = Phrase(
    "password.same",
    en="the new password must differ from the current one",
    de="das neue Passwort muss sich vom aktuellen unterscheiden",
)
CURRENT_PASSWORD_WRONG = Phrase(
    "password.current_wrong", en="the current password is wrong", de="das aktuelle Passwort ist falsch"
)
LOG_IN_AGAIN_FIRST = Phrase(
    "password.log_in_again", en="log out and log in again first", de="melden Sie sich zuerst ab und wieder an"
)
APP_CODE_TOO = Phrase(
    "password.app_code_too",
    en="enter the code from your authenticator app too",
    de="geben Sie auch den Code aus Ihrer Authenticator-App ein",
)
APP_CODE_NOT_CURRENT = Phrase(
    "password.app_code_not_current",
    en="this is not the code your app shows now; enter the current one",
    de="das ist nicht der Code, den Ihre App gerade zeigt; geben Sie den aktuellen ein",
)
MFA_STEP_NOT_OFFERED = Phrase(
    "login.mfa_step_not_offered",
    en="Cognito asks for a step Waymark does not offer; contact an operator",
    de="Cognito verlangt einen Schritt, den Waymark nicht anbietet; wenden Sie sich an einen Betreiber",
)
ENTER_APP_DIGITS = Phrase(
    "login.enter_app_digits",
    en="Enter the 6 digits your authenticator app shows.",
    de="Geben Sie die 6 Ziffern ein, die Ihre Authenticator-App zeigt.",
)
SIGNUP_PASSWORD_NEEDS = Phrase(
    "signup.password_needs", en="the password needs {rules}", de="das Passwort braucht {rules}"
)
SIGNUP_TOO_MANY_ATTEMPTS = Phrase(
    "signup.too_many_attempts",
    en="too many attempts for this login; wait a few minutes and try again",
    de="zu viele Versuche für diesen Login; warten Sie einige Minuten und versuchen Sie es erneut",
)
SIGNUP_NO_MORE_CODES = Phrase(
    "signup.no_more_codes",
    en="no more codes can be sent for now; wait a few minutes and try again",
    de="im Moment können keine weiteren Codes gesendet werden; warten Sie einige Minuten und versuchen Sie es erneut",
)
SIGNUP_EMAIL_UNUSABLE = Phrase(
    "signup.email_unusable",
    en="this email address cannot be used",
    de="diese E-Mail-Adresse kann nicht verwendet werden",
)
SIGNUP_PASSWORD_POLICY = Phrase(
    "signup.password_policy",
    en="the password does not meet the password policy",
    de="das Passwort erfüllt die Passwortregeln nicht",
)
SIGNUP_WRONG = Phrase(
    "signup.wrong",
    en="the email address, password or code is not right (a code works once, and only the newest one)",
    de="E-Mail-Adresse, Passwort oder Code stimmen nicht (ein Code gilt einmal, und nur der neueste)",
)

# ---------------------------------------------------------------------------- attempt limits

TOO_MANY_FROM_NETWORK_SECONDS = Phrase(
    "limits.seconds",
    en="Too many attempts from your network. Please try again in {seconds} seconds.",
    de="Zu viele Versuche aus Ihrem Netz. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
)
TOO_MANY_FROM_NETWORK_MINUTES = Phrase(
    "limits.minutes",
    en="Too many attempts from your network. Please try again in {minutes} minutes.",
    de="Zu viele Versuche aus Ihrem Netz. Bitte versuchen Sie es in {minutes} Minuten erneut.",
)

# ------------------------------------------------------------------------ coupons, decisions, offline sales, payouts

COUPON_NO_PARTNER = Phrase(
    "coupon.no_partner",
    en="there is no partner {agent_id!r} in this program",
    de="in diesem Programm gibt es keinen Partner {agent_id!r}",
)
COUPON_RULE = Phrase("coupon.rule", en="a coupon code is {rule}", de="ein Gutscheincode: {rule}")
COUPON_TAKEN = Phrase(
    "coupon.taken",
    en="this program has the coupon code {code} already",
    de="dieses Programm hat den Gutscheincode {code} schon",
)
COUPON_FIELDS_FIXED = Phrase(
    "coupon.fields_fixed",
    en="these fields cannot be changed: {fields}",
    de="diese Felder können nicht geändert werden: {fields}",
)
COUPON_STATUS = Phrase(
    "coupon.status", en="a coupon's status is {choices}", de="der Status eines Gutscheins ist {choices}"
)
STATUS_CHANGED_MEANWHILE = Phrase(
    "decision.changed_meanwhile",
    en="the conversion is no longer {status}: someone changed it just now",
    de="die Conversion ist nicht mehr {status}: jemand hat sie gerade geändert",
)
SAY_WHO_CHANGES = Phrase("decision.say_who", en="say who changes the status", de="sagen Sie, wer den Status ändert")
NOTE_TOO_LONG = Phrase(
    "decision.note_too_long",
    en="the note is longer than {maximum} characters",
    de="die Notiz ist länger als {maximum} Zeichen",
)
CONVERSION_MOVED_ON = Phrase(
    "decision.moved_on",
    en="the conversion is {status} now, no longer {expected}: someone changed it",
    de="die Conversion ist jetzt {status}, nicht mehr {expected}: jemand hat sie geändert",
)
CHOOSE_CONVERSIONS = Phrase(
    "decision.choose_conversions", en="choose 1 to {maximum} conversions", de="wählen Sie 1 bis {maximum} Conversions"
)
SAY_WHO_REASSIGNS = Phrase(
    "reassign.say_who", en="say who reassigns the conversion", de="sagen Sie, wer die Conversion neu zuordnet"
)
REASSIGN_NOTE = Phrase(
    "reassign.note",
    en="say why the sale is the partner's: a note of 1 to {maximum} characters",
    de="sagen Sie, warum der Verkauf dem Partner gehört: eine Notiz von 1 bis {maximum} Zeichen",
)
REASSIGN_ACTIVE_PARTNER = Phrase(
    "reassign.active_partner",
    en="credit an active partner of this program (its partner code)",
    de="ordnen Sie einem aktiven Partner dieses Programms zu (sein Partnercode)",
)
REASSIGN_SAME = Phrase(
    "reassign.same",
    en="the conversion is credited to that partner already",
    de="die Conversion ist diesem Partner schon zugeordnet",
)
REASSIGN_EARNS_NOTHING = Phrase(
    "reassign.earns_nothing",
    en="a {status} conversion earns nothing: undo the decision first, then reassign it",
    de="eine Conversion mit Status {status} bringt nichts ein: machen Sie zuerst die Entscheidung rückgängig, dann "
    "ordnen Sie sie neu zu",
)
OFFLINE_CHANNEL = Phrase(
    "offline.channel",
    en="an offline sale's channel is one of {channels}",
    de="der Kanal eines Offline-Verkaufs ist einer von {channels}",
)
OFFLINE_ADVERTISER_DISABLED = Phrase(
    "offline.advertiser_disabled",
    en="this advertiser is disabled: its sales are refused",
    de="dieser Advertiser ist deaktiviert: seine Verkäufe werden abgelehnt",
)
CUTOFF_AT_MOST_TODAY = Phrase(
    "payouts.cutoff_today",
    en="the cut-off date is at most today ({today})",
    de="der Stichtag ist höchstens heute ({today})",
)
NOTHING_TO_MARK_PAID = Phrase(
    "payouts.nothing_to_mark_paid",
    en="nothing to mark paid: the {what} is {state}",
    de="nichts als bezahlt zu markieren: {what} ist {state}",
)
RUN_WORD = Phrase("payouts.run_word", en="run", de="der Lauf")
LINE_WORD = Phrase("payouts.line_word", en="line", de="die Zeile")
ONLY_REVIEW_CANCELLED = Phrase(
    "payouts.only_review_cancelled",
    en="only a run in review can be cancelled; this one is {status}",
    de="nur ein Lauf in Prüfung kann abgebrochen werden; dieser ist {status}",
)

# ---------------------------------------------------------------------------- partners' own postbacks

PB_IPV6 = Phrase(
    "partner_postback.ipv6",
    en="the address in brackets is not an IPv6 address",
    de="die Adresse in Klammern ist keine IPv6-Adresse",
)
PB_HOST_FORM = Phrase(
    "partner_postback.host_form",
    en="write the host as a name (or an IPv4 address as four decimal numbers)",
    de="schreiben Sie den Host als Namen (oder eine IPv4-Adresse als vier Dezimalzahlen)",
)
PB_URL_LENGTH = Phrase(
    "partner_postback.url_length",
    en="the URL must be at most {maximum} characters",
    de="die URL darf höchstens {maximum} Zeichen haben",
)
PB_URL_CHARACTERS = Phrase(
    "partner_postback.url_characters",
    en="the URL must not contain spaces, control characters or backslashes",
    de="die URL darf keine Leerzeichen, Steuerzeichen oder Backslashes enthalten",
)
PB_HTTPS = Phrase(
    "partner_postback.https", en="the URL must start with https://", de="die URL muss mit https:// beginnen"
)
PB_NO_USER = Phrase(
    "partner_postback.no_user",
    en="the URL must not hold a user name or password",
    de="die URL darf keinen Benutzernamen und kein Passwort enthalten",
)
PB_PORT = Phrase(
    "partner_postback.port",
    en="the URL's port must be a number from 1 to 65535",
    de="der Port der URL muss eine Zahl von 1 bis 65535 sein",
)
PB_NAME_A_HOST = Phrase(
    "partner_postback.name_a_host", en="the URL must name a host", de="die URL muss einen Host nennen"
)
PB_DOMAIN_NAME = Phrase(
    "partner_postback.domain_name",
    en="the host must be a domain name such as postbacks.example.com",
    de="der Host muss ein Domainname wie postbacks.example.com sein",
)
PB_NO_ADDRESS = Phrase(
    "partner_postback.no_address", en="{host} does not resolve to an address", de="{host} löst zu keiner Adresse auf"
)
PB_NOT_ADDRESS = Phrase(
    "partner_postback.not_address",
    en="{host} resolves to something that is not an address",
    de="{host} löst zu etwas auf, das keine Adresse ist",
)
PB_PRIVATE = Phrase(
    "partner_postback.private",
    en="{host} leads to a private or reserved address: postbacks go to public addresses only",
    de="{host} führt zu einer privaten oder reservierten Adresse: Postbacks gehen nur an öffentliche Adressen",
)
PB_CHOOSE_EVENT = Phrase(
    "partner_postback.choose_event",
    en="choose at least one event among {allowed}",
    de="wählen Sie mindestens ein Ereignis aus {allowed}",
)
PB_URL_FIRST_SECRET = Phrase(
    "partner_postback.url_first_secret",
    en="save a postback URL first: its signing secret is made then",
    de="speichern Sie zuerst eine Postback-URL: dabei entsteht ihr Signatur-Secret",
)
PB_URL_FIRST_TEST = Phrase(
    "partner_postback.url_first_test",
    en="save a postback URL first, then send a test",
    de="speichern Sie zuerst eine Postback-URL und senden Sie dann einen Test",
)
PB_UNKNOWN_MACRO = Phrase(
    "partner_postback.unknown_macro",
    en="unknown macro {{{macro}}}: the macros are {allowed}",
    de="unbekanntes Makro {{{macro}}}: die Makros sind {allowed}",
)
PB_BRACE = Phrase(
    "partner_postback.brace",
    en="a brace without its pair: write macros as {{name}}",
    de="eine Klammer ohne Gegenstück: schreiben Sie Makros als {{name}}",
)
PB_MACRO_IN_HOST = Phrase(
    "partner_postback.macro_in_host",
    en="macros go in the URL's path or query, never in its host",
    de="Makros stehen im Pfad oder in der Query der URL, nie im Host",
)

# ---------------------------------------------------------------------------- reports, exports, queries

EXPORT_BAD_ID = Phrase("export.bad_id", en="not a valid {name} id", de="keine gültige {name}-ID")
EXPORT_OWN_ONLY = Phrase(
    "export.own_only",
    en="partners can export their own statement only",
    de="Partner können nur ihre eigene Abrechnung exportieren",
)
EXPORT_LINK_SECONDS = Phrase(
    "export.link_seconds",
    en="the link may last between 60 and {maximum} seconds",
    de="der Link darf zwischen 60 und {maximum} Sekunden gelten",
)
EXPORT_NO_PROGRAM = Phrase("export.no_program", en="no such program", de="dieses Programm gibt es nicht")
EXPORT_NO_PARTNER = Phrase(
    "export.no_partner", en="no such partner in this program", de="diesen Partner gibt es in diesem Programm nicht"
)
QUERY_NAME_PART = Phrase(
    "query.name_part", en="type part of the partner's name", de="geben Sie einen Teil des Partnernamens ein"
)
QUERY_LIMIT = Phrase("query.limit", en="limit is between 1 and {maximum}", de="limit liegt zwischen 1 und {maximum}")
QUERY_MONTH = Phrase("query.month", en="month reads YYYY-MM", de="month hat die Form JJJJ-MM")
QUERY_CURSOR = Phrase("query.cursor", en="the cursor is not valid here", de="der Cursor ist hier nicht gültig")
PERIOD_MONTH = Phrase("period.month", en="a month is written YYYY-MM", de="ein Monat wird JJJJ-MM geschrieben")
PERIOD_MONTHS = Phrase("period.months", en="between 1 and {maximum} months", de="zwischen 1 und {maximum} Monaten")
PERIOD_REVERSED = Phrase(
    "period.reversed", en="the range ends before it starts", de="der Zeitraum endet, bevor er beginnt"
)
PERIOD_DAYS = Phrase("period.days", en="at most {maximum} days at a time", de="höchstens {maximum} Tage auf einmal")

# ---------------------------------------------------------------------------- inside sales, test conversions

ORDER_ONLY_CONCIERGE = Phrase(
    "inside_sales.only_concierge",
    en="only an active concierge's orders are taken here",
    de="hier werden nur Bestellungen eines aktiven Concierge angenommen",
)
ORDER_PAGE_MISSING = Phrase(
    "inside_sales.no_order_page",
    en="the program has no order page: set it in the program's settings first",
    de="das Programm hat keine Bestellseite: legen Sie sie zuerst in den Einstellungen des Programms fest",
)
ORDER_PAGE_UNOPENABLE = Phrase(
    "inside_sales.order_page_unopenable",
    en="the program's order page cannot be opened: {error}",
    de="die Bestellseite des Programms kann nicht geöffnet werden: {error}",
)
TEST_ADVERTISER_DISABLED = Phrase(
    "integration.advertiser_disabled",
    en="this advertiser is disabled, so /postback refuses it: enable it first",
    de="dieser Advertiser ist deaktiviert, daher lehnt /postback ihn ab: aktivieren Sie ihn zuerst",
)
TEST_PROGRAM_MISSING = Phrase(
    "integration.program_missing",
    en="this advertiser's program {program_id} is not configured",
    de="das Programm {program_id} dieses Advertisers ist nicht eingerichtet",
)
TEST_URL_SCHEME = Phrase(
    "integration.url_scheme", en="{url} is not an http(s) address", de="{url} ist keine http(s)-Adresse"
)

# ---------------------------------------------------------------------------- remarketing set-up

RM_PROFILE_NOT_SAVED = Phrase(
    "remarketing.profile_not_saved", en="The profile was not saved.", de="Das Profil wurde nicht gespeichert."
)
RM_NOT_PROGRAM_LANGUAGE = Phrase(
    "remarketing.not_program_language",
    en="{lang} is not a language of the program ({languages})",
    de="{lang} ist keine Sprache des Programms ({languages})",
)
RM_OFFERED_TWICE = Phrase(
    "remarketing.offered_twice", en="product {code} is offered twice", de="Produkt {code} wird doppelt angeboten"
)
RM_NAME_MISSING = Phrase(
    "remarketing.name_missing", en="a name is missing for: {languages}", de="ein Name fehlt für: {languages}"
)
RM_NOT_LANGUAGES = Phrase(
    "remarketing.not_languages",
    en="not a language of the program: {languages}",
    de="keine Sprache des Programms: {languages}",
)
RM_IMAGE_HTTPS = Phrase(
    "remarketing.image_https", en="must be an absolute https URL", de="muss eine absolute https-URL sein"
)
RM_SEND_DAY = Phrase(
    "remarketing.send_day",
    en="an email profile needs at least one send day",
    de="ein E-Mail-Profil braucht mindestens einen Versandtag",
)
RM_NO_TEMPLATE = Phrase(
    "remarketing.no_template", en="no email template {template_id}", de="keine E-Mail-Vorlage {template_id}"
)
RM_DAYS_NEGATIVE = Phrase(
    "remarketing.days_negative",
    en="days after the booking cannot be negative",
    de="Tage nach der Buchung können nicht negativ sein",
)
RM_CONTENT_MISSING = Phrase(
    "remarketing.content_missing", en="content is missing for: {languages}", de="Inhalt fehlt für: {languages}"
)
RM_SUBJECT_MISSING = Phrase(
    "remarketing.subject_missing", en="a subject is missing for: {languages}", de="ein Betreff fehlt für: {languages}"
)
RM_LANGUAGE_UNKNOWN = Phrase(
    "remarketing.language_unknown",
    en="{lang} is not a language of the program",
    de="{lang} ist keine Sprache des Programms",
)
RM_CHANNEL_NOT_SAVED = Phrase(
    "remarketing.channel_not_saved",
    en="The channel's email settings were not saved.",
    de="Die E-Mail-Einstellungen des Kanals wurden nicht gespeichert.",
)
RM_TEMPLATE_IN_USE = Phrase(
    "remarketing.template_in_use", en="The template is used by: {users}.", de="Die Vorlage wird verwendet von: {users}."
)

# ---------------------------------------------------------------------------- advertisers, partners, programs, payouts

FIELDS_NOT_CHANGEABLE = Phrase(
    "refusal.fields_not_changeable",
    en="these fields cannot be changed here: {fields} (allowed: {allowed})",
    de="diese Felder können hier nicht geändert werden: {fields} (erlaubt: {allowed})",
)
GRACE_HOURS = Phrase(
    "advertiser.grace_hours",
    en="the grace period is 0 to {maximum} hours",
    de="die Übergangszeit beträgt 0 bis {maximum} Stunden",
)
UNKNOWN_ACTION = Phrase(
    "partner.unknown_action",
    en="{action} is not an action on a partner: choose {choices}",
    de="{action} ist keine Aktion für einen Partner: wählen Sie {choices}",
)
PAYPAL_ROWS = Phrase(
    "payouts.paypal_rows",
    en="a PayPal Payouts file holds at most {maximum} payments; this run has {count}",
    de="eine PayPal-Payouts-Datei fasst höchstens {maximum} Zahlungen; dieser Lauf hat {count}",
)
WISE_ROWS = Phrase(
    "payouts.wise_rows",
    en="a Wise batch holds at most {maximum} payments; this run has {count}",
    de="ein Wise-Stapel fasst höchstens {maximum} Zahlungen; dieser Lauf hat {count}",
)
QR_URL_TOO_LONG = Phrase(
    "links.qr_url_too_long",
    en="the link with its sub-IDs must be at most {maximum} characters for a QR code",
    de="der Link mit seinen Sub-IDs darf für einen QR-Code höchstens {maximum} Zeichen lang sein",
)

# ---------------------------------------------------------------------------- partner emails' wording (mail console)

MAIL_NOT_SAVED = Phrase("mail.not_saved", en="The wording was not saved.", de="Der Wortlaut wurde nicht gespeichert.")
MAIL_SUBJECT_MISSING = Phrase(
    "mail.subject_missing", en="a subject is missing for {lang}", de="für {lang} fehlt ein Betreff"
)
MAIL_CONTENT_MISSING = Phrase(
    "mail.content_missing", en="content is missing for {lang}", de="für {lang} fehlt der Inhalt"
)
MAIL_TOO_LONG = Phrase(
    "mail.too_long",
    en="all languages together may have at most {maximum} characters",
    de="alle Sprachen zusammen dürfen höchstens {maximum} Zeichen haben",
)
MAIL_CHOOSE_LANGUAGE = Phrase(
    "mail.choose_language",
    en="Choose a language of the program ({languages}).",
    de="Wählen Sie eine Sprache des Programms ({languages}).",
)
MAIL_NOT_PROGRAM_LANGUAGE = Phrase(
    "mail.not_program_language",
    en="not a language of the program ({languages})",
    de="keine Sprache des Programms ({languages})",
)
MAIL_WRITE_TO_PREVIEW = Phrase(
    "mail.write_to_preview",
    en="Write a subject and content in {lang} to preview it.",
    de="Schreiben Sie einen Betreff und Inhalt auf {lang}, um die Vorschau zu sehen.",
)
MAIL_EMPTY = Phrase("mail.empty", en="empty", de="leer")
MAIL_PREVIEW_FAILED = Phrase(
    "mail.preview_failed", en="The preview did not render.", de="Die Vorschau konnte nicht erstellt werden."
)
MAIL_PROBLEM_AT_LINE = Phrase("mail.problem_at_line", en="{problem} (line {line})", de="{problem} (Zeile {line})")

# ---------------------------------------------------------------------------- email templates (remarketing rendering)

RENDER_RANGE = Phrase(
    "render.range",
    en="range() may give at most {maximum} numbers",
    de="range() darf höchstens {maximum} Zahlen liefern",
)
RENDER_POWER = Phrase(
    "render.power", en="powers above {maximum} are not allowed", de="Potenzen über {maximum} sind nicht erlaubt"
)
RENDER_REPEAT = Phrase(
    "render.repeat",
    en="repeating text or a list that often makes it too long",
    de="Text oder eine Liste so oft zu wiederholen macht sie zu lang",
)
RENDER_CALLS = Phrase(
    "render.calls",
    en="a template may make at most {maximum} calls (macros, range, …)",
    de="eine Vorlage darf höchstens {maximum} Aufrufe machen (Makros, range, …)",
)
RENDER_LOOP_DEPTH = Phrase(
    "render.loop_depth",
    en="loops may nest at most {maximum} deep",
    de="Schleifen dürfen höchstens {maximum} tief verschachtelt sein",
)
RENDER_LOOP_OVER = Phrase(
    "render.loop_over",
    en="loop over the booking's data or range(), not over text written here",
    de="Schleifen laufen über die Daten der Buchung oder range(), nicht über hier geschriebenen Text",
)
RENDER_BODY_LONG = Phrase("render.body_long", en="longer than {maximum} characters", de="länger als {maximum} Zeichen")
RENDER_OUTPUT_LONG = Phrase(
    "render.output_long",
    en="the email would be longer than {maximum} characters",
    de="die E-Mail wäre länger als {maximum} Zeichen",
)
RM_TEMPLATE_NOT_SAVED = Phrase(
    "remarketing.template_not_saved", en="The template was not saved.", de="Die Vorlage wurde nicht gespeichert."
)
RM_TEMPLATE_NOT_SAVED_MISSING = Phrase(
    "remarketing.template_not_saved_missing",
    en="The template was not saved: content is missing for {languages}.",
    de="Die Vorlage wurde nicht gespeichert: für {languages} fehlt der Inhalt.",
)
RM_PREVIEW_FAILED = Phrase(
    "remarketing.preview_failed", en="The preview failed: {error}", de="Die Vorschau ist fehlgeschlagen: {error}"
)
RM_UNKNOWN_PLACEHOLDER = Phrase(
    "remarketing.unknown_placeholder",
    en="unknown placeholder {placeholder} (known: {known})",
    de="unbekannter Platzhalter {placeholder} (bekannt: {known})",
)

# ---------------------------------------------------------------------------- the remarketing console

RM_ALREADY_EXISTS = Phrase(
    "remarketing.already_exists",
    en="there is already a {what} {wanted}; change it instead",
    de="{what} {wanted} gibt es schon; ändern Sie stattdessen das bestehende",
)
RM_RESERVED_ID = Phrase(
    "remarketing.reserved_id",
    en="{wanted} cannot be the id of a {what}: choose another id",
    de="{wanted} kann nicht die ID von {what} sein: wählen Sie eine andere ID",
)
RM_RESERVED = Phrase("remarketing.reserved", en="reserved", de="reserviert")
RM_ID_NOT_PATHS = Phrase(
    "remarketing.id_not_paths",
    en="the {field} in the body is not the one in the path",
    de="{field} im Inhalt ist nicht die aus dem Pfad",
)
RM_NO_TEMPLATE_NAMED = Phrase(
    "remarketing.no_template_named",
    en="there is no email template {template_id}",
    de="eine E-Mail-Vorlage {template_id} gibt es nicht",
)
RM_NO_PROFILE_NAMED = Phrase(
    "remarketing.no_profile_named",
    en="there is no cross-sell profile {profile_id}",
    de="ein Cross-Selling-Profil {profile_id} gibt es nicht",
)
RM_TEMPLATE_NO_CONTENT = Phrase(
    "remarketing.template_no_content",
    en="The template has no content for {lang}.",
    de="Die Vorlage hat keinen Inhalt für {lang}.",
)
RM_NO_SUCH = Phrase("remarketing.no_such", en="there is no such {what}", de="{what} gibt es nicht")
RM_PROFILE_WORD = Phrase("remarketing.profile_word", en="cross-sell profile", de="Cross-Selling-Profil")
RM_TEMPLATE_WORD = Phrase("remarketing.template_word", en="email template", de="E-Mail-Vorlage")
RM_NO_EMAIL_SETTINGS = Phrase(
    "remarketing.no_email_settings",
    en="the {channel} channel has no email settings yet",
    de="der Kanal {channel} hat noch keine E-Mail-Einstellungen",
)

# ---------------------------------------------------------------------------- the offer and unsubscribe pages

LINK_NOT_VALID = Phrase("email_link.not_valid", en="This link is not valid.", de="Dieser Link ist ungültig.")
OFFER_EXPIRED = Phrase("email_link.offer_expired", en="This offer has expired.", de="Dieses Angebot ist abgelaufen.")
OFFER_GONE = Phrase(
    "email_link.offer_gone", en="This offer is no longer available.", de="Dieses Angebot ist nicht mehr verfügbar."
)
USE_EMAIL_LINK = Phrase(
    "email_link.use_email_link",
    en="{problem} Please use the link in your email.",
    de="{problem} Bitte verwenden Sie den Link aus Ihrer E-Mail.",
)
OFFER_PAGE_UNAVAILABLE = Phrase(
    "email_link.offer_page_unavailable",
    en="The booking page for this offer is not available.",
    de="Die Buchungsseite für dieses Angebot ist nicht verfügbar.",
)
PAGE_BRIEFLY_UNAVAILABLE = Phrase(
    "email_link.briefly_unavailable",
    en="This page is briefly unavailable. Please retry in a moment.",
    de="Diese Seite ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
)
USE_LINK_IN_EMAIL = Phrase(
    "email_link.use_link_in_email",
    en="Please use the link in your email.",
    de="Bitte verwenden Sie den Link aus Ihrer E-Mail.",
)
UNSUB_CONFIRM_TITLE = Phrase("unsubscribe.confirm_title", en="Unsubscribe", de="Abmelden")
UNSUB_CONFIRM = Phrase(
    "unsubscribe.confirm",
    en="Stop receiving offers from {program} by email?",
    de="Keine Angebote von {program} mehr per E-Mail erhalten?",
)
UNSUB_BUTTON = Phrase("unsubscribe.button", en="Unsubscribe", de="Abmelden")
UNSUB_DONE_TITLE = Phrase("unsubscribe.done_title", en="You are unsubscribed", de="Sie sind abgemeldet")
UNSUB_DONE = Phrase(
    "unsubscribe.done",
    en="You will not receive offers from {program} by email any more.",
    de="Sie erhalten keine Angebote von {program} mehr per E-Mail.",
)
UNSUB_BAD_TITLE = Phrase("unsubscribe.bad_title", en="This link is not valid", de="Dieser Link ist ungültig")
UNSUB_BAD = Phrase(
    "unsubscribe.bad",
    en="Please use the unsubscribe link in your email.",
    de="Bitte verwenden Sie den Abmeldelink aus Ihrer E-Mail.",
)
UNSUB_PARTNER_CONFIRM = Phrase(
    "unsubscribe.partner_confirm",
    en="Stop these emails from {program}: {topic}?",
    de="Diese E-Mails von {program} abbestellen: {topic}?",
)
UNSUB_PARTNER_DONE = Phrase(
    "unsubscribe.partner_done",
    en="You will not get these emails from {program} any more. Your account settings in the partner portal turn "
    "them back on.",
    de="Sie erhalten diese E-Mails von {program} nicht mehr. In den Kontoeinstellungen des Partnerportals bestellen "
    "Sie sie wieder.",
)
UNSUB_BACK = Phrase("unsubscribe.back", en="Back to {program}", de="Zurück zu {program}")

# ---------------------------------------------------------------------------- conversion decisions, exchange rates

TRANSITION_NOT_ALLOWED = Phrase(
    "decision.transition_not_allowed",
    en="a {from_status} conversion can become {allowed}, not {to_status}",
    de="eine Conversion im Status {from_status} kann {allowed} werden, nicht {to_status}",
)
TRANSITION_NOTHING = Phrase("decision.transition_nothing", en="nothing", de="nichts")
UNDO_NEEDS_NOTE = Phrase(
    "decision.undo_needs_note",
    en="say why the {from_status} decision is undone: write a note",
    de="sagen Sie, warum die Entscheidung {from_status} zurückgenommen wird: schreiben Sie eine Notiz",
)
STATUS_NEEDS_REASON_CODE = Phrase(
    "decision.status_needs_reason_code",
    en="say why the conversion is {to_status} (a reason code)",
    de="sagen Sie, warum die Conversion {to_status} ist (ein Grundcode)",
)
CONVERSIONS_MISSING = Phrase(
    "decision.conversions_missing",
    en="the page's conversions are missing: reload the list and try again",
    de="die Conversions der Seite fehlen: laden Sie die Liste neu und versuchen Sie es erneut",
)
CHOOSE_PROGRAMS_ADVERTISER = Phrase(
    "decision.choose_programs_advertiser",
    en="choose one of this program's advertisers",
    de="wählen Sie einen der Advertiser dieses Programms",
)
RATE_NOT_DECIMAL = Phrase("rates.not_decimal", en="{value} is not a decimal number", de="{value} ist keine Dezimalzahl")
RATE_RANGE = Phrase(
    "rates.range",
    en="a rate is a positive number from {minimum} to below {maximum}",
    de="ein Kurs ist eine positive Zahl von {minimum} bis unter {maximum}",
)
RATE_DIGITS = Phrase(
    "rates.digits",
    en="a rate has at most {digits} significant digits",
    de="ein Kurs hat höchstens {digits} signifikante Stellen",
)

# ---------------------------------------------------------------------------- the mail and remarketing console forms

MAIL_SUPPRESS_OR_LIFT = Phrase(
    "mail.suppress_or_lift", en="choose Suppress or Lift", de="wählen Sie Suppress oder Lift"
)
MAIL_ONE_ADDRESS = Phrase(
    "mail.one_address",
    en="enter one email address, like ann@example.org",
    de="geben Sie eine E-Mail-Adresse ein, etwa ann@example.org",
)
RM_PREVIEW_CHOOSE = Phrase(
    "remarketing.preview_choose",
    en="choose a language and a channel",
    de="wählen Sie eine Sprache und einen Kanal",
)
