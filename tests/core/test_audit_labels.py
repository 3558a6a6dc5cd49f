"""The audit log speaks people's words: every action a service records and every kind of
record has a translated label in one registry (core.audit), shown on the page and in its
download, with the codes kept beside them for machines."""

import ast
import io
import re
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django.utils import translation
from python_calamine import CalamineWorkbook

from bangfu.core import audit

ROOT = Path(__file__).resolve().parents[2] / "bangfu"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _recorded() -> tuple[set[str], set[str]]:
    """Action codes and object types written literally in the code: ``action=`` of any call
    (``record``, and helpers that pass it on), the first two fields of ``Change(...)``, and
    ``object_type=``."""
    actions, types = set(), set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                    if keyword.arg == "action" and CODE.match(keyword.value.value):
                        actions.add(keyword.value.value)
                    if keyword.arg == "object_type" and keyword.value.value:
                        types.add(keyword.value.value)
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "Change":
                literal = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
                if len(literal) == 2:
                    actions.add(literal[0])
                    types.add(literal[1])
    return actions, types


def test_every_action_a_service_records_has_a_label():
    actions, _types = _recorded()
    assert len(actions) > 40  # the scan finds them (it would pass vacuously otherwise)
    assert {"user.sign_in", "visit.record", "pairing.end", "region.create"} <= actions
    assert sorted(actions - set(audit.ACTIONS)) == []


def test_every_kind_of_record_has_a_label():
    """``audit.record(obj=…)`` names the model: every model of the project may be one."""
    _actions, types = _recorded()
    models = {
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("bangfu.")
    }
    assert "visits.visitphoto" in models and "accounts.user" in models
    assert sorted((models | types) - set(audit.OBJECT_TYPES)) == []


def test_every_label_is_in_chinese():
    with translation.override("zh-hans"):
        untranslated = [
            code
            for code, label in {**audit.ACTIONS, **audit.OBJECT_TYPES}.items()
            if not re.search(r"[\u4e00-\u9fff]", str(label))
        ]
    assert untranslated == []
    with translation.override("zh-hans"):
        assert audit.action_label("user.sign_in") == "登录"
        assert audit.action_label("visit.record") == "记录走访"
        assert audit.object_label("accounts.user") == "用户"
        assert audit.object_label("visits.visitphoto") == "走访照片"
    # A code from before its label (or from a newer version) is shown as it is.
    assert audit.action_label("old.thing") == "old.thing"


def test_the_log_and_its_download_show_labels_and_keep_the_codes(county_admin, client):
    client.force_login(county_admin)
    with transaction.atomic():
        audit.record(
            actor=county_admin,
            action="visit.photo_add",
            object_type="visits.visitphoto",
            object_id="7",
            region_code="611103002201",
        )
    page = client.get("/audit/").content.decode()
    assert '<td data-code="visit.photo_add">添加走访照片</td>' in page
    assert '<td data-code="visits.visitphoto">走访照片 7</td>' in page
    assert "<td>visit.photo_add</td>" not in page

    response = client.get("/audit/?format=xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    rows = book.get_sheet_by_index(0).to_python()
    header = next(row for row in rows if "#" in row)
    photo = next(row for row in rows if "visit.photo_add" in row)
    named = dict(zip(header, photo, strict=True))
    assert named["操作"] == "添加走访照片" and named["操作代码"] == "visit.photo_add"
    assert named["记录"] == "走访照片" and named["记录类型代码"] == "visits.visitphoto"
    assert str(named["记录编号"]) == "7"
