"""Paying partners in the portal and the console, over waymark.payouts.

schemas  request and answer models (accounts always masked, money as exact decimal strings)
views    stored runs, lines, balances and payment details as answers
actions  what pages and the JSON API both do, with domain errors turned into HTTP ones
api      JSON: the partner's balance, payouts, statements and payment details; operators' runs and terms
pages    the partner's payouts page and printable statement; the console's runs, a run, its files
"""
