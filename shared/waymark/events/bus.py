"""PutEvents to the stack's bus (EVENT_BUS_ARN): at most ten entries a call, as EventBridge takes them."""

import json
import os
from collections.abc import Sequence

from waymark.core import aws
from waymark.events.facts import Fact
from waymark.events.vocabulary import SOURCE

MAX_ENTRIES = 10


def bus_arn() -> str:
    return os.environ["EVENT_BUS_ARN"]


def put(facts: Sequence[Fact]) -> list[int]:
    """Publish `facts`; the indexes of those EventBridge did not take (to be tried again)."""
    failed = []
    client = aws.client("events", background=True)
    for start in range(0, len(facts), MAX_ENTRIES):
        chunk = facts[start : start + MAX_ENTRIES]
        entries = [
            {
                "Source": SOURCE,
                "DetailType": str(fact.detail_type),
                "Detail": json.dumps(fact.detail, separators=(",", ":")),
                "EventBusName": bus_arn(),
                "Resources": [],
            }
            for fact in chunk
        ]
        answer = client.put_events(Entries=entries)
        if answer.get("FailedEntryCount"):
            failed += [start + i for i, entry in enumerate(answer["Entries"]) if entry.get("ErrorCode")]
    return failed
