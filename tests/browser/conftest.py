"""Fixtures of the real-browser suite: the demo site in a subprocess, Debian's Chromium
driven by Playwright, axe-core, and the figures printed at the end of the run.

Run with ``make browser`` (its own pytest configuration, tests/browser/pytest.ini); the
normal ``make test`` never collects this folder (``--ignore=tests/browser`` in
pyproject.toml).
"""

import json
import time
import uuid

import helpers
import pytest
from demo_server import DemoServer

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - reported by pytest_configure
    sync_playwright = None

#: Figures of the run, printed by pytest_terminal_summary and saved to var/browser-tests/.
STATS = {
    "axe_pages": 0,
    "axe_violations": 0,  # every violation node, whatever its impact
    "axe_serious_or_critical": 0,  # violation nodes that fail a page
    "axe_contrast_review_own": 0,  # colour-contrast "incomplete" nodes on hts- elements
    "axe_rules": {},  # rule id -> node count (violations)
    "overflow_checks": 0,
    "overflow_found": 0,
    "overflows": [],
    "axe_failures": [],
}


def pytest_configure(config):
    if sync_playwright is None:
        raise pytest.UsageError(
            "Playwright is not installed: pip install -e '.[browser]' (make browser does)."
        )
    try:
        helpers.chromium_path()
    except helpers.NoChromium as exc:
        raise pytest.UsageError(str(exc)) from None
    if not helpers.AXE_JS.exists():
        raise pytest.UsageError(
            f"axe-core is missing ({helpers.AXE_JS}): run `npm ci --prefix tests/browser`."
        )


@pytest.fixture(scope="session")
def server():
    started = time.monotonic()
    demo = DemoServer(double_opt_in=True)
    try:
        demo.start()
    except Exception:
        demo.cleanup()
        raise
    STATS["server_start_seconds"] = round(time.monotonic() - started, 1)
    yield demo
    demo.cleanup()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = helpers.launch(playwright_instance)
    STATS["browser"] = f"Chromium {browser.version} ({helpers.chromium_path()})"
    yield browser
    browser.close()


def _new_context(browser, server, *, width=helpers.DESKTOP, javascript=True, **kwargs):
    context = browser.new_context(
        base_url=server.base_url,
        viewport=helpers.viewport(width),
        java_script_enabled=javascript,
        accept_downloads=True,
        **kwargs,
    )
    context.set_default_timeout(30_000)
    return context


@pytest.fixture
def new_page(browser, server):
    """``new_page(width=1280, javascript=True)``: a page in a fresh browser context."""
    contexts = []

    def make(width=helpers.DESKTOP, javascript=True, **kwargs):
        context = _new_context(browser, server, width=width, javascript=javascript, **kwargs)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def nojs_page(new_page):
    return new_page(javascript=False)


@pytest.fixture
def email_address():
    """A fresh address per call: each signer is new to the campaign."""

    def make(label="signer"):
        return f"{label}-{uuid.uuid4().hex[:10]}@example.org"

    return make


@pytest.fixture(scope="session")
def translated_paths(browser, server):
    """Paths of the demo's pages in each language: {"petition": {"en": ..., "es": ...}}."""
    context = _new_context(browser, server, javascript=False)
    page = context.new_page()
    paths = {}
    for kind, path in helpers.DEMO_PATHS.items():
        page.goto(path)
        paths[kind] = {"en": path, "es": helpers.translation_url(page, "es")}
        assert paths[kind]["es"], f"no Spanish translation linked from {path}"
    context.close()
    return paths


