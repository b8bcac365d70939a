"""CI gate: every shipped catalogue is complete, reviewed, current and compiled.

On failure: ``make messages``, translate the listed msgids in the .po (no fuzzy flags
left), ``make messages`` again to compile, commit .po and .mo.
"""

import shutil

import polib
import pytest

from .catalogues import CATALOGUES, ROOT, problems

GETTEXT = ("msgfmt", "xgettext", "msgmerge")


@pytest.fixture(autouse=True)
def _gettext_installed():
    missing = [tool for tool in GETTEXT if not shutil.which(tool)]
    if missing:
        pytest.fail(
            f"GNU gettext is needed to check the catalogues ({', '.join(missing)} not found): "
            "apt-get install gettext / brew install gettext"
        )


@pytest.mark.parametrize(
    "source_dir,language",
    CATALOGUES,
    ids=[f"{d.relative_to(ROOT)}:{lang}" for d, lang in CATALOGUES],
)
def test_catalogue_is_complete_and_current(source_dir, language, tmp_path, monkeypatch):
    found = problems(source_dir, language, tmp_path / "work", monkeypatch)
    assert not found, "\n" + "\n".join(found) + "\nFix: make messages, translate, make messages."


# -- the gate itself catches each kind of mistake -------------------------------------


@pytest.fixture
def tiny_app(tmp_path):
    """A source tree with two strings and a complete, compiled Spanish catalogue."""
    app = tmp_path / "tinyapp"
    (app / "templates").mkdir(parents=True)
    (app / "views.py").write_text(
        "from django.utils.translation import gettext as _\n\nMESSAGE = _('Sign the petition')\n"
    )
    (app / "templates" / "page.html").write_text("{% load i18n %}{% translate 'Thank you!' %}\n")
    locale_dir = app / "locale" / "es" / "LC_MESSAGES"
    locale_dir.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    po.append(polib.POEntry(msgid="Sign the petition", msgstr="Firma la petición"))
    po.append(polib.POEntry(msgid="Thank you!", msgstr="¡Gracias!"))
    po.save(str(locale_dir / "django.po"))
    po.save_as_mofile(str(locale_dir / "django.mo"))
    return app, locale_dir


def check(app, tmp_path, monkeypatch):
    return "\n".join(problems(app, "es", tmp_path / "work", monkeypatch))


def test_gate_passes_a_complete_catalogue(tiny_app, tmp_path, monkeypatch):
    app, _ = tiny_app
    assert check(app, tmp_path, monkeypatch) == ""


def test_gate_lists_a_new_source_string(tiny_app, tmp_path, monkeypatch):
    app, _ = tiny_app
    with open(app / "views.py", "a") as f:
        f.write("OTHER = _('Share with your neighbors')\n")
    report = check(app, tmp_path, monkeypatch)
    assert "out of date: 1 source string(s) not in it" in report
    assert "'Share with your neighbors'" in report


def test_gate_lists_a_removed_source_string(tiny_app, tmp_path, monkeypatch):
    app, _ = tiny_app
    (app / "templates" / "page.html").write_text("{% load i18n %}\n")
    report = check(app, tmp_path, monkeypatch)
    assert "no longer in the sources" in report and "'Thank you!'" in report


def test_gate_lists_untranslated_and_fuzzy_messages(tiny_app, tmp_path, monkeypatch):
    app, locale_dir = tiny_app
    po = polib.pofile(str(locale_dir / "django.po"))
    po.find("Sign the petition").msgstr = ""
    po.find("Thank you!").flags.append("fuzzy")
    po.save()
    po.save_as_mofile(str(locale_dir / "django.mo"))
    report = check(app, tmp_path, monkeypatch)
    assert "1 untranslated message(s):\n    'Sign the petition'" in report
    assert "1 fuzzy message(s) (review, then remove the flag):\n    'Thank you!'" in report


def test_gate_lists_a_stale_mo(tiny_app, tmp_path, monkeypatch):
    app, locale_dir = tiny_app
    po = polib.pofile(str(locale_dir / "django.po"))
    po.find("Thank you!").msgstr = "¡Muchas gracias!"
    po.save()  # .po edited, .mo not recompiled
    report = check(app, tmp_path, monkeypatch)
    assert "django.mo is stale (1 message(s) differ from the .po)" in report
    assert "'Thank you!'" in report


def test_gate_catches_broken_placeholders(tiny_app, tmp_path, monkeypatch):
    app, locale_dir = tiny_app
    (app / "views.py").write_text(
        "from django.utils.translation import gettext as _\n\n"
        "MESSAGE = _('Sign the petition')\nGOAL = _('Goal: %(target)s')\n"
    )
    po = polib.pofile(str(locale_dir / "django.po"))
    po.append(
        polib.POEntry(msgid="Goal: %(target)s", msgstr="Meta: %(meta)s", flags=["python-format"])
    )
    po.save()
    po.save_as_mofile(str(locale_dir / "django.mo"))
    report = check(app, tmp_path, monkeypatch)
    assert "msgfmt --check failed" in report
