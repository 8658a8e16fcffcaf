"""Conversions: a reported sale, who earns it and what it pays, from postback to review.

vocabulary      ConversionStatus and Channel, the values stored and answered (standard library only)
postbacks       GET|POST /postback and the pixel: read the parameters, authenticate, validate, record
postback_auth   proving a postback is the advertiser's: token or HMAC signature, IP allow-list
postback_log    the answers to an advertiser's postbacks but new sales (no personal data, TTL); the page adds the sales
integration     the postback's parameter list and examples for an advertiser, and the test conversion
advertisers     advertisers and their credentials: create, rotate (with a grace period), allow-list, disable
advertiser_secrets  HMAC secrets as stored: KMS-encrypted per advertiser, decrypted once per warm container
page_script     GET /waymark.js, the script merchants put on their pages (page_script.js)
attribution     who earns a sale (last click, any product; clickless channels; coupon precedence) and its item (pure)
coupons         coupon codes: operators give, pause, expire and remove them; the postback's one cached lookup
exchange        sales in another currency: the day's rate (operator's, else the ECB's), the conversion math
ecb_rates       the ECB's daily euro reference rates: fetch, parse, store (EcbRatesFunction)
commissions     which commission rule applies and how much it pays (pure)
fraud           a program's fraud rules: which sales are held for review, which are over a cap (pure)
recording       one session read, the rules, one write (with the fraud counters in its transaction)
status_changes  operators' decisions: pending | held -> approved | rejected, approved -> reversed, undone; a page
offline_sales   a sale an operator took by phone, chat, concierge or inside sales, recorded from the console
reassignment    crediting a conversion to another partner, its commission priced again
queries         a partner's or a program's conversions for a month (or its partners named so), without scans
"""
