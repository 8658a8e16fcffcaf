"""Primitives every domain stands on; no domain rules here.

aws           low-level AWS clients, created once per container; the region; BatchGetItem with its retries
cache         a time-bounded cache for hot lookups in a warm container
currencies    ISO 4217 codes and their minor units
field_messages  pydantic's validation errors as plain sentences in each shipped language (pages, API, postback)
durable       writes that must not be lost: try once, else keep the exact request for replay
hot_path      Powertools' metric lines and log keys for the click function, for a third of the cost
httpapi       API Gateway HTTP API (payload 2.0) events and responses, without a framework
ids           click ids, link codes and phone reference codes
rate_limits   per-client token buckets in RateLimitsTable: one conditional UpdateItem per attempt, two inside a burst
signing_keys  keys by purpose from Secrets Manager: versioned signing keyrings, never-rotated hashing keys
table_keys    DynamoDB keys the schema and the click path's lookups both build
times         UTC timestamps as stored (ISO 8601, milliseconds), report months, times shown in a reader's zone
phrases       the message catalogue's machinery: phrases by id with parameters, said in the reader's language
"""
