"""`remarketing.items_read_per_due`: DynamoDB items the daily job reads per email due, with 50k stored
bookings of which 500 are due today, in moto (DynamoDB and SES v2).

The bookings (customer, offer reference and planned send each, as the planner stores them)
are seeded straight into moto (devstack.bulk); the job itself runs as in Lambda,
`waymark.remarketing.sender.run`. Items read are counted twice: by the job's own summary
(`items_read` + `config_items_read`) and by a botocore hook that adds up every item any
DynamoDB read returned during the run. Sending is paced to SES's rate on a virtual clock
(moto's quota is one email a second; pacing is not what is measured). Then moto's SES must
hold exactly the 500 due emails, one per due customer, and a second run the same day must
read and send nothing.
"""

import json
import sys
import time
from datetime import timedelta

from bench.embedded import ReadCounter, moto_stack, run_child
from bench.measure import figure

BOOKINGS = int(__import__("os").environ.get("BENCH_BOOKINGS", "50000"))
DUE_TODAY = 500


class VirtualClock:
    def __init__(self) -> None:
        self.now_s = 0.0

    def now(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        self.now_s += seconds


def measure() -> dict:
    reads = ReadCounter()
    reads.install()
    with moto_stack() as (stack, _):
        from decimal import Decimal

        from moto.ses.models import ses_backends

        from devstack import bulk, seed
        from waymark.core.times import utcnow
        from waymark.models import CommissionRule, Program
        from waymark.remarketing import sender

        program = Program(
            *Program.key("shop"),
            program_id="shop",
            name="Shop Tours",
            currency="EUR",
            default_landing_url="https://www.example.com/",
            allowed_domains=["www.example.com"],
            languages=["en", "de"],
            default_language="en",
            commission_rules=[CommissionRule(kind="percent", value=Decimal("10"))],
            settings={"remarketing": {"email": True}},
        )
        program.save()
        # The demo's profile, template (en, de) and channel subjects: one email profile, as `make dev` has.
        demo = seed.seed_remarketing(
            program, gateway_url="https://track.example.com", shop_url="https://www.example.com"
        )
        today = utcnow().date()
        started = time.perf_counter()
        bulk.seed_bookings(
            "shop",
            demo["profile_id"],
            demo["template_id"],
            BOOKINGS,
            due={today: DUE_TODAY},
            later=today + timedelta(days=3),
            direct=True,
        )
        seeded = time.perf_counter()
        outbox = ses_backends[stack.account][stack.region].sent_messages

        def run_job():
            reads.reset()
            reads.recording = True
            summary = sender.run(today=today, remaining_ms=lambda: 900_000, clock=VirtualClock())
            reads.recording = False
            return summary, reads.items, dict(reads.calls)

        first, first_items, first_calls = run_job()
        ran = time.perf_counter()
        recipients = [address for message in outbox for address in message.destinations]
        second, second_items, _ = run_job()
        expected = {f"guest{index}@example.org" for index in range(DUE_TODAY)}
        return {
            "summary": first.as_dict(),
            "items_read": first_items,
            "read_calls": first_calls,
            "emails": len(outbox),
            "distinct_recipients": len(set(recipients)),
            "recipients_are_the_due_customers": set(recipients) == expected,
            "second_run": {"sent": second.sent, "items_read": second.items_read, "dynamodb_items": second_items},
            "emails_after_second_run": len(outbox),
            "seconds": {"seed": round(seeded - started, 1), "run": round(ran - seeded, 1)},
        }


def run() -> dict[str, dict]:
    result = run_child("bench.remarketing")
    summary = result["summary"]
    per_due = result["items_read"] / DUE_TODAY
    once = (
        summary["sent"] == DUE_TODAY
        and result["emails"] == DUE_TODAY
        and result["distinct_recipients"] == DUE_TODAY
        and result["recipients_are_the_due_customers"]
        and result["second_run"]["sent"] == 0
        and result["emails_after_second_run"] == DUE_TODAY
    )
    measured = figure(
        per_due,
        1.1,
        unit="items read per due email",
        bookings=BOOKINGS,
        due_today=DUE_TODAY,
        items_read=result["items_read"],
        job_counts={k: summary[k] for k in ("items_read", "config_items_read", "suppression_lookups", "sent")},
        dynamodb_calls=result["read_calls"],
        seconds=result["seconds"],
        emails_sent=result["emails"],
        distinct_recipients=result["distinct_recipients"],
        each_email_once=once,
        second_run=result["second_run"],
    )
    measured["holds"] = measured["holds"] and once
    return {"remarketing.items_read_per_due": measured}


if __name__ == "__main__":
    print(json.dumps(measure()))
    sys.exit(0)
