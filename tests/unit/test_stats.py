"""Which counters a click or a conversion moves (pure rules; the key layout is the reports' contract)."""

from decimal import Decimal

import pytest

from waymark.reporting import consumer, counters
from waymark.reporting.counters import CounterKey

SESSION = {
    "click_id": "c1",
    "program_id": "shop",
    "agent_id": "ag1",
    "link_code": "lnk1",
    "created_at": "2026-05-31T23:30:00.000-02:00",  # 1 June, 01:30 UTC
    "sub1": "news",
    "source": "instagram",
    "sub2": "per-click-id-123",
}
CONVERSION = {
    "conversion_id": "adv:1",
    "program_id": "shop",
    "agent_id": "ag1",
    "link_code": "lnk1",
    "channel": "phone",
    "amount": Decimal("249.90"),
    "commission": Decimal("24.99"),
    "status": "pending",
    "created_at": "2026-05-20T11:00:00.000+00:00",
    "sub1": "news",
}


def keys(deltas) -> set[tuple[str, str]]:
    return {(key.pk, key.sk) for key in deltas}


def test_periods_are_utc_days_and_months():
    assert counters.period("2026-05-31T23:30:00.000-02:00") == ("2026-06-01", "2026-06")
    assert counters.period("2026-05-31T23:30:00") == ("2026-05-31", "2026-05")


def test_a_click_moves_the_partner_program_link_and_sub_id_counters():
    deltas = counters.click_deltas(SESSION, bot=False, unique=True)
    assert keys(deltas) == {
        ("MONTH#2026-06", "PROGRAM#shop"),
        ("PROGRAM#shop#MONTH#2026-06", "AGENT#ag1"),
        ("AGENT#ag1#DAY", "2026-06-01"),
        ("AGENT#ag1#MONTH#2026-06", "LINK#lnk1"),
        ("LINK#lnk1#DAY", "2026-06-01"),
        ("AGENT#ag1#LINKS", "lnk1"),
        ("AGENT#ag1#MONTH#2026-06#SUB", "sub1#news"),
        ("AGENT#ag1#MONTH#2026-06#SUB", "source#instagram"),
    }
    assert all(delta == {"clicks": 1, "unique_clicks": 1} for delta in deltas.values())
    assert counters.click_deltas(SESSION, bot=False, unique=False)[counters.program_month_key("shop", "2026-06")] == {
        "clicks": 1
    }


def test_a_bot_click_is_only_a_bot_click():
    deltas = counters.click_deltas(SESSION, bot=True, unique=False)
    assert all(delta == {"bot_clicks": 1} for delta in deltas.values())


def test_a_conversion_counts_in_its_status_bucket_with_its_channel():
    deltas = counters.conversion_deltas(CONVERSION)
    assert ("PROGRAM#shop#MONTH#2026-05", "CHANNEL#phone") in keys(deltas)
    assert ("AGENT#ag1#MONTH#2026-05", "CHANNEL#phone") in keys(deltas)
    assert deltas[counters.partner_month_key("shop", "2026-05", "ag1")] == {
        "conversions_pending": 1,
        "sales_pending": Decimal("249.90"),
        "commission_pending": Decimal("24.99"),
    }


def test_an_unattributed_conversion_counts_for_the_program_and_its_channel_only():
    deltas = counters.conversion_deltas({**CONVERSION, "agent_id": None})
    assert keys(deltas) == {("PROGRAM#shop#MONTH#2026-05", "CHANNEL#phone"), ("MONTH#2026-05", "PROGRAM#shop")}


def test_a_status_change_moves_money_between_buckets_and_nothing_else():
    moved = counters.change(
        counters.conversion_deltas(CONVERSION), counters.conversion_deltas({**CONVERSION, "status": "approved"})
    )
    assert moved[counters.partner_month_key("shop", "2026-05", "ag1")] == {
        "conversions_pending": -1,
        "sales_pending": Decimal("-249.90"),
        "commission_pending": Decimal("-24.99"),
        "conversions_approved": 1,
        "sales_approved": Decimal("249.90"),
        "commission_approved": Decimal("24.99"),
    }
    assert counters.change(counters.conversion_deltas(CONVERSION), counters.conversion_deltas(dict(CONVERSION))) == {}


