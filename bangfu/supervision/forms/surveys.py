"""Forms of questionnaires and household surveys. The rules are the services'; a form gives
the browser the hints of the model's value rules and leaves every refusal to the service,
which names the question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bangfu.core.forms import DATE_INPUT, RuledForm
from bangfu.core.regions import RegionLevel
from bangfu.core.selectors import places_down_to

from ..models import AnswerKind, Method, Purpose, Question, Questionnaire, Survey
from ..services.surveys import SURVEY_METHODS, answer_field


class QuestionnaireForm(RuledForm):
    rules_of = Questionnaire

    region_code = forms.ChoiceField(
        label=_("Place"), help_text=_("Households at this place and under it are asked it.")
    )
    name = forms.CharField(label=_("Name"))
    standard = forms.BooleanField(
        label=_("With the standard questions"),
        required=False,
        initial=True,
        help_text=_(
            "Whether they know their helper's name, the helper's name, home visits this "
            "month, what was done, satisfaction from 1 to 5."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [
            (code, f"{name}（{RegionLevel(level).label}）")
            for code, name, level in places_down_to(user, RegionLevel.VILLAGE)
        ]


class QuestionForm(RuledForm):
    rules_of = Question

    text = forms.CharField(label=_("Question"))
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=AnswerKind.choices)
    purpose = forms.ChoiceField(
        label=_("Checked against"),
        choices=Purpose.choices,
        initial=Purpose.OTHER,
        help_text=_(
            "An answer checked against the records becomes a finding when it contradicts them."
        ),
    )
    position = forms.IntegerField(
        label=_("Position"), required=False, help_text=_("Left empty: after the last question.")
    )


YES_NO = [("1", _("Yes")), ("0", _("No"))]
SATISFACTION = [(str(n), str(n)) for n in range(1, 6)]


def _answer_field(question: Question) -> forms.Field:
    """A question's field: radio buttons for yes or no and for satisfaction, digits for a
    number, words otherwise; never required (a question left unanswered is no answer)."""
    if question.kind == AnswerKind.YES_NO:
        widget: forms.Widget = forms.RadioSelect(choices=YES_NO)
    elif question.kind == AnswerKind.SATISFACTION:
        widget = forms.RadioSelect(choices=SATISFACTION)
    elif question.kind == AnswerKind.NUMBER:
        widget = forms.NumberInput(attrs={"min": 0, "max": 99, "inputmode": "numeric"})
    else:
        widget = forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    help_text = (
        _("1 very dissatisfied … 5 very satisfied")
        if question.kind == AnswerKind.SATISFACTION
        else ""
    )
    return forms.CharField(
        label=question.text, required=False, widget=widget, help_text=help_text, strip=False
    )


class SurveyForm(RuledForm):
    """The survey of one household: how and when, who answered, then one field a question
    of its questionnaire, in order (by phone first: the method is chosen, phone preselected)."""

    rules_of = Survey

    method = forms.CharField(
        label=_("Surveyed"),
        widget=forms.RadioSelect(
            choices=[(method.value, method.label) for method in map(Method, SURVEY_METHODS)]
        ),
        initial=Method.PHONE,
    )
    surveyed_on = forms.DateField(label=_("Surveyed on"), widget=DATE_INPUT)
    respondent = forms.CharField(
        label=_("Who answered"), required=False, help_text=_("For example: 户主马建国, his wife.")
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[answer_field(question)] = _answer_field(question)

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(answer_field(q), "") for q in self.questions}

    def details(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "surveyed_on": data["surveyed_on"],
            "respondent": data["respondent"],
            "answers": self.answers(),
        }


class HouseholdNumberForm(forms.Form):
    number = forms.CharField(label=_("Household number"), max_length=30)
