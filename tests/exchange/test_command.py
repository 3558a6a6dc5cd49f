"""manage.py import_households speaks the installation's language (Chinese by default), and a
--commit that writes nothing says so plainly and exits non-zero."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation

from bangfu.registry.models import Household

from .corpus import HEADER, SON_ID, family, xlsx

# What may stay in Latin letters: the command, its options and metavariables' syntax, and
# the file types it reads.
ALLOWED = {"import_households", "commit", "user", "help", "h", "xlsx", "xls", "csv"}


def latin_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z_]+", text) if w not in ALLOWED]


def test_help_is_in_chinese(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("import_households", "--help")
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "检查" in text and "--commit" in text and "--user" in text
    assert latin_words(text) == []


def test_help_follows_the_installations_language(capsys):
    with translation.override("en"), pytest.raises(SystemExit):
        call_command("import_households", "--help")
    assert "household sheet" in capsys.readouterr().out


def test_progress_is_worded_like_the_page(county_admin, tmp_path, capsys):
    path = xlsx(tmp_path / "好.xlsx", [HEADER, *family()])
    call_command("import_households", str(path), "--user", "county_admin")
    captured = capsys.readouterr()
    assert "正在校验" in captured.err and "checking" not in captured.err
    assert "未写入" in captured.out and "--commit" in captured.out
    assert latin_words(captured.err) == []


def test_a_refused_commit_says_nothing_was_written_and_exits_non_zero(
    county_admin, tmp_path, capsys
):
    rows = family() + family("6111030022010104")
    rows[2][9] = SON_ID[:15] + "000"  # one household refused, the other would be new
    path = xlsx(tmp_path / "有错.xlsx", [HEADER, *rows])
    with pytest.raises(SystemExit) as exit_:
        call_command("import_households", str(path), "--commit", "--user", "county_admin")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "未写入任何数据：未执行 --commit。" in out
    assert "新增" not in out  # what the file would have added is not a result
    assert "1 户有错误" in out
    assert not Household.objects.exists()


def test_a_clean_commit_says_what_it_wrote(county_admin, tmp_path, capsys):
    path = xlsx(tmp_path / "好.xlsx", [HEADER, *family()])
    call_command("import_households", str(path), "--commit", "--user", "county_admin")
    out = capsys.readouterr().out
    assert "已写入 3 行" in out and "新增 1" in out and "已导入。" in out
    assert Household.objects.count() == 1
