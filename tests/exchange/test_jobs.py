"""A background job that stops on an unexpected error says so to its owner, in their
language, with a reference for the administrator; the exception goes to the log only.
Imports, exports and the reports app's handbooks share the guard."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from bangfu.core.jobs import run_guarded
from bangfu.core.models import JobState, Region
from bangfu.exchange import services
from bangfu.exchange.models import ExportJob, ImportJob
from bangfu.reports import services as reports_services
from bangfu.reports import tasks as reports_tasks
from bangfu.reports.models import HandbookJob

from .corpus import HEADER, family, xlsx

INSIDE = "There is no item named 'xl/_rels/workbook.xml.rels' in /srv/bangfu/var/imports"
SAID = {
    "en": "It stopped on an unexpected error, and nothing of it was kept. If it stops again "
    "when you try again, tell your system administrator, naming {reference}.",
    "zh-hans": "任务因意外错误中止，未保留任何结果。如果重试后仍然中止，请联系系统管理员，"
    "并告知编号 {reference}。",
}


def broken(*args, **kwargs):
    raise KeyError(INSIDE)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_owner_is_told_in_the_jobs_language_and_the_log_keeps_the_error(
    county_admin, caplog, language
):
    job = ImportJob.objects.create(
        owner=county_admin, file_name="户信息.xlsx", path="/nowhere.xlsx", language=language
    )
    other = "zh-hans" if language == "en" else "en"  # the worker's, not the job's
    with (
        translation.override(other),
        pytest.raises(KeyError),
        caplog.at_level(logging.ERROR, "bangfu.core.jobs"),
    ):
        run_guarded(ImportJob, job.pk, broken)
    job.refresh_from_db()
    reference = f"exchange.importjob#{job.pk}"
    assert (job.state, job.message) == (
        JobState.FAILED,
        SAID[language].format(reference=reference),
    )
    [logged] = caplog.records
    assert logged.getMessage() == f"{reference} stopped on an unexpected error"
    assert INSIDE in logged.exc_text


def test_an_import_page_shows_the_message_not_the_exception(
    signed_in, county_admin, tmp_path, monkeypatch
):
    monkeypatch.setattr(services, "households_check", broken)
    path = xlsx(tmp_path / "户信息.xlsx", [HEADER, *family()])
    answer = signed_in(county_admin).post(
        reverse("exchange:import_list"),
        {"kind": "households", "file": SimpleUploadedFile(path.name, path.read_bytes())},
        follow=True,
    )
    job = answer.context["job"]
    page = answer.content.decode()
    assert job.state == JobState.FAILED
    assert SAID["zh-hans"].format(reference=f"exchange.importjob#{job.pk}") in page
    assert INSIDE not in page and "KeyError" not in page


def test_an_export_page_shows_the_message_not_the_exception(signed_in, county_admin, monkeypatch):
    monkeypatch.setattr(services, "write_table", broken)
    answer = signed_in(county_admin).post(reverse("exchange:export_start"), {}, follow=True)
    job = ExportJob.objects.get(owner=county_admin)
    page = answer.content.decode()
    assert job.state == JobState.FAILED
    assert SAID["zh-hans"].format(reference=f"exchange.exportjob#{job.pk}") in page
    assert INSIDE not in page and "KeyError" not in page


def test_a_handbook_page_shows_the_message_not_the_exception(signed_in, county_admin, monkeypatch):
    monkeypatch.setattr(reports_services.handbook, "handbook_households", broken)
    job = HandbookJob.objects.create(
        owner=county_admin,
        region=Region.objects.get(code="611103002201"),
        language="en",
        path="/nowhere.pdf",
    )
    reports_tasks.write_handbook.enqueue(job.pk)
    page = signed_in(county_admin).get(reverse("reports:handbook_job", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert SAID["en"].format(reference=f"reports.handbookjob#{job.pk}") in page.content.decode()
    assert INSIDE not in page.content.decode()


def _line(page) -> str:
    """The job's state line, as one reads it."""
    import re

    text = page.content.decode().split('class="job-line">', 1)[1].split("</p>", 1)[0]
    text = re.sub(r"<progress[^>]*>.*?</progress>", " ", text)  # a bar's fallback text
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.mark.parametrize(
    ("state", "phase", "done", "total", "said"),
    [
        # Waiting: no figures yet, whatever the request counted.
        (JobState.QUEUED, "", 0, 370, "等待开始"),
        # Running but not yet reported: its first step, n of N.
        (JobState.RUNNING, "", 0, 370, "正在写出文件 0 / 370"),
        (JobState.RUNNING, "writing", 200, 370, "正在写出文件 200 / 370"),
        (JobState.DONE, "", 370, 370, "已完成"),
        (JobState.FAILED, "", 0, 370, "失败"),
    ],
)
def test_an_exports_state_and_progress_agree(
    signed_in, county_admin, state, phase, done, total, said
):
    job = ExportJob.objects.create(
        owner=county_admin,
        list_name="households",
        path="/nowhere.xlsx",
        language="zh-hans",
        state=state,
        phase=phase,
        done=done,
        total=total,
    )
    page = signed_in(county_admin).get(reverse("exchange:export_detail", args=[job.pk]))
    assert _line(page) == said
    assert ("hx-trigger" in page.content.decode()) == (state in (JobState.QUEUED, "running"))


@pytest.mark.parametrize(
    ("state", "phase", "done", "total", "said"),
    [
        (JobState.QUEUED, "", 0, 0, "等待开始"),
        # A commit asked for waits for the worker: it says so, not that it is writing.
        (JobState.QUEUED, "commit", 0, 0, "等待开始"),
        (JobState.RUNNING, "", 0, 0, "正在读取"),
        (JobState.RUNNING, "reading", 120, 0, "正在读取 120"),
        (JobState.RUNNING, "checking", 12, 21, "正在校验 12 / 21"),
        (JobState.CHECKED, "", 21, 21, "已校验：请查看预览"),
        (JobState.REFUSED, "", 21, 21, "有错误：未导入任何数据"),
    ],
)
def test_an_imports_state_and_progress_agree(
    signed_in, county_admin, state, phase, done, total, said
):
    job = ImportJob.objects.create(
        owner=county_admin,
        file_name="户信息.xlsx",
        path="/nowhere.xlsx",
        language="zh-hans",
        state=state,
        phase=phase,
        done=done,
        total=total,
    )
    page = signed_in(county_admin).get(reverse("exchange:import_detail", args=[job.pk]))
    assert _line(page) == said
