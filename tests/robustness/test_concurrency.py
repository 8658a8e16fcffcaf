"""Concurrency beyond tests/integration/test_postback.py (fifty identical postbacks at once record one
conversion) and test_remarketing_sending.py (two runs interleaved on one item): two whole daily
remarketing runs started together, as an EventBridge retry overlapping a continuation would."""

from datetime import timedelta

from devstack.pumps import StreamPump
from tests.helpers.concurrency import all_at_once
from tests.helpers.remarketing import VirtualClock, configure, make_customer, sent_emails


def test_two_simultaneous_remarketing_runs_send_each_email_once(aws, shop, runtime):
    from waymark.core.times import utcnow
    from waymark.models import RemarketingSend
    from waymark.remarketing import sender

    configure(shop.program)
    addresses = [f"guest{n}@example.org" for n in range(24)]
    for address in addresses:
        make_customer(shop.program, email=address)
    StreamPump(aws, runtime).drain()
    day = utcnow().date() + timedelta(days=1)
    summaries: list = []

    def run() -> None:
        summaries.append(sender.run(today=day, remaining_ms=lambda: 300_000, clock=VirtualClock()))

    all_at_once(run, run)

    assert len(summaries) == 2
    assert sum(s.sent for s in summaries) == len(addresses)
    # Whatever one run read and did not send, it found claimed or done by the other.
    assert all(s.items_read == s.sent + s.busy for s in summaries), summaries
    recipients = sorted(address for email in sent_emails(aws) for address in email["to"])
    assert recipients == sorted(addresses)  # every one, each once
    assert {s.status for s in RemarketingSend.scan() if s.sk.startswith("SEND#")} == {"sent"}
