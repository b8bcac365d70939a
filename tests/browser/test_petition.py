"""Signing the demo petition in a real browser, in English and Spanish, with and
without JavaScript, and confirming by the emailed link (the demo server runs with
double opt-in: a signature counts once confirmed)."""


import helpers
import pytest

SPANISH_CONFIRM_WORDS = ("confirma", "firma")


def confirm_by_email(page, server, address, language):
    """Open the emailed confirmation link and press its button; return the link."""
    message = server.wait_for_email(address)
    links = [p for p in server.links_in(message) if "/confirm/" in p]
    assert links, f"no confirmation link in the email:\n{server.body_text(message)}"
    assert links[0].startswith(f"/{language}/"), links[0]
    page.goto(links[0])
    assert page.locator("html").get_attribute("lang") == language
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    notice = page.locator(".hts-notice[role=status]")
    assert notice.count() == 1, page.locator("main").inner_text()
    return links[0], message


@pytest.mark.parametrize("language", helpers.LANGUAGES)
def test_sign_then_confirm_by_email_moves_the_count(
    page, server, translated_paths, email_address, language
):
    path = translated_paths["petition"][language]
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == language
    before = helpers.count_on(page)
    address = email_address(f"sign-{language}")

    helpers.fill_signature(page, name=f"Browser Signer {language.upper()}", email=address)
    helpers.submit(page, "form[data-hts-sign]")
    # With JavaScript the form is sent in place and replaced by the thank-you message.
    thanks = page.locator(".hts-thanks-inline[role=status]")
    thanks.wait_for()
    assert page.url.endswith(path) or page.url.endswith(path + "#hts-sign-heading")
    assert thanks.locator("h2").evaluate("el => el === document.activeElement")
    # Double opt-in: not counted until confirmed.
    assert helpers.count_on(page) == before

    link, message = confirm_by_email(page, server, address, language)
    if language == "es":
        body = server.body_text(message).lower()
        assert any(word in body for word in SPANISH_CONFIRM_WORDS), body

    page.goto(path)
    assert helpers.count_on(page) == before + 1

    # The link confirms once: pressing its button again counts nothing more.
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(path)
    assert helpers.count_on(page) == before + 1


def test_sign_without_javascript(nojs_page, server, translated_paths, email_address):
    page = nojs_page
    path = translated_paths["petition"]["en"]
    page.goto(path)
    before = helpers.count_on(page)
    address = email_address("nojs")
    helpers.fill_signature(page, name="No Script Signer", email=address)
    helpers.submit(page, "form[data-hts-sign]")
    page.wait_for_url(helpers.THANKS_URL)
    assert page.locator("h1").inner_text().strip() == "Thank you!"
    assert page.locator(".hts-notice[role=status]").count() == 1  # check your email
    confirm_by_email(page, server, address, "en")
    page.goto(path)
    assert helpers.count_on(page) == before + 1


def test_copy_link_button_hidden_without_javascript(nojs_page, translated_paths):
    page = nojs_page
    page.goto(translated_paths["petition"]["en"])
    assert page.locator("[data-hts-copy]").count() == 1
    assert not page.locator("[data-hts-copy]").is_visible(), (
        "the share box's 'Copy link' button is visible without JavaScript, where it does nothing"
    )


def test_sign_with_errors_keeps_input_and_focuses_the_summary(
    page, translated_paths, email_address
):
    page.goto(translated_paths["petition"]["en"])
    page.fill("#id_name", "Half Filled")
    helpers.submit(page, "form[data-hts-sign]")
    summary = page.locator(".hts-error-summary")
    summary.wait_for()
    assert summary.evaluate("el => el.contains(document.activeElement)")
    assert page.input_value("#id_name") == "Half Filled"
