"""The demo's pictures (CC0, drawn by ../images/make_images.py) as Wagtail images, set on
the home page and the campaign pages, in every language; and the demo organization's
branding (name, logo, contact line), shown on public pages, emails, cards and PDFs.

Runs after the other loaders. A page that already has a picture keeps it; a demo loaded
before the pictures existed gets them on the next ``load_demo``.
"""

from pathlib import Path

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.models import Site

from heretostay_wagtail.models import BrandingSettings, PetitionPage, PledgePage

IMAGES_DIR = Path(__file__).resolve().parent.parent / "images"

#: file name (in ../images) -> (title in the image library, description for editors).
PICTURES = {
    "home": ("Demo: houses at sunrise", "A row of colorful houses on a street at sunrise."),
    "petition": ("Demo: city hall", "A city hall with a dome, and a signed petition."),
    "pledge": ("Demo: network map", "A street map with pins joined into a network."),
    "guide": ("Demo: defense card", "A red wallet card, its back side and a shield."),
    "logo": ("Demo: logo", "A white house with a gold door on a red square."),
}

ORGANIZATION = "Here to Stay Springfield"
CONTACT_LINE = "Rapid response hotline 555-0100 · hello@heretostay.example"


def picture(name):
    """The Wagtail image of ``name``.png, imported on first use."""
    title, description = PICTURES[name]
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        with open(IMAGES_DIR / f"{name}.png", "rb") as f:
            image = Image(title=title, description=description)
            image.file = ImageFile(f, name=f"heretostay-demo-{name}.png")
            image.save()
    return image


def set_pictures(page, **fields):
    """Set the empty picture ``fields`` of ``page`` and of its translations, and publish."""
    for translation in page.get_translations(inclusive=True).specific():
        empty = {f: name for f, name in fields.items() if getattr(translation, f"{f}_id") is None}
        if not empty:
            continue
        for field, name in empty.items():
            setattr(translation, field, picture(name))
        translation.save_revision().publish()


def set_branding():
    """The demo organization's branding on the default site, unless someone set it."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    branding = BrandingSettings.for_site(site)
    if branding.organization_name or branding.logo_id:
        return
    branding.organization_name = ORGANIZATION
    branding.logo = picture("logo")
    branding.contact_line = CONTACT_LINE
    branding.full_clean()
    branding.save()


def load(home_en, home_es):
    set_branding()
    set_pictures(home_en, image="home", guide_image="guide")
    for model, slug, name in (
        (PetitionPage, "sanctuary-city", "petition"),
        (PledgePage, "pledge", "pledge"),
    ):
        page = model.objects.filter(locale=home_en.locale, slug=slug).first()
        if page is not None:
            set_pictures(page, image=name)
