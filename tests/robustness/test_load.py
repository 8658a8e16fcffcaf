"""A bounded load run of the local stack and its reconciliation, as part of `make test`.

`python -m devstack serve` in its own process, loopback only: 600 clicks and 60 postbacks
(plus 6 repeats) from eight clients at once, then every count the reports and the tables
hold must equal what was sent (bench/traffic.py says what is sent and compared). The full
run, 20,000 clicks and 2,000 postbacks, is `make load` (and the `load.reconciliation` figure
of `make bench`): minutes of work that would not fit the suite's time.
"""

import json
import subprocess
import sys

from devstack.template import ROOT


def test_every_click_and_conversion_is_counted_exactly_once(tmp_path):
    log = tmp_path / "stack.log"
    result = subprocess.run(
        [sys.executable, "-m", "bench.traffic", "--clicks", "600", "--postbacks", "60", "--log", str(log)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.stdout.strip(), result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["error_count"] == 0, report["errors"]
    assert report["mismatches"] == [], (report["expected"], report["counted"])
    expected = report["expected"]
    assert expected["clicks"] + expected["bot_clicks"] == expected["sessions_stored"] > 500
    # Every 20th click is a bot and every 50th a HEAD (six were both: HEADs, not stored).
    assert expected["bot_clicks"] == 30 - 6 and report["clicks"]["heads"] == 12
    assert report["postbacks"] == {**report["postbacks"], "recorded": 60, "replayed": 6}
    assert report["reconciled"] and result.returncode == 0
