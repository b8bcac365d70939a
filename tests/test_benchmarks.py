"""Every benchmark still runs (on tiny data): `make bench` must not rot between runs.

The figures themselves are never asserted (they depend on the machine): they are read
as ratios in docs/benchmarks.md. This only checks that each benchmark finishes and
prints its comparison with its baseline.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_runs_on_tiny_data():
    if connection.vendor != "sqlite":
        pytest.skip("run once, on SQLite: benchmarks make their own databases")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    from benchmarks.run_all import BENCHMARKS

    for name in BENCHMARKS:
        assert f"== {name}" in output
    # Each prints a comparison with its own baseline.
    assert "ratio" in output and "baseline" in output
