"""`make bench`: print every figure as one JSON object and write it to bench/results.json."""

import argparse
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import click, local_load, package, postback

ROOT = Path(__file__).resolve().parent.parent
SUITES = {"click": click.run, "postback": postback.run, "package": package.run, "local": local_load.run}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="comma-separated suites: " + ",".join(SUITES))
    parser.add_argument("--output", default=str(ROOT / "bench" / "results.json"))
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(SUITES)
    figures: dict[str, dict] = {}
    for name in chosen:
        started = time.perf_counter()
        try:
            figures.update(SUITES[name]())
        except Exception as error:  # a suite that cannot run is reported, not hidden
            figures[f"{name}.error"] = {"error": repr(error)[:2000], "holds": False}
        print(f"[bench] {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    report = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "machine": platform.machine(), "cpus": _cpus()},
        "all_budgets_hold": all(f.get("holds", False) for f in figures.values()),
        "figures": figures,
    }
    text = json.dumps(report, indent=2)
    Path(args.output).write_text(text + "\n")
    print(text)
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
