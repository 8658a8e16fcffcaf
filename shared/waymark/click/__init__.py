"""The click path: `/c/{code}` to a session and a redirect, with one PutItem and no read when warm.

Only botocore is loaded here (no PynamoDB, pydantic or Jinja2), so the click function starts fast.

  rules         what a click does: pure decisions, no I/O
  tracking      the I/O around the rules: cached lookups, then one conditional PutItem
  lookups       cached GetItem of links, partners and programs
  projections   what the click path reads of a link, a partner and a program, decoded from DynamoDB JSON
  sessions      building the click session item (sub-IDs, device, country, expiry)
  seen          the cookie of links this browser clicked in the last hour: repeats versus unique clicks
  destinations  which URLs a link may send a visitor to, and how the click id rides along
  useragents    bots and link-preview fetchers versus people; device, OS and browser
  click_wording the sentences of its refusal pages and destination checks, in each shipped language
"""
