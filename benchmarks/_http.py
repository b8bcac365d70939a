"""Real-HTTP benchmarks: their own PostgreSQL database, gunicorn, Varnish, wrk.

Shared by ``bench_intake.py`` and ``bench_page_cache.py``. Nothing here is used by the
package. Every tool that is missing is reported with how to install it; the benchmark
then runs what it can without it.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "benchmarks.intake_settings"

#: The database the HTTP benchmarks drop and recreate (BENCH_DATABASE_URL overrides it).
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/heretostay_bench_intake"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

INSTALL = {
    "wrk": "apt-get install wrk (Debian/Ubuntu) or brew install wrk",
    "gunicorn": ".venv/bin/pip install gunicorn (or pip install -e '.[test]')",
    "varnishd": "apt-get install varnish (Debian/Ubuntu) or brew install varnish",
    "postgresql": "a PostgreSQL server; set BENCH_DATABASE_URL=postgres://user@host:port/db "
    "(the benchmark drops and recreates that database)",
    "redis": "a Redis server; set BENCH_REDIS_URL=redis://host:port/db",
}


def missing(tool, why=""):
    print(f"SKIPPED {why or tool}: {tool} not found. Install: {INSTALL[tool]}")


def gunicorn_path():
    """gunicorn next to this Python (the venv), else on PATH."""
    candidate = Path(sys.executable).with_name("gunicorn")
    if candidate.exists():
        return str(candidate)
    return shutil.which("gunicorn")


def varnishd_path():
    return shutil.which("varnishd") or next(
        (p for p in ("/usr/sbin/varnishd", "/usr/local/sbin/varnishd") if Path(p).exists()), None
    )


def database_url():
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def redis_url():
    return os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def _maintenance(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def postgres_available(url):
    try:
        import psycopg
    except ImportError:
        return False
    admin, _name = _maintenance(url)
    try:
        with psycopg.connect(admin, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def recreate_database(url):
    import psycopg

    admin, name = _maintenance(url)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SystemExit(f"Refusing to recreate database {name!r}: use a plain name")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url):
    import psycopg

    admin, name = _maintenance(url)
    with contextlib.suppress(psycopg.Error), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_available(url):
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def delete_cache_keys(url, prefix):
    """Remove this run's keys (Django prefixes every key with KEY_PREFIX)."""
    import redis

    with contextlib.suppress(redis.RedisError):
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


def setup_django(database, redis=None):
    """Point Django at ``database`` (and Redis), with the benchmark settings; migrate."""
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ["BENCH_CACHE_PREFIX"] = prefix
    # Generated files in folders all gunicorn workers share (benchmarks/intake_settings.py).
    os.environ.setdefault("BENCH_FILES_ROOT", tempfile.mkdtemp(prefix="bench-files-"))
    if redis:
        os.environ["REDIS_URL"] = redis
    else:
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    if database.startswith("postgres"):
        template = _template_name()
        if _copy_template(database, template):
            return prefix
        call_command("migrate", verbosity=0, interactive=False)
        _make_template(database, template)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    return prefix


TEMPLATE_PREFIX = "heretostay_bench_tpl_"


def _template_name():
    """A migrated database to copy (``CREATE DATABASE ... TEMPLATE``: a second instead
    of half a minute of migrations), named after every migration the project has, so a
    new migration makes a new one."""
    import hashlib

    from django.db.migrations.loader import MigrationLoader

    nodes = sorted(f"{app}.{name}" for app, name in MigrationLoader(None).graph.nodes)
    return TEMPLATE_PREFIX + hashlib.sha256("\n".join(nodes).encode()).hexdigest()[:12]


def _copy_template(url, template):
    import psycopg
    from django.db import connections

    connections.close_all()
    admin, name = _maintenance(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        try:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        except psycopg.Error:  # someone else is copying it: migrate instead
            conn.execute(f'CREATE DATABASE "{name}"')
            return False
    return True


def _make_template(url, template):
    """Keep a copy of the freshly migrated database as the template (older ones go)."""
    import psycopg
    from django.db import connections

    connections.close_all()
    admin, name = _maintenance(url)
    with contextlib.suppress(psycopg.Error), psycopg.connect(admin, autocommit=True) as conn:
        old = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [TEMPLATE_PREFIX + "%"]
        ).fetchall()
        for (stale,) in old:
            conn.execute(f'DROP DATABASE IF EXISTS "{stale}"')
        conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=60, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def drain(base, workers=2):
    """Wait until the server has answered what a finished wrk run left queued.

    wrk stops with requests still in gunicorn's listen queue, which the workers then
    serve: at 64 clients on the form builder, about a third of a second of work that
    would otherwise fall on the next path's run (its rate, CPU and p99). A request sent
    now is accepted after them; one per worker."""
    for _ in range(workers):
        wait_for(base + "/baseline/sign/", timeout=120)


