"""Pages of household surveys (群众满意度调查): the list of surveys (filters, pages, .xlsx), a
household's survey recorded by phone or at home with its questionnaire's questions (from a
round's sample or the household's page), a survey with the findings it raised, the
questionnaires and their questions, and the month's satisfaction by place against the rule."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bangfu.core import params
from bangfu.core.capabilities import Capability, require
from bangfu.core.errors import DomainError
from bangfu.core.forms import attempt
from bangfu.core.selectors import place_filter_choices, region_for
from bangfu.core.tables import xlsx_response

from ..forms.surveys import HouseholdNumberForm, QuestionForm, QuestionnaireForm, SurveyForm
from ..models import Method
from ..selectors import surveys as selectors
from ..selectors.phone import QUEUE
from ..services import surveys as services
from ..services.surveys import answer_field
from .phone import kept_for_inspector, phone_offline

METHODS = [Method.PHONE.value, Method.HOME.value]


def round_param(raw: str | None) -> int | None:
    """``?round=``: a round's id, or nothing; anything else is refused rather than read as
    no round (a survey would then be recorded outside it)."""
    if not (raw or "").strip():
        return None
    found = params.possible_id(raw)
    if found is None:
        raise params.BadParameter(_("Choose an inspection round from the list."), field="round")
    return found


def _within(request):
    code = params.place(request.GET.get("place"))
    return code, (region_for(request.user, code) if code else None)


@login_required
def surveys(request):
    """The surveys of the reader's places (or of one), by month, round and method (调查记录)."""
    code, within = _within(request)
    month = params.month(request.GET.get("month")) if request.GET.get("month") else None
    round_id = round_param(request.GET.get("round"))
    method = params.choice(request.GET.get("method"), field="method", choices=METHODS)
    rows = selectors.surveys_of(
        request.user, within=within, month=month, round_id=round_id, method=method
    )
    if params.download(request.GET, "xlsx"):
        return xlsx_response(
            _("Household surveys"),
            [
                _("Surveyed on"),
                _("Place"),
                _("Household number"),
                _("Method"),
                _("Who answered"),
                _("Round"),
                _("Recorded by"),
                _("Answers"),
            ],
            (
                [
                    survey.surveyed_on,
                    survey.region.name,
                    survey.household.number,
                    survey.get_method_display(),
                    survey.respondent,
                    str(survey.round or ""),
                    survey.recorded_by.full_name or survey.recorded_by.username,
                    "；".join(
                        f"{answer.question.text}：{selectors.answer_shown(answer)}"
                        for answer in survey.answers.all()
                    ),
                ]
                for survey in rows.prefetch_related("answers__question").iterator(chunk_size=500)
            ),
        )
    page = Paginator(rows, 50).get_page(params.page_number(request.GET.get("page")))
    return render(
        request,
        "supervision/surveys.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "month": month,
            "round_id": round_id,
            "rounds": selectors.round_choices(request.user),
            "method": method,
            "methods": [(m, Method(m).label) for m in METHODS],
            "page": page,
            "rows": _named(page.object_list),
            "may_survey": request.user.has_capability(Capability.INSPECT),
        },
    )


def _named(surveys) -> list:
    """The page's surveys, each with how its household is named (one query)."""
    names = selectors.names_of(surveys)
    return [(survey, names.get(survey.household_id)) for survey in surveys]


def _to_survey(household_id: int, round_id: int | None):
    url = reverse("supervision:survey_household", args=[household_id])
    return redirect(f"{url}?{urlencode({'round': round_id})}" if round_id else url)


