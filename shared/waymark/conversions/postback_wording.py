"""The postback's and the pixel's sentences, in each shipped language (the catalogue's machinery:
waymark.core.phrases), beside the modules that raise them; like waymark.wording it imports no page
code, so /postback's cold start loads no waymark.web.

The answer's `error` code and each field's name stay English, for programs; the sentences follow
the caller's Accept-Language among its program's languages (docs/integrating.md "Answers").
"""

from waymark.core.phrases import Phrase

# ---------------------------------------------------------------------------- reading the request

SIGNED_QUERY = Phrase(
    "postback.signed_query",
    en="a signed POST sends every parameter in its body: the query string is not signed",
    de="ein signierter POST sendet alle Parameter im Inhalt: die Query ist nicht signiert",
)
BODY_TOO_LARGE = Phrase(
    "postback.body_too_large",
    en="the body is larger than {limit} bytes",
    de="der Inhalt ist größer als {limit} Bytes",
)
MEDIA_TYPE = Phrase(
    "postback.media_type",
    en="send the body as application/json or {form}",
    de="senden Sie den Inhalt als application/json oder {form}",
)
GIVEN_IN_BOTH = Phrase(
    "postback.given_in_both",
    en="{name} is given in both the query string and the body",
    de="{name} steht sowohl in der Query als auch im Inhalt",
)
ALIAS_AND_NAME = Phrase(
    "postback.alias_and_name",
    en="give {name} or {alias}, not both",
    de="geben Sie {name} oder {alias} an, nicht beides",
)
MALFORMED = Phrase(
    "postback.malformed",
    en="the {where} is malformed or has more than {limit} parameters",
    de="{where}: fehlerhaft oder mehr als {limit} Parameter",
)
GIVEN_TWICE = Phrase("postback.given_twice", en="{name} is given more than once", de="{name} wird mehrfach angegeben")
NOT_UTF8 = Phrase("postback.not_utf8", en="the body is not UTF-8", de="der Inhalt ist kein UTF-8")
NOT_JSON = Phrase("postback.not_json", en="{where} is not valid JSON", de="{where} ist kein gültiges JSON")
JSON_NOT_OBJECT = Phrase(
    "postback.json_not_object", en="the JSON body must be an object", de="der JSON-Inhalt muss ein Objekt sein"
)
TOO_MANY_FIELDS = Phrase(
    "postback.too_many_fields", en="the body has more than {limit} fields", de="der Inhalt hat mehr als {limit} Felder"
)

# ---------------------------------------------------------------------------- checking the sale

INVALID_PARAMETERS = Phrase(
    "postback.invalid_parameters", en="{what} has invalid parameters", de="{what}: ungültige Parameter"
)
THE_POSTBACK = Phrase("postback.the_postback", en="the postback", de="die Postback-Meldung")
THE_PIXEL = Phrase("postback.the_pixel", en="the pixel", de="das Pixel")
UNKNOWN_PARAMETER = Phrase("postback.unknown_parameter", en="unknown parameter", de="unbekannter Parameter")
REQUIRED = Phrase("postback.required", en="required", de="erforderlich")
NOT_A_CURRENCY = Phrase(
    "postback.not_a_currency", en="currency is no ISO 4217 currency code", de="currency ist kein ISO-4217-Währungscode"
)
UNKNOWN_CURRENCY = Phrase("postback.unknown_currency", en="unknown currency", de="unbekannte Währung")
TOO_MANY_DECIMALS = Phrase(
    "postback.too_many_decimals",
    en="{name} has more decimals than {currency} allows ({minor})",
    de="{name} hat mehr Nachkommastellen, als {currency} erlaubt ({minor})",
)
DECIMALS = Phrase("postback.decimals", en="too many decimals", de="zu viele Nachkommastellen")
CHANNEL_COUPON = Phrase(
    "postback.channel_coupon",
    en="channel coupon is Waymark's, for sales a coupon code credits: send the code as coupon",
    de="der Kanal coupon gehört Waymark, für Verkäufe, die ein Gutscheincode zuordnet: senden Sie den Code als coupon",
)
CHANNELS = Phrase("postback.channels", en="{channels} or {last}", de="{channels} oder {last}")
NOT_A_COUPON = Phrase("postback.not_a_coupon", en="coupon is not a coupon code", de="coupon ist kein Gutscheincode")
COUPON_RULE = Phrase("postback.coupon_rule", en="a coupon code is {rule}", de="ein Gutscheincode: {rule}")
NOT_A_REF = Phrase("postback.not_a_ref", en="ref is not a reference code", de="ref ist kein Referenzcode")
REF_RULE = Phrase(
    "postback.ref_rule", en="6 characters, as shown to the customer", de="6 Zeichen, wie dem Kunden angezeigt"
)
AMOUNT_AS_STRING = Phrase(
    "postback.amount_as_string",
    en='send amounts as decimal strings like "12.50"',
    de='senden Sie Beträge als Dezimalzahl in Anführungszeichen wie "12.50"',
)
AMOUNT_FORM = Phrase(
    "postback.amount_form",
    en='must be a decimal like "12.50": digits, one optional point, no sign, exponent or separators',
    de='muss eine Dezimalzahl wie "12.50" sein: Ziffern, höchstens ein Punkt, kein Vorzeichen, Exponent oder '
    "Trennzeichen",
)
AMOUNT_MAX = Phrase("postback.amount_max", en="must be at most {maximum}", de="darf höchstens {maximum} sein")

