from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bangfu.core import params
from bangfu.core.capabilities import Capability
from bangfu.core.errors import DomainError, NotPermitted
from bangfu.core.forms import attempt, show_refusal
from bangfu.core.pdf import pdf_from_html, pdf_response
from bangfu.core.scoping import public
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response
from bangfu.registry.selectors import household_for, household_names
from bangfu.visits.offline import helper_offline, kept_offline

from . import selectors, services
from .forms import (
    ClosingForm,
    IncomeCheckForm,
    ReportAlertForm,
    ReportClosingForm,
    RuleRunForm,
    ScreeningForm,
    SelfReportForm,
    StartForm,
    StepForm,
)
from .models import AlertState, RuleRun, SelfReportState

# The phone's IndexedDB database of the steps and alerts' closings not yet sent (its name is
# the steps', which came first: a phone keeps what waits there).
STEPS_QUEUE = "bangfu-steps"


def _phone(request, household_id: int, render_page):
    """A page of a helper's own household: kept on the phone for working offline, with the
    offline line counting the steps waiting; an office's view is neither."""
    own = selectors.kept_on_phone(request.user, household_id)
    offline = None
    if own:
        offline = helper_offline(
            request.user,
            worker="monitoring:service_worker",
            queue=STEPS_QUEUE,
            waiting=_("Steps and closings waiting on this phone:"),
        )
    response = render_page({"offline": offline, "queue": STEPS_QUEUE})
    return kept_offline(response) if own and response.status_code == 200 else response


@login_required
def alert_list(request, code=None):
    """Alerts under a place (预警): the place in the address (a place page's link) or chosen
    in the filter; by state, or only the overdue ones."""
    code = code or params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    filters = selectors.AlertFilters.read(
        request.GET.get("state"),
        request.GET.get("overdue"),
        request.GET.get("rule"),
        request.GET.get("run"),
    )
    rows = selectors.alerts(request.user, within, filters)
    today = timezone.localdate()
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            f"{_('Monitoring alerts')}-{today:%Y-%m-%d}",
            [
                _("Place"),
                _("Household number"),
                _("Source"),
                _("Rule"),
                _("What was found"),
                _("Raised on"),
                _("To be verified by"),
                _("State"),
                _("Overdue"),
                _("Closed on"),
                _("Helper"),
            ],
            (
                [
                    a.region.name,
                    a.household.number,
                    a.get_source_display(),
                    a.rule_code,
                    a.summary,
                    a.raised_on,
                    a.due_on,
                    a.get_state_display(),
                    _("yes") if a.is_overdue(today) else "",
                    a.closed_on,
                    a.helper.name if a.helper else "",
                ]
                for a in rows.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "monitoring/alert_list.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "filters": filters,
            "states": AlertState.choices,
            "rules": selectors.rule_choices(),
            "run": selectors.rule_run_for(request.user, filters.run) if filters.run else None,
            "page": page,
            "today": timezone.localdate(),
        },
    )


def _alert_page(request, alert, form, status=200):
    may_close = alert.state == AlertState.OPEN and services.may_act(
        request.user, alert.household_id, Capability.HANDLE_ALERTS
    )
    return _phone(
        request,
        alert.household_id,
        lambda phone: render(
            request,
            "monitoring/alert.html",
            {
                **phone,
                "alert": alert,
                "form": form,
                "overdue": alert.is_overdue(timezone.localdate()),
                "may_close": may_close,
                # Closed at the household on the helper's phone: queued there, sent once.
                "queued": may_close and phone["offline"],
            },
            status=status,
        ),
    )


@login_required
def alert_detail(request, alert_id):
    alert = selectors.alert_for(request.user, alert_id)
    form = ClosingForm(initial={"closed_on": timezone.localdate()})
    return _alert_page(request, alert, form)


@login_required
def alert_close(request, alert_id):
    alert = selectors.alert_for(request.user, alert_id)
    if request.method != "POST":
        return redirect("monitoring:alert", alert_id=alert.pk)
    form = ClosingForm(request.POST)

    def close():
        return services.alert_close(
            actor=request.user,
            alert_id=alert.pk,
            closing=services.ClosingInput(**form.cleaned_data),
        )

    done = attempt(form, close)
    if done:
        messages.success(request, _("The alert is closed."))
        if done.result.procedure_id:
            return redirect("monitoring:procedure", procedure_id=done.result.procedure_id)
        return redirect("monitoring:alert", alert_id=alert.pk)
    return _alert_page(request, selectors.alert_for(request.user, alert.pk), form, status=400)


