"""`package.click_mb`: what the click function ships (its folder plus its layers), from `sam build`.

boto3 and botocore are left out of the count: the Lambda runtime provides them (and our
layers do not ship them; tests/packaging checks that).
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.measure import figure

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_PROVIDED = {"boto3", "botocore"}


def _size_mb(folder: Path) -> float:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not RUNTIME_PROVIDED & {part.split("-")[0] for part in path.relative_to(folder).parts}:
            total += path.stat().st_size
    return total / 1e6


def run() -> dict[str, dict]:
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    base_python = Path(getattr(sys, "_base_executable", sys.executable)).resolve().parent
    env = {**os.environ, "PATH": f"{base_python}:{os.environ['PATH']}", "PIP_NO_DEPS": "1", "SAM_CLI_TELEMETRY": "0"}
    with tempfile.TemporaryDirectory() as build_dir:
        result = subprocess.run(
            [str(sam), "build", "--parameter-overrides", "Architecture=x86_64", "--build-dir", build_dir],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"sam build failed:\n{result.stderr[-3000:]}")
        build = Path(build_dir)
        from devstack.template import load

        function = load(build / "template.yaml")["Resources"]["ClickFunction"]["Properties"]
        layers = ["SharedLayer", "CoreLayer", *(layer["Ref"] for layer in function.get("Layers", []))]
        parts = {"ClickFunction": _size_mb(build / "ClickFunction")}
        parts.update({layer: _size_mb(build / layer) for layer in layers})
    return {
        "package.click_mb": figure(sum(parts.values()), 10, unit="MB", parts={k: round(v, 2) for k, v in parts.items()})
    }
