"""The operators' console (/admin, /api/admin): partners, setting Waymark up, coupon codes and exchange rates.

pages          partners by status, added by hand, approval, declining, deleting, edits, commission overrides, links,
               personal data (a partner's export and erasure, a customer's erasure), the inside-sales directory
api            the same as JSON
partner_schemas  what the partner and personal-data routes accept and answer (pydantic)
partner_actions  those domain calls with their refusals as HTTP errors
setup_pages    programs and their commission rules, advertisers and their credentials, operators, the change record
setup_api      the same as JSON (credentials only in the answers that make them)
setup_schemas  what the set-up pages and API accept and answer (pydantic)
setup_actions  the set-up domain calls with their refusals as HTTP errors, and the answer models
integration_pages    an advertiser's integration page: postback URL, parameters, examples, test conversion, log
integration_api      the same as JSON
integration_actions  the integration page as data, and the test conversion with its refusals as HTTP errors
coupon_pages   coupon codes: give one to a partner, pause, resume, last day, remove
coupon_api     the same as JSON
coupon_schemas, coupon_actions  what the coupon routes accept and answer; the domain calls with HTTP refusals
rate_pages     the exchange rate table: the last days' rates, the operator's own for a day
rate_api       the same as JSON
rate_schemas, rate_actions  what the rate routes accept and answer; the domain calls with HTTP refusals
account_pages  the operator's own account: its login and the time zone its pages show times in
account_api    the same as JSON
"""
