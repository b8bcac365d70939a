"""A pytest plugin for benchmarks/attack.py: counts what the suite's attack tests do.

Loaded with ``-p benchmarks._attack_plugin`` (never by the suite itself). It writes a
JSON report to ``$HTS_ATTACK_REPORT`` at the end of the session:

- every request schemathesis made (``Case.call``, stateful steps included), per operation
  and status, and the 5xx among them with their method, path and body;
- the (caller, endpoint) pairs the permission matrix called (its module's ``call``);
- each test's outcome, and the failure text of those that failed.
"""

import json
import os
from collections import Counter

import pytest

CALLS = Counter()  # (operation id, status) -> requests
SERVER_ERRORS = []
PAIRS = []
CURRENT = [None]  # the running test: one matrix test per endpoint
OUTCOMES = Counter()
FAILURES = []


def _text(response):
    text = getattr(response, "text", None)
    if isinstance(text, str):
        return text
    return response.get_data(as_text=True)  # werkzeug's test response (WSGI)


def _wrap_schemathesis():
    try:
        from schemathesis.generation.case import Case
    except ImportError:
        return
    original = Case.call

    def call(self, *args, **kwargs):
        response = original(self, *args, **kwargs)
        operation = self.operation.definition.raw.get("operationId") or self.operation.label
        CALLS[(operation, response.status_code)] += 1
        if response.status_code >= 500 and len(SERVER_ERRORS) < 50:
            SERVER_ERRORS.append(
                {
                    "operation": operation,
                    "method": self.method,
                    "path": self.formatted_path,
                    "query": self.query,
                    "body": repr(self.body)[:500],
                    "status": response.status_code,
                    "answer": _text(response)[:300],
                }
            )
        return response

    Case.call = call


def _wrap_matrix():
    import sys

    module = sys.modules.get("tests.test_permission_matrix")
    if module is None:
        return
    original = module.call

    def call(kind, method, url, user, payload, client):
        PAIRS.append((CURRENT[0], method, url, getattr(user, "username", None)))
        return original(kind, method, url, user, payload, client)

    module.call = call


def pytest_configure(config):
    _wrap_schemathesis()


def pytest_collection_finish(session):
    _wrap_matrix()


def pytest_runtest_setup(item):
    CURRENT[0] = item.nodeid


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        OUTCOMES[(report.when, report.outcome)] += 1
    if report.failed:
        FAILURES.append({"test": report.nodeid, "when": report.when, "text": report.longreprtext})


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("HTS_ATTACK_REPORT")
    if not path:
        return
    with open(path, "w") as out:
        json.dump(
            {
                "calls": [[op, status, n] for (op, status), n in sorted(CALLS.items())],
                "server_errors": SERVER_ERRORS,
                "pairs": len(PAIRS),
                "distinct_pairs": len(set(PAIRS)),
                "callers": len({p[3] for p in PAIRS}),
                "endpoints": len({p[0] for p in PAIRS}),
                "outcomes": [[w, o, n] for (w, o), n in OUTCOMES.items()],
                "failures": FAILURES,
                "exitstatus": int(exitstatus),
            },
            out,
        )
