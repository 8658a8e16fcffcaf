"""The partner portal, admin console and signup: page and JSON API routers built on waymark.web.

One sub-package per area, each with its pages, JSON API routes, views and schemas:
  account      the start page, logging in and out, signup, the OpenAPI description
  partner      the partner's dashboard, links, snippets and profile
  admin        operators' console: partners (approval, edits, overrides, inside sales) and the set-up
               (programs, advertisers, operators, the change record)
  reports      figures for partners and operators: reports, conversions review, exports, charts
  remarketing  operators' remarketing configuration: profiles, templates, channel subjects
  payouts      paying partners: the partner's balance, payouts, statements and payment details;
               operators' payout runs, pay files and payout terms

Shared by the areas:
  actions  what pages and the JSON API both do, with domain errors turned into HTTP ones
  params   the path and query parameters of every route, with their limits and descriptions
  schemas  request and answer models used by more than one area
"""
