"""`report.scale_ratio`: a monthly report's latency at 100k underlying clicks over its latency at 1k, in moto.

Two programs live side by side in the same embedded DynamoDB: one partner with 1,000 clicks
(and 100 sales) in May, another with 100,000 clicks (and 10,000 sales). The sessions and
conversions are stored items; their counters are what the stream consumer would have
written (devstack.bulk). The two reports are read alternately, so machine noise hits both
alike, and the figure is the worse of the two medians' ratios: the partner's month
(`waymark.reporting.reads.partner_month`) and the all-partners month (`program_month`).
"""

import json
import sys
import time

from bench.embedded import ReadCounter, moto_stack, run_child
from bench.measure import figure, median

MONTH = "2026-05"
SCALES = {"small": 1_000, "large": 100_000}
WARMUP, RUNS = 10, 100


def _world(program_id: str, clicks: int) -> tuple[str, str]:
    from decimal import Decimal

    from devstack import bulk
    from waymark.models import CommissionRule, Program
    from waymark.partners.links import create_link
    from waymark.partners.management import create_agent

    program = Program(
        *Program.key(program_id),
        program_id=program_id,
        name=f"Program {program_id}",
        currency="EUR",
        default_landing_url="https://www.example.com/",
        allowed_domains=["www.example.com"],
        commission_rules=[CommissionRule(kind="percent", value=Decimal("10"))],
    )
    program.save()
    agent = create_agent(program, name="Partner", email=f"{program_id}@example.com", status="active")
    link = create_link(agent, program, destination="https://www.example.com/tours/1")
    bulk.seed_clicks(program_id, agent.agent_id, link.code, clicks, month=MONTH, sub1="news", direct=True)
    bulk.seed_conversions(program_id, agent.agent_id, clicks // 10, month=MONTH, link_code=link.code, direct=True)
    return program_id, agent.agent_id


def measure() -> dict:
    reads = ReadCounter()
    reads.install()
    with moto_stack():
        from waymark.reporting.reads import partner_month, program_month

        worlds = {scale: _world(f"p-{scale}", clicks) for scale, clicks in SCALES.items()}
        kinds = {
            "partner_month": lambda program, agent: partner_month(program, agent, MONTH),
            "program_month": lambda program, agent: program_month(program, MONTH),
        }
        samples = {(kind, scale): [] for kind in kinds for scale in SCALES}
        shape = {}
        for kind, read in kinds.items():
            for scale, (program, agent) in worlds.items():
                report = read(program, agent)
                reads.reset()
                reads.recording = True
                read(program, agent)
                reads.recording = False
                shape[f"{kind}.{scale}"] = {"calls": dict(reads.calls), "items_read": reads.items}
                totals = report.totals
                expected = SCALES[scale]
                if totals.clicks != expected or totals.conversions != expected // 10:
                    raise RuntimeError(f"{kind} at {scale}: {totals.clicks} clicks, {totals.conversions} sales")
            for index in range(WARMUP + RUNS):
                for scale, (program, agent) in worlds.items():  # alternate: noise hits both alike
                    started = time.perf_counter_ns()
                    read(program, agent)
                    if index >= WARMUP:
                        samples[(kind, scale)].append((time.perf_counter_ns() - started) / 1e6)
    medians = {f"{kind}.{scale}": round(median(values), 3) for (kind, scale), values in samples.items()}
    ratios = {kind: medians[f"{kind}.large"] / medians[f"{kind}.small"] for kind in kinds}
    return {"medians_ms": medians, "ratios": ratios, "reads": shape}


def run() -> dict[str, dict]:
    result = run_child("bench.report")
    ratios = result["ratios"]
    return {
        "report.scale_ratio": figure(
            max(ratios.values()),
            1.2,
            unit="ratio",
            clicks=SCALES,
            runs=RUNS,
            ratios={k: round(v, 3) for k, v in ratios.items()},
            medians_ms=result["medians_ms"],
            reads=result["reads"],
        )
    }


if __name__ == "__main__":
    print(json.dumps(measure()))
    sys.exit(0)