@login_required
def screen(request, household_id):
    """A cadre's screening (排查) of a household: what was found raises an alert."""
    household = household_for(request.user, household_id)
    if not selectors.may_handle(request.user, household):
        raise NotPermitted()
    members = [(m.pk, m.name) for m in household.members.filter(left_on=None).order_by("pk")]
    form = ScreeningForm(
        request.POST or None, members=members, initial={"raised_on": timezone.localdate()}
    )

    def raise_alert():
        return services.alert_raise(
            actor=request.user,
            household_id=household.pk,
            alert=services.AlertInput(**form.cleaned_data),
        )

    done = request.method == "POST" and attempt(form, raise_alert)
    if done:
        messages.success(request, _("The alert is raised and sent to the helper and township."))
        return redirect("monitoring:alert", alert_id=done.result.pk)
    return render(
        request,
        "monitoring/screen.html",
        {"form": form, "household": household},
        status=400 if form.errors else 200,
    )


def _procedure_page(request, procedure, form=None, status=200):
    context = selectors.procedure_page(request.user, procedure)
    if form is None and context["may_do"]:
        form = StepForm(
            spec=context["awaited"],
            initial={
                "step": context["awaited"].key,
                "outcome": "passed",
                "done_on": timezone.localdate(),
                "notice_from": timezone.localdate(),
            },
        )
    # Queued on the phone: a step the helper records at the household without a photo (the
    # home check); the application's photo is posted with the form.
    queued = context["may_do"] and not context["awaited"].photo
    return _phone(
        request,
        procedure.household_id,
        lambda phone: render(
            request,
            "monitoring/procedure.html",
            {**context, **phone, "form": form, "queued": queued and phone["offline"]},
            status=status,
        ),
    )


@login_required
def procedure_detail(request, procedure_id):
    return _procedure_page(request, selectors.procedure_for(request.user, procedure_id))


@login_required
def step_record(request, procedure_id):
    """The awaited step's form posts here (the home check is done on a phone in the village)."""
    procedure = selectors.procedure_for(request.user, procedure_id)
    if request.method != "POST":
        return redirect("monitoring:procedure", procedure_id=procedure.pk)
    awaited = selectors.awaited_step(procedure)
    if not selectors.may_do(request.user, procedure, awaited):
        raise NotPermitted()
    form = StepForm(request.POST, request.FILES, spec=awaited)

    def record():
        data = dict(form.cleaned_data)
        upload = data.pop("image", None)
        return services.step_record(
            actor=request.user,
            procedure_id=procedure.pk,
            step=services.StepInput(**data),
            photo=upload.read() if upload else None,
            photo_name=upload.name if upload else "",
        )

    if attempt(form, record):
        messages.success(request, _("The step is recorded."))
        return redirect("monitoring:procedure", procedure_id=procedure.pk)
    return _procedure_page(
        request, selectors.procedure_for(request.user, procedure.pk), form, status=400
    )


@login_required
def procedure_start(request, household_id, kind):
    """Start a household's risk clearing (风险消除) or exit verification (脱贫退出): the page
    shows each checklist item's result and evidence today; starting is refused while one
    fails (the service names it)."""
    household = household_for(request.user, household_id)
    spec = services.startable(kind)
    form = StartForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST":
        if not services.may_start(request.user, household.pk, spec):
            raise NotPermitted()

        def start():
            return services.procedure_start(
                actor=request.user,
                household_id=household.pk,
                start=services.StartInput(kind=spec.kind, **form.cleaned_data),
            )

        done = attempt(form, start)
        if done:
            messages.success(request, _("The procedure is started."))
            return redirect("monitoring:procedure", procedure_id=done.result.pk)
    context = selectors.start_page(request.user, household, spec)
    return render(
        request,
        "monitoring/start.html",
        {**context, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def income_checks(request, household_id):
    """A household's income checks (收入核查), and the form to record one after a visit."""
    household = household_for(request.user, household_id)
    may_record = services.may_act(request.user, household.pk, Capability.MONITORING_HOME)
    form = IncomeCheckForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST":
        if not may_record:
            raise NotPermitted()

        def record():
            return services.income_check_record(
                actor=request.user,
                household_id=household.pk,
                check=services.IncomeCheckInput(**form.cleaned_data),
            )

        if attempt(form, record):
            messages.success(request, _("The income check is recorded."))
            return redirect("monitoring:income_checks", household_id=household.pk)
    page = Paginator(selectors.income_checks_of(household), 50).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "monitoring/income_checks.html",
        {"household": household, "page": page, "form": form if may_record else None},
        status=400 if form.errors else 200,
    )


@login_required
def procedures_late(request):
    """Procedures past their deadline under a place, with the step (and so the level) awaited."""
    code = params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    rows = selectors.late_procedures(request.user, within)
    today = timezone.localdate()
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            f"{_('Late procedures')}-{today:%Y-%m-%d}",
            [
                _("Place"),
                _("Household number"),
                _("Kind"),
                _("Started on"),
                _("To be done by"),
                _("Step awaited"),
                _("Who is late"),
            ],
            (
                [
                    p.region.name,
                    p.household.number,
                    p.get_kind_display(),
                    p.started_on,
                    p.due_on,
                    *((str(a.label), str(a.who)) if (a := selectors.awaited_step(p)) else ("", "")),
                ]
                for p in rows.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "monitoring/late.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page,
            "rows": [(p, selectors.awaited_step(p)) for p in page],
            "today": timezone.localdate(),
        },
    )


