"""Issue 13's "done means", tried in a real browser as new people would, one step per test
(in order, sharing state):

a new pledger pledges with a phone, follows the emailed link and confirms the email, gets
the code on the console SMS backend and verifies the phone (after a wrong code); an
organizer drafts an alert for the pledger's postal code, a second organizer verifies it,
the author edits it (the verification is gone), the second organizer verifies it again
and sends it; the task worker texts each recipient once, and the alert's page shows the
deliveries sent.
"""

import collections
import random
import re
import time
import uuid

import helpers
import pytest

pytestmark = pytest.mark.admin

SUFFIX = uuid.uuid4().hex[:6]
MARKER = f"HTS-{SUFFIX}"
#: The demo's pledgers live in Chicago postal codes (example_site/demo/content/pledges.py).
AREA = "60608"
#: A fictional number (555-01xx) the demo's pledgers (0101-0108) do not use.
PHONE_E164 = f"+1312555{random.randint(110, 199):04d}"
PHONE_TYPED = f"({PHONE_E164[2:5]}) {PHONE_E164[5:8]}-{PHONE_E164[8:]}"
NAME = f"Text Pledger {SUFFIX}"
MESSAGE = f"{MARKER} Raid reported at 26th St and Pulaski. Observers needed now."
ADDED = " Bring water."
NETWORK = "Here to Stay: the pledge"
SECOND = ("second-" + SUFFIX, "second-pass-" + uuid.uuid4().hex[:12])
TIMEOUT = 30


@pytest.fixture(scope="module")
def state():
    return {}


def _context(browser, server):
    context = browser.new_context(
        base_url=server.base_url, viewport=helpers.viewport(helpers.DESKTOP)
    )
    context.set_default_timeout(TIMEOUT * 1000)
    return context


@pytest.fixture(scope="module")
def pledger(browser, server):
    context = _context(browser, server)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def author(browser, server):
    context = _context(browser, server)
    page = context.new_page()
    helpers.admin_login(page, server)
    yield page
    context.close()


@pytest.fixture(scope="module")
def second(browser, server):
    """A second organizer in the demo's "Rapid response" group (view, change, verify and
    send alerts, and the admin), in a browser of their own."""
    server.create_user(*SECOND, groups=["Rapid response"])
    context = _context(browser, server)
    page = context.new_page()
    helpers.login(page, server, *SECOND)
    yield page
    context.close()


def needs(state, *keys):
    missing = [k for k in keys if k not in state]
    if missing:
        pytest.skip(f"an earlier step failed (no {', '.join(missing)})")


def notice(page):
    """The pledger's manage page's status message."""
    return page.locator("main .hts-notice[role=status]").inner_text().strip()


def admin_message(page):
    return " ".join(page.locator(".messages").all_inner_texts()).strip()


# The pledger.


def test_pledge_with_a_phone(pledger, server, translated_paths, email_address, state):
    page = pledger
    page.goto(translated_paths["pledge"]["en"])
    phone = page.get_by_label("Mobile phone")
    assert phone.get_attribute("type") == "tel"
    address = email_address("texts")
    helpers.fill_pledge_with_phone(
        page, name=NAME, email=address, phone=PHONE_TYPED, area=AREA, text_alerts=True
    )
    helpers.submit(page)
    page.wait_for_url(helpers.THANKS_URL)
    assert page.locator("h1").inner_text().strip() == "Thank you for pledging!"
    text = page.locator("main").inner_text()
    assert "check your email, open our link and press “Confirm my email”" in text, text
    assert "enter the code we texted to your phone on that same page" in text, text
    state["email"] = address


def test_confirm_the_email_through_the_emailed_link(pledger, server, state):
    needs(state, "email")
    page = pledger
    message = server.wait_for_email(state["email"], timeout=TIMEOUT)
    manage = next(p for p in server.links_in(message) if "/manage/" in p)
    page.goto(manage)
    section = page.locator("section", has=page.get_by_role("heading", name="Confirm your email"))
    assert section.count() == 1, page.locator("main").inner_text()
    assert "We alert only people who have confirmed their email" in section.inner_text()
    page.get_by_role("button", name="Confirm my email").click()
    page.wait_for_load_state()
    assert notice(page) == "Thank you: your email is confirmed."
    assert page.get_by_role("heading", name="Confirm your email").count() == 0
    state["manage"] = manage


