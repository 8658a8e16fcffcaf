"""Mail every stream shares: the send log and what SES reports about sent emails.

log         the send log: sent, delivered, bounced, complained, unsubscribed, by day (MailLogTable, TTL)
ses_events  SES's configuration-set events -> log lines; bounces and complaints suppress the address
"""
