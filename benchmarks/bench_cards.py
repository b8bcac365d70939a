"""Defense card files: cold render time per format and script, and the cached ratio.

Run: .venv/bin/python benchmarks/bench_cards.py  (needs the fonts of docs/fonts.md).
Prints figures; asserts nothing (timings depend on the machine).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

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
    for language in ("en", "ar", "ko", "pa", "ti"):
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