# ---------------------------------------------------------------------------- the console's test sale

TEST_ORDER = Phrase(
    "postback.test_order",
    en="the test secret signs only the console's test conversion: order_id test-<click id> with the test click's "
    "click_id",
    de="das Test-Secret signiert nur die Test-Conversion der Konsole: order_id test-<Klick-ID> mit der click_id des "
    "Testklicks",
)
TEST_STATUS = Phrase(
    "postback.test_status",
    en="the test secret signs only the console's test conversion: its status is pending, never {status}",
    de="das Test-Secret signiert nur die Test-Conversion der Konsole: ihr Status ist pending, nie {status}",
)
TEST_ONLY_FIELDS = Phrase(
    "postback.test_only_fields",
    en="the test secret signs only the console's test conversion: order_id, amount, currency and click_id only, "
    "not {named}",
    de="das Test-Secret signiert nur die Test-Conversion der Konsole: nur order_id, amount, currency und click_id, "
    "nicht {named}",
)
NOT_A_TEST_CLICK = Phrase(
    "postback.not_a_test_click",
    en="the test secret signs only the console's test conversions: this is not a test click",
    de="das Test-Secret signiert nur die Test-Conversions der Konsole: dies ist kein Testklick",
)

# ---------------------------------------------------------------------------- who is reporting

SIGNATURE_INVALID = Phrase(
    "postback.signature_invalid", en="the signature is not valid", de="die Signatur ist nicht gültig"
)
CREDENTIALS_MISSING = Phrase(
    "postback.credentials_missing",
    en="credentials are missing: send the token parameter or an X-Waymark-Signature header",
    de="Zugangsdaten fehlen: senden Sie den Parameter token oder einen Header X-Waymark-Signature",
)
SOURCE_REFUSED = Phrase(
    "postback.source_refused",
    en="this advertiser does not accept postbacks from this address",
    de="dieser Advertiser nimmt keine Postbacks von dieser Adresse an",
)
NAME_ADVERTISER = Phrase(
    "postback.name_advertiser",
    en="name an active advertiser with the advertiser parameter",
    de="nennen Sie mit dem Parameter advertiser einen aktiven Advertiser",
)
TOKEN_INVALID = Phrase("postback.token_invalid", en="the token is not valid", de="das Token ist nicht gültig")
SIGNED_NAMES_ADVERTISER = Phrase(
    "postback.signed_names_advertiser",
    en="a signed postback names its advertiser (X-Waymark-Advertiser header)",
    de="eine signierte Postback-Meldung nennt ihren Advertiser (Header X-Waymark-Advertiser)",
)
SIGNATURE_FORM = Phrase(
    "postback.signature_form",
    en="the signature header reads t=<unix seconds>,v1=<hex HMAC-SHA256>",
    de="der Signatur-Header lautet t=<Unix-Sekunden>,v1=<HMAC-SHA256 in Hex>",
)
SIGNATURE_OLD = Phrase(
    "postback.signature_old",
    en="the signature is more than 5 minutes old (or ahead): sign each request when sending it",
    de="die Signatur ist mehr als 5 Minuten alt (oder voraus): signieren Sie jede Anfrage beim Senden",
)
PROGRAM_NOT_CONFIGURED = Phrase(
    "postback.program_not_configured",
    en="this advertiser's program is not configured",
    de="das Programm dieses Advertisers ist nicht eingerichtet",
)

# ---------------------------------------------------------------------------- the answer

UNAVAILABLE = Phrase(
    "postback.unavailable",
    en="Waymark cannot record conversions right now; please retry",
    de="Waymark kann gerade keine Conversions erfassen; bitte erneut versuchen",
)
QUEUED = Phrase(
    "postback.queued",
    en="Waymark stores this conversion shortly; sending the same postback again is safe.",
    de="Waymark speichert diese Conversion in Kürze; dieselbe Postback-Meldung erneut zu senden ist sicher.",
)
DUPLICATE = Phrase(
    "postback.duplicate",
    en="order {order_id} was recorded before with a different amount, currency, channel or click; the recorded "
    "conversion stands (operators can change its status)",
    de="Bestellung {order_id} wurde schon mit anderem Betrag, anderer Währung, anderem Kanal oder Klick erfasst; "
    "die erfasste Conversion bleibt (Betreiber können ihren Status ändern)",
)
TOKEN_EXPOSED = Phrase(
    "postback.token_exposed",
    en="the pixel takes no token: a token in a page is public",
    de="das Pixel nimmt kein Token: ein Token in einer Seite ist öffentlich",
)
NO_CLICK = Phrase("postback.no_click", en="no click to credit", de="kein Klick, dem der Verkauf zugeordnet werden kann")
PIXEL_NO_LIVE_CLICK = Phrase(
    "postback.pixel_no_live_click",
    en="the pixel credits only a live click of this program: none was found",
    de="das Pixel ordnet nur einem gültigen Klick dieses Programms zu: keiner wurde gefunden",
)
NO_RATE = Phrase(
    "postback.no_rate",
    en="there is no exchange rate from {from_currency} to {to_currency} for {day} or the {days} days before: "
    "report the amount in {to_currency}, or ask the program's operators to enter the rate",
    de="es gibt keinen Wechselkurs von {from_currency} nach {to_currency} für {day} oder die {days} Tage davor: "
    "melden Sie den Betrag in {to_currency} oder bitten Sie die Betreiber des Programms, den Kurs einzutragen",
)
