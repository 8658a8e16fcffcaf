"""Operators' mail console (/admin/mail, /api/admin/mail): partner emails' wording with a preview,
the send log, and suppressed addresses added or lifted by hand.

actions  the domain calls both pages and the JSON API make, refusals as HTTP errors
api      JSON API routes
pages    console pages
"""
