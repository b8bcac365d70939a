"""Run every benchmark and write what they printed to docs/benchmarks.md.

    .venv/bin/python benchmarks/run_all.py            # full sizes (make bench)
    .venv/bin/python benchmarks/run_all.py --smoke    # tiny sizes, nothing written

Each benchmark prints its figures next to a baseline measured in the same run (the
ratio is what to read: the machine may be busy). The report records the machine, the
date, the database, the versions, each benchmark's baseline (from its docstring) and its
output. ``--smoke`` runs each on tiny data, so that none can rot unnoticed
(tests/test_benchmarks.py); it exits non-zero when one fails.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

#: benchmark: (arguments of a full run, arguments of a smoke run)
BENCHMARKS = {
    "bench_counts.py": ([], ["200"]),
    # Issue 15's export target: 1,000,000 rows on PostgreSQL (SQLite when none answers).
    "bench_export.py": (["1000000", "--xlsx", "--postgresql"], ["300", "--xlsx"]),
    "bench_api.py": ([], ["2000"]),
    "bench_alert_dispatch.py": ([], ["--pledgers", "100"]),
    "bench_delivery_pdf.py": ([], ["300"]),
    "bench_cards.py": ([], ["en"]),
    # Real HTTP (gunicorn, wrk, Varnish, PostgreSQL, Redis): each skips what is missing.
    "bench_intake.py": (
        # Turns of 8 s per path (3 per client count): 4 s turns swung the ratios by 0.2.
        ["--duration", "24", "--cpu-detail"],
        ["--duration", "1", "--rounds", "1", "--clients", "4", "--warmup", "0", "--cpu-detail"],
    ),
    "bench_page_cache.py": ([], ["--duration", "1", "--rounds", "1", "--clients", "4"]),
    # The intake paths in one process: instructions per sign-up (callgrind; CPU time
    # without valgrind), which repeat where the HTTP figures swing with the machine.
    "bench_intake_cpu.py": (
        ["--instructions", "--requests", "200", "--rounds", "1"],
        ["--requests", "10", "--rounds", "1"],
    ),
}


def summary(path):
    """A benchmark's docstring: what it measures and against which baseline."""
    import ast

    return ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""


def machine():
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{cpu}, {os.cpu_count()} cores, {memory} RAM, load average {load} at start"


def versions():
    import django
    import wagtail

    return (
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"Wagtail {wagtail.__version__}"
    )


def run(name, args, env):
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(HERE / name), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; write nothing")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("only", nargs="*", help="benchmark files to run (default: all)")
    options = parser.parse_args()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # each benchmark sets its own
    database = env.get(
        "DATABASE_URL", "SQLite (a temporary file), PostgreSQL where a section says so"
    ).split("@")[-1]
    names = options.only or list(BENCHMARKS)
    sections, failed = [], []
    for name in names:
        full, smoke = BENCHMARKS[name]
        args = smoke if options.smoke else full
        print(f"== {name} {' '.join(args)}", flush=True)
        result, seconds = run(name, args, env)
        output = (result.stdout + result.stderr).strip()
        print(output[-4000:] if options.smoke else output, flush=True)
        if result.returncode != 0:
            failed.append(name)
        sections.append((name, args, seconds, result.returncode, output))
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
    if not options.smoke:
        write_report(Path(options.output), sections, database)
        print(f"Wrote {options.output}")
    return 1 if failed else 0


def write_report(path, sections, database):
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run_all.py`): do not edit by hand. Every figure",
        "stands next to a baseline measured in the same run, on the same machine; read the",
        "ratios, not the absolute times (the machine may be busy). Nothing here is asserted",
        "by the test suite, which only runs each benchmark on tiny data",
        "(`tests/test_benchmarks.py`).",
        "",
        f"- Date: {now}",
        f"- Machine: {machine()}",
        f"- Database: {database}",
        f"- Versions: {versions()}",
        "",
    ]
    for name, args, seconds, code, output in sections:
        doc = summary(HERE / name)
        title = doc.splitlines()[0] if doc else name
        lines += [
            f"## {title}",
            "",
            f"`benchmarks/{name} {' '.join(args)}`".replace(" `", "`"),
            f"({seconds:.0f} s{'' if code == 0 else f', exit code {code}'})",
            "",
        ]
        rest = "\n".join(doc.splitlines()[1:]).strip()
        if rest:
            lines += [rest, ""]
        lines += ["```", output, "```", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
