"""Pledging in a real browser: the count, the emailed manage link, the longest name at
phone width, and the form without JavaScript."""


import helpers
import pytest

LONG_NAME = "W" * 200  # the form's maximum length, with no place to break


@pytest.mark.parametrize("language", helpers.LANGUAGES)
def test_pledge_moves_the_count_and_emails_a_manage_link(
    page, server, translated_paths, email_address, language
):
    path = translated_paths["pledge"][language]
    page.goto(path)
    before = helpers.count_on(page)
    address = email_address(f"pledge-{language}")
    helpers.fill_pledge(page, name=f"Browser Pledger {language.upper()}", email=address)
    helpers.submit(page)
    page.wait_for_url(helpers.THANKS_URL)
    assert page.locator("html").get_attribute("lang") == language
    assert helpers.count_on(page) == before + 1

    message = server.wait_for_email(address)
    manage = [p for p in server.links_in(message) if "/manage/" in p]
    assert manage and manage[0].startswith(f"/{language}/"), server.body_text(message)
    page.goto(manage[0])
    assert page.locator("main form.hts-form").count() == 1
    assert f"Browser Pledger {language.upper()}" in page.locator("main").inner_text()


def test_pledge_without_javascript(nojs_page, server, translated_paths, email_address):
    page = nojs_page
    path = translated_paths["pledge"]["en"]
    page.goto(path)
    before = helpers.count_on(page)
    address = email_address("pledge-nojs")
    helpers.fill_pledge(page, name="No Script Pledger", email=address)
    helpers.submit(page)
    page.wait_for_url(helpers.THANKS_URL)
    assert page.locator("h1").inner_text().strip() == "Thank you for pledging!"
    assert helpers.count_on(page) == before + 1
    server.wait_for_email(address)


def test_pledge_errors_move_focus_to_the_summary(page, translated_paths):
    """After a refused pledge the error summary gets focus (as on the petition), so
    keyboard and screen-reader users land on what to fix."""
    page.goto(translated_paths["pledge"]["en"])
    page.fill("#id_name", "Forgot The Rest")
    helpers.submit(page)
    summary = page.locator(".hts-error-summary")
    summary.wait_for()
    assert page.input_value("#id_name") == "Forgot The Rest"
    focused = page.evaluate(
        "() => { const a = document.activeElement;"
        " return a ? a.tagName.toLowerCase() + (a.id ? '#' + a.id : '')"
        " + (a.className ? '.' + String(a.className).replace(/ /g, '.') : '') : null; }"
    )
    assert summary.evaluate("el => el.contains(document.activeElement)"), (
        f"focus is on {focused}, not on the error summary"
    )


def test_longest_name_fits_the_phone_screen(
    new_page, server, translated_paths, email_address, no_overflow
):
    page = new_page(width=helpers.PHONE)
    page.goto(translated_paths["pledge"]["en"])
    address = email_address("long-name")
    page.locator("#id_name").press_sequentially(LONG_NAME, delay=0)
    assert page.input_value("#id_name") == LONG_NAME
    helpers.fill_pledge(page, name=None, email=address, area="X" * 100)
    problems = [no_overflow(page, "pledge form with a 200-character name (360px)")]
    helpers.submit(page)
    page.wait_for_url(helpers.THANKS_URL)
    problems.append(no_overflow(page, "pledge thanks after a 200-character name (360px)"))

    message = server.wait_for_email(address)
    manage = next(p for p in server.links_in(message) if "/manage/" in p)
    page.goto(manage)
    assert LONG_NAME in page.locator("main").inner_text()
    problems.append(no_overflow(page, "pledge manage page with a 200-character name (360px)"))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
