"""Partners' own postbacks: Waymark calling a partner's URL when one of its sales is recorded, approved
or reversed (docs/integrating.md "Partner postbacks"; docs/security.md "Outbound URLs").

addresses  which URLs and addresses may be called: https, public addresses only (SSRF rules; pure
           but for DNS resolution, which is passed in)
macros     the URL template's macros, filled and URL-encoded; {order_ref} as a keyed hash (pure)
signing    the Waymark-Signature header a partner verifies (pure)
secrets    partners' signing secrets, stored encrypted under the stack's KMS key
settings   a partner's URL template, chosen events and secret: read, save, rotate, queue a test
delivery   one try: check again after resolving, connect to that address, sign, send, log
log        the delivery log: last tries per partner, 30 days (TTL)
"""
