"""Petition page and defense card GET: uncached (gunicorn) vs. behind Varnish vs. a static file of the same size.

    .venv/bin/python benchmarks/bench_page_cache.py [--duration 12] [--clients 16]

One run, paths taking turns: the petition page straight from gunicorn (2 sync workers,
DEBUG off, PostgreSQL, Redis cache), the same page through Varnish (builtin VCL: the
anonymous page sets no cookie and says ``Cache-Control: public, s-maxage=...``), and, as
the baseline of a cached page, a static file of the page's byte size served through the
same Varnish (from gunicorn's ``django.views.static.serve`` on its first request). Targets
(issue 15): cached at least 20x the uncached rate, within 1.5x of the static file. Before
the runs, the headers are checked: no ``Set-Cookie`` on the anonymous page, and Varnish
answering from its cache (``Age``, two ids in ``X-Varnish``).

Defense cards the same way: a generated wallet card (PDF) downloaded from its card URL
(``cards/<key>/<language>/wallet/``) straight from gunicorn (Django sends the file), the
same URL through Varnish (the download says ``Cache-Control: public, max-age=300`` and
carries nothing per visitor), and a static file of the same bytes through Varnish.
Target (issue 15): a card download, once generated, within 1.5x of the static file.

Needs wrk (apt-get install wrk), gunicorn and Varnish (apt-get install varnish; varnishd
runs as this benchmark's child, in the foreground); PostgreSQL as in bench_intake.py
(SQLite otherwise: the page is only read). What is missing is skipped, with a note.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import _http  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=12, help="seconds of wrk per path")
    parser.add_argument("--rounds", type=int, default=3, help="turns the paths take")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    options = parser.parse_args()

    database = _http.database_url()
    if not _http.postgres_available(database):
        _http.missing("postgresql", "PostgreSQL (SQLite instead)")
        database = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    redis = _http.redis_url()
    if not _http.redis_available(redis):
        _http.missing("redis", "the Redis cache (Django's per-process memory cache instead)")
        redis = None
    tools = {"wrk": _http.shutil.which("wrk"), "gunicorn": _http.gunicorn_path()}
    for tool, found in tools.items():
        if not found:
            _http.missing(tool, "the page-cache benchmark")
    if not all(tools.values()):
        return
    if database.startswith("postgres"):
        _http.recreate_database(database)
    prefix = None
    try:
        prefix = _http.setup_django(database, redis)
        run(options, database, redis)
    finally:
        if redis and prefix:
            _http.delete_cache_keys(redis, prefix)
        if database.startswith("postgres"):
            from django.db import connections

            connections.close_all()
            _http.drop_database(database)


def check(label, condition, detail=""):
    print(f"  {'ok ' if condition else 'NOT'} {label}{f': {detail}' if detail else ''}")
    return condition


def run(options, database, redis):
    import os

    from django.db import connections

    from benchmarks._django import make_site

    _home, petition = make_site()
    page_path = petition.url
    card_path = make_card()
    connections.close_all()
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    os.environ["BENCH_STATIC_ROOT"] = static_root
    vendor = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    print(
        f"Petition page on {vendor}, cache: {'Redis' if redis else 'local memory'}, "
        "gunicorn 2 sync workers, DEBUG off"
    )
    with _http.gunicorn(workers=2) as (base, _master):
        status, headers, body = _http.fetch(base + page_path)
        print(f"\nHeaders of the anonymous petition page ({len(body):,} bytes):")
        check("200", status == 200, str(status))
        check(
            "no Set-Cookie", not headers.get_all("Set-Cookie"), str(headers.get_all("Set-Cookie"))
        )
        cache_control = headers.get("Cache-Control", "")
        check("shared caches may keep it", "public" in cache_control and "s-maxage" in cache_control,
              cache_control)  # fmt: skip
        print(f"      Vary: {headers.get('Vary', '-')}")
        (Path(static_root) / "page.html").write_bytes(body)  # the same bytes, the same size
        static_path = "/bench-static/page.html"
        status, card_headers, card = _http.fetch(base + card_path)  # generated once, here
        print(f"\nThe wallet card download ({len(card):,} bytes):")
        check("200, a PDF", status == 200 and card.startswith(b"%PDF"), str(status))
        check("no Set-Cookie", not card_headers.get_all("Set-Cookie"))
        check("shared caches may keep it", "public" in card_headers.get("Cache-Control", ""),
              card_headers.get("Cache-Control"))  # fmt: skip
        (Path(static_root) / "card.pdf").write_bytes(card)
        card_static = "/bench-static/card.pdf"
        runs = {"uncached (gunicorn)": base + page_path}
        cards = {"card, Django sends it": base + card_path}
        if not _http.varnishd_path():
            _http.missing("varnishd", "the cached runs")
            varnish = None
        else:
            varnish = _http.varnish(int(base.rsplit(":", 1)[1]))
        if varnish is None:
            measure(options, runs)
            measure(options, cards, CARDS)
            return
        with varnish as cached:
            for path in (page_path, static_path, card_path, card_static):
                _http.fetch(cached + path)
            status, headers, again = _http.fetch(cached + page_path)
            ids = headers.get("X-Varnish", "").split()
            print("Through Varnish, the second request:")
            check("a cache hit (two ids in X-Varnish)", len(ids) == 2, headers.get("X-Varnish"))
            check("Age header", headers.get("Age") is not None, headers.get("Age"))
            check("no Set-Cookie", not headers.get_all("Set-Cookie"))
            check("same bytes as gunicorn's", again == body)
            runs["cached (Varnish)"] = cached + page_path
            runs["static file (Varnish)"] = cached + static_path
            status, headers, again = _http.fetch(cached + card_path)
            check("the card: a cache hit", len(headers.get("X-Varnish", "").split()) == 2,
                  headers.get("X-Varnish"))  # fmt: skip
            check("the card: same bytes", again == card)
            cards["card (Varnish)"] = cached + card_path
            cards["static file (Varnish)"] = cached + card_static
            measure(options, runs)
            measure(options, cards, CARDS)


def make_card():
    """The demo's English defense card (``guides/samples.py``); its card download URL."""
    from django.urls import reverse
    from wagtail.models import Locale

    from heretostay_wagtail.guides.samples import load_cards

    card = load_cards(Locale.objects.get(language_code="en"), languages=["en"])
    return reverse("heretostay:card_download", args=[card.translation_key, "en", "wallet"])


