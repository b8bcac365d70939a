"""The organizer's path through the Wagtail admin, in a real browser, one step per test
(in order, sharing one logged-in browser context):

create and publish a petition with body blocks, translate it to Spanish with
wagtail-localize, get a signature online, print paper sheets, type paper signatures in,
list and export the signatures, and build the delivery PDF.
"""

import csv
import io
import re
import uuid

import helpers
import pytest

pytestmark = pytest.mark.admin

SUFFIX = uuid.uuid4().hex[:6]
TITLE = f"Fund legal defense now {SUFFIX}"
ASK = "Fund a universal legal defense program for every resident facing deportation."
WHY = "Nobody should face an immigration judge without a lawyer."
HEADING = "Due process for all"
PARAGRAPH = "Two thirds of detained immigrants have no lawyer."
TARGET = "County Board of Supervisors"
SPANISH = {
    TITLE: f"Financien la defensa legal ya {SUFFIX}",
    ASK: "Financien un programa de defensa legal universal para toda persona que enfrente la deportación.",
    WHY: "Nadie debería enfrentar a un juez de inmigración sin abogado.",
    HEADING: "Debido proceso para todos",
    PARAGRAPH: "Dos tercios de los inmigrantes detenidos no tienen abogado.",
    TARGET: "Junta de Supervisores del Condado",
}
PAPER_SIGNERS = [
    ("Rosa Paper Martínez", "rosa.paper@example.org", "62701"),
    ("Tomás Paper Quispe", "tomas.paper@example.org", "62702"),
    ("Amina Paper Yusuf", "amina.paper@example.org", "62703"),
]


@pytest.fixture(scope="module")
def state():
    return {}


