"""Screenshots of the main pages at phone (360px) and desktop (1280px) width, into
docs/screenshots/, with a README listing them: ``make screenshots``.

Starts the demo site like the browser tests do (a fresh temporary SQLite database, the
demo content, a free port), adds some supporters (online and on paper) so counts and
listings are not empty, then photographs the petition, the pledge page, the guide and
its card downloads, the admin's signatures listing and the delivery PDF's cover
(rendered with pypdfium2).
"""

import re
import sys
import tempfile
import time
from pathlib import Path

import helpers
from demo_server import DemoServer
from playwright.sync_api import sync_playwright

OUT = helpers.ROOT / "docs" / "screenshots"

SIGNERS = [
    ("María González", "62701"),
    ("James Okafor", "62702"),
    ("Nguyễn Thị Lan", "62703"),
]
PAPER = [
    ("Rosa Martínez", "62704"),
    ("Ahmed Hassan", "62704"),
    ("Li Wei", "62705"),
    ("Fatima Rahimi", "62707"),
    ("Carlos Mendoza", "62707"),
]

#: (file stem, what it shows), in the README's order; each has -360.png and -1280.png.
SHOTS = [
    ("petition", "Petition page (English): the ask, the count and progress bar, the sign-up form"),
    ("petition-es", "The same petition in Spanish"),
    ("pledge", "Pledge page: statement, roles, languages, availability, alert consent"),
    ("guide", "Know-your-rights guide: top of the page with the printable-PDF button"),
    ("guide-cards", "The guide's defense-card block with its four download formats"),
    ("admin-signatures", "Admin: the Signatures listing filtered to one petition, with CSV/XLSX export"),
    ("delivery-cover", "Delivery PDF: its first page (cover), rendered to PNG with pypdfium2"),
]


def shoot(page, name, width, *, full_page=True, element=None):
    path = OUT / f"{name}-{width}.png"
    if element is not None:
        element.screenshot(path=str(path))
    else:
        page.screenshot(path=str(path), full_page=full_page)
    print(f"  {path.relative_to(helpers.ROOT)}")


def add_supporters(browser, server):
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    page = context.new_page()
    for i, (name, postal_code) in enumerate(SIGNERS):
        page.goto(helpers.DEMO_PATHS["petition"])
        helpers.fill_signature(
            page, name=name, email=f"screenshot-{i}@example.org", postal_code=postal_code
        )
        helpers.submit(page)
        page.wait_for_url(helpers.THANKS_URL)
    page.goto(helpers.DEMO_PATHS["pledge"])
    helpers.fill_pledge(page, name="Samira Haddad", email="screenshot-pledge@example.org")
    helpers.submit(page)
    page.wait_for_url(helpers.THANKS_URL)
    context.close()


def admin_shots(browser, server):
    context = browser.new_context(
        base_url=server.base_url, viewport=helpers.viewport(helpers.DESKTOP), accept_downloads=True
    )
    page = context.new_page()
    helpers.admin_login(page, server)
    home_id = helpers.home_page_id(page, server)
    petition_id = helpers.page_id_by_title(page, server, home_id, "Make our city a sanctuary city")

    page.goto(f"/admin/heretostay/petitions/{petition_id}/paper/enter/")
    for i, (name, postal_code) in enumerate(PAPER):
        page.fill(f"#id_form-{i}-name", name)
        page.fill(f"#id_form-{i}-email", f"paper-{i}@example.org")
        page.fill(f"#id_form-{i}-postal_code", postal_code)
    page.get_by_role("button", name="Save signatures").click()
    page.wait_for_load_state()

    page.goto(f"/admin/pages/{petition_id}/edit/")
    page.get_by_role("link", name="View signatures").click()
    page.wait_for_url(re.compile(r".*/admin/heretostay/signatures/\?petition="))
    listing_url = page.url
    for width in helpers.WIDTHS:
        page.set_viewport_size(helpers.viewport(width))
        page.goto(listing_url)
        shoot(page, "admin-signatures", width, full_page=False)
    page.set_viewport_size(helpers.viewport(helpers.DESKTOP))

    page.goto(f"/admin/heretostay/petitions/{petition_id}/paper/deliver/")
    page.get_by_label("Group the signers").select_option(index=2)
    page.locator("main form button[type=submit]", has_text="Generate the PDF").click()
    page.wait_for_url(re.compile(r".*/paper/deliver/\d+/$"))
    link = page.get_by_role("link", name="Download the PDF")
    link.wait_for(timeout=120_000)
    with page.expect_download() as info:
        link.click()
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "delivery.pdf"
        info.value.save_as(pdf)
        for width in helpers.WIDTHS:
            target = OUT / f"delivery-cover-{width}.png"
            helpers.render_pdf_page(pdf, target, width)
            print(f"  {target.relative_to(helpers.ROOT)}")
    context.close()


def public_shots(browser, server):
    for width in helpers.WIDTHS:
        context = browser.new_context(base_url=server.base_url, viewport=helpers.viewport(width))
        page = context.new_page()
        page.goto(helpers.DEMO_PATHS["petition"])
        shoot(page, "petition", width)
        page.goto(helpers.translation_url(page, "es"))
        shoot(page, "petition-es", width)
        page.goto(helpers.DEMO_PATHS["pledge"])
        shoot(page, "pledge", width)
        page.goto(helpers.DEMO_PATHS["guide"])
        shoot(page, "guide", width, full_page=False)
        card = page.locator(".hts-defense-card").first
        card.scroll_into_view_if_needed()
        shoot(page, "guide-cards", width, element=card)
        context.close()


def write_readme():
    lines = [
        "# Screenshots",
        "",
        "Made by `make screenshots` (tests/browser/screenshots.py): the demo site with a fresh",
        "database, a few supporters added online and on paper, photographed by Debian's",
        "Chromium through Playwright at phone (360px) and desktop (1280px) width.",
        "Regenerate them after changing templates or CSS.",
        "",
        "| what | phone (360px) | desktop (1280px) |",
        "| --- | --- | --- |",
    ]
    for stem, what in SHOTS:
        lines.append(f"| {what} | [{stem}-360.png]({stem}-360.png) | [{stem}-1280.png]({stem}-1280.png) |")
    lines.append("")
    (OUT / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with DemoServer(double_opt_in=False) as server, sync_playwright() as playwright:
        print(f"demo site on {server.base_url}")
        browser = helpers.launch(playwright)
        try:
            add_supporters(browser, server)
            public_shots(browser, server)
            admin_shots(browser, server)
        finally:
            browser.close()
    write_readme()
    missing = [
        f"{stem}-{w}.png" for stem, _ in SHOTS for w in helpers.WIDTHS
        if not (OUT / f"{stem}-{w}.png").exists()
    ]
    if missing:
        print(f"missing screenshots: {missing}", file=sys.stderr)
        return 1
    print(f"{len(SHOTS) * 2} screenshots in {OUT.relative_to(helpers.ROOT)} "
          f"({time.monotonic() - started:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
