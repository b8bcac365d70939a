"""Branding settings (issue 16); the organization's name moves there from campaign
settings, its value copied for every site that had one."""

import django.db.models.deletion
import heretostay_wagtail.core.models
from django.db import migrations, models


def copy_organization_name(apps, schema_editor):
    CampaignSettings = apps.get_model("heretostay", "CampaignSettings")
    BrandingSettings = apps.get_model("heretostay", "BrandingSettings")
    for site_id, name in CampaignSettings.objects.exclude(organization_name="").values_list(
        "site_id", "organization_name"
    ):
        BrandingSettings.objects.update_or_create(
            site_id=site_id, defaults={"organization_name": name}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('heretostay', '0002_deliveryjob_regions'),
        ('wagtailcore', '0098_apitoken'),
        ('wagtailimages', '0027_image_description'),
    ]

    operations = [
        migrations.CreateModel(
            name='BrandingSettings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('organization_name', models.CharField(blank=True, help_text='Shown in the header of public pages, in emails and on the cover of delivery PDFs.', max_length=200, verbose_name='organization name')),
                ('accent_color', models.CharField(default='#a3122b', help_text='Buttons, links and highlights: # and six hexadecimal digits.', max_length=7, validators=[heretostay_wagtail.core.models.validate_hex_color], verbose_name='accent colour')),
                ('accent_text_color', models.CharField(default='#ffffff', help_text='Text on buttons. It must contrast with the accent colour at least 4.5:1 (WCAG AA).', max_length=7, validators=[heretostay_wagtail.core.models.validate_hex_color], verbose_name='text colour on the accent colour')),
                ('contact_line', models.CharField(blank=True, help_text='One line at the foot of public pages, emails and defense cards, for example “Hotline 555-0100 · info@example.org”.', max_length=150, verbose_name='contact line')),
                ('logo', models.ForeignKey(blank=True, help_text='Shown in the header of public pages and on the cover of delivery PDFs. A PNG or JPEG, wider than tall, works best.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image', verbose_name='logo')),
                ('site', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.CASCADE, to='wagtailcore.site')),
            ],
            options={
                'verbose_name': 'branding',
            },
        ),
        migrations.RunPython(copy_organization_name, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='campaignsettings',
            name='organization_name',
        ),
    ]