@pytest.fixture(scope="module")
def admin(browser, server):
    context = browser.new_context(
        base_url=server.base_url, viewport=helpers.viewport(helpers.DESKTOP), accept_downloads=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    helpers.admin_login(page, server)
    yield page
    context.close()


def needs(state, *keys):
    missing = [k for k in keys if k not in state]
    if missing:
        pytest.skip(f"an earlier admin step failed (no {', '.join(missing)})")


def test_create_and_publish_petition_with_body_blocks(admin, server, state):
    home_id = helpers.home_page_id(admin, server)
    state["page_id"] = helpers.create_petition(
        admin,
        server,
        parent_id=home_id,
        title=TITLE,
        ask=ASK,
        why=WHY,
        heading=HEADING,
        paragraph=PARAGRAPH,
        target=TARGET,
    )
    admin.goto(f"/admin/pages/{state['page_id']}/edit/")
    live = admin.locator("a", has_text=re.compile(r"^\s*live\s*$", re.I)).first.get_attribute("href")
    state["path_en"] = re.sub(r"^https?://[^/]+", "", live)
    public = admin.context.new_page()
    public.goto(state["path_en"])
    assert public.locator("h1").inner_text() == TITLE
    assert public.locator("h2.hts-block-heading", has_text=HEADING).count() == 1
    assert PARAGRAPH in public.locator(".hts-campaign__text").inner_text()
    assert TARGET in public.locator(".hts-targets").inner_text()
    public.close()


def test_translate_to_spanish_with_wagtail_localize(admin, server, state):
    needs(state, "page_id", "path_en")
    state["page_id_es"] = helpers.translate_page(admin, server, state["page_id"], SPANISH)
    message = admin.locator(".messages").first.inner_text()
    assert "published" in message.lower() or "publicad" in message.lower(), message
    public = admin.context.new_page()
    public.goto(state["path_en"])
    path_es = helpers.translation_url(public, "es")
    assert path_es, "the English petition links no Spanish translation"
    public.goto(path_es)
    assert public.locator("html").get_attribute("lang") == "es"
    assert public.locator("h1").inner_text() == SPANISH[TITLE]
    text = public.locator(".hts-campaign__text").inner_text()
    for english in (ASK, HEADING, PARAGRAPH, TARGET):
        assert SPANISH[english] in text, (english, text)
    assert "Firma la petición" in public.locator("main").inner_text()
    state["path_es"] = path_es
    public.close()


def test_sign_the_new_petition_in_spanish(browser, server, state):
    needs(state, "path_es")
    context = browser.new_context(base_url=server.base_url, java_script_enabled=False)
    page = context.new_page()
    page.goto(state["path_es"])
    address = f"online-{SUFFIX}@example.org"
    helpers.fill_signature(page, name="Lucía Online Signer", email=address)
    helpers.submit(page)
    page.wait_for_url(helpers.THANKS_URL)
    message = server.wait_for_email(address)
    page.goto(next(p for p in server.links_in(message) if "/confirm/" in p))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(state["path_en"])
    assert helpers.count_on(page) == 1  # counted across translations
    context.close()
    state["online_signer"] = "Lucía Online Signer"


def open_paper_tool(admin, state, link_name):
    admin.goto(f"/admin/pages/{state['page_id']}/edit/")
    helpers.open_page_actions(admin)
    actions = admin.get_by_role("navigation", name="Actions", exact=True)
    actions.get_by_role("link", name="Paper signatures and delivery").click()
    admin.wait_for_url(re.compile(r".*/paper/$"))
    if link_name:
        admin.locator("main").get_by_role("link", name=link_name, exact=True).click()
        admin.wait_for_load_state()


def test_print_paper_signature_sheets(admin, state, tmp_path):
    needs(state, "page_id")
    open_paper_tool(admin, state, "Print signature sheets")
    admin.get_by_label(re.compile(r"\bA4\b")).check()
    admin.get_by_label("Number of sheets").fill("2")
    with admin.expect_download() as info:
        admin.locator("main form button[type=submit]").click()
    download = info.value
    assert download.suggested_filename.endswith("-signature-sheets.pdf")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    codes, text = helpers.extract_codes(data)
    assert TITLE in text.replace("\n", " ") or SUFFIX in text, text[:500]
    assert len(set(codes)) >= 2, f"no sheet codes found in the PDF text: {text[:500]}"
    state["sheet_code"] = codes[0]


def test_enter_paper_signatures(admin, state):
    needs(state, "page_id")
    open_paper_tool(admin, state, "Enter paper signatures")
    admin.fill("#id_sheet_code", state.get("sheet_code", ""))
    for i, (name, email, postal_code) in enumerate(PAPER_SIGNERS):
        admin.fill(f"#id_form-{i}-name", name)
        admin.fill(f"#id_form-{i}-email", email)
        admin.fill(f"#id_form-{i}-postal_code", postal_code)
    admin.get_by_role("button", name="Save signatures").click()
    admin.wait_for_load_state()
    message = admin.locator(".messages").first.inner_text()
    assert f"{len(PAPER_SIGNERS)} signatures added" in message, message
    open_paper_tool(admin, state, None)
    overview = admin.locator("main").inner_text()
    assert re.search(rf"Typed in from paper\s+{len(PAPER_SIGNERS)}\b", overview), overview
    state["paper_entered"] = True


def test_signatures_listing_and_export(admin, state, tmp_path):
    needs(state, "page_id")
    admin.goto(f"/admin/pages/{state['page_id']}/edit/")
    admin.get_by_role("link", name="View signatures").click()
    admin.wait_for_url(re.compile(r".*/admin/heretostay/signatures/\?petition="))
    listing = admin.locator("main").inner_text()
    expected = [name for name, _e, _p in PAPER_SIGNERS] + [state.get("online_signer", "")]
    for name in filter(None, expected):
        assert name in listing, (name, listing[:2000])
    assert "Make our city a sanctuary city" not in listing  # filtered to this petition
    state["signatures_url"] = admin.url

    with admin.expect_download() as info:
        admin.locator("[data-heretostay-export] a", has_text="CSV").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    names = {row.get("Name") or row.get("name") for row in rows}
    assert {name for name in expected if name} <= names, (names, rows[:1])

    with admin.expect_download() as info:
        admin.locator("[data-heretostay-export] a", has_text="XLSX").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.read_bytes()[:2] == b"PK"


def test_build_and_download_the_delivery_pdf(admin, state, tmp_path):
    needs(state, "page_id", "paper_entered")
    open_paper_tool(admin, state, "Delivery PDF")
    admin.locator("main form button[type=submit]", has_text="Generate the PDF").click()
    # "commit": the job page reloads itself until the PDF is built, so its load event is
    # not a moment to wait for.
    admin.wait_for_url(re.compile(r".*/paper/deliver/\d+/$"), wait_until="commit")
    download_link = admin.get_by_role("link", name="Download the PDF")
    # The job page reloads itself every 3 seconds until the PDF is built.
    download_link.wait_for(timeout=120_000)
    with admin.expect_download() as info:
        download_link.click()
    target = tmp_path / (info.value.suggested_filename or "delivery.pdf")
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = " ".join((p.extract_text() or "") for p in reader.pages)
    assert SUFFIX in text, text[:500]
    for name, _email, _postal in PAPER_SIGNERS:
        assert name in text, (name, text[:1500])
    for _name, email, _postal in PAPER_SIGNERS:
        if email:
            assert email not in text  # emails are never printed
    cover = tmp_path / "cover.png"
    helpers.render_pdf_page(target, cover, helpers.DESKTOP)
    assert cover.stat().st_size > 1000
