"""The capacity simulation of bench/stats.py, scaled down: waymark's consumer code over several shards,
every write counted per item per second (docs/architecture.md "The stream consumer")."""

from bench import stats


def test_a_scaled_down_burst_keeps_every_item_under_its_limit_and_the_consumer_keeps_up():
    # 5 % of the bench's rate (10,000 clicks a second over 10 shards), for 2 seconds over 4 shards.
    result = stats.capacity(seconds=2, rate=500, shards=4)
    assert result["peak_item_units_per_s"] <= stats.ITEM_LIMIT_PER_S
    assert result["batch_ms_max"] <= 1_000
    # Each counter is written once per shard's batch: the program's month, touched by every click, takes
    # 2 units (one transactional ADD) per shard per second, not one per click.
    assert max(result["by_second_program_month"]) <= 2 * 4


def test_write_units_are_billed_per_started_kilobyte_and_twice_in_a_transaction():
    table = stats.CountingTable()
    big = {"pk": {"S": "p"}, "sk": {"S": "s"}, "blob": {"S": "x" * 1500}}
    table.batch_write_item(RequestItems={"t": [{"PutRequest": {"Item": big}}]})
    assert table.total == 2  # 1.5 KB: two started kilobytes
    table.transact_write_items(
        TransactItems=[{"Put": {"TableName": "t", "Item": {"pk": {"S": "q"}, "sk": {"S": "s"}}}}]
    )
    assert table.total == 2 + 2


def test_the_latency_model_puts_the_consumers_side_by_side_calls_as_many_at_a_time_as_it_makes_them():
    from collections import Counter

    made = Counter({"GetItem": 1, "BatchGetItem": 9, "BatchWriteItem": 16, "TransactWriteItems": 5, "PutItem": 1})
    # In turn: the checkpoint read and put; 2 waves of reads, 2 of writes, 1 of journal parts (at 8).
    assert stats._latency_ms(made, 8) == 10 + 10 + 2 * 20 + 2 * 25 + 1 * 50
    assert stats._latency_ms(made, 1) == 10 + 10 + 9 * 20 + 16 * 25 + 5 * 50
