"""Translate content through wagtail-localize's own machinery (as an editor would).

Used by the demo loader, the sample content (guides/samples.py) and tests: strings are
extracted into a TranslationSource, translations are saved as StringTranslations, and
wagtail-localize builds the target. Strings without a translation fall back to the
source text.
"""

from django.db import transaction
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource


@transaction.atomic
def translate(instance, locale, strings, publish=True):
    """Create or update the ``locale`` translation of ``instance``.

    ``strings`` maps source text (as extracted, e.g. a paragraph's inner HTML) to its
    translation. Returns the translated instance.
    """
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    if not _created:
        source.update_from_db()
    translation, _ = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = strings.get(segment.string.data)
        if text is None:
            continue
        StringTranslation.objects.update_or_create(
            translation_of=segment.string,
            locale=locale,
            context=segment.context,
            defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
        )
    translation.save_target(publish=publish)
    return instance.get_translation(locale)
