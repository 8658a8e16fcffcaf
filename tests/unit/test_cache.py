import pytest

from waymark.core.cache import TTLCache


def test_values_and_absences_are_remembered_until_they_expire(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("waymark.core.cache.time.monotonic", lambda: clock[0])
    cache = TTLCache(ttl=60)
    loads = []
    assert cache.get_or_load("a", lambda: loads.append(1) or None) is None
    assert cache.get_or_load("a", lambda: loads.append(2) or "new") is None
    clock[0] += 61
    assert cache.get_or_load("a", lambda: loads.append(3) or "new") == "new"
    assert loads == [1, 3]


def test_an_expired_value_is_served_while_the_source_fails(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr("waymark.core.cache.time.monotonic", lambda: clock[0])
    cache = TTLCache(ttl=60)
    cache.get_or_load("k", lambda: "old")
    clock[0] += 120

    def failing():
        raise ConnectionError("dynamodb down")

    assert cache.get_or_load("k", failing) == "old"
    with pytest.raises(ConnectionError):
        cache.get_or_load("unknown", failing)


def test_the_cache_is_bounded():
    cache = TTLCache(ttl=60, max_entries=3)
    for key in range(10):
        cache.get_or_load(key, lambda key=key: key)
    assert len(cache._entries) <= 3
