"""The postback log (waymark.conversions.postback_log): its item, built by hand, is PostbackLogEntry's schema;
which answers get a line; and how the integration page merges the lines with the new sales."""

from datetime import UTC, datetime, timedelta

from waymark.conversions import postback_log
from waymark.models import Conversion, PostbackLogEntry

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


def test_only_a_new_sale_goes_unlogged_and_a_test_sale_keeps_its_line():
    assert not postback_log.logged("Recorded", test=False)
    assert postback_log.logged("Recorded", test=True)
    for outcome in ("Repeated", "Conflict", "Queued", "Invalid", "Unauthorized", "Forbidden", "Unavailable", "NoClick"):
        assert postback_log.logged(outcome, test=False), outcome


def _line(minutes_ago: int) -> PostbackLogEntry:
    at = NOW - timedelta(minutes=minutes_ago)
    return PostbackLogEntry("demo-shop", f"{at.isoformat(timespec='microseconds')}#{minutes_ago:08x}")


def _sale(minutes_ago: int) -> Conversion:
    at = NOW - timedelta(minutes=minutes_ago)
    return Conversion(f"demo-shop:S-{minutes_ago}", created_at=at.isoformat(timespec="milliseconds"))


def _ages(answers: postback_log.Answers) -> list[tuple[str, int]]:
    return [
        ("sale", int(e.conversion_id.split("-")[-1]))
        if isinstance(e, Conversion)
        else ("log", int(e.logged_at[-8:], 16))
        for e in answers.entries
    ]


START = NOW - timedelta(days=postback_log.RETENTION_DAYS)


def test_both_reads_merge_newest_first_back_to_the_retention_start():
    logged = [_line(1), _line(30), _line(60 * 24 * 31)]  # the last one expired, TTL has not deleted it yet
    answers = postback_log.merged(
        logged, [_sale(5), _sale(90)], start=START, log_had_more=False, sales_read_until=None, sales_read=2
    )
    assert _ages(answers) == [("log", 1), ("sale", 5), ("log", 30), ("sale", 90)]
    assert answers.complete and answers.since == START and answers.sales_read == 2


def test_a_full_log_cuts_the_sales_at_its_oldest_line():
    logged = [_line(minute) for minute in range(1, postback_log.SHOWN + 1)]
    answers = postback_log.merged(
        logged, [_sale(50), _sale(500)], start=START, log_had_more=True, sales_read_until=None, sales_read=2
    )
    assert ("sale", 50) in _ages(answers) and ("sale", 500) not in _ages(answers)  # older lines were not read
    assert len(answers.entries) == postback_log.SHOWN and _ages(answers)[-1] == ("log", postback_log.SHOWN - 1)
    assert not answers.complete and answers.since == NOW - timedelta(minutes=postback_log.SHOWN - 1)


def test_sales_read_to_their_limit_cut_the_log_where_they_stop():
    oldest_read = datetime.fromisoformat(_sale(10).created_at)  # as DynamoDB's LastEvaluatedKey names it
    answers = postback_log.merged(
        [_line(2), _line(20)],
        [_sale(1), _sale(10)],
        start=START,
        log_had_more=False,
        sales_read_until=oldest_read,
        sales_read=postback_log.SALES_READ,
    )
    assert _ages(answers) == [("sale", 1), ("log", 2), ("sale", 10)]  # the line at 20 min: sales unread there
    assert not answers.complete and answers.since == oldest_read
