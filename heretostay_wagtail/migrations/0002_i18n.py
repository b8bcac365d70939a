"""Make petition targets translatable: give existing rows their page's locale and a
translation key shared by the copies of one target across translations of a page."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def populate(apps, schema_editor):
    PetitionTarget = apps.get_model("heretostay", "PetitionTarget")
    targets = PetitionTarget.objects.select_related("page").order_by("page_id", "sort_order", "pk")
    position = {}
    for target in targets.iterator():
        index = position[target.page_id] = position.get(target.page_id, -1) + 1
        target.locale_id = target.page.locale_id
        target.translation_key = uuid.uuid5(target.page.translation_key, str(index))
        target.save(update_fields=["locale", "translation_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("heretostay", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="petitiontarget",
            name="locale",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AddField(
            model_name="petitiontarget",
            name="translation_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(populate, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="petitiontarget",
            name="locale",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="wagtailcore.locale",
                verbose_name="locale",
            ),
        ),
        migrations.AlterField(
            model_name="petitiontarget",
            name="translation_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterUniqueTogether(
            name="petitiontarget",
            unique_together={("translation_key", "locale")},
        ),
    ]
