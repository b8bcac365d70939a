"""The delivery PDF's cover (issue 16): the signing dates, and group headings when grouped
by the full ZIP code; real PDFs, read back with pypdf."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from heretostay_wagtail.models import DeliveryJob, Signature
from heretostay_wagtail.paper import delivery

from .conftest import flat, pdf_pages, pdf_text, sign

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")  # tests/settings.py TIME_ZONE


def build(petition, **options):
    job = DeliveryJob.objects.create(page=petition, **options)
    delivery.build(job)
    job.refresh_from_db()
    assert job.status == "done", job.error
    return delivery.read(job)


def signed_at(*moments):
    for signature, moment in zip(Signature.objects.order_by("pk"), moments, strict=True):
        Signature.objects.filter(pk=signature.pk).update(created_at=moment)


def cover(pdf):
    return flat(pdf_pages(pdf)[0].extract_text())


def test_signatures_of_one_day_are_signed_on_that_day(petition):
    sign(petition, "Ana Pérez", "ana@example.org")
    sign(petition, "Luis Gómez", "luis@example.org")
    # Early morning and late evening of Dec. 1 in the site's time zone (two UTC dates).
    signed_at(
        datetime(2026, 12, 1, 0, 30, tzinfo=NEW_YORK),
        datetime(2026, 12, 1, 23, 30, tzinfo=NEW_YORK),
    )
    text = cover(build(petition))
    assert "Signed on Dec. 1, 2026." in text
    assert "between" not in text


def test_signatures_of_several_days_are_signed_between(petition):
    sign(petition, "Ana Pérez", "ana@example.org")
    sign(petition, "Luis Gómez", "luis@example.org")
    first = datetime(2026, 11, 28, 12, 0, tzinfo=NEW_YORK)
    signed_at(first, first + timedelta(days=3))
    text = cover(build(petition))
    assert "Signed between Nov. 28, 2026 and Dec. 1, 2026." in text
    assert "Signed on Nov" not in text and "Signed on Dec" not in text


def test_one_day_in_spanish(petition_es):
    sign(petition_es, "José Núñez", "jose@example.org")
    signed_at(datetime(2026, 12, 1, 12, 0, tzinfo=NEW_YORK))
    text = cover(build(petition_es))
    with translation.override("es"):
        expected = translation.gettext("Signed on %(day)s.") % {"day": "1 de diciembre de 2026"}
    assert expected in text
    assert "Firmado entre" not in text and "Signed between" not in text


def test_grouped_by_the_full_zip_code_headed_by_the_code(petition):
    sign(petition, "Ana Pérez", "ana@example.org", "94103")
    sign(petition, "Mei Chen", "mei@example.org", "10001")
    sign(petition, "Luis Gómez", "luis@example.org", "94103")
    pdf = build(petition, group_by=5)
    text = flat(pdf_text(pdf))
    assert "Postal codes starting" not in text
    assert "Postal code 10001: 1" in cover(pdf) and "Postal code 94103: 2" in cover(pdf)
    assert "Postal code 10001 1 signature" in text  # the list's headings
    assert text.index("Postal code 94103 2 signatures") < text.index("Ana Pérez")


def test_grouped_by_a_prefix_still_says_starting(petition):
    sign(petition, "Ana Pérez", "ana@example.org", "94103")
    text = flat(pdf_text(build(petition, group_by=3)))
    assert "Postal codes starting 941: 1" in text
    assert "Postal code 941" not in text.replace("Postal codes starting 941", "")
