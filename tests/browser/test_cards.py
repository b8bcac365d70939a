"""Downloading every defense-card format from the guide page, as a browser does
(with and without JavaScript), and the guide's printable PDF."""

import helpers
import pytest

MAGIC = {"pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n"}


def card_links(page):
    """The guide's card download links: [(href, suggested file name, type)], one per format."""
    links = page.locator(".hts-defense-card__downloads a[download]")
    seen, found = set(), []
    for i in range(links.count()):
        link = links.nth(i)
        href = link.get_attribute("href")
        fmt = href.rstrip("/").rsplit("/", 1)[-1]
        if fmt not in seen:
            seen.add(fmt)
            found.append((href, link.get_attribute("download"), link.get_attribute("type")))
    return found


def download(page, href, tmp_path):
    with page.expect_download() as info:
        page.locator(f".hts-defense-card__downloads a[href='{href}']").first.click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    target = tmp_path / dl.suggested_filename
    dl.save_as(target)
    return dl.suggested_filename, target.read_bytes()


@pytest.mark.parametrize("language", helpers.LANGUAGES)
def test_every_card_format_downloads(page, translated_paths, tmp_path, language):
    page.goto(translated_paths["guide"][language])
    links = card_links(page)
    formats = {href.rstrip("/").rsplit("/", 1)[-1] for href, _n, _t in links}
    assert formats == {"wallet", "sheet-letter", "sheet-a4", "phone"}, formats
    for href, _suggested, content_type in links:
        assert f"/{language}/" in href, href
        name, data = download(page, href, tmp_path)
        extension = name.rsplit(".", 1)[-1]
        assert extension in MAGIC, name
        assert data.startswith(MAGIC[extension]), (href, data[:16])
        assert content_type.endswith(extension), (href, content_type)
        assert len(data) > 1000, (href, len(data))


def test_card_downloads_without_javascript(nojs_page, translated_paths, tmp_path):
    page = nojs_page
    page.goto(translated_paths["guide"]["en"])
    links = card_links(page)
    assert links
    href = next(h for h, _n, _t in links if h.rstrip("/").endswith("wallet"))
    name, data = download(page, href, tmp_path)
    assert name.endswith(".pdf") and data.startswith(MAGIC["pdf"])
    href = next(h for h, _n, _t in links if h.rstrip("/").endswith("phone"))
    name, data = download(page, href, tmp_path)
    assert name.endswith(".png") and data.startswith(MAGIC["png"])


CONTRAST_SCRIPT = """
el => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const ch = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  let node = el, background = null;
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { background = c; break; }
    node = node.parentElement;
  }
  background = background || [255, 255, 255];
  const color = parse(getComputedStyle(el).color);
  const [a, b] = [luminance(color), luminance(background)].sort((x, y) => y - x);
  return {
    color: getComputedStyle(el).color,
    background: "rgb(" + background.slice(0, 3).join(", ") + ")",
    ratio: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100,
  };
}
"""


def test_guide_pdf_button_is_readable(page, translated_paths):
    """The "printable PDF" button's text contrasts with what is behind it (WCAG AA)."""
    page.goto(translated_paths["guide"]["en"])
    button = page.locator("a.hts-button[href$='/pdf/']")
    assert button.is_visible()
    contrast = button.evaluate(CONTRAST_SCRIPT)
    assert contrast["ratio"] >= 4.5, (
        f"guide PDF button (a.hts-button.hts-button--secondary): text {contrast['color']} "
        f"on {contrast['background']}, contrast {contrast['ratio']}:1 < 4.5:1"
    )
    response = page.request.get(button.get_attribute("href"))
    assert response.ok and response.body().startswith(MAGIC["pdf"])
