"""Load the demo: locales, a home page and campaigns in English and Spanish, an admin.

Safe to run again: existing demo content is left as it is; the admin password is reset
and printed each time.
"""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from wagtail.models import Locale, Page, Site

from example_site.home.models import HomePage
from heretostay_wagtail.core.localize import translate

from ...content import CONTENT_LOADERS

#: The organization's purpose, shown at the top of the home page.
PURPOSE = (
    "Here to Stay is a network of immigrants, neighbors and allies in Springfield. We "
    "organize so that every family can stay together and live without fear: we win "
    "sanctuary policies, show up for each other when immigration agents come, and make "
    "sure everyone knows their rights."
)
PURPOSE_ES = (
    "Aquí Nos Quedamos es una red de personas inmigrantes, vecinos y aliados en Springfield. "
    "Nos organizamos para que todas las familias puedan seguir juntas y vivir sin miedo: "
    "conseguimos políticas santuario, nos acompañamos cuando llegan agentes de inmigración y "
    "nos aseguramos de que todo el mundo conozca sus derechos."
)


class Command(BaseCommand):
    help = "Create demo content in English and Spanish and an admin login."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, port, **options):
        en, _ = Locale.objects.get_or_create(language_code="en")
        es, _ = Locale.objects.get_or_create(language_code="es")
        home = self.home_page(en, es, port)
        home_es = home.get_translation(es)
        for loader in CONTENT_LOADERS:
            loader(home, home_es)
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(9)
        user, _ = get_user_model().objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
        )
        user.set_password(password)
        user.save()
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(
            f"\n  Site:   http://localhost:{port}/en/  and  http://localhost:{port}/es/"
            f"\n  Admin:  http://localhost:{port}/admin/"
            f"\n  Login:  admin / {password}"
            f"\n  Headless example (REST API client):  http://localhost:{port}/headless/\n"
        )

    def home_page(self, en, es, port):
        existing = HomePage.objects.filter(locale=en).first()
        if existing:
            return existing
        root = Page.get_first_root_node()
        # Replace Wagtail's placeholder "Welcome" page.
        for page in root.get_children().exclude(
            content_type__app_label="home", content_type__model="homepage"
        ):
            page.delete()
        home = root.add_child(
            instance=HomePage(
                title="Here to Stay",
                slug="home",
                locale=en,
                intro=f"<p>{PURPOSE}</p>",
            )
        )
        home.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": "localhost",
                "port": int(port),
                "root_page": home,
                "site_name": "Here to Stay",
            },
        )
        translate(
            home,
            es,
            {
                "Here to Stay": "Aquí Nos Quedamos",
                PURPOSE: PURPOSE_ES,
            },
        )
        return home
