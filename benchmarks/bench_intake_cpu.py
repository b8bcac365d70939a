"""CPU per sign-up, in one process: the intake paths of ``bench_intake.py`` without HTTP.

    .venv/bin/python benchmarks/bench_intake_cpu.py [--requests 1000] [--rounds 5] [--instructions]

``bench_intake.py`` measures throughput through gunicorn and wrk, where one change of a
few percent drowns in the machine's noise. This companion drives the same paths (the
bare view, the bare view + Redis, the petition page's form, the sign API) straight
through Django's ``WSGIHandler`` in this process, on the same PostgreSQL and Redis, and
counts the CPU time each request costs: this process's own (``time.process_time``)
plus that of its PostgreSQL backend and of the Redis server (``/proc/<pid>/stat``), so
work moved from Python into the database is not hidden. Paths take turns, ``--rounds``
times, and each path's figure is the least CPU per request of its rounds (the run
least disturbed by the rest of the machine); the ratios to the bare view are what to
read. Nothing is timed as a test.

Timings on a shared machine swing (the bare view alone moved by half between runs), so
``--instructions`` counts instead: the run repeats itself under valgrind's callgrind and
reports the instructions each sign-up executes in this process (PostgreSQL and Redis
left out), the same from run to run; ``make bench`` runs it so (200 sign-ups per path).
It counts work, not what the work costs in cache misses and system calls, which the
HTTP benchmark still shows.

``--only "page form,API"`` runs some paths, in that order; ``--only API --profile``
runs cProfile over one path instead and prints the top functions (cumulative and own
time).
"""

import argparse
import gc
import io
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http  # noqa: E402
from benchmarks.bench_intake import make_pages, paths  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _pid_cpu(pid):
    """User + system CPU seconds of process ``pid`` (None if it cannot be read)."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def _redis_pid():
    try:
        from django.core.cache import cache

        client = cache._cache.get_client(None, write=True)
        return int(client.info("server")["process_id"])
    except Exception:  # no Redis cache: its share is left out
        return None


def _environ(path, body):
    data = body.encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path.url,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": path.headers["Content-Type"],
        "CONTENT_LENGTH": str(len(data)),
        "wsgi.input": io.BytesIO(data),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "HTTP_HOST": "testserver",
    }
    for name, value in path.headers.items():
        if name != "Content-Type":
            environ[f"HTTP_{name.upper().replace('-', '_')}"] = value
    return environ


def drive(handler, path, requests, tag):
    """Send ``requests`` distinct sign-ups down ``path``; returns the statuses seen."""
    statuses = set()

    def start_response(status, headers, exc_info=None):
        statuses.add(int(status.split()[0]))

    for n in range(requests):
        email = f"cpu-{tag}-{n}{path.at}example.org"
        response = handler(_environ(path, path.body.replace("EMAIL", email)), start_response)
        for _chunk in response:
            pass
        response.close()
    return statuses


def _callgrind_dump(label):
    """Under ``valgrind --tool=callgrind``: write the instructions counted since the last
    dump to a file of their own (``--instructions``)."""
    import subprocess

    subprocess.run(
        ["callgrind_control", f"--dump={label}", str(os.getpid())],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _instructions_since_dump():
    """Dump callgrind's counts, and return how many instructions the dump holds."""
    import glob

    _callgrind_dump("measured")
    folder = os.environ["BENCH_CALLGRIND_DIR"]
    dumps = glob.glob(os.path.join(folder, "cg.out.*"))
    newest = max(dumps, key=lambda name: int(name.rsplit(".", 1)[1]))
    with open(newest) as dump:
        for line in dump:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError(f"no totals in {newest}")


