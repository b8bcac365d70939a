"""Defense card files: cold render time per format and script, and the cached ratio.

Run: .venv/bin/python benchmarks/bench_cards.py [language ...]  (needs the fonts of
docs/fonts.md; default: en ar ko pa ti).
Prints figures; asserts nothing (timings depend on the machine).
"""

import sys
import time

# A throwaway, migrated database (the branding of a card's site is read from it).
from _django import setup

setup()

from django.test.utils import override_settings  # noqa: E402
from wagtail.models import Locale  # noqa: E402

from heretostay_wagtail.guides.cards import files  # noqa: E402
from heretostay_wagtail.guides.cards.formats import FORMATS  # noqa: E402
from heretostay_wagtail.guides.samples import SAMPLE_CARDS  # noqa: E402
from heretostay_wagtail.models import DefenseCard  # noqa: E402


def card(language):
    heading, text, label = SAMPLE_CARDS[language]
    return DefenseCard(
        locale=Locale(language_code=language),
        title="Bench",
        organization_name="Springfield Immigrant Rights Network",
        holder_heading=heading,
        holder_text=text,
        hotline="+12025550143",
        hotline_label=label,
    )


@override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}})
def main():
    print(f"{'language':8} {'format':13} {'cold s':>7} {'cached s':>9} {'ratio':>7}")
    languages = [a for a in sys.argv[1:] if not a.startswith("-")] or ["en", "ar", "ko", "pa", "ti"]
    for language in languages:
        c = card(language)
        for name, fmt in FORMATS.items():
            t = time.perf_counter()
            files.get_card_file(c, fmt)
            cold = time.perf_counter() - t
            t = time.perf_counter()
            files.get_card_file(c, fmt)
            cached = time.perf_counter() - t
            print(f"{language:8} {name:13} {cold:7.2f} {cached:9.4f} {cold / cached:7.0f}x")


if __name__ == "__main__":
    main()
