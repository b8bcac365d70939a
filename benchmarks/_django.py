"""Set up Django for a benchmark script: a throwaway database, migrated.

Benchmarks run outside pytest. SQLite in a temporary file by default; set
DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench) for PostgreSQL, where
the database is dropped and recreated.
"""

import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup():
    if not os.environ.get("DATABASE_URL"):
        db = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        from django.test.utils import setup_databases

        return setup_databases(verbosity=0, interactive=False)
    call_command("migrate", verbosity=0, interactive=False)
    return None


def teardown(old_config):
    """Drop the PostgreSQL test database ``setup`` made (``old_config`` is what it
    returned); a SQLite file lies in a temporary directory."""
    if old_config:
        from django.db import connections
        from django.test.utils import teardown_databases

        connections.close_all()
        teardown_databases(old_config, verbosity=0)


def make_site():
    """A home page and a live petition, like the test fixtures."""
    from wagtail.models import Locale, Page, Site

    from heretostay_wagtail.models import PetitionPage, PetitionTarget
    from tests.testapp.models import HomePage

    en, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Bench home", slug=f"bench-{uuid.uuid4().hex[:8]}", locale=en)
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "port": 80, "root_page": home}
    )
    petition = PetitionPage(
        title="Benchmark petition",
        slug="bench",
        ask="Ask",
        why="<p>Why</p>",
        scope="national",
        goal=1000,
    )
    petition.targets = [PetitionTarget(name="Mayor", role="Mayor")]
    home.add_child(instance=petition)
    return home, petition


def report(name, rows):
    """Print a small table: label, value."""
    print(f"\n{name}")
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value}")
