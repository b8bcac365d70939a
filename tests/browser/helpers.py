"""What the browser tests and the screenshot script share: Chromium, axe-core, the
measurements taken on each page, and the steps of the public and admin flows."""

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import expect

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
#: Where the suite writes its figures and reports (var/ is not committed).
REPORT_DIR = ROOT / "var" / "browser-tests"

PHONE = 360
DESKTOP = 1280
WIDTHS = (PHONE, DESKTOP)
LANGUAGES = ("en", "es")

#: The demo's pages (see example_site/demo/content/): English paths; the Spanish ones
#: are found through each page's language switcher.
DEMO_PATHS = {
    "home": "/en/",
    "petition": "/en/sanctuary-city/",
    "pledge": "/en/pledge/",
    "guide": "/en/know-your-rights/",
}

#: Where a campaign form lands without JavaScript (Post/Redirect/Get; the browser keeps the
#: form action's #fragment across the redirect).
THANKS_URL = re.compile(r".*/thanks/(#.*)?$")

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


class NoChromium(RuntimeError):
    pass


def chromium_path():
    """Debian's Chromium (never a browser downloaded by ``playwright install``)."""
    configured = os.environ.get("CHROMIUM")
    candidates = (configured,) if configured else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    if found and not configured:
        return found
    raise NoChromium(
        f"Chromium not found (looked for {', '.join(c for c in candidates if c)}). "
        "Install Debian's package: sudo apt-get install chromium "
        "(or set CHROMIUM=/path/to/chromium)."
    )


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True)


def viewport(width):
    return {"width": width, "height": 800 if width == PHONE else 900}


# Measurements.

AXE_SCRIPT = """
async () => {
  const results = await axe.run(document, {
    resultTypes: ["violations", "incomplete"],
  });
  const own = (node) => {
    const selector = node.target[node.target.length - 1];
    let el = null;
    try { el = document.querySelector(selector); } catch (e) { el = null; }
    if (!el) return /hts-/.test(node.html);
    return Boolean(el.closest(".hts-button")) ||
      Array.from(el.classList).some((c) => c.startsWith("hts-"));
  };
  const nodes = (rule) => rule.nodes.map((n) => ({
    target: n.target.join(" "),
    html: n.html.slice(0, 240),
    summary: (n.failureSummary || "").slice(0, 400),
    own: own(n),
  }));
  return {
    violations: results.violations.map((r) => ({
      id: r.id, impact: r.impact, help: r.help, nodes: nodes(r),
    })),
    incomplete: results.incomplete.map((r) => ({
      id: r.id, impact: r.impact, help: r.help, nodes: nodes(r),
    })),
  };
}
"""


def run_axe(page):
    """axe-core's results for the page as it is now (violations and needs-review)."""
    if not AXE_JS.exists():
        raise RuntimeError(
            f"{AXE_JS} is missing: run `npm ci --prefix tests/browser` (make browser does)."
        )
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(AXE_SCRIPT)


def axe_problems(results):
    """The findings that fail a page: serious or critical violations, and colour-contrast
    results axe could not decide ("incomplete") on the package's own elements."""
    problems = []
    for rule in results["violations"]:
        if rule["impact"] in ("serious", "critical"):
            for node in rule["nodes"]:
                problems.append(f"{rule['id']} ({rule['impact']}): {node['target']}  {node['html']}")
    for rule in results["incomplete"]:
        if rule["id"] == "color-contrast":
            for node in rule["nodes"]:
                if node["own"]:
                    problems.append(
                        f"color-contrast needs review on the package's own element: "
                        f"{node['target']}  {node['html']}  ({node['summary']})"
                    )
    return problems


