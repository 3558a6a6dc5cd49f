from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import COLUMNS
from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"), choices=ImportKind.choices, initial=ImportKind.HOUSEHOLDS
    )
    file = forms.FileField(
        label=_("Sheet"),
        help_text=_(
            ".xlsx, .xls or .csv. Households: as the national system exports them, or the "
            "template. Pairings: 户编号 (or 户主身份证号码), 帮扶干部手机号, "
            "是否主要帮扶人, 结对日期. Work teams: 派出单位, 所驻村, 队伍名称, 姓名, 身份证号, "
            "队内职务, 手机号, 派驻时间, 任期截止."
        ),
    )


class ExportForm(forms.Form):
    full_ids = forms.BooleanField(
        label=_("Full ID numbers (recorded in the audit log)"), required=False
    )


class SynonymForm(forms.Form):
    column = forms.ChoiceField(label=_("Column"), choices=[(c.key, c.header) for c in COLUMNS])
    synonym = forms.CharField(label=_("Name in the sheet"), max_length=100)
