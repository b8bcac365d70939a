"""Sign-up intake over HTTP: petition page form and API vs. a bare Django view and Wagtail's form builder.

    .venv/bin/python benchmarks/bench_intake.py [--duration 10] [--clients 16,64]

One run, so the ratios are fair: gunicorn (2 sync workers, DEBUG off) on PostgreSQL with
a Redis cache, driven by wrk with a distinct email per request, at each number of
clients. Five paths, each POSTing the same fields (name, email, postal code, opt-in):

- bare view (the baseline): a plain Django form and one INSERT, Post/Redirect/Get
  (``benchmarks/baseline/views.py``), with Django's CSRF check (token sent);
- bare + Redis: the same view plus one pipelined round trip to Redis that counts the
  request against a per-address rate (``SET NX EX`` + ``INCR``): the least a sign-up
  costs beyond the bare view when app servers share their rate limits (issue 15 asks
  that a throttle hit on one server applies on the others). Its ratio to the bare view
  is the ceiling of any path that keeps shared rate limits;
- Wagtail's form builder: a ``wagtail.contrib.forms`` form page asking the same fields
  (``benchmarks/baseline/models.py``), CSRF token sent;
- the petition page's form (no JavaScript, no CSRF token: ``CampaignFormMiddleware``);
- the sign API (``POST /api/v1/petitions/<id>/signatures/``, JSON).

Beside each path's rate: the CPU time of the whole machine per request (every process:
gunicorn, PostgreSQL, Redis, wrk; from /proc/stat) and the share of time the CPUs sat
idle; ``--cpu-detail`` splits that CPU time by process name (/proc/<pid>/stat).

SQL queries per signature are counted in-process with the test client (steady state:
signatures 2 to 6). After the run, the petition's counter is compared with its rows.

Needs wrk (apt-get install wrk), gunicorn (in the venv) and PostgreSQL: the database of
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/heretostay_bench_intake)
is dropped and recreated, copied from a migrated template database that is kept
(``heretostay_bench_tpl_<hash of the migrations>``); Redis from BENCH_REDIS_URL or
REDIS_URL (default db 0; keys are prefixed per run and removed). Without them the HTTP
part is skipped, with a note; the query counts still run (on SQLite).

``--profile "page form"`` (or any path) runs py-spy (``pip install py-spy``) on both
workers during one run of that path instead, and prints the top frames.
The benchmark settings (``benchmarks/intake_settings.py``) raise the per-IP throttle
rates, since every request comes from one address; the throttles still run.
"""

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http  # noqa: E402

FIELDS = "name=Rosa+Parks&email=EMAIL&postal_code=62701&phone=&comment=&opt_in=on"
CSRF = "b" * 32  # any 32-character secret: the cookie and the form carry the same one


def make_pages():
    """Home, the petition, and the form builder page asking the same fields."""
    from benchmarks._django import make_site
    from benchmarks.baseline.models import BenchFormField, BenchFormPage

    home, petition = make_site()
    form_page = BenchFormPage(title="Form builder", slug="form-builder")
    home.add_child(instance=form_page)
    fields = [
        ("name", "singleline", True),
        ("email", "email", True),
        ("postal_code", "singleline", True),
        ("phone", "singleline", False),
        ("comment", "multiline", False),
        ("opt_in", "checkbox", False),
    ]
    for order, (label, kind, required) in enumerate(fields):
        BenchFormField.objects.create(
            page=form_page, sort_order=order, label=label, field_type=kind, required=required
        )
    form_page.save_revision().publish()
    return petition, form_page


class Path_:
    def __init__(self, name, url, body, headers, at, rows):
        self.name, self.url, self.body, self.headers, self.at, self.rows = (
            name,
            url,
            body,
            headers,
            at,
            rows,
        )


def paths(petition, form_page):
    from wagtail.contrib.forms.models import FormSubmission

    from benchmarks.baseline.models import BaselineSignature
    from heretostay_wagtail.models import Signature

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    csrf = {**form, "Cookie": f"csrftoken={CSRF}"}
    return [
        _http_path("bare view", "/baseline/sign/", FIELDS + f"&csrfmiddlewaretoken={CSRF}", csrf,
                   "%40", BaselineSignature.objects.count),
        _http_path("bare + Redis", "/baseline/sign-counted/",
                   FIELDS + f"&csrfmiddlewaretoken={CSRF}", csrf, "%40",
                   BaselineSignature.objects.count),
        _http_path("form builder", form_page.url, FIELDS + f"&csrfmiddlewaretoken={CSRF}", csrf,
                   "%40", FormSubmission.objects.filter(page=form_page).count),
        _http_path("page form", petition.url, FIELDS + "&website=",
                   {**form, "Sec-Fetch-Site": "same-origin"}, "%40",
                   Signature.objects.filter(source="web").count),
        _http_path("API", f"/api/v1/petitions/{petition.pk}/signatures/",
                   '{"name": "Rosa Parks", "email": "EMAIL", "postal_code": "62701", '
                   '"opt_in": true}',
                   {"Content-Type": "application/json"}, "@",
                   Signature.objects.filter(source="api").count),
    ]  # fmt: skip