OVERFLOW_SCRIPT = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      // Report the outermost overflowing elements only.
      if (!wide.some((w) => w.el.contains(el))) wide.push({el, right: Math.round(box.right)});
    }
  }
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + Array.from(el.classList).join(".") : "");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: width,
    culprits: wide.slice(0, 8).map((w) => describe(w.el) + " (right edge " + w.right + "px)"),
  };
}
"""


def overflow(page):
    """``{"scrollWidth", "clientWidth", "culprits"}``: what sticks out on the right."""
    return page.evaluate(OVERFLOW_SCRIPT)


def count_on(page):
    """The supporter count shown on a campaign page (digits of ``.hts-progress__count``)."""
    text = page.locator(".hts-progress__count strong").first.inner_text()
    return int(re.sub(r"\D", "", text))


def translation_url(page, language):
    """The path of this page in ``language``, from the language switcher."""
    link = page.locator(f".hts-languages a[hreflang='{language}']")
    return link.first.get_attribute("href")


# Public flows.


def fill_signature(page, *, name, email, postal_code="62701", opt_in=True):
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    if page.locator("#id_postal_code").count():
        page.fill("#id_postal_code", postal_code)
    if opt_in and page.locator("#id_opt_in").count():
        page.check("#id_opt_in")


def fill_pledge(page, *, name, email, area="Springfield 62701"):
    if name is not None:
        page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_area", area)
    roles = page.locator("input[name=roles]")
    if roles.count():
        roles.first.check()
    languages = page.locator("input[name=languages]")
    if languages.count():
        languages.first.check()
    if page.locator("#id_alert_email").count():
        page.check("#id_alert_email")


def submit(page, form_selector="form.hts-form"):
    page.locator(f"{form_selector} button[type=submit]").first.click()


# Admin flows.


def admin_login(page, server):
    page.goto(server.url("/admin/login/"))
    page.fill("#id_username", server.username)
    page.fill("#id_password", server.password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def page_id_by_title(page, server, parent_id, title):
    page.goto(server.url(f"/admin/pages/{parent_id}/"))
    row = page.locator("tr", has_text=title).first
    match = re.search(r"/admin/pages/(\d+)/edit/", row.inner_html())
    return int(match.group(1))


def home_page_id(page, server):
    """The English home page's id, from the admin's page explorer."""
    page.goto(server.url("/admin/pages/"))
    row = page.locator("tr", has_text="Here to Stay").first
    return int(re.search(r"/admin/pages/(\d+)/edit/", row.inner_html()).group(1))


def open_page_actions(page):
    """The "Actions" (⋯) dropdown in the header of a page's edit view."""
    page.locator("header [data-w-dropdown-target=toggle][aria-label='Actions']").first.click()


def fill_rich_text(page, container_selector, text):
    editor = page.locator(f"{container_selector} [contenteditable=true]").last
    editor.wait_for()
    editor.click()
    page.keyboard.type(text)
    # Draftail saves to its hidden input a moment later (debounced): wait for it.
    page.wait_for_function(
        "([sel, text]) => Array.from(document.querySelectorAll(sel + ' input'))"
        ".some((i) => i.value.includes(text))",
        arg=[container_selector, text],
    )


def add_body_block(page, block_label):
    body = page.locator("[data-contentpath=body]")
    body.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=block_label, exact=True).click()


def wait_for_autosave(page):
    """Wait until Wagtail's editor autosave is done and quiet.

    Wagtail 8 autosaves the editor 500 ms after each change; a new page's first autosave
    creates it as a draft and turns the form into that page's edit form. Publishing while an
    autosave is in flight races it, as it would for a person clicking fast (seen in CI on a
    busy machine: "This slug is already in use", or the publish click lost while the editor
    was re-rendered). So: no unsaved edits, no save in flight, the form already the edit
    form, for one second in a row. An autosave error ("paused") fails at once, with its text.
    """
    outcome = page.wait_for_function(
        """() => {
            const form = document.querySelector('form[data-controller~="w-autosave"]');
            if (!form) return 'none';
            const state = form.getAttribute('data-w-autosave-state-value');
            if (state === 'paused') return 'paused';
            const quiet = form.getAttribute('data-w-unsaved-has-edits-value') !== 'true'
                && state !== 'saving'
                && form.action.includes('/edit/');
            window.htsQuietTicks = quiet ? (window.htsQuietTicks || 0) + 1 : 0;
            return window.htsQuietTicks >= 10 ? 'quiet' : false;
        }""",
        polling=100,
    ).json_value()
    if outcome == "paused":
        tooltip = page.locator("#w-autosave-indicator").get_attribute("data-w-tooltip-content-value")
        raise AssertionError(f"Wagtail's autosave paused: {tooltip!r}")


