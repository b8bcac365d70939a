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


#: Over real HTTP (gunicorn, wrk, Varnish, PostgreSQL): smoke-run one by one, below.
HTTP_BENCHMARKS = ("bench_intake.py", "bench_page_cache.py")


def test_every_benchmark_runs_on_tiny_data():
    if connection.vendor != "sqlite":
        pytest.skip("run once, on SQLite: benchmarks make their own databases")
    from benchmarks.run_all import BENCHMARKS

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    names = [name for name in BENCHMARKS if name not in HTTP_BENCHMARKS]
    result = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--smoke", *names],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    for name in names:
        assert f"== {name}" in output
    # Each prints a comparison with its own baseline.
    assert "ratio" in output and "baseline" in output


def smoke(name):
    """Run one HTTP benchmark on tiny data, in its own database (dropped afterwards)."""
    if connection.vendor != "sqlite":
        pytest.skip("run once, on SQLite: benchmarks make their own databases")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.setdefault(
        "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/heretostay_smoke_{os.getpid()}"
    )
    result = subprocess.run(
        [sys.executable, "benchmarks/run_all.py", "--smoke", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    return output


def test_intake_benchmark_runs_on_tiny_data():
    """Query counts always run (SQLite when PostgreSQL is missing); the HTTP runs when
    wrk, gunicorn and PostgreSQL are there, else a note says what to install."""
    output = smoke("bench_intake.py")
    assert "SQL queries per signature" in output
    for path in ("bare view", "form builder", "page form", "API"):
        assert path in output
    # Every path signed in-process (a redirect, the form builder's thank-you, the 202).
    assert "HTTP 302" in output and "HTTP 200" in output and "HTTP 202" in output
    if "SKIPPED the HTTP runs" in output:
        assert "Install:" in output
        return
    assert "vs bare" in output and "vs builder" in output
    assert "CPU ms/req" in output and "CPU ms per request by process" in output
    assert "signature rows: exact" in output, output[-3000:]


def test_page_cache_benchmark_runs_on_tiny_data():
    output = smoke("bench_page_cache.py")
    if "SKIPPED the page-cache benchmark" in output:
        assert "Install:" in output
        return
    assert "ok  no Set-Cookie" in output and "NOT" not in output, output[-3000:]
    if "SKIPPED the cached runs" in output:
        return
    assert "ok  a cache hit" in output
    assert "cached page vs. uncached: ratio" in output
    assert "static file vs. cached page: ratio" in output
