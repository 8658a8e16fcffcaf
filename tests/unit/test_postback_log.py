"""The postback log's item (waymark.conversions.postback_log), built by hand, is PostbackLogEntry's schema."""

from datetime import UTC, datetime, timedelta

from waymark.conversions import postback_log
from waymark.models import PostbackLogEntry

NOW = datetime(2026, 6, 15, 12, 0, 0, 123456, tzinfo=UTC)


def test_an_item_reads_back_through_the_model_and_expires_in_thirty_days():
    line = postback_log.Line(
        "demo-shop", "postback", "POST", 400, "Invalid", True, message="x" * 500, fields=("amount: bad",)
    )
    entry = PostbackLogEntry.from_raw_data(postback_log.item(line, NOW))
    assert entry.advertiser_id == "demo-shop" and entry.logged_at.startswith("2026-06-15T12:00:00.123456+00:00#")
    assert (entry.kind, entry.method, entry.status, entry.outcome) == ("postback", "POST", 400, "Invalid")
    assert entry.authenticated is True and entry.signed is False
    assert len(entry.message) == postback_log.MAX_TEXT and entry.fields == ["amount: bad"]
    assert entry.order_id is None and entry.reason is None
    assert entry.ttl == int((NOW + timedelta(days=postback_log.RETENTION_DAYS)).timestamp())
    assert set(postback_log.item(line, NOW)) <= set(PostbackLogEntry.get_attributes())


def test_two_answers_in_the_same_instant_get_two_keys():
    line = postback_log.Line("demo-shop", "pixel", "GET", 422, "NoClick", False)
    assert postback_log.item(line, NOW)["logged_at"] != postback_log.item(line, NOW)["logged_at"]
