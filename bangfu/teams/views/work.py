"""A team's work on pages: its meetings (and the tasks they decide), the tasks overdue under
a place, its monthly reports, its discipline records."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bangfu.core import params
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for

from .. import services
from ..forms.work import DisciplineForm, MeetingForm, ReportForm, TaskDoneForm
from ..selectors import work as selectors
from ..selectors.residence import team_for
from ..services.work import may_work_for


@login_required
def meetings(request, team_id):
    """A team's meetings (驻村例会), latest first, and the form to record one with its
    decisions as tasks."""
    team = team_for(request.user, team_id)
    may_record = may_work_for(request.user, team)
    form = MeetingForm(request.POST or None, members=selectors.current_members(request.user, team))

    def record():
        data = form.cleaned_data
        return services.meeting_record(
            actor=request.user,
            team_id=team.pk,
            meeting=services.MeetingInput(
                held_on=data["held_on"],
                place=data["place"],
                minutes=data["minutes"],
                attendee_ids=data["attendees"],
                tasks=[services.TaskInput(**row) for row in form.task_rows()],
            ),
        )

    if request.method == "POST" and (done := attempt(form, record)):
        messages.success(request, _("The meeting was recorded."))
        return redirect("teams:meeting_detail", meeting_id=done.result.pk)
    return render(
        request,
        "teams/work/meetings.html",
        {
            "team": team,
            "form": form if may_record else None,
            "page": selectors.meetings_of(
                request.user, team, params.page_number(request.GET.get("page"))
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def meeting_detail(request, meeting_id):
    meeting = selectors.meeting_for(request.user, meeting_id)
    may_record = may_work_for(request.user, meeting.team)
    return render(
        request,
        "teams/work/meeting.html",
        {
            "meeting": meeting,
            "tasks": [
                (task, TaskDoneForm(auto_id=f"task{task.pk}_%s") if may_record else None)
                for task in meeting.tasks.all()
            ],
        },
    )


@login_required
@require_POST
def task_done(request, task_id):
    selectors.task_for(request.user, task_id)  # 404 before anything else, like a missing one
    form = TaskDoneForm(request.POST)
    meeting_id = params.optional_id(request.POST.get("meeting"))
    if not form.is_valid():
        messages.error(request, _("Enter the day it was done."))
    else:
        try:
            task = services.task_done(
                actor=request.user,
                task_id=task_id,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The task is recorded as done."))
            return redirect("teams:meeting_detail", meeting_id=task.meeting_id)
    if meeting_id:
        return redirect("teams:meeting_detail", meeting_id=meeting_id)
    return redirect("teams:tasks_overdue")


@login_required
def tasks_overdue(request):
    """Meeting tasks not done by their due day under a place, the longest overdue first."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    page = Paginator(selectors.overdue_tasks(request.user, within), selectors.PAGE_SIZE)
    return render(
        request,
        "teams/work/overdue.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page.get_page(params.page_number(request.GET.get("page"))),
        },
    )


@login_required
def work_reports(request, team_id):
    """A team's monthly work reports (月度工作报告), and the form to submit or correct one."""
    team = team_for(request.user, team_id)
    may_record = may_work_for(request.user, team)
    form = ReportForm(request.POST or None, months=selectors.report_months(team))

    def submit():
        return services.work_report_submit(
            actor=request.user,
            team_id=team.pk,
            month=params.month(form.cleaned_data["month"]),
            text=form.cleaned_data["text"],
        )

    if request.method == "POST" and (done := attempt(form, submit)):
        messages.success(request, _("The report was submitted, with the month's figures."))
        return redirect("teams:work_report_detail", report_id=done.result.pk)
    return render(
        request,
        "teams/work/reports.html",
        {"team": team, "form": form if may_record else None,
         "reports": selectors.reports_of(request.user, team)},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
def work_report_detail(request, report_id):
    report = selectors.report_for(request.user, report_id)
    return render(request, "teams/work/report.html", {"report": report, "f": report.figures})


@login_required
def discipline(request, team_id):
    """A team's discipline records (纪律约束), and the form to record one (for the office)."""
    team = team_for(request.user, team_id)
    form = DisciplineForm(
        request.POST or None, members=selectors.current_members(request.user, team)
    )

    def record():
        data = form.cleaned_data
        return services.discipline_record(
            actor=request.user,
            member_id=data["member"],
            record=services.DisciplineInput(
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                description=data["description"],
                decision=data["decision"],
            ),
        )

    if request.method == "POST" and attempt(form, record):
        messages.success(request, _("The discipline record was kept."))
        return redirect("teams:discipline", team_id=team.pk)
    return render(
        request,
        "teams/work/discipline.html",
        {
            "team": team,
            "form": form if selectors.may_record_discipline(request.user) else None,
            "page": selectors.discipline_of(
                request.user, team, params.page_number(request.GET.get("page"))
            ),
        },
        status=400 if form.errors else 200,
    )
