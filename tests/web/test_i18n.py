"""Italian first: every string of the interface is translated and the compiled catalogue is
the one built from the current translations."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import comunitas

PACKAGE = Path(comunitas.__file__).parent
CATALOGUE = PACKAGE / "locale" / "it" / "LC_MESSAGES" / "django.po"
MSGID = re.compile(r'^msgid "(.*)"$')


def msgids(po: Path) -> set[str]:
    """The message ids of a catalogue (the first line of multi-line ids is enough to compare)."""
    ids, lines = set(), po.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if match := MSGID.match(line):
            text = match[1]
            following = number + 1
            while following < len(lines) and lines[following].startswith('"'):
                text += lines[following][1:-1]
                following += 1
            ids.add(text)
    ids.discard("")
    return ids


def test_every_message_is_translated_into_italian():
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", str(CATALOGUE)], capture_output=True, text=True, check=True
    )
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", str(CATALOGUE)], capture_output=True, text=True, check=True
    )
    assert untranslated.stdout == "", "untranslated:\n" + untranslated.stdout[:2000]
    assert fuzzy.stdout == "", "fuzzy:\n" + fuzzy.stdout[:2000]


def test_the_catalogue_has_every_string_of_the_source(tmp_path):
    """makemessages on a copy of the package finds no string missing from the catalogue."""
    copy = tmp_path / "comunitas"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "it", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    missing = msgids(copy / "locale/it/LC_MESSAGES/django.po") - msgids(CATALOGUE)
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:20]}"


def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE)], check=True)
    assert compiled.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes(), "run `make messages`"
