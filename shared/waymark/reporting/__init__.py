"""Reports: counters kept by a stream consumer, read with GetItem and Query only, exported to S3.

counters   which counters a click or a conversion moves, and the key layout (pure)
consumer   the stats consumer: stream records of sessions and conversions into counters
reads      the read API over the counters
exports    CSV exports to the exports bucket by multipart upload
"""