@contextlib.contextmanager
def gunicorn(workers=2, env=None, log=None):
    """gunicorn serving the benchmark settings (DEBUG off) on a free port; yields the
    base URL. Sync workers, the default."""
    port = free_port()
    log = log or tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    command = [
        gunicorn_path(),
        "--config",
        str(ROOT / "benchmarks" / "gunicorn.conf.py"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--timeout",
        "60",
        "--backlog",
        "2048",
        "django.core.wsgi:get_wsgi_application()",
    ]
    process = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/baseline/sign/", process=process)
        yield base, process
    except RuntimeError:
        log.flush()
        print(Path(log.name).read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn_workers(master):
    """Process ids of a gunicorn master's workers (for py-spy)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


@contextlib.contextmanager
def varnish(backend_port, vcl=None):
    """varnishd in the foreground in front of ``backend_port`` (builtin VCL unless
    ``vcl`` is a path); yields its base URL."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="bench-varnish-")
    os.chmod(workdir, 0o755)
    command = [
        varnishd_path(),
        "-F",
        "-a",
        f"127.0.0.1:{port}",
        "-n",
        workdir,
        "-s",
        "malloc,64m",
        "-p",
        "thread_pool_min=20",
    ]
    if os.geteuid() == 0:
        command += ["-j", "none"]
    if vcl:
        command += ["-f", vcl]
    else:
        command += ["-b", f"127.0.0.1:{backend_port}"]
    log = tempfile.NamedTemporaryFile(prefix="bench-varnish-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/baseline/sign/", process=process)
        yield base
    except RuntimeError:
        print(Path(log.name).read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


WRK_RESULT = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
WRK_TOTAL = re.compile(r"(\d+) requests in")
WRK_P99 = re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def _seconds(value, unit):
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def wrk(url, *, clients, duration, script=None, script_args=(), threads=2):
    """Run wrk; returns a dict: rps, requests, non2xx (status >= 400), socket errors,
    p99 (seconds)."""
    threads = max(1, min(threads, clients))
    command = [
        shutil.which("wrk"),
        f"-t{threads}",
        f"-c{clients}",
        f"-d{duration}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    if script:
        command += ["-s", str(script)]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    cpu_before, by_process = cpu_jiffies(), process_jiffies()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    cpu_after = cpu_jiffies()
    by_process = _process_delta(by_process, process_jiffies())
    out = result.stdout
    socket_errors = WRK_SOCKET.search(out)
    p99 = WRK_P99.search(out)
    return {
        "rps": float(WRK_RESULT.search(out).group(1)),
        "requests": int(WRK_TOTAL.search(out).group(1)),
        "non2xx": int(WRK_NON2XX.search(out).group(1)) if WRK_NON2XX.search(out) else 0,
        "socket_errors": sum(int(x) for x in socket_errors.groups()) if socket_errors else 0,
        "p99": _seconds(*p99.groups()) if p99 else None,
        "cpu": _cpu_delta(cpu_before, cpu_after),
        "cpu_by_process": by_process,
        "output": out,
    }


def cpu_jiffies():
    """(busy, idle) clock ticks of the whole machine from /proc/stat (Linux), or None."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(x) for x in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle, idle


def process_jiffies():
    """{pid: (command name, user + system clock ticks)} of every process (Linux)."""
    ticks = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                line = stat.read()
        except OSError:
            continue
        name = line[line.index("(") + 1 : line.rindex(")")]
        fields = line[line.rindex(")") + 2 :].split()
        ticks[int(entry.name)] = (name, int(fields[11]) + int(fields[12]))
    return ticks


def _process_delta(before, after):
    """CPU seconds per command name (gunicorn, postgres, redis-server, wrk...) between
    two ``process_jiffies`` readings, of processes alive at the second one."""
    tick = os.sysconf("SC_CLK_TCK")
    by_name = {}
    for pid, (name, used) in after.items():
        spent = used - before.get(pid, (name, 0))[1]
        if spent:
            by_name[name] = by_name.get(name, 0) + spent / tick
    return by_name


def _cpu_delta(before, after):
    """Busy and idle CPU seconds of the whole machine (every process: gunicorn, the
    database, Redis, wrk) between two ``cpu_jiffies`` readings."""
    if before is None or after is None:
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return {"busy": (after[0] - before[0]) / tick, "idle": (after[1] - before[1]) / tick}


def lua_post(path, body_format, headers, run_id, at="@"):
    """A wrk script POSTing ``body_format`` with ``EMAIL`` replaced by a distinct email
    per request (run id, thread number, counter; ``at`` is "%40" in form bodies).
    Returns the script's path."""
    before, after = body_format.split("EMAIL")
    header_lines = "\n".join(
        f"wrk.headers[ [==[{name}]==] ] = [==[{value}]==]" for name, value in headers.items()
    )
    script = f"""
wrk.method = "POST"
{header_lines}
local threads = 0
function setup(thread)
  thread:set("number", threads)
  threads = threads + 1
end
local counter = 0
local prefix = ""
function init(args)
  prefix = (args[1] or "{run_id}") .. "-" .. tostring(number)
end
function request()
  counter = counter + 1
  local email = "s" .. prefix .. "-" .. counter .. [==[{at}]==] .. "example.org"
  return wrk.format("POST", [==[{path}]==], nil, [==[{before}]==] .. email .. [==[{after}]==])
end
"""
    handle = tempfile.NamedTemporaryFile(
        "w", prefix="bench-wrk-", suffix=".lua", delete=False, encoding="utf-8"
    )
    handle.write(script)
    handle.close()
    return handle.name


def fetch(url, headers=None):
    """GET ``url``; returns (status, headers, body)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def py_spy_path():
    candidate = Path(sys.executable).with_name("py-spy")
    return str(candidate) if candidate.exists() else shutil.which("py-spy")


def py_spy_start(pids, duration):
    """Start ``py-spy record`` (raw collapsed stacks) on each pid; returns (processes,
    files). py-spy needs ptrace rights (root, or kernel.yama.ptrace_scope=0)."""
    processes, files = [], []
    for pid in pids:
        out = tempfile.NamedTemporaryFile(prefix=f"bench-pyspy-{pid}-", suffix=".txt", delete=False)
        out.close()
        command = [
            py_spy_path(),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(duration),
            "--rate",
            "200",
            "--format",
            "raw",
            "--nonblocking",
            "--gil",
            "-o",
            out.name,
        ]
        processes.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
        files.append(out.name)
    return processes, files


def top_frames(
    files, limit=30, own_prefixes=("heretostay_wagtail", "wagtail", "django", "rest_framework")
):
    """The functions with the largest share of samples (inclusive), from py-spy's raw
    output: a list of (percent, frame)."""
    inclusive, total = {}, 0
    for name in files:
        for line in Path(name).read_text(errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            count = int(count)
            total += count
            seen = set()
            for frame in stack.split(";"):
                # "function (path/to/module.py:line)": keep the function and its module
                function, _, where = frame.partition(" (")
                module = where.split(":")[0]
                for marker in ("site-packages/", "/work/main/", str(ROOT) + "/"):
                    if marker in module:
                        module = module.split(marker, 1)[1]
                key = f"{function} ({module})"
                if key not in seen:
                    seen.add(key)
                    inclusive[key] = inclusive.get(key, 0) + count
    rows = sorted(inclusive.items(), key=lambda item: -item[1])
    rows = [
        (100 * n / total, key) for key, n in rows if key.split("(")[-1].startswith(own_prefixes)
    ]
    return total, rows[:limit]


def combine(runs):
    """Several wrk runs of one path as one: requests over the total time, the worst p99."""
    seconds = sum(r["requests"] / r["rps"] for r in runs if r["rps"])
    p99s = [r["p99"] for r in runs if r["p99"] is not None]
    return {
        "rps": sum(r["requests"] for r in runs) / seconds if seconds else 0.0,
        "requests": sum(r["requests"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "p99": max(p99s) if p99s else None,
        "rows": sum(r.get("rows", 0) for r in runs),
        "cpu": _cpu_sum([r.get("cpu") for r in runs]),
        "cpu_by_process": _by_process_sum([r.get("cpu_by_process") or {} for r in runs]),
    }


def _by_process_sum(readings):
    total = {}
    for reading in readings:
        for name, seconds in reading.items():
            total[name] = total.get(name, 0) + seconds
    return total


def _cpu_sum(readings):
    if not readings or any(r is None for r in readings):
        return None
    return {key: sum(r[key] for r in readings) for key in ("busy", "idle")}


def cpu_per_request(result):
    """(busy CPU ms of the whole machine per request, idle share), or (None, None)."""
    cpu = result.get("cpu")
    if not cpu or not result.get("requests"):
        return None, None
    total = cpu["busy"] + cpu["idle"]
    return cpu["busy"] * 1000 / result["requests"], (cpu["idle"] / total if total else 0.0)