@pytest.fixture(scope="session")
def emailed_links(browser, server, translated_paths):
    """One signature and one pledge per language, made without JavaScript; their emailed
    confirmation and manage links: {"confirm": {"en": path, ...}, "manage": {...}}."""
    context = _new_context(browser, server, javascript=False)
    page = context.new_page()
    links = {"confirm": {}, "manage": {}}
    for language in helpers.LANGUAGES:
        address = f"links-{language}-{uuid.uuid4().hex[:8]}@example.org"
        page.goto(translated_paths["petition"][language])
        helpers.fill_signature(page, name=f"Link Tester {language}", email=address)
        helpers.submit(page)
        page.wait_for_url(helpers.THANKS_URL)
        message = server.wait_for_email(address)
        links["confirm"][language] = next(p for p in server.links_in(message) if "/confirm/" in p)

        page.goto(translated_paths["pledge"][language])
        helpers.fill_pledge(page, name=f"Pledge Tester {language}", email=address)
        helpers.submit(page)
        page.wait_for_url(helpers.THANKS_URL)
        message = server.wait_for_email(address, count=2)
        links["manage"][language] = next(p for p in server.links_in(message) if "/manage/" in p)
    context.close()
    return links


# Measurements, counted for the summary.


def check_axe(page, label):
    """Run axe-core on the page; return the failing findings (and record the figures)."""
    results = helpers.run_axe(page)
    STATS["axe_pages"] += 1
    for rule in results["violations"]:
        STATS["axe_violations"] += len(rule["nodes"])
        STATS["axe_rules"][rule["id"]] = STATS["axe_rules"].get(rule["id"], 0) + len(rule["nodes"])
        if rule["impact"] in ("serious", "critical"):
            STATS["axe_serious_or_critical"] += len(rule["nodes"])
    for rule in results["incomplete"]:
        if rule["id"] == "color-contrast":
            STATS["axe_contrast_review_own"] += sum(1 for n in rule["nodes"] if n["own"])
    problems = helpers.axe_problems(results)
    if problems:
        STATS["axe_failures"].append({"page": label, "problems": problems})
    return problems


def check_overflow(page, label):
    """Measure horizontal overflow; return a description when the page is too wide."""
    found = helpers.overflow(page)
    STATS["overflow_checks"] += 1
    width = page.viewport_size["width"]
    if found["scrollWidth"] > width:
        STATS["overflow_found"] += 1
        entry = {"page": label, "width": width, **found}
        STATS["overflows"].append(entry)
        return (
            f"{label}: scrollWidth {found['scrollWidth']}px > {width}px; "
            f"sticking out: {', '.join(found['culprits']) or 'unknown'}"
        )
    return None


@pytest.fixture
def axe():
    return check_axe


@pytest.fixture
def no_overflow():
    return check_overflow


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not STATS["axe_pages"] and not STATS["overflow_checks"]:
        return
    write = terminalreporter.write_line
    terminalreporter.section("browser suite figures")
    if "browser" in STATS:
        write(f"browser: {STATS['browser']}")
    if "server_start_seconds" in STATS:
        write(f"demo server ready in {STATS['server_start_seconds']}s (migrate + load_demo)")
    write(f"pages checked by axe: {STATS['axe_pages']}")
    write(
        f"axe violations (nodes, any impact): {STATS['axe_violations']}; "
        f"serious or critical: {STATS['axe_serious_or_critical']}; "
        f"colour-contrast needing review on hts- elements: {STATS['axe_contrast_review_own']}"
    )
    if STATS["axe_rules"]:
        rules = ", ".join(f"{k}={v}" for k, v in sorted(STATS["axe_rules"].items()))
        write(f"violations by rule: {rules}")
    write(
        f"overflow checks at 360px and 1280px: {STATS['overflow_checks']}; "
        f"pages overflowing: {STATS['overflow_found']}"
    )
    for entry in STATS["overflows"]:
        write(
            f"  overflow: {entry['page']} scrollWidth={entry['scrollWidth']} "
            f"> {entry['width']}: {', '.join(entry['culprits'])}"
        )
    for failure in STATS["axe_failures"]:
        for problem in dict.fromkeys(failure["problems"]):
            write(f"  axe: {failure['page']}: {' '.join(problem.split())[:260]}")
    helpers.REPORT_DIR.mkdir(parents=True, exist_ok=True)
    report = helpers.REPORT_DIR / "summary.json"
    report.write_text(json.dumps(STATS, indent=2, ensure_ascii=False), encoding="utf-8")
    write(f"details: {report.relative_to(helpers.ROOT)}")
