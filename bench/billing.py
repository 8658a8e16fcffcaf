"""DynamoDB's bill for one request, in one place: bench/cost.py and bench/stats.py both count with it.

Sizes as DynamoDB documents them ("Item sizes and formats"): attribute names plus values.

Writes: a unit per started KB of the larger of the item before and after the write, twice for an
item of a transaction, billed whether the write took place or not (a failed condition or a
cancelled transaction is billed at the size of the item as stored, at least one unit). Then each
global secondary index the item is or was in, as template.yaml declares it, takes writes of its
own, a unit per started KB of the index's copy of the item (the table's key, the index's key and
the projected attributes), as "Data synchronization between tables and global secondary indexes"
describes them:

- the item enters the index or leaves it: one write;
- the index's key changes: a delete and a put, two writes;
- only projected attributes change: one write;
- nothing the index holds changes (a KEYS_ONLY or INCLUDE index, another attribute): none.

An index write costs the same inside a transaction as outside it (only the table's item is billed
twice), and a write that did not take place writes no index.

Reads: a unit per started 4 KB, half for an eventually consistent read.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass


def value_size(value: dict) -> int:
    """The size DynamoDB counts for one attribute value, in DynamoDB's JSON."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(inner.encode())
    if kind == "N":
        digits = inner.lstrip("-").replace(".", "").strip("0") or "0"
        return math.ceil(len(digits) / 2) + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes) else len(base64.b64decode(inner))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: element}) for element in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + value_size(element) for name, element in inner.items())
    raise ValueError(f"unknown attribute type {kind}")


def item_size(item: dict | None) -> int:
    return sum(len(name.encode()) + value_size(value) for name, value in (item or {}).items())


def write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def read_units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2


@dataclass(frozen=True)
class Index:
    """A global secondary index: its key and what it projects."""

    name: str
    keys: tuple[str, ...]
    projection: str  # ALL, KEYS_ONLY or INCLUDE
    included: tuple[str, ...] = ()

    def entry(self, item: dict | None, table_keys: tuple[str, ...]) -> dict | None:
        """The index's copy of the item, or None when the item lacks the index's key (a sparse index)."""
        if not item or any(name not in item for name in self.keys):
            return None
        if self.projection == "ALL":
            return dict(item)
        held = {*table_keys, *self.keys, *(self.included if self.projection == "INCLUDE" else ())}
        return {name: value for name, value in item.items() if name in held}

    def write_units(self, before: dict | None, after: dict | None, table_keys: tuple[str, ...]) -> int:
        old, new = self.entry(before, table_keys), self.entry(after, table_keys)
        if old == new:
            return 0
        if old is None or new is None:
            return write_units(item_size(old or new))
        if any(old[name] != new[name] for name in self.keys):
            return write_units(item_size(old)) + write_units(item_size(new))
        return write_units(max(item_size(old), item_size(new)))


@dataclass(frozen=True)
class Table:
    """A table as template.yaml declares it: its logical id, key and global secondary indexes."""

    logical_id: str
    keys: tuple[str, ...]
    indexes: tuple[Index, ...] = ()

    @classmethod
    def declared(cls, logical_id: str, resource: dict) -> Table:
        properties = resource["Properties"]
        indexes = tuple(
            Index(
                name=index["IndexName"],
                keys=tuple(key["AttributeName"] for key in index["KeySchema"]),
                projection=index["Projection"]["ProjectionType"],
                included=tuple(index["Projection"].get("NonKeyAttributes", ())),
            )
            for index in properties.get("GlobalSecondaryIndexes", ())
        )
        return cls(logical_id, tuple(key["AttributeName"] for key in properties["KeySchema"]), indexes)

    def key(self, item: dict) -> dict:
        return {name: item[name] for name in self.keys}

    def write_units(self, before: dict | None, after: dict | None, *, transactional: bool = False) -> tuple[int, int]:
        """(the table's units, its indexes' units) for one item; `after` is `before` when nothing was written."""
        table = write_units(max(item_size(before), item_size(after))) * (2 if transactional else 1)
        return table, sum(index.write_units(before, after, self.keys) for index in self.indexes)


def tables(stack) -> dict[str, Table]:
    """The stack's tables by physical name (devstack.provision records them), from template.yaml."""
    return {
        stack.physical[logical_id]["Ref"]: Table.declared(logical_id, resource)
        for logical_id, resource in stack.of_type("AWS::DynamoDB::Table").items()
    }
