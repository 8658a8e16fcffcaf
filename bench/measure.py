"""Timing helpers: medians and percentiles over warm loops, and timing code in fresh interpreters."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def warm_loop(call: Callable[[], object], *, warmup: int, runs: int) -> list[float]:
    """Milliseconds per call, after `warmup` untimed calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter_ns()
        call()
        samples.append((time.perf_counter_ns() - started) / 1e6)
    return samples


def in_fresh_process(script: str, *args: str, env: dict[str, str] | None = None) -> dict:
    """Run `script` in a new interpreter; it prints one JSON line last."""
    return child_json([sys.executable, "-c", script, *args], env={**os.environ, **(env or {})}, timeout=300)


def child_json(argv: list[str], *, env: dict[str, str], timeout: int, answers_on_failure: bool = False) -> dict:
    """Run `argv` from the project root; its stdout is one JSON object (indented, or the last line).

    `answers_on_failure`: a child that exits non-zero but prints its result (a load run that did not
    reconcile) still answers; otherwise any failure raises with the end of its stderr.
    """
    result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 and not (answers_on_failure and result.stdout.strip()):
        raise RuntimeError(f"benchmark child {argv[1:3]} failed:\n{result.stderr[-4000:]}")
    try:
        return json.loads(result.stdout)
    except ValueError:
        return json.loads(result.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def figure(value: float, budget: float, *, unit: str, higher_is_better: bool = False, **extra) -> dict:
    holds = value >= budget if higher_is_better else value <= budget
    direction = {"higher_is_better": True} if higher_is_better else {}
    return {"value": round(value, 4), "budget": budget, "unit": unit, "holds": holds, **direction, **extra}