def test_a_corrected_commission_moves_only_the_difference():
    corrected = {**CONVERSION, "commission": Decimal("20.00")}
    moved = counters.change(counters.conversion_deltas(CONVERSION), counters.conversion_deltas(corrected))
    assert all(delta == {"commission_pending": Decimal("-4.99")} for delta in moved.values())
    assert len(moved) == len(counters.conversion_deltas(CONVERSION))


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError, match="unknown status"):
        counters.conversion_deltas({**CONVERSION, "status": "paid"})


def test_long_sub_ids_get_a_short_distinct_sort_key_and_keep_their_value():
    first, second = "ü" * 499 + "a", "ü" * 499 + "b"
    key_a, key_b = counters.sub_sort_key("sub1", first), counters.sub_sort_key("sub1", second)
    assert key_a != key_b and len(key_a.encode()) < 1024
    [sub_key] = [
        k for k in counters.click_deltas({**SESSION, "sub1": first, "source": None}, bot=True, unique=False) if k.sub_id
    ]
    assert sub_key.sub_id == ("sub1", first)


def test_the_worst_record_fits_one_transaction():
    """A conversion moved to another partner, link, day, channel and sub-IDs touches the most counters."""
    old = {**CONVERSION, "source": "a"}  # every optional counter present, before and after
    new = {
        **CONVERSION,
        "agent_id": "ag2",
        "link_code": "lnk2",
        "channel": "chat",
        "sub1": "x",
        "source": "y",
        "created_at": "2026-06-02T00:00:00+00:00",
        "status": "approved",
    }
    checkpoint = {"pk": {"S": "CHECKPOINT#t"}, "sk": {"S": "label#shard-1"}}
    deltas = counters.change(counters.conversion_deltas(old), counters.conversion_deltas(new))
    items = consumer.transaction_items(deltas, checkpoint, consumer.padded(41), 57)
    assert len(items) == 21 <= consumer.MAX_TRANSACTION_ITEMS  # docs/architecture.md "The stream consumer"
    assert items[0]["Put"]["Item"]["sequence"] == {"S": "57".zfill(40)}
    assert items[0]["Put"]["ConditionExpression"] == "#s = :expected"  # compared and advanced
    assert items[0]["Put"]["ExpressionAttributeValues"] == {":expected": {"S": "41".zfill(40)}}


def test_sequence_numbers_compare_as_integers_in_fixed_width():
    """Stream sequence numbers have 21 to 40 digits; DynamoDB numbers keep 38, so they are stored as
    fixed-width strings, whose order is the integers' order."""
    small, large = 99 * 10**20, 10**39 + 1
    assert consumer.padded(small) < consumer.padded(large) and len(consumer.padded(large)) == 40
    assert int(consumer.padded(large)) == large


def test_numbers_are_written_exactly_and_never_in_exponent_form():
    assert consumer.number(Decimal("1E+2")) == "100"
    assert consumer.number(Decimal("0.000001")) == "0.000001"
    assert consumer.number(Decimal("-24.99")) == "-24.99"
    assert consumer.number(3) == "3"


def test_counter_keys_with_the_same_place_are_one_counter():
    assert CounterKey("a", "b") == CounterKey("a", "b")
    assert consumer.table_of("arn:aws:dynamodb:eu-west-1:1:table/waymark-SessionsTable/stream/2026") == (
        "waymark-SessionsTable"
    )


def test_a_test_conversion_counts_nowhere_in_any_status():
    for status in ("rejected", "approved"):
        assert counters.conversion_deltas({**CONVERSION, "status": status, "test": True}) == {}
    assert counters.change(counters.conversion_deltas(CONVERSION), {}) != {}  # a real one does count


def test_until_an_upgrade_ends_the_kept_sessions_tables_last_clicks_count_as_clicks(monkeypatch):
    kept = "waymark-previous-sessions"
    monkeypatch.setenv("PREVIOUS_SESSIONS_TABLE", "")
    with pytest.raises(ValueError, match="not counted here"):
        consumer._plan(kept, 0, [])
    monkeypatch.setenv("PREVIOUS_SESSIONS_TABLE", kept)  # PreviousSessionsTable names it
    assert consumer._plan(kept, 0, []).failed_at is None
