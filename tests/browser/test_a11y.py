"""axe-core on every public page type, in English and Spanish, at phone (360px) and
desktop (1280px) width, and nothing sticking out horizontally.

A page fails on any serious or critical axe violation, and on a colour-contrast result
axe could not decide ("incomplete", needs review) on the package's own elements
(``.hts-button`` and the ``hts-`` classes): those must be decidably readable.
"""

import helpers
import pytest

PAGE_KINDS = (
    "home",
    "petition",
    "petition-thanks",
    "petition-confirm",
    "petition-confirmed",
    "pledge",
    "pledge-thanks",
    "pledge-manage",
    "guide",
)


def open_kind(page, kind, language, paths, links):
    """Go to the page of this kind and language (pressing buttons where needed)."""
    if kind in ("home", "petition", "pledge", "guide"):
        page.goto(paths[kind][language])
    elif kind in ("petition-thanks", "pledge-thanks"):
        page.goto(paths[kind.split("-")[0]][language] + "thanks/")
    elif kind == "petition-confirm":
        page.goto(links["confirm"][language])
        assert page.locator("main form button[type=submit]").count() == 1
    elif kind == "petition-confirmed":
        page.goto(links["confirm"][language])
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".hts-notice[role=status]").count() == 1
    elif kind == "pledge-manage":
        page.goto(links["manage"][language])
        assert page.locator("main form.hts-form").count() == 1
    else:  # pragma: no cover
        raise ValueError(kind)
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("width", helpers.WIDTHS)
@pytest.mark.parametrize("language", helpers.LANGUAGES)
@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_passes_axe_and_fits(
    new_page, translated_paths, emailed_links, axe, no_overflow, kind, language, width
):
    page = new_page(width=width)
    open_kind(page, kind, language, translated_paths, emailed_links)
    label = f"{kind} [{language}, {width}px] {page.url.split('//', 1)[-1].split('/', 1)[-1]}"
    problems = axe(page, label)
    too_wide = no_overflow(page, label)
    if too_wide:
        problems.append(f"horizontal overflow: {too_wide}")
    assert not problems, f"{label}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("language", helpers.LANGUAGES)
def test_no_missing_assets(new_page, translated_paths, language):
    """Every request a public page makes succeeds (stylesheets, scripts), and so does its
    icon: the one it links, or /favicon.ico, which browsers ask for otherwise."""
    page = new_page()
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for kind in ("home", "petition", "pledge", "guide"):
        page.goto(translated_paths[kind][language])
        page.wait_for_load_state("load")
        icon = page.locator("link[rel~=icon]")
        href = icon.first.get_attribute("href") if icon.count() else "/favicon.ico"
        response = page.request.get(href)
        if not response.ok:
            failed.append(f"{response.status} {href} (icon of {page.url})")
    assert not failed, failed
