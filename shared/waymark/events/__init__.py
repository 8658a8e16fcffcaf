"""Merchant events: what Waymark tells the merchant's systems, on the stack's EventBridge bus.

vocabulary  the source and the detail types (the contract: docs/integrating.md "Merchant events")
facts       which events a conversion's or a partner's stream images make, and their detail (pure)
bus         PutEvents in batches of at most ten, reporting the entries EventBridge refused

Each detail type has a JSON schema in events/schemas/ (a unit test holds the details to them).
"""
