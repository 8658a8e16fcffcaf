"""`make bench`: print every figure as one JSON object and write it to bench/results.json."""

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import bots, click, cost, export, local_load, package, postback, remarketing, report, stats, table, traffic

ROOT = Path(__file__).resolve().parent.parent
SUITES = {
    "click": click.run,
    "postback": postback.run,
    "package": package.run,
    "local": local_load.run,
    "report": report.run,
    "export": export.run,
    "remarketing": remarketing.run,
    "bots": bots.run,
    "cost": cost.run,
    "stats": stats.run,
    "load": traffic.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="comma-separated suites: " + ",".join(SUITES))
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(SUITES)
    figures: dict[str, dict] = {}
    durations: dict[str, float] = {}
    load_before = os.getloadavg()
    for name in chosen:
        started = time.perf_counter()
        try:
            figures.update(SUITES[name]())
        except Exception as error:  # a suite that cannot run is reported, not hidden
            figures[f"{name}.error"] = {"error": repr(error)[:2000], "holds": False}
        durations[name] = round(time.perf_counter() - started, 1)
        print(f"[bench] {name}: {durations[name]} s", file=sys.stderr)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    output = Path(args.output)
    earlier = json.loads(output.read_text()) if args.only and output.exists() else {}
    if args.only:  # a partial run updates its suites' figures and keeps the others'
        figures = {
            **{k: v for k, v in earlier.get("figures", {}).items() if k.split(".")[0] not in chosen},
            **figures,
        }
    suites = {k: v for k, v in earlier.get("suites", {}).items() if k not in chosen}
    suites.update({name: {"measured_at": now, "seconds": durations[name]} for name in chosen})
    report = {
        "measured_at": now,
        "machine": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": _cpus(),
            # Other work on the machine slows every figure: the 1-minute load average before and after.
            "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        },
        "suites": suites,
        "all_budgets_hold": all(f.get("holds", False) for f in figures.values()),
        "figures": figures,
    }
    text = json.dumps(report, indent=2)
    output.write_text(text + "\n")
    if output.resolve() == table.RESULTS:
        table.main(["--write"])  # docs/development.md shows what was just measured
    print(text)
    return 0


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
