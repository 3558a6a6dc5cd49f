"""Chinese is the default language: every string the code marks is translated, and the
compiled catalogue shipped in the repository matches its source."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.one_database  # the sources and the catalogue, no database


@pytest.fixture(scope="module")
def gettext_tools():
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("gettext is not installed (apt-get install gettext)")
    pytest.skip("gettext is not installed: translation checks did NOT run")


def _text(lines: str) -> str:
    return "".join(re.findall(r'"(.*)"', lines))


def untranslated(po_text: str) -> list[str]:
    """msgids whose translation is empty or marked fuzzy (entries wrap over several lines)."""
    missing = []
    for entry in po_text.split("\n\n")[1:]:
        if entry.lstrip().startswith("#~"):
            continue  # obsolete: no longer in the code
        msgid, *msgstrs = re.split(r"^msgstr(?:\[\d\])? ", entry, flags=re.M)
        if "#, fuzzy" in entry or not msgstrs or not all(_text(m) for m in msgstrs):
            missing.append(_text(msgid.split("msgid_plural")[0]))
    return missing


def test_the_catalogue_has_no_gaps():
    assert untranslated(PO.read_text(encoding="utf-8")) == []


def test_every_marked_string_is_in_the_catalogue(gettext_tools, tmp_path):
    """makemessages on a copy of the code finds no string the catalogue lacks."""
    for name in ("bangfu", "config", "templates", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    env = {**os.environ, "BANGFU_VAR_DIR": str(tmp_path / "var")}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    assert untranslated(fresh) == [], "run makemessages -l zh_Hans and translate these"


def test_the_compiled_catalogue_is_current(gettext_tools, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", compiled, PO], check=True, capture_output=True)
    assert compiled.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run compilemessages"
