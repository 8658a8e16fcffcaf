"""The figures table of docs/development.md, made from bench/results.json (so the two cannot disagree).

python -m bench.table            print the table
python -m bench.table --write    put it into docs/development.md between its bench-table markers
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DEVELOPMENT = ROOT / "docs" / "development.md"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"
_BETWEEN = re.compile(re.escape(START) + r"(.*?)" + re.escape(END), re.DOTALL)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def markdown(results: dict) -> str:
    machine = results["machine"]
    when = {suite["measured_at"] for suite in results.get("suites", {}).values()} or {results["measured_at"]}
    lines = [
        f"Measured {', '.join(sorted(when))} on {machine['cpus']} cores ({machine['machine']}, Python "
        f"{machine['python']}; load average {machine.get('load_average', ['?'])[0]} at the start).",
        "",
        "| figure | value | budget | holds |",
        "| --- | --- | --- | --- |",
    ]
    for name, figure in results["figures"].items():
        if "error" in figure:
            lines.append(f"| `{name}` | could not run: {figure['error'][:80]} | | **no** |")
            continue
        budget = figure["budget"]
        bound = "≥" if figure.get("higher_is_better") else "≤"
        budget_text = f"{bound} {_number(budget)}" if isinstance(budget, int | float) else str(budget)
        unit = figure.get("unit", "")
        holds = "yes" if figure["holds"] else "**no**"
        lines.append(f"| `{name}` | {_number(figure['value'])} {unit} | {budget_text} | {holds} |")
    return "\n".join(lines)


def documented_table(text: str) -> str:
    found = _BETWEEN.search(text)
    if not found:
        raise ValueError("docs/development.md has no bench-table markers")
    return found.group(1).strip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.table")
    parser.add_argument("--write", action="store_true", help="update docs/development.md")
    args = parser.parse_args(argv)
    table = markdown(json.loads(RESULTS.read_text()))
    if not args.write:
        print(table)
        return 0
    text = DEVELOPMENT.read_text()
    documented_table(text)  # the markers must be there
    DEVELOPMENT.write_text(_BETWEEN.sub(lambda _: f"{START}\n{table}\n{END}", text, count=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