def create_petition(page, server, *, parent_id, title, ask, why, heading, paragraph, target):
    """Create and publish a petition with body blocks through the page editor."""
    page.goto(server.url(f"/admin/pages/{parent_id}/add_subpage/"))
    page.get_by_role("link", name="Petition", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/pages/add/heretostay/petitionpage/\d+/"))
    page.fill("#id_title", title)
    page.fill("#id_targets-0-name", target)
    page.fill("#id_ask", ask)
    fill_rich_text(page, "[data-contentpath=why]", why)
    page.select_option("#id_scope", "national")
    add_body_block(page, "Heading")
    page.locator("input[name='body-0-value']").fill(heading)
    add_body_block(page, "Paragraph")
    fill_rich_text(page, "[data-contentpath=body]", paragraph)
    wait_for_autosave(page)
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    with page.expect_navigation():
        page.locator("button[name=action-publish]").click()
    message = page.locator(".messages").first.inner_text()
    if "published" not in message:
        errors = page.locator(".error-message, [data-field-errors]").all_inner_texts()
        raise AssertionError(f"petition not published: {message!r} {[e for e in errors if e.strip()]}")
    return page_id_by_title(page, server, parent_id, title)


def translate_page(page, server, page_id, translations, *, language_label="Spanish"):
    """Translate a page with wagtail-localize (Translate this page, then each segment,
    then Publish) and return the translated page's id."""
    page.goto(server.url(f"/admin/pages/{page_id}/edit/"))
    open_page_actions(page)
    page.get_by_role("link", name="Translate this page").click()
    page.get_by_label(language_label, exact=True).check()
    page.locator("main form [type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/"))
    translated_id = int(re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1))
    buttons = page.get_by_role("button", name="Translate", exact=True)
    buttons.first.wait_for()
    for _ in range(50):
        remaining = buttons.count()
        if not remaining:
            break
        # Each segment: <li class="incomplete"><p>source</p>...<button>Translate</button>
        source = buttons.first.locator(
            "xpath=ancestor::li[contains(concat(' ', @class, ' '), ' incomplete ')][1]/p[1]"
        ).inner_text()
        buttons.first.click()
        textarea = page.locator("main textarea:visible").first
        textarea.wait_for()
        textarea.fill(translations.get(source.strip(), source))
        page.get_by_role("button", name="Save", exact=True).first.click()
        expect(buttons).to_have_count(remaining - 1)
    page.get_by_role("button", name=re.compile(r"Publish in Spanish")).click()
    page.wait_for_load_state()
    return translated_id


def extract_codes(pdf_bytes):
    """Sheet codes printed on signature sheets (``ABC-DEF``)."""
    import io

    from pypdf import PdfReader

    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    return re.findall(r"\b[A-Z0-9]{3}-[A-Z0-9]{3}\b", text), text


def render_pdf_page(pdf_path, png_path, width):
    """Render a PDF's first page to a PNG ``width`` pixels wide (pypdfium2)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        first = pdf[0]
        scale = width / first.get_width()
        first.render(scale=scale).to_pil().save(str(png_path))
    finally:
        pdf.close()


# The rapid-response alert flow (test_alerts.py): a pledger with a phone, two organizers.


def login(page, server, username, password):
    """Log in to the admin as any user (``admin_login`` is the demo's admin)."""
    page.goto(server.url("/admin/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/admin/$"))


def fill_pledge_with_phone(page, *, name, email, phone, area, text_alerts=True, email_alerts=True):
    """The pledge form with a mobile number and the alert channels chosen."""
    fill_pledge(page, name=name, email=email, area=area)
    page.get_by_label("Mobile phone").fill(phone)
    page.get_by_label("Yes, send me rapid-response alerts by text message.").set_checked(
        text_alerts
    )
    page.get_by_label("Yes, send me rapid-response alerts by email.").set_checked(email_alerts)


def field_error(page, field):
    """The error message shown for a form field (a locator), read through the field's
    ``aria-describedby``, as a screen reader would; "" when none is associated."""
    ids = (field.get_attribute("aria-describedby") or "").split()
    texts = [page.locator(f"[id='{i}']").inner_text() for i in ids if i.endswith("_error")]
    return " ".join(t.strip() for t in texts)


def open_alerts(page):
    """Rapid response → Alerts, through the admin's sidebar menu."""
    page.goto("/admin/")
    page.get_by_role("button", name="Rapid response").click()
    page.get_by_role("link", name="Alerts", exact=True).click()
    page.wait_for_url(re.compile(r".*/admin/heretostay/alerts/$"))


def alert_fact(page, label):
    """What the alert's summary (its ``<dl>``) says for ``label``, e.g. "Status"; None
    when the page does not show it."""
    term = page.locator("main dl dt", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    if not term.count():
        return None
    return term.first.locator("xpath=following-sibling::dd[1]").inner_text().strip()
