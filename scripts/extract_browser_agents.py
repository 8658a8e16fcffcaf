"""Rebuild tests/data/browser_agents.json: 10,000 browser agents from real traffic.

The bot tests and `make bench` (bench/bots.py) check that no person is counted as a bot against
a sample of real traffic. PyPI has no such sample; npm's `user-agents` package (Intoli, LLC;
BSD-2-Clause) ships one, refreshed daily: 10,000 browser sessions seen on real sites. The version
is pinned so the checked-in file can be rebuilt exactly, and so the tests never need the network.

    python scripts/extract_browser_agents.py        (needs npm and the npm registry)
"""

import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

PACKAGE, VERSION = "user-agents", "2.1.198"
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        npm = shutil.which("npm")
        if npm is None:
            print("npm is needed to fetch the package", file=sys.stderr)
            return 1
        # A fixed package name and version, not input.
        pack = [npm, "pack", "--silent", f"{PACKAGE}@{VERSION}"]
        subprocess.run(pack, cwd=folder, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        with tarfile.open(Path(folder) / f"{PACKAGE}-{VERSION}.tgz") as archive:
            sessions = json.load(archive.extractfile("package/dist/user-agents.json"))
            licence = archive.extractfile("package/LICENSE").read().decode()
    counts = Counter(session["userAgent"] for session in sessions)
    DATA.mkdir(exist_ok=True)
    (DATA / "browser_agents.LICENSE").write_text(licence)
    header = {
        "source": f"npm package {PACKAGE} {VERSION}, dist/user-agents.json (Intoli, LLC)",
        "licence": "BSD-2-Clause, text in browser_agents.LICENSE",
        "sessions": sum(counts.values()),
        "distinct": len(counts),
    }
    # One agent a line, most seen first, so that a refresh reads as a diff.
    rows = sorted(counts.items(), key=lambda row: (-row[1], row[0]))
    entries = [" " + json.dumps([count, agent]) for agent, count in rows]
    lines = [json.dumps(header)[:-1] + ', "agents": [', ",\n".join(entries), "]}"]
    (DATA / "browser_agents.json").write_text("\n".join(lines) + "\n")
    print(f"{header['sessions']} sessions, {header['distinct']} distinct agents", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