@login_required
def assistance(request, code=None):
    """Monitored households lacking assistance (a developmental measure they need, or a
    helper), or tracked under social security (兜底) (``?list=``), under a place; paged, or
    as .xlsx."""
    which = params.choice(
        request.GET.get("list"),
        field="list",
        choices=selectors.AssistanceList.values,
        default=selectors.AssistanceList.LACKING,
    )
    code = code or params.place(request.GET.get("place"))
    within = region_for(request.user, code) if code else None
    today = timezone.localdate()
    rows = selectors.assistance_list(request.user, which, within, today)
    title = selectors.AssistanceList(which).label
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            f"{title}-{today:%Y-%m-%d}",
            [
                _("Place"),
                _("Household number"),
                _("Status"),
                _("Able to work"),
                _("Developmental measure"),
                _("Helper now"),
            ],
            (
                [
                    h.region.name,
                    h.number,
                    h.get_status_display(),
                    _("yes") if h.able else _("no"),
                    _("yes") if h.developmental else _("no"),
                    _("yes") if h.helped else _("no"),
                ]
                for h in rows.iterator(chunk_size=2000)
            ),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "monitoring/assistance.html",
        {
            "which": which,
            "title": title,
            "lists": selectors.AssistanceList.choices,
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page,
            "rows": [(h, names[h.pk]) for h in page] if (names := household_names(page)) else [],
        },
    )


@login_required
def notice(request, procedure_id):
    """The village's public notice (公示) of a household's identification, printed from the
    records (A4, the page's print style)."""
    procedure = selectors.procedure_for(request.user, procedure_id)
    step = selectors.notice_step(procedure)
    if step is None:
        raise Http404()
    return render(request, "monitoring/notice.html", selectors.notice_of(procedure, step))


@login_required
def notice_pdf(request, procedure_id):
    """The public notice (公示) as an A4 PDF, to print and post in the village: the page's
    words rendered by WeasyPrint, as reports render the household handbook."""
    procedure = selectors.procedure_for(request.user, procedure_id)
    step = selectors.notice_step(procedure)
    if step is None:
        raise Http404()
    html = render_to_string(
        "monitoring/notice_pdf.html",
        {**selectors.notice_of(procedure, step), "language": get_language()},
        request=request,
    )
    number = procedure.household.number
    return pdf_response(
        pdf_from_html(html), f"{_('Public notice')}-{number}.pdf", f"notice-{number}"
    )


@login_required
def step_image(request, step_id):
    step = selectors.step_for(request.user, step_id)
    if not step.image:
        raise Http404()
    return FileResponse(step.image.open("rb"), content_type="image/jpeg")


@public
def self_report(request):
    """The public self-report page (农户自主申报): no sign-in. The answer shows only the
    receipt number, never what was stored; a flood is refused with 429."""
    form = SelfReportForm(request.POST or None, villages=selectors.villages_to_report_from())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                record = services.self_report_submit(
                    actor=request.user,
                    report=services.SelfReportInput(**form.cleaned_data),
                    address=request.META.get("REMOTE_ADDR", ""),
                )
            except services.TooMany as refusal:
                return render(
                    request,
                    "monitoring/self_report_refused.html",
                    {"message": refusal.message},
                    status=429,
                )
            except DomainError as refusal:
                show_refusal(form, refusal)
            else:
                return render(
                    request, "monitoring/self_report_received.html", {"receipt": record.receipt}
                )
        status = 400
    return render(request, "monitoring/self_report.html", {"form": form}, status=status)


@login_required
def self_report_list(request):
    """The self-reports from the villages of the user's places (the township's list); a
    receipt number (回执号) a caller quotes finds theirs."""
    state = params.choice(request.GET.get("state"), field="state", choices=SelfReportState.values)
    receipt = request.GET.get("receipt", "")
    page = Paginator(selectors.self_reports(request.user, state, receipt), 50).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "monitoring/self_report_list.html",
        {"page": page, "states": SelfReportState.choices, "state": state, "receipt": receipt},
    )