def test_verify_the_phone_with_the_texted_code(pledger, server, state):
    needs(state, "manage")
    page = pledger
    text = server.wait_for_text(PHONE_E164, timeout=TIMEOUT)
    match = re.search(r"Your code is (\d+)\.", text.body)
    assert match, f"no code in the text: {text.body!r}"
    code = match.group(1)
    # A person might reload or come back later: the page still asks for the code.
    page.goto(state["manage"])
    assert page.get_by_role("heading", name="Confirm your phone").count() == 1
    field = page.get_by_label("Code we texted you")

    wrong = str((int(code) + 1) % 10 ** len(code)).zfill(len(code))
    field.fill(wrong)
    page.get_by_role("button", name="Verify my phone").click()
    page.wait_for_load_state()
    field = page.get_by_label("Code we texted you")
    expected = "That code is not right. Check the text message we sent and try again."
    assert expected in page.locator(".hts-error-summary").inner_text()
    assert helpers.field_error(page, field) == expected, (
        "the code field's error is not associated with it (aria-describedby): "
        + page.locator("main").inner_text()
    )

    field.fill(code)
    page.get_by_role("button", name="Verify my phone").click()
    page.wait_for_load_state()
    assert notice(page) == "Thank you: your phone is confirmed. You can now get text alerts."
    assert page.get_by_role("heading", name="Confirm your phone").count() == 0
    assert page.get_by_role("heading", name="Confirm your email").count() == 0
    # One code was asked for, one was texted.
    assert len(server.texts_to(PHONE_E164)) == 1, server.texts_to(PHONE_E164)
    state["phone_verified"] = True


# The organizers.


def test_author_drafts_an_alert(author, server, state):
    needs(state, "phone_verified")
    page = author
    helpers.open_alerts(page)
    page.get_by_role("link", name="Add rapid-response alert").first.click()
    page.wait_for_url(re.compile(r".*/admin/heretostay/alerts/new/$"))
    page.get_by_role("combobox", name="Network").select_option(label=NETWORK)
    page.get_by_role("textbox", name="Message").fill(MESSAGE)
    page.get_by_role("textbox", name="Areas").fill(AREA)
    page.get_by_role("combobox", name="Channel").select_option(label="Text message")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r".*/admin/heretostay/alerts/\d+/$"))
    state["alert_path"] = re.sub(r"^https?://[^/]+", "", page.url)

    main = page.locator("main").inner_text()
    assert helpers.alert_fact(page, "Status") == "Draft"
    assert helpers.alert_fact(page, "Message") == MESSAGE
    assert helpers.alert_fact(page, "Areas") == AREA
    assert "A second person must verify this report before anyone is alerted." in main
    assert "You wrote this alert, so someone else has to verify it." in main
    assert page.get_by_role("button", name=re.compile("verify", re.I)).count() == 0
    reach = page.locator("#alert-preview").inner_text()
    by_text = re.search(r"By text message: (\d+)\.", reach)
    assert by_text and int(by_text.group(1)) >= 1, reach
    state["by_text"] = int(by_text.group(1))


def test_second_person_verifies_it(second, state):
    needs(state, "alert_path")
    page = second
    helpers.open_alerts(page)
    page.locator("main table a", has_text=MARKER).first.click()
    page.wait_for_url(re.compile(re.escape(state["alert_path"]) + "$"))
    assert helpers.alert_fact(page, "Message") == MESSAGE
    assert "Verifying confirms exactly what this page shows" in page.locator("main").inner_text()
    page.get_by_role("button", name="I have checked this report: verify").click()
    page.wait_for_url(re.compile(re.escape(state["alert_path"]) + "$"))
    assert "Alert verified. It can now be sent." in admin_message(page)
    assert helpers.alert_fact(page, "Status") == "Verified"
    assert (helpers.alert_fact(page, "Verified by") or "").startswith(SECOND[0])
    state["verified_once"] = True


