"""gunicorn's configuration for the HTTP benchmarks (``_http.gunicorn``): the worker
hook of the example site's production profile (``example_site/gunicorn.conf.py``), so
a full garbage collection's pause over the framework's objects does not fall at random
on one path's turn. Workers, bind address and timeout come from the command line."""

import runpy
from pathlib import Path

post_worker_init = runpy.run_path(
    str(Path(__file__).resolve().parent.parent / "example_site" / "gunicorn.conf.py")
)["post_worker_init"]
