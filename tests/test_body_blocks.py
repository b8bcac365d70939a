"""The plain body blocks render as real HTML, not bare text."""

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from heretostay_wagtail.blocks import CampaignBodyBlock

pytestmark = pytest.mark.django_db


def test_heading_renders_as_an_escaped_h2():
    block = CampaignBodyBlock()
    value = block.to_python([{"type": "heading", "value": "<b>Know</b> your rights"}])
    html = block.render(value)
    assert '<h2 class="hts-block-heading">&lt;b&gt;Know&lt;/b&gt; your rights</h2>' in html


def test_image_renders_a_rendition_with_its_alt_text():
    image = Image.objects.create(
        title="March", file=get_test_image_file(), description="People marching"
    )
    block = CampaignBodyBlock()
    value = block.to_python(
        [
            {
                "type": "image",
                "value": {"image": image.pk, "alt_text": "Neighbors marching", "decorative": False},
            }
        ]
    )
    html = block.render(value)
    assert "<figure" in html and 'alt="Neighbors marching"' in html