def test_author_edits_it_and_the_verification_is_gone(author, state):
    needs(state, "verified_once")
    page = author
    page.goto(state["alert_path"])
    assert helpers.alert_fact(page, "Status") == "Verified"
    page.get_by_role("link", name="Edit (it must then be verified again)").click()
    page.wait_for_url(re.compile(r".*/admin/heretostay/alerts/edit/\d+/$|.*/\d+/edit/$"))
    message = page.get_by_role("textbox", name="Message")
    message.fill(message.input_value() + ADDED)
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_url(re.compile(re.escape(state["alert_path"]) + "$"))

    main = page.locator("main").inner_text()
    assert helpers.alert_fact(page, "Message") == MESSAGE + ADDED
    assert helpers.alert_fact(page, "Status") == "Draft", main
    assert helpers.alert_fact(page, "Verified by") is None, main
    assert "A second person must verify this report before anyone is alerted." in main
    assert page.get_by_role("link", name="Review and send").count() == 0
    state["edited"] = True


def test_second_person_verifies_again_and_sends(second, server, state):
    needs(state, "edited")
    page = second
    page.goto(state["alert_path"])
    assert helpers.alert_fact(page, "Message") == MESSAGE + ADDED
    assert helpers.alert_fact(page, "Status") == "Draft"
    assert (helpers.alert_fact(page, "Created by") or "").startswith(server.username)
    page.get_by_role("button", name="I have checked this report: verify").click()
    page.wait_for_url(re.compile(re.escape(state["alert_path"]) + "$"))
    assert helpers.alert_fact(page, "Status") == "Verified"

    page.get_by_role("link", name="Review and send").click()
    page.wait_for_url(re.compile(r".*/admin/heretostay/alerts/\d+/send/$"))
    assert helpers.alert_fact(page, "Message") == MESSAGE + ADDED
    send = page.get_by_role("button", name=re.compile(r"^Send to \d+ (person|people) now$"))
    people = int(re.search(r"\d+", send.inner_text()).group(0))
    assert people == state["by_text"], (people, state["by_text"])
    send.click()
    page.wait_for_url(re.compile(re.escape(state["alert_path"]) + "$"))
    assert "Alert sent. Deliveries are being processed." in admin_message(page)
    assert helpers.alert_fact(page, "Status") == "Sent"
    state["sent"] = True


def test_each_recipient_is_texted_once_and_the_page_says_sent(author, server, state):
    needs(state, "sent")
    text = server.wait_for_text(PHONE_E164, containing=MARKER, timeout=TIMEOUT)
    assert MESSAGE + ADDED in text.body, text.body
    assert "Reply STOP to stop alerts." in text.body, text.body

    # Let the worker finish (and show any second text) before counting.
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if len({t.to for t in server.texts() if MARKER in t.body}) >= state["by_text"]:
            break
        time.sleep(0.2)
    time.sleep(3)
    assert len(server.texts_to(PHONE_E164, containing=MARKER)) == 1
    per_number = collections.Counter(t.to for t in server.texts() if MARKER in t.body)
    assert len(per_number) == state["by_text"], per_number
    assert set(per_number.values()) == {1}, per_number
    assert all(MESSAGE + ADDED in t.body for t in server.texts() if MARKER in t.body)

    page = author
    expected = f"Sent: {state['by_text']}"
    deadline = time.monotonic() + TIMEOUT
    while True:
        page.goto(state["alert_path"])
        counts = page.locator("main ul li").all_inner_texts()
        if expected in [c.strip() for c in counts]:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"the alert page shows {counts}, not {expected!r}")
        time.sleep(1)
    assert len(counts) == 1, counts  # nothing queued, sending or failed
    assert helpers.alert_fact(page, "Status") == "Sent"
