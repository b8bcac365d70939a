"""gunicorn's configuration for the example site's app servers (docs/deploying.md).

    gunicorn -c example_site/gunicorn.conf.py

Each value can be set from the environment; a command-line option (``-b``, ``-w``)
overrides this file. The task worker is a separate process: ``manage.py db_worker``.
"""

import multiprocessing
import os

wsgi_app = "example_site.wsgi:application"

#: Where the server listens: behind Varnish or another proxy on the same host, loopback.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

#: Processes, each with its own database connection; WEB_CONCURRENCY is the usual name.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
#: Threads per process (more than 1 runs gunicorn's threaded worker).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

#: A request still running after this many seconds is killed with its worker. Long work
#: (delivery PDFs, large exports) runs in the task worker, not in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
#: Seconds a proxy's kept-alive connection stays open between requests.
keepalive = 5

#: Each process is replaced after about this many requests (bounds slow memory growth).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

#: No access log by default: it would write every supporter's IP address to disk, where
#: the site itself keeps only a keyed hash (docs/privacy.md). Errors go to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

proc_name = "heretostay-web"


def post_worker_init(worker):
    """Once a worker has loaded the site, import every view (the URLconf) and move what
    startup made into the garbage collector's permanent generation (``gc.freeze()``).

    A full collection otherwise scans those few hundred thousand objects each time: a
    pause of 65 ms here, 100-150 ms under load (issue 15), taken by whichever request
    is running and felt by those queued behind it. The objects never become garbage,
    so nothing is lost by leaving them out."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views now, not on a request)
    gc.freeze()