def turns(options, runs):
    """Each run's wrk figures, the runs taking turns."""
    per_round = max(1, options.duration // options.rounds)
    results = {}
    for url in runs.values():  # warm-up
        _http.wrk(url, clients=4, duration=1, threads=1)
    for _round in range(options.rounds):
        for name, url in runs.items():
            results.setdefault(name, []).append(
                _http.wrk(url, clients=options.clients, duration=per_round, threads=options.threads)
            )
    return per_round, {name: _http.combine(r) for name, r in results.items()}


def table(totals, baseline, label):
    print(f"  {'':<22} {'req/s':>10} {label:>12} {'p99 ms':>8} {'non-2xx/3xx':>12}")
    base = totals[baseline]["rps"] or 1e-9
    for name, r in totals.items():
        p99 = f"{r['p99'] * 1000:.1f}" if r["p99"] is not None else "-"
        print(f"  {name:<22} {r['rps']:10.1f} {r['rps'] / base:11.1f}x {p99:>8} {r['non2xx']:>12}")


#: What each table compares: its title, its baseline, and the ratios it states (name,
#: numerator, denominator, target).
PAGE = (
    "GET",
    "uncached (gunicorn)",
    "vs uncached",
    "baseline of the cached page: the static file",
    [
        ("cached page vs. uncached", "cached (Varnish)", "uncached (gunicorn)", "at least 20x"),
        ("static file vs. cached page", "static file (Varnish)", "cached (Varnish)",
         "at most 1.5x"),
    ],
)  # fmt: skip
CARDS = (
    "Card download GET",
    "card, Django sends it",
    "vs Django",
    "baseline: the static file of the same bytes",
    [("static file vs. card download", "static file (Varnish)", "card (Varnish)", "at most 1.5x")],
)


def measure(options, runs, what=PAGE):
    title, baseline, label, note, ratios = what
    per_round, totals = turns(options, runs)
    print(
        f"\n{title} at {options.clients} clients, wrk -t{options.threads}, {options.rounds} "
        f"turns of {per_round} s each ({note})"
    )
    table(totals, baseline, label)
    print()
    for name, numerator, denominator, target in ratios:
        if numerator in totals and denominator in totals:
            ratio = totals[numerator]["rps"] / (totals[denominator]["rps"] or 1e-9)
            print(f"  {name}: ratio {ratio:.2f}x (target: {target})")


if __name__ == "__main__":
    main()
