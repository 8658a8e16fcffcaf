"""A small time-bounded cache for hot lookups in a warm Lambda container."""

import time
from collections.abc import Callable, Hashable

_MISSING = object()
_ALL: list["TTLCache"] = []


class TTLCache[V]:
    """Remembers values (and absences) for `ttl` seconds; bounded so a flood of codes cannot grow it.

    A value that has expired is still served, briefly, while its source is failing: a
    DynamoDB hiccup should not stop a known link from redirecting.
    """

    def __init__(self, ttl: float, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, object]] = {}
        _ALL.append(self)

    def get_or_load(self, key: Hashable, load: Callable[[], V]) -> V:
        """The cached value, else `load()`; when loading fails, an expired value beats no value."""
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]  # type: ignore[return-value]
        try:
            value = load()
        except Exception:
            if entry is None:
                raise
            self._entries[key] = (now + min(self.ttl, 5.0), entry[1])
            return entry[1]  # type: ignore[return-value]
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (now + self.ttl, value)
        return value

    def forget(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def clear_all() -> None:
    """Empty every cache in this process (tests, and the local stack after it changes data)."""
    for cache in _ALL:
        cache.clear()