@login_required
def survey_record(request):
    """Survey a household: ``?household=`` (and ``?round=``, from a round's sample list)
    opens its form; without one, the household's number is asked for."""
    require(request.user, Capability.INSPECT)
    round_id = round_param(request.GET.get("round"))
    household_id = params.optional_id(request.GET.get("household"))
    if household_id is not None:
        return _to_survey(household_id, round_id)
    form = HouseholdNumberForm(request.GET if "number" in request.GET else None)
    if form.is_valid():
        household = selectors.household_by_number(request.user, form.cleaned_data["number"])
        if household is not None:
            return _to_survey(household.pk, round_id)
        form.add_error("number", _("No household of your places has this number."))
    return render(
        request,
        "supervision/surveys_pick.html",
        {"form": form, "round_id": round_id},
        status=400 if form.errors else 200,
    )


@login_required
def survey_household(request, household_id):
    """A household's survey (``?round=`` within a round's sample): by phone first, one field
    a question of the questionnaire in use at its place."""
    require(request.user, Capability.INSPECT)
    round_id = round_param(request.GET.get("round"))
    household = selectors.household_to_survey(request.user, household_id)
    inspection = selectors.round_for(request.user, round_id) if round_id else None
    questionnaire = selectors.questionnaire_in_use(household.region_id)
    questions = selectors.questions_of(questionnaire, retired=False) if questionnaire else []
    form = SurveyForm(
        request.POST or None,
        questions=questions,
        initial={"method": Method.PHONE, "surveyed_on": timezone.localdate()},
    )

    def record():
        return services.survey_record(
            actor=request.user,
            household_id=household.pk,
            round_id=inspection.pk if inspection else None,
            **form.details(),
        )

    done = attempt(form, record) if request.method == "POST" else None
    if done:
        findings = done.result.findings.count()
        messages.success(
            request,
            _("The survey is recorded.")
            + (
                " "
                + _("Its answers contradict the records: %(n)d finding raised.") % {"n": findings}
                if findings
                else ""
            ),
        )
        return redirect("supervision:survey", survey_id=done.result.pk)
    # The inspector's own form: kept on the phone, recorded offline into its queue.
    offline = phone_offline(request.user)
    response = render(
        request,
        "supervision/surveys_record.html",
        {
            "offline": offline,
            "queue": QUEUE,
            "answers": {answer_field(q): q.pk for q in questions},
            "form": form,
            "household": household,
            "name": selectors.household_names([household]).get(household.pk),
            "round": inspection,
            "questionnaire": questionnaire,
            "earlier": selectors.round_survey(request.user, inspection, household)
            if inspection
            else None,
            "in_sample": selectors.in_sample(inspection, household) if inspection else True,
        },
        status=400 if form.errors else 200,
    )
    return kept_for_inspector(request, response, offline)


@login_required
def survey(request, survey_id):
    """A survey: who answered how, each answer, and the findings its answers raised."""
    return render(
        request, "supervision/surveys_survey.html", selectors.survey_detail(request.user, survey_id)
    )


# -- questionnaires ---------------------------------------------------------------------------


def _may_manage(user) -> bool:
    return user.has_capability(Capability.MANAGE_EVALUATION)


@login_required
def questionnaires(request):
    """The questionnaires of the reader's places (or of one), those in use first (调查问卷)."""
    code, within = _within(request)
    page = Paginator(selectors.questionnaires_of(request.user, within=within), 50).get_page(
        params.page_number(request.GET.get("page"))
    )
    return render(
        request,
        "supervision/surveys_questionnaires.html",
        {
            "within": within,
            "places": place_filter_choices(request.user, code),
            "page": page,
            "may_manage": _may_manage(request.user),
        },
    )


@login_required
def questionnaire_add(request):
    require(request.user, Capability.MANAGE_EVALUATION)
    form = QuestionnaireForm(request.POST or None, user=request.user)
    done = (
        attempt(
            form,
            lambda: services.questionnaire_create(
                actor=request.user,
                region_code=form.cleaned_data["region_code"],
                name=form.cleaned_data["name"],
                standard=form.cleaned_data["standard"],
            ),
        )
        if request.method == "POST"
        else None
    )
    if done:
        messages.success(request, _("The questionnaire is made; add or change its questions."))
        return redirect("supervision:questionnaire", questionnaire_id=done.result.pk)
    return render(
        request,
        "supervision/surveys_form.html",
        {"form": form, "title": gettext_lazy("Make a questionnaire"), "back": None},
        status=400 if form.errors else 200,
    )


