"""Completeness check of the shipped translation catalogues.

Regenerates each catalogue with ``makemessages`` from a temporary copy of its source
tree (the committed files are never touched) and compares it with the committed
``.po`` and ``.mo``. Used by ``test_catalogues.py``; the failure text lists the msgids
to fix, so after merging branches the fix is: ``make messages``, translate what is
listed, commit.
"""

import shutil
import subprocess
from pathlib import Path

import polib
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]

#: (source directory, language): every catalogue the project ships.
CATALOGUES = [
    (ROOT / "heretostay_wagtail", "es"),
    (ROOT / "example_site", "es"),
]

# Copy what `make messages` scans (it reads .py, .html and .txt files); skip only what it
# never reads, such as fonts and images, to keep the copy small.
IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.mo", "*.ttf", "*.otf", "*.woff", "*.woff2", "*.png", "*.jpg", "*.pdf"
)


def shown(path):
    path = Path(path)
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def po_path(source_dir, language):
    return source_dir / "locale" / language / "LC_MESSAGES" / "django.po"


def key(entry):
    """Identity of a message: context, singular and plural source text."""
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def label(k):
    ctx, msgid, plural = k
    text = repr(msgid)
    if plural:
        text += f" (plural {plural!r})"
    if ctx:
        text += f" [context {ctx!r}]"
    return text


def is_translated(entry):
    if entry.obsolete or "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(v.strip() for v in entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def regenerate(source_dir, language, workdir, monkeypatch):
    """Run makemessages on a copy of ``source_dir`` (with the committed .po merged in)."""
    copy = Path(workdir) / source_dir.name
    shutil.copytree(source_dir, copy, ignore=IGNORED)
    (copy / "locale" / language / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=[language],
        no_obsolete=True,
        add_location="file",
        verbosity=0,
    )
    return polib.pofile(str(po_path(copy, language)))


def problems(source_dir, language, workdir, monkeypatch):
    """Everything wrong with one catalogue, as readable lines (empty when all is well)."""
    path = po_path(source_dir, language)
    rel = shown(path)
    if not path.exists():
        return [f"{rel} does not exist: run `make messages` and translate it."]
    committed = polib.pofile(str(path))
    fresh = regenerate(source_dir, language, workdir, monkeypatch)
    found = []

    committed_keys = {key(e) for e in committed if not e.obsolete}
    fresh_keys = {key(e) for e in fresh if not e.obsolete}
    new = sorted(fresh_keys - committed_keys)
    gone = sorted(committed_keys - fresh_keys)
    if new:
        found.append(f"{rel} is out of date: {len(new)} source string(s) not in it:")
        where = {key(e): ", ".join(sorted({f for f, _line in e.occurrences})) for e in fresh}
        found += [f"    {label(k)}  ({where.get(k, '?')})" for k in new]
    if gone:
        found.append(f"{rel} is out of date: {len(gone)} msgid(s) no longer in the sources:")
        found += [f"    {label(k)}" for k in gone]

    fuzzy = [label(key(e)) for e in committed if not e.obsolete and "fuzzy" in e.flags]
    empty = [
        label(key(e))
        for e in committed
        if not e.obsolete and "fuzzy" not in e.flags and not is_translated(e)
    ]
    if fuzzy:
        found.append(f"{rel}: {len(fuzzy)} fuzzy message(s) (review, then remove the flag):")
        found += [f"    {m}" for m in fuzzy]
    if empty:
        found.append(f"{rel}: {len(empty)} untranslated message(s):")
        found += [f"    {m}" for m in empty]
    if obsolete := [label(key(e)) for e in committed if e.obsolete]:
        found.append(f"{rel}: {len(obsolete)} obsolete (#~) message(s); remove them.")

    check = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    if check.returncode:
        found.append(f"{rel}: msgfmt --check failed:\n{check.stderr}")

    found += stale_mo(committed, path, rel)
    return found


def compiled_messages(catalogue):
    """What gettext would serve: translated, non-fuzzy messages (header excluded)."""
    messages = {}
    for e in catalogue:
        if not e.msgid or not is_translated(e):
            continue
        if e.msgid_plural:
            messages[key(e)] = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural))
        else:
            messages[key(e)] = e.msgstr
    return messages


def stale_mo(committed, path, rel):
    mo_path = path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{shown(mo_path)} does not exist: run `make messages`."]
    expected = compiled_messages(committed)
    actual = compiled_messages(polib.mofile(str(mo_path)))
    if expected == actual:
        return []
    differ = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    lines = [
        f"{shown(mo_path)} is stale ({len(differ)} message(s) differ from the .po): "
        "run `make messages` (compilemessages) and commit the .mo."
    ]
    return lines + [f"    {label(k)}" for k in differ[:20]]
