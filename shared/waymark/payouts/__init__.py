"""Paying partners: payable balances, payout runs and the files merchants upload to pay them.

vocabulary  the words: payout methods, run and line statuses (standard library only)
terms       a program's payout terms (hold period, minimum, the merchant's details), from its settings
accounts    payment details' rules: PayPal and Wise emails, IBAN (ISO 13616 mod-97) and BIC, masking
balances    the pure rules: what a conversion still owes, a partner's balance, what a run pays
files       the pay files: PayPal Payouts CSV, Wise batch CSV (pure)
store       the I/O: conversions' claims, runs and their lines, marking paid, cancelling, payment details
"""