@login_required
def questionnaire(request, questionnaire_id):
    """A questionnaire's questions, in order, with the forms for what the reader may do."""
    record = selectors.questionnaire_for(request.user, questionnaire_id)
    may = _may_manage(request.user) and not record.retired
    return render(
        request,
        "supervision/surveys_questionnaire.html",
        {
            "questionnaire": record,
            "questions": selectors.questions_of(record),
            "may_manage": may,
            "question_form": QuestionForm() if may else None,
        },
    )


def _question_page(request, form, action, *, back, title: str, done: str):
    if request.method == "POST" and attempt(form, action):
        messages.success(request, done)
        return redirect("supervision:questionnaire", questionnaire_id=back.pk)
    return render(
        request,
        "supervision/surveys_form.html",
        {"form": form, "title": title, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
def question_add(request, questionnaire_id):
    record = selectors.questionnaire_for(request.user, questionnaire_id)
    require(request.user, Capability.MANAGE_EVALUATION)
    form = QuestionForm(request.POST or None)
    return _question_page(
        request,
        form,
        lambda: services.question_add(
            actor=request.user, questionnaire_id=record.pk, **form.cleaned_data
        ),
        back=record,
        title=gettext_lazy("Add a question"),
        done=_("The question is added."),
    )


@login_required
def question_edit(request, question_id):
    question = selectors.question_for(request.user, question_id)
    require(request.user, Capability.MANAGE_EVALUATION)
    form = QuestionForm(
        request.POST or None,
        initial={
            "text": question.text,
            "kind": question.kind,
            "purpose": question.purpose,
            "position": question.position,
        },
    )
    return _question_page(
        request,
        form,
        lambda: services.question_update(
            actor=request.user, question_id=question.pk, **form.cleaned_data
        ),
        back=question.questionnaire,
        title=gettext_lazy("Change a question"),
        done=_("The question is changed."),
    )


def _button(request, action, done: str) -> None:
    """A button's service call: done, or its refusal, said on the page it goes back to."""
    try:
        action()
    except DomainError as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(request, done)


@login_required
def question_retire(request, question_id):
    """Stop asking a question (a button on the questionnaire's page)."""
    question = selectors.question_for(request.user, question_id)
    if request.method == "POST":
        _button(
            request,
            lambda: services.question_retire(actor=request.user, question_id=question.pk),
            _("The question is no longer asked."),
        )
    return redirect("supervision:questionnaire", questionnaire_id=question.questionnaire_id)


@login_required
def questionnaire_retire(request, questionnaire_id):
    """Retire a questionnaire (a button on its page)."""
    record = selectors.questionnaire_for(request.user, questionnaire_id)
    if request.method == "POST":
        _button(
            request,
            lambda: services.questionnaire_retire(actor=request.user, questionnaire_id=record.pk),
            _("The questionnaire is retired."),
        )
    return redirect("supervision:questionnaire", questionnaire_id=record.pk)


# -- satisfaction -----------------------------------------------------------------------------


@login_required
def satisfaction(request):
    """The month's satisfaction (群众满意度) of a place and the places under it, against the
    rule (``supervision.satisfaction_min``)."""
    code = params.place(request.GET.get("place"))
    month = params.month(request.GET.get("month"))
    tops, rows = selectors.satisfaction_by_place(request.user, code or None, month)
    before, after = params.months_around(month)
    return render(
        request,
        "supervision/surveys_satisfaction.html",
        {
            "within": tops[0] if code else None,
            "places": place_filter_choices(request.user, code),
            "month": month,
            "before": before,
            "after": after,
            "tops": rows[: len(tops)],
            "below": rows[len(tops) :],
        },
    )
