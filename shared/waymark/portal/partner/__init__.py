"""The partner's own portal (/portal, /api): only ever the calling partner's data.

pages  dashboard, links with snippets and QR codes, profile
api    the same as JSON
views  partners and links shaped for pages and JSON alike
qr     a link's QR code answered (SVG or PNG), for pages and JSON alike
postback_pages, postbacks_api   the partner's own postback: URL, events, secret, test, delivery log
postback_actions, postback_schemas   what both share: the actions, and what they accept and answer
"""
