"""The picture a starter uploads: checked before anything is decoded, then kept as a
Wagtail image (the petition's image, and its share image).

Refused: files over ``MAX_UPLOAD_SIZE`` bytes (read from the upload's size, not its
content), anything Pillow does not recognize as a JPEG, PNG or WebP, and images of more
than ``MAX_PICTURE_PIXELS`` pixels, read from the header before any pixel is decoded (a
"decompression bomb" is a small file that decodes to gigabytes).
"""

import warnings

from django import forms
from django.core.files.images import ImageFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from heretostay_wagtail.core.conf import get_setting

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
#: 40 megapixels: any phone photo, far below what would exhaust a worker's memory.
MAX_PICTURE_PIXELS = 40_000_000
MIN_SIDE = 200

HELP_TEXT = format_lazy(
    _(
        "A JPEG, PNG or WebP photo, at most {size} MB. It is also shown when the petition is shared."
    ),
    size=get_setting("MAX_UPLOAD_SIZE") // (1024 * 1024),
)

TOO_BIG = _("This file is too big: the most is %(size)s MB. Try a smaller photo.")
NOT_AN_IMAGE = _("This file is not a picture we can use. Upload a JPEG, PNG or WebP photo.")
TOO_MANY_PIXELS = _("This picture is too large (%(pixels)s million pixels). Upload a smaller one.")
TOO_SMALL = _("This picture is too small: it needs to be at least %(side)s pixels wide and high.")


def validate(upload):
    """Raise a ``ValidationError`` unless ``upload`` is a usable picture."""
    max_size = get_setting("MAX_UPLOAD_SIZE")
    if upload.size is None or upload.size > max_size:
        raise forms.ValidationError(
            TOO_BIG, code="too_big", params={"size": max_size // (1024 * 1024)}
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow warns above 89 Mpx (and refuses above twice that); the stricter
            # limit below is ours.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)  # reads the header only
        with image:
            width, height = image.size
            kind = image.format
            if kind not in FORMATS:
                raise forms.ValidationError(NOT_AN_IMAGE, code="format")
            if width * height > MAX_PICTURE_PIXELS:
                raise forms.ValidationError(
                    TOO_MANY_PIXELS,
                    code="pixels",
                    params={"pixels": (width * height) // 1_000_000},
                )
            if width < MIN_SIDE or height < MIN_SIDE:
                raise forms.ValidationError(TOO_SMALL, code="small", params={"side": MIN_SIDE})
            image.verify()  # the structure, without keeping the pixels
    except forms.ValidationError:
        raise
    except Image.DecompressionBombError:
        raise forms.ValidationError(
            TOO_MANY_PIXELS, code="pixels", params={"pixels": "?"}
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise forms.ValidationError(NOT_AN_IMAGE, code="format") from None
    finally:
        upload.seek(0)
    upload.heretostay_format = kind
    return upload


def save(upload, *, title, description, user):
    """Store a validated upload as a Wagtail image in the "Campaign pictures" collection."""
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    name = "Campaign pictures"  # an organizer renames it at will: found again by name
    collection = root.get_children().filter(name=name).first() or root.add_child(name=name)
    extension = FORMATS.get(getattr(upload, "heretostay_format", ""), "jpg")
    image_model = get_image_model()
    image = image_model(
        title=title[:255],
        collection=collection,
        uploaded_by_user=user,
        file=ImageFile(upload, name=f"campaign.{extension}"),
    )
    if description and hasattr(image, "description"):
        image.description = description
    image.save()
    return image