def measure(handler, path, requests, tag, backend_pid, redis_pid, instructions=False):
    gc.collect()  # each turn starts from the same heap: a full collection is not billed to one
    if instructions:
        _callgrind_dump("before")
    own, database, cache = time.process_time(), _pid_cpu(backend_pid), _pid_cpu(redis_pid)
    statuses = drive(handler, path, requests, tag)
    counted = _instructions_since_dump() / requests if instructions else None
    own = time.process_time() - own
    database = (_pid_cpu(backend_pid) - database) if database is not None else 0.0
    cache = (_pid_cpu(redis_pid) - cache) if cache is not None else 0.0
    return {
        "python": own / requests * 1e6,
        "postgres": database / requests * 1e6,
        "redis": cache / requests * 1e6,
        "statuses": statuses,
        "instructions": counted,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000, help="sign-ups per turn")
    parser.add_argument("--rounds", type=int, default=5, help="turns each path takes")
    parser.add_argument("--only", help='paths to run, in this order (e.g. "page form,API")')
    parser.add_argument("--profile", action="store_true", help="cProfile --only's path")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per sign-up with valgrind's callgrind (slow: use "
        "--requests 200 --rounds 1); repeatable where CPU time is not",
    )
    options = parser.parse_args()
    if options.instructions and not os.environ.get("BENCH_CALLGRIND_DIR"):
        import shutil

        if shutil.which("valgrind") and shutil.which("callgrind_control"):
            return under_callgrind()
        print("SKIPPED instruction counts: valgrind not found (apt-get install valgrind)")
        options.instructions = False

    # A database of its own per run, so runs side by side do not drop each other's.
    database = _http.database_url().rsplit("/", 1)[0] + f"/heretostay_bench_cpu_{os.getpid()}"
    if not _http.postgres_available(database):
        _http.missing("postgresql", "this benchmark")
        return
    redis = _http.redis_url()
    if not _http.redis_available(redis):
        _http.missing("redis", "the Redis cache (Django's per-process memory cache instead)")
        redis = None
    _http.recreate_database(database)
    prefix = None
    try:
        prefix = _http.setup_django(database, redis)
        run(options)
    finally:
        from django.db import connections

        connections.close_all()
        if redis and prefix:
            _http.delete_cache_keys(redis, prefix)
        _http.drop_database(database)


def under_callgrind():
    """This benchmark again, under callgrind (which counts, not times, instructions)."""
    import shutil
    import subprocess
    import tempfile

    folder = tempfile.mkdtemp(prefix="bench-callgrind-")
    command = [
        "valgrind",
        "--tool=callgrind",
        "--quiet",
        f"--callgrind-out-file={folder}/cg.out",
        sys.executable,
        *sys.argv,
    ]
    try:
        subprocess.run(command, check=True, env={**os.environ, "BENCH_CALLGRIND_DIR": folder})
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(options):
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    petition, form_page = make_pages()
    targets = [
        p for p in paths(petition, form_page) if p.name != "form builder"
    ]  # the builder is ~6x slower: bench_intake.py compares it
    if options.only:
        by_name = {p.name: p for p in targets}
        targets = [by_name[name.strip()] for name in options.only.split(",")]
    # One backend for the whole run, so its CPU can be read: no reconnection after
    # CONN_MAX_AGE seconds (a run under callgrind lasts minutes).
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = None
    handler = WSGIHandler()
    run_id = uuid.uuid4().hex[:6]
    for index, path in enumerate(targets):  # warm up: imports, caches, prepared statements
        statuses = drive(handler, path, 50, f"{run_id}-warm-{index}")
        if not statuses <= {200, 202, 302}:
            raise SystemExit(f"{path.name}: HTTP {sorted(statuses)}")
    connection.ensure_connection()
    backend_pid = connection.cursor().connection.info.backend_pid
    redis_pid = _redis_pid()

    if options.profile:
        import cProfile
        import pstats

        path = targets[0]
        profiler = cProfile.Profile()
        profiler.enable()
        drive(handler, path, options.requests, f"{run_id}-prof")
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        return

    best = {}
    for round_ in range(options.rounds):
        for index, path in enumerate(targets):
            result = measure(
                handler,
                path,
                options.requests,
                f"{run_id}-{round_}-{index}",
                backend_pid,
                redis_pid,
                instructions=options.instructions,
            )
            result["total"] = result["python"] + result["postgres"] + result["redis"]
            if path.name not in best or result["total"] < best[path.name]["total"]:
                best[path.name] = result
    if options.instructions:
        bare_count = best.get("bare view", {}).get("instructions")
        print("Instructions per sign-up, this process only (callgrind: repeatable)")
        for path in targets:
            count = best[path.name]["instructions"]
            ratio = f"{bare_count / count:.3f}x" if bare_count else ""
            print(f"  {path.name:<13} {count / 1000:9.1f} k  {ratio}")
        return
    print(
        f"CPU per sign-up in one process (least of {options.rounds} turns of "
        f"{options.requests}; µs; PostgreSQL backend and Redis server included)"
    )
    bare = best.get("bare view", {}).get("total")
    print(f"  {'path':<13} {'python':>7} {'postgres':>9} {'redis':>6} {'total':>7}  vs bare")
    for path in targets:
        r = best[path.name]
        ratio = f"{bare / r['total']:.2f}x" if bare else ""
        print(
            f"  {path.name:<13} {r['python']:7.0f} {r['postgres']:9.0f} {r['redis']:6.0f} "
            f"{r['total']:7.0f}  {ratio}"
        )


if __name__ == "__main__":
    main()
