"""The script merchants put on their pages (GET /waymark.js), configured for a program."""

import json
from functools import lru_cache
from pathlib import Path

from waymark import catalog
from waymark.core import ids

_SOURCE = (Path(__file__).parent / "page_script.js").read_text(encoding="utf-8")
_PLACEHOLDER = '/*WAYMARK_CONFIG*/ { param: "click_id", days: 365 }'
DEFAULT_PARAM = "click_id"
DEFAULT_DAYS = 365


def script_for(program_id: str | None) -> str:
    """The script with the program's click parameter and attribution window (defaults when unknown)."""
    program = catalog.program(program_id) if program_id and ids.is_code(program_id) else None
    if program is None:
        return render(DEFAULT_PARAM, DEFAULT_DAYS)
    return render(program.click_param, int(program.attribution_window_days))


@lru_cache(maxsize=64)
def render(param: str, days: int) -> str:
    return _SOURCE.replace(_PLACEHOLDER, json.dumps({"param": param, "days": days}))
