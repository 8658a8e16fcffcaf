"""Waymark's own library: domain logic and data access shared by every Lambda function.

One sub-package per domain; each `__init__` names its modules and imports nothing, so a
handler that needs clicks never loads Jinja2, pydantic or report code (docs/architecture.md
"Dependency rules").

  click        the click path: rules, tracking I/O, cached lookups, sessions, destinations, user agents
  conversions  postbacks, the pixel and page script, attribution, commissions, recording, review
  reporting    counters, the stats stream consumer, report reads, exports
  partners     partners, their logins and passwords, signup, tracking links and snippets
  programs     programs' settings, operators and the change record the console keeps
  events       merchant events on the EventBridge bus: detail types, which stream images make them, PutEvents
  partner_postbacks  partners' own postbacks: settings, URL rules (SSRF), macros, signing, delivery, log
  remarketing  cross-sell profiles, templates, planning, the daily sender, email links, offers
  web          the web kit: resolver, authentication, CSRF, errors, forms, rendering
  portal       pages and JSON API routes by area (account, partner, admin, reports, remarketing)
  setup        a deployment's first minute: the first program and operator, the custom-resource protocol
  core         AWS clients, cache, signing keys, times, ids, currencies, durable writes, HTTP API helpers
  models       PynamoDB models: the one schema of every stored item
  catalog      cached GetItem of links, partners, programs and advertisers for request paths
  templates/, static/  Jinja2 templates and the portal's static files
"""
