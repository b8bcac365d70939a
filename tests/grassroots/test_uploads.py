"""The review pane's picture: size, type and pixel limits, and what a good one becomes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heretostay_wagtail.petitions.models import PetitionPage
from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures)
from tests.grassroots.start_helpers import fill_steps, picture_bytes, png_claiming, start_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_review(client, index, starter):
    fill_steps(client, index)
    client.force_login(starter)
    return client


def submit(client, index, content, name="photo.jpg", content_type="image/jpeg", **extra):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(start_url(index, "review"), {"picture": upload, **extra})


def test_a_good_picture_becomes_the_image_and_share_image(at_review, index):
    response = submit(at_review, index, picture_bytes(), picture_description="A march")
    assert response.status_code == 302
    petition = PetitionPage.objects.get()
    assert petition.image is not None
    assert petition.image.width == 400
    assert petition.image.collection.name == "Campaign pictures"
    assert petition.image.description == "A march"
    assert petition.image.uploaded_by_user.email == "starter@example.org"


def test_too_big_is_refused(at_review, index, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "MAX_UPLOAD_SIZE": 1024}
    response = submit(at_review, index, picture_bytes((800, 800)))
    assert response.status_code == 400
    assert response.context["form"].errors["picture"]
    assert PetitionPage.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"just some text, not a picture", "photo.jpg"),
        (b"%PDF-1.4 fake", "photo.png"),
        (b"", "empty.jpg"),
        (picture_bytes()[:200], "truncated.jpg"),
    ],
)
def test_not_an_image_is_refused(at_review, index, content, name):
    response = submit(at_review, index, content, name=name)
    assert response.status_code == 400
    assert PetitionPage.objects.count() == 0


def test_other_image_formats_are_refused(at_review, index):
    response = submit(at_review, index, picture_bytes(fmt="BMP"), name="photo.bmp")
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in str(response.context["form"].errors["picture"])


@pytest.mark.parametrize("side", [10_000, 50_000])
def test_huge_pixel_count_is_refused_before_decoding(at_review, index, side):
    response = submit(at_review, index, png_claiming(side, side), name="bomb.png")
    assert response.status_code == 400
    assert "too large" in str(response.context["form"].errors["picture"])
    assert PetitionPage.objects.count() == 0


def test_tiny_picture_is_refused(at_review, index):
    response = submit(at_review, index, picture_bytes((40, 40)))
    assert response.status_code == 400


def test_description_is_length_limited(at_review, index):
    response = submit(at_review, index, picture_bytes(), picture_description="d" * 251)
    assert response.status_code == 400
    assert response.context["form"].errors["picture_description"]
