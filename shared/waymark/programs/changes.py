"""The change record: one ChangeRecord item per change an operator makes, in the program's partition.

A record is written in the same transaction as the change it describes (`record(...)` gives the
item to add to the transaction), so the record and the data cannot disagree. Records hold the
changed fields only, as JSON, and never a credential: secret field names are refused here, so a
caller cannot put one in by mistake.
"""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from waymark.core.times import iso, utcnow
from waymark.models import ChangeRecord

# Fields that must never appear in a change record (the advertiser's credentials and their previous values).
SECRET_FIELDS = frozenset(
    {"token", "token_sha256", "hmac_secret", "previous_token_sha256", "previous_hmac_secret", "password"}
    | {"test_hmac_secret"}
)
PAGE_SIZE = 50


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the changed fields as they were, as they are now); fields equal on both sides are left out."""
    names = [name for name in {**before, **after} if _plain(before.get(name)) != _plain(after.get(name))]
    return {name: before.get(name) for name in names}, {name: after.get(name) for name in names}


def record(
    program_id: str,
    *,
    by: str,
    subject: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime | None = None,
) -> ChangeRecord:
    """The item describing one change (not saved: add it to the change's transaction)."""
    for side in (before or {}, after or {}):
        leaked = SECRET_FIELDS & set(side)
        if leaked:
            raise ValueError(f"a change record never holds secrets: {', '.join(sorted(leaked))}")
    at = iso(now or utcnow())
    change_id = secrets.token_hex(6)
    return ChangeRecord(
        *ChangeRecord.key(program_id, at, change_id),
        program_id=program_id,
        change_id=change_id,
        at=at,
        by=by,
        subject=subject,
        action=action,
        before=_encode(before),
        after=_encode(after),
    )


@dataclass(frozen=True)
class ChangePage:
    changes: list[ChangeRecord]
    last_key: dict | None


def changes_of(program_id: str, *, after: dict | None = None, limit: int = PAGE_SIZE) -> ChangePage:
    """One page of a program's change record, newest first: a Query on its partition's CHANGE# items."""
    results = ChangeRecord.query(
        f"PROGRAM#{program_id}",
        ChangeRecord.sk.startswith("CHANGE#"),
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=after,
    )
    found = list(results)
    return ChangePage(found, results.last_evaluated_key if len(found) == limit else None)


def decoded(text: str | None) -> dict[str, Any] | None:
    return json.loads(text) if text else None


def _plain(value: Any) -> Any:
    """A value as compared: numbers by value (10 == 10.0), maps and lists recursively."""
    return json.loads(json.dumps(value, default=_canonical, sort_keys=True))


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return _json_default(value)


def _encode(values: dict[str, Any] | None) -> str | None:
    if values is None:
        return None
    return json.dumps(values, default=_json_default, sort_keys=True, ensure_ascii=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot record a {type(value).__name__}")
