"""Remarketing: cross-sell profiles, per-language email templates, planned sends, the daily job,
and the links in the emails (offers back to the booking, one-click unsubscribe).

Modules, from pure to I/O:
  vocabulary   SendStatus, where a planned email stands (standard library only)
  tokens       signed link tokens and the keyed email hash (no AWS, no Jinja2)
  rules        which profiles match a cart, what they offer, when they write (no AWS)
  render       sandboxed Jinja2 rendering, sample data, the MIME message (no AWS)
  store        the program's remarketing configuration in one cached Query
  config       the operator's domain functions: save/list/get/delete, validation, preview
  planner      a new booking's customer item -> its planned sends
  sender       the daily job: due sends -> SES, exactly once, paced, resumable
  email_links  GET /x/{token} and the unsubscribe pages
  offers       the checkout's web offers and their CORS rule
  erasure      a customer erased by email: found on email-index, queued by the console, done by ErasureFunction
"""