def _http_path(*args):
    return Path_(*args)


def count_queries(targets, signatures=6):
    """Queries of signatures 2..n of each path through the test client (steady state)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    result = {}
    for path in targets:
        counts, statuses = [], set()
        for n in range(signatures):
            email = f"queries-{uuid.uuid4().hex[:12]}{path.at}example.org"
            body = path.body.replace("EMAIL", email)
            with CaptureQueriesContext(connection) as queries:
                response = client.generic(
                    "POST",
                    path.url,
                    body,
                    content_type=path.headers["Content-Type"],
                    **{
                        f"HTTP_{k.upper().replace('-', '_')}": v
                        for k, v in path.headers.items()
                        if k not in ("Content-Type", "Cookie")
                    },
                )
            statuses.add(response.status_code)
            if n:
                counts.append(len(queries))
                last = list(queries.captured_queries)
        result[path.name] = (sum(counts) / len(counts), statuses, last)
    return result


def profile(options, base, master, targets, scripts, run_id, clients):
    """py-spy both workers while wrk drives one path; print the top frames (inclusive)."""
    path = next(p for p in targets if p.name == options.profile)
    _http.wrk(base + path.url, clients=4, duration=2, script=scripts[path.name],
              script_args=[f"{run_id}pw"], threads=1)  # fmt: skip
    spies, files = _http.py_spy_start(_http.gunicorn_workers(master), options.duration)
    result = _http.wrk(base + path.url, clients=clients, duration=options.duration,
                       script=scripts[path.name], script_args=[f"{run_id}pp"],
                       threads=options.threads)  # fmt: skip
    for spy in spies:
        spy.wait()
    total, rows = _http.top_frames(files, limit=45)
    print(f"\nProfile of {path.name} at {clients} clients ({result['rps']:.0f} req/s under "
          f"py-spy), {total} samples of both workers; share of samples, inclusive:")  # fmt: skip
    for percent, frame in rows:
        print(f"  {percent:5.1f}%  {frame}")
    print("Raw stacks (py-spy --format raw):", " ".join(files))


def exact_counts(petition):
    from heretostay_wagtail.models import CampaignCounter, Signature

    rows = Signature.objects.filter(campaign_key=petition.campaign_key).count()
    counter = CampaignCounter.totals(petition.campaign_key)["count"]
    return counter, rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=12, help="seconds of wrk per path")
    parser.add_argument("--rounds", type=int, default=3, help="turns the paths take")
    parser.add_argument("--clients", default="16,64", help="comma-separated connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk per path first")
    parser.add_argument(
        "--cpu-detail", action="store_true", help="print CPU per request by process name"
    )
    parser.add_argument("--show-queries", action="store_true", help="print each path's SQL")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help='instead of the runs, py-spy the workers during one run of PATH (e.g. "page form")',
    )
    options = parser.parse_args()
    clients = [int(c) for c in options.clients.split(",")]

    database = _http.database_url()
    http = True
    if not _http.postgres_available(database):
        _http.missing("postgresql", "the HTTP runs")
        http = False
        database = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    for tool, found in (("wrk", _http.shutil.which("wrk")), ("gunicorn", _http.gunicorn_path())):
        if not found:
            _http.missing(tool, "the HTTP runs")
            http = False
    redis = _http.redis_url()
    if not _http.redis_available(redis):
        _http.missing("redis", "the Redis cache (Django's per-process memory cache instead)")
        redis = None
    if database.startswith("postgres"):
        _http.recreate_database(database)
    prefix = None
    try:
        prefix = _http.setup_django(database, redis)
        run(options, clients, http, database, redis)
    finally:
        if redis and prefix:
            _http.delete_cache_keys(redis, prefix)
        if database.startswith("postgres") and not options.keep:
            from django.db import connections

            connections.close_all()
            _http.drop_database(database)


def run(options, clients, http, database, redis):
    from django.db import connection

    petition, form_page = make_pages()
    targets = paths(petition, form_page)
    vendor = "SQLite"
    if connection.vendor == "postgresql":
        vendor = f"PostgreSQL {connection.pg_version // 10000}"
    print(
        f"Intake on {vendor}, cache: {'Redis' if redis else 'local memory'}, DEBUG off "
        "(benchmarks/intake_settings.py)"
    )
    print(
        "Throttle rates raised to "
        f"{os.environ.get('BENCH_THROTTLE_RATE', '1000000/m')} per IP for the benchmark "
        "(every request comes from 127.0.0.1); the throttles still run."
    )

    queries = count_queries(targets)
    baseline_queries = queries["bare view"][0]
    print("\nSQL queries per signature (steady state: signatures 2-6, in-process test client)")
    for path in targets:
        mean, statuses, captured = queries[path.name]
        print(
            f"  {path.name:<13} {mean:5.1f}   {mean - baseline_queries:+5.1f} vs the bare view "
            f"(baseline)   HTTP {'/'.join(str(s) for s in sorted(statuses))}"
        )
        if options.show_queries:
            for query in captured:
                print(f"      {query['sql'][:150]}")

    if not http:
        counter, rows = exact_counts(petition)
        print(
            f"\nCounter {counter} = {rows} signature rows: {'exact' if counter == rows else 'MISMATCH'}"
        )
        return

    from django.db import connections

    connections.close_all()
    run_id = uuid.uuid4().hex[:6]
    scripts = {
        path.name: _http.lua_post(path.url, path.body, path.headers, run_id, at=path.at)
        for path in targets
    }
    results = {}
    per_round = max(1, options.duration // options.rounds)
    with _http.gunicorn(workers=2) as (base, master):
        if options.profile:
            return profile(options, base, master, targets, scripts, run_id, clients[0])
        if options.warmup:
            for index, path in enumerate(targets):
                _http.wrk(
                    base + path.url,
                    clients=4,
                    duration=options.warmup,
                    script=scripts[path.name],
                    script_args=[f"{run_id}w{index}"],
                    threads=1,
                )
        for n in clients:
            # Paths take turns, a short run each, so a busy spell of the machine falls
            # on all of them alike.
            for round_ in range(options.rounds):
                for index, path in enumerate(targets):
                    before = path.rows()
                    result = _http.wrk(
                        base + path.url,
                        clients=n,
                        duration=per_round,
                        script=scripts[path.name],
                        script_args=[f"{run_id}p{index}c{n}r{round_}"],
                        threads=options.threads,
                    )
                    _http.drain(base)
                    result["rows"] = path.rows() - before
                    results.setdefault((n, path.name), []).append(result)
    for script in scripts.values():
        os.unlink(script)

    print(
        f"\nHTTP: gunicorn 2 sync workers, wrk -t{options.threads}, {options.rounds} turns of "
        f"{per_round} s per path, a distinct email per request (ratio vs. the bare view, the "
        "baseline, vs. the bare view + one Redis round trip, and vs. the form builder; p99: "
        "the worst turn)"
    )
    totals = {key: _http.combine(runs) for key, runs in results.items()}
    for n in clients:
        bare = totals[(n, "bare view")]["rps"] or 1e-9
        counted = totals[(n, "bare + Redis")]["rps"] or 1e-9
        builder = totals[(n, "form builder")]["rps"] or 1e-9
        print(f"\n{n} clients")
        print(
            f"  {'path':<13} {'req/s':>8} {'vs bare':>8} {'vs +Redis':>10} {'vs builder':>11} "
            f"{'p99 ms':>8} "
            f"{'CPU ms/req':>11} {'idle':>5} "
            f"{'non-2xx/3xx':>12} {'sock err':>9} {'rows':>7}"
        )
        for path in targets:
            r = totals[(n, path.name)]
            p99 = f"{r['p99'] * 1000:.0f}" if r["p99"] is not None else "-"
            cpu_ms, idle = _http.cpu_per_request(r)
            cpu = f"{cpu_ms:11.2f} {idle:5.0%}" if cpu_ms is not None else f"{'-':>11} {'-':>5}"
            print(
                f"  {path.name:<13} {r['rps']:8.1f} {r['rps'] / bare:7.2f}x "
                f"{r['rps'] / counted:9.2f}x {r['rps'] / builder:10.2f}x {p99:>8} {cpu} "
                f"{r['non2xx']:>12} "
                f"{r['socket_errors']:>9} {r['rows']:>7}"
            )
        if options.cpu_detail:
            print("  CPU ms per request by process (the whole machine, every turn):")
            for path in targets:
                r = totals[(n, path.name)]
                shares = sorted(r["cpu_by_process"].items(), key=lambda kv: -kv[1])[:6]
                print(f"    {path.name:<13} " + ", ".join(
                    f"{name} {seconds * 1000 / max(r['requests'], 1):.2f}"
                    for name, seconds in shares))  # fmt: skip
    counter, rows = exact_counts(petition)
    print(
        f"\nAfter the run: counter {counter:,} = {rows:,} signature rows: "
        f"{'exact' if counter == rows else 'MISMATCH'}"
    )


if __name__ == "__main__":
    main()
