"""Conversions: a reported sale, who earns it and what it pays, from postback to review.

vocabulary      ConversionStatus and Channel, the values stored and answered (standard library only)
postbacks       GET|POST /postback and the pixel: read the parameters, authenticate, validate, record
postback_auth   proving a postback is the advertiser's: token or HMAC signature, IP allow-list
advertisers     advertisers and their credentials: create, rotate (with a grace period), allow-list, disable
page_script     GET /waymark.js, the script merchants put on their pages (page_script.js)
attribution     who earns a sale (last click, any product; clickless channels) and its item (pure)
commissions     which commission rule applies and how much it pays (pure)
fraud           a program's fraud rules: which sales are held for review, which are over a cap (pure)
recording       one session read, the rules, one write (with the fraud counters in its transaction)
status_changes  operators' decisions: pending | held -> approved | rejected, approved -> reversed
queries         a partner's or a program's conversions for a month, without scans
"""