def _report_page(request, report, alert_form=None, closing_form=None, status=200):
    """A self-report with, while open and for the township, the households of its village to
    choose from (``?q=``: the head's name or the number) and the two answers."""
    search = request.GET.get("q", "")
    candidates = selectors.report_households(request.user, report, search)
    may_handle = selectors.may_handle_report(request.user, report)
    today = timezone.localdate()
    if may_handle and alert_form is None:
        alert_form = ReportAlertForm(
            households=[(h.pk, f"{name.label} · {h.number}") for h, name in candidates],
            initial={"summary": report.what_happened[:500], "raised_on": today},
        )
    if may_handle and closing_form is None:
        closing_form = ReportClosingForm(initial={"closed_on": today})
    return render(
        request,
        "monitoring/self_report_detail.html",
        {
            "report": report,
            "search": search,
            "candidates": candidates,
            "may_handle": may_handle,
            "alert_form": alert_form if may_handle else None,
            "closing_form": closing_form if may_handle else None,
        },
        status=status,
    )


@login_required
def self_report_detail(request, report_id):
    return _report_page(request, selectors.self_report_for(request.user, report_id))


@login_required
def self_report_alert(request, report_id):
    """Answer a self-report with an alert about the household it concerns."""
    report = selectors.self_report_for(request.user, report_id)
    if request.method != "POST":
        return redirect("monitoring:self_report_detail", report_id=report.pk)
    if not selectors.may_handle_report(request.user, report):
        raise NotPermitted()
    # The choice is checked by the service (a household of the report's village, seen by
    # the user), so the form takes any id the search may have offered.
    chosen = params.possible_id(request.POST.get("household_id", ""))
    form = ReportAlertForm(request.POST, households=[(chosen, chosen)] if chosen else [])

    def raise_alert():
        return services.self_report_raise_alert(
            actor=request.user,
            report_id=report.pk,
            alert=services.ReportAlertInput(**form.cleaned_data),
        )

    done = attempt(form, raise_alert)
    if done:
        messages.success(request, _("The alert is raised and sent to the helper and township."))
        return redirect("monitoring:alert", alert_id=done.result.alert_id)
    return _report_page(request, report, alert_form=form, status=400)


@login_required
def self_report_close(request, report_id):
    """Close a self-report as not at risk, with the reason."""
    report = selectors.self_report_for(request.user, report_id)
    if request.method != "POST":
        return redirect("monitoring:self_report_detail", report_id=report.pk)
    if not selectors.may_handle_report(request.user, report):
        raise NotPermitted()
    form = ReportClosingForm(request.POST)

    def close():
        return services.self_report_close(
            actor=request.user,
            report_id=report.pk,
            closing=services.ReportClosingInput(**form.cleaned_data),
        )

    if attempt(form, close):
        messages.success(request, _("The self-report is closed: not at risk."))
        return redirect("monitoring:self_report_detail", report_id=report.pk)
    return _report_page(request, report, closing_form=form, status=400)


@login_required
def rules(request, code=None):
    """The early-warning rules (预警规则) at a place today — the viewer's own unless one is
    named: each rule's definition, whether it is on there, its numbers in force and where
    they come from (each a policy, set on the policies page), and the data that feeds it."""
    code = code or params.place(request.GET.get("place"))
    region = region_for(request.user, code) if code else selectors.viewer_place(request.user)
    if region is None:
        raise NotPermitted()
    return render(
        request,
        "monitoring/rules.html",
        {
            "region": region,
            "rules": selectors.alert_rules_at(request.user, region),
            "places": place_filter_choices(request.user, region.code),
            "today": timezone.localdate(),
        },
    )


def _runs_page(request, form=None, status=200):
    runs = selectors.rule_runs(request.user)
    page = Paginator(runs, 20).get_page(params.page_number(request.GET.get("page")))
    counts = selectors.run_counts(request.user, list(page))
    if form is None and request.user.has_capability(Capability.MONITORING_COUNTY):
        form = RuleRunForm(places=selectors.rule_run_places(request.user))
    return render(
        request,
        "monitoring/rule_runs.html",
        {
            "page": page,
            "rows": [(run, counts[run.pk]) for run in page],
            "form": form,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def rule_runs(request):
    """The last runs of the early-warning rules (预警规则运行): when, why, over what, and what
    each raised in the reader's places, by rule, each count leading to those alerts."""
    return _runs_page(request)


@login_required
def rule_run_start(request):
    """The county office runs the rules today over a place of theirs (POST)."""
    if request.method != "POST":
        return redirect("monitoring:rule_runs")
    if not request.user.has_capability(Capability.MONITORING_COUNTY):
        raise NotPermitted()
    form = RuleRunForm(request.POST, places=selectors.rule_run_places(request.user))
    done = attempt(
        form,
        lambda: services.rules_run(
            on=timezone.localdate(),
            actor=request.user,
            place=form.cleaned_data["place"],
            trigger=RuleRun.Trigger.COMMAND,
        ),
    )
    if done:
        messages.success(
            request,
            _("The rules ran: %(alerts)s alerts raised for %(households)s households.")
            % {"alerts": done.result.alerts, "households": done.result.households},
        )
        return redirect("monitoring:rule_runs")
    return _runs_page(request, form, status=400)
