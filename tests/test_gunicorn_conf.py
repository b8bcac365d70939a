"""The example site's gunicorn configuration (docs/deploying.md), as gunicorn reads it."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "example_site" / "gunicorn.conf.py"


def test_the_worker_hook_imports_the_views_and_freezes_what_startup_made(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(CONF))
    assert conf["workers"] == 3 and conf["accesslog"] is None  # no IP addresses on disk
    before = gc.get_freeze_count()  # not always 0: a library may have frozen some
    try:
        conf["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > before + 10_000
    finally:
        gc.unfreeze()


def test_the_benchmarks_use_the_same_hook():
    bench = runpy.run_path(str(CONF.parent.parent / "benchmarks" / "gunicorn.conf.py"))
    assert (
        bench["post_worker_init"].__doc__ == runpy.run_path(str(CONF))["post_worker_init"].__doc__
    )
